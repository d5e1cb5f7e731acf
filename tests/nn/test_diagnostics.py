"""fit(diagnostics=True): per layer and epoch, gradient norms, saturated and dead units, checked by hand."""

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn.data import DataLoader, TensorDataset
from nn.optim import SGD
from nn.train import History, fit


@pytest.fixture(autouse=True)
def _float64():
    autograd.set_default_dtype(np.float64)  # the conftest restores it


def probe_model():
    """Linear → ReLU (units 0 and 1 dead: bias −100) → Linear (large weights) → Sigmoid → Linear."""
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 4), nn.Sigmoid(), nn.Linear(4, 2))
    model[0].bias.data[:] = [-100.0, -100.0, 0.0, 0.5]
    model[2].weight.data *= 20
    return model


def data(n=32, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)) * scale, rng.integers(0, 2, n)


def by_hand(model, X, y, batch_size):
    """The same numbers from a plain loop over the batches, without fit."""
    norms, hits, total, alive = {"0": [], "2": [], "4": []}, 0, 0, np.zeros(4, dtype=bool)
    for start in range(0, len(X), batch_size):
        xb, yb = Tensor(X[start:start + batch_size]), y[start:start + batch_size]
        model.zero_grad()
        hidden = model[1](model[0](xb))
        squashed = model[3](model[2](hidden))
        nn.CrossEntropyLoss()(model[4](squashed), yb).backward()
        alive |= (hidden.data > 0).any(axis=0)
        hits += int(((squashed.data < 0.01) | (squashed.data > 0.99)).sum())
        total += squashed.data.size
        for name in norms:
            grads = [p.grad.data for p in model[int(name)].parameters()]
            norms[name].append(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return {k: float(np.mean(v)) for k, v in norms.items()}, hits / total, float(np.mean(~alive))


def test_diagnostics_record_what_a_hand_written_loop_measures():
    model = probe_model()
    X, y = data()
    X_val, y_val = data(8, seed=1, scale=1000.0)  # would wake the dead units: validation must not be counted
    train = DataLoader(TensorDataset(X, y), batch_size=8)
    val = DataLoader(TensorDataset(X_val, y_val), batch_size=8)
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.0), train, val, epochs=2,
                  diagnostics=True, progress=False)  # lr 0: every epoch sees the same model
    norms, saturated, dead = by_hand(model, X, y, 8)
    recorded = history.diagnostics
    assert set(recorded) == {"grad_norm", "saturated", "dead"}
    assert set(recorded["grad_norm"]) == {"0", "2", "4"}
    for name, value in norms.items():
        assert recorded["grad_norm"][name] == pytest.approx([value, value], rel=1e-12)
    assert recorded["saturated"] == {"3": pytest.approx([saturated] * 2)} and 0.1 < saturated < 1
    assert recorded["dead"] == {"1": [0.5, 0.5]} and dead == 0.5
    assert all(type(v) is float for layers in recorded.values() for values in layers.values() for v in values)
    assert all("forward" not in m.__dict__ for m in model.modules())  # the watch is removed afterwards


def test_without_diagnostics_nothing_is_recorded_and_the_history_round_trips():
    model = probe_model()
    X, y = data()
    loader = DataLoader(TensorDataset(X, y), batch_size=8)
    plain = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), loader, epochs=1, progress=False)
    assert plain.diagnostics == {}
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), loader, epochs=2,
                  diagnostics=True, progress=False)
    again = History()
    again.load_state_dict(history.state_dict())
    assert again.diagnostics == history.diagnostics


def test_a_deep_sigmoid_net_shows_its_gradient_vanishing_layer_by_layer():
    autograd.manual_seed(0)
    layers = []
    for _ in range(8):
        layers += [nn.Linear(16, 16), nn.Sigmoid()]
    model = nn.Sequential(nn.Linear(2, 16), nn.Sigmoid(), *layers, nn.Linear(16, 2))
    X, y = nn.datasets.moons(128, noise=0.1, seed=0)
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1),
                  DataLoader(TensorDataset(X, y), batch_size=32), epochs=1, diagnostics=True, progress=False)
    norms = history.diagnostics["grad_norm"]
    assert norms["0"][0] < norms["18"][0] / 1000  # the first layer gets a thousandth of the last one's


def test_plot_diagnostics_draws_and_saves(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = probe_model()
    X, y = data()
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1),
                  DataLoader(TensorDataset(X, y), batch_size=8), epochs=3, diagnostics=True, progress=False)
    from nn.plot import diagnostics

    fig = diagnostics(history, tmp_path / "diagnostics.png")
    assert (tmp_path / "diagnostics.png").read_bytes().startswith(b"\x89PNG")
    axes = fig.axes
    assert [ax.get_yscale() for ax in axes] == ["log", "linear", "linear"]
    assert sorted(line.get_label() for line in axes[0].get_lines()) == ["0", "2", "4"]
    np.testing.assert_allclose(axes[2].get_lines()[0].get_ydata(), history.diagnostics["dead"]["1"])
    plt.close(fig)
    with pytest.raises(ValueError, match="diagnostics=True"):
        diagnostics(History())
