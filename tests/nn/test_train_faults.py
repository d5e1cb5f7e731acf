"""Training under faults: non-finite steps are never applied nor saved, and resuming checks everything first."""

import gc
import math
import tracemalloc

import numpy as np
import pytest

import autograd
import nn
from nn import CheckpointError
from nn.data import DataLoader, TensorDataset
from nn.optim import SGD, Adam
from nn.optim.lr_scheduler import StepLR
from nn.train import EarlyStopping, fit, load_checkpoint, save_checkpoint

from .test_train import assert_same, make_model, manual_steps, moons_loaders, params


@pytest.fixture(autouse=True)
def _float64():
    autograd.set_default_dtype(np.float64)  # the conftest restores it


class NaNGradient(autograd.Function):
    """The identity, whose backward gives NaN: a finite loss with NaN gradients (as sqrt at 0 would)."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return np.full_like(grad, np.nan)


class NaNGradientsAt:
    """Cross-entropy whose ``n``-th call has a finite value but NaN gradients for every parameter."""

    def __init__(self, *n):
        self.n, self.calls, self.inner = set(n), 0, nn.CrossEntropyLoss()

    def __call__(self, outputs, targets):
        self.calls += 1
        return self.inner(NaNGradient.apply(outputs) if self.calls in self.n else outputs, targets)


def test_failure1_nan_gradients_at_the_end_of_an_epoch_are_not_applied_and_the_checkpoint_survives(tmp_path):
    train_a, _ = moons_loaders()  # 6 batches per epoch
    train_b, _ = moons_loaders()
    a, b = make_model(), make_model()
    path = tmp_path / "run.npz"
    with pytest.raises(FloatingPointError, match=r"the gradient of 0\.weight holds NaN or Inf \(the loss is finite\) "
                                                 r"at epoch 2, step 6 of the epoch \(step 12 overall\)") as info:
        fit(a, NaNGradientsAt(12), SGD(a.parameters(), lr=0.1), train_a, epochs=3, checkpoint=path, progress=False)
    assert "on_nonfinite='skip'" in str(info.value)
    assert info.value.history.steps == 11
    manual_steps(b, SGD(b.parameters(), lr=0.1), train_b, 11)
    assert_same(params(a), params(b))  # the NaN step was not applied
    saved = nn.load(path)
    assert saved["epoch"] == 1 and all(np.isfinite(v).all() for v in saved["model"].values())


def test_skip_leaves_the_bad_steps_out_and_goes_on(tmp_path):
    train_a, _ = moons_loaders()
    a = make_model()
    path = tmp_path / "run.npz"
    with pytest.warns(UserWarning) as warned:
        history = fit(a, NaNGradientsAt(3, 12), SGD(a.parameters(), lr=0.1), train_a, epochs=3, checkpoint=path,
                      on_nonfinite="skip", progress=False)
    where = [str(w.message).split(":")[1].strip() for w in warned]
    assert where == ["skipped the update at epoch 1, step 3 of the epoch (step 3 overall)",
                     "skipped the update at epoch 2, step 6 of the epoch (step 12 overall)"]
    assert "the gradient of 0.weight holds NaN or Inf" in str(warned[0].message)
    assert history.skipped_steps == 2 and history.steps == 3 * 6 - 2 and history.epochs == 3
    assert all(math.isfinite(v) for v in history.step_losses)
    assert all(np.isfinite(v).all() for v in params(a).values())
    assert nn.load(path)["epoch"] == 3

    def nan_loss(outputs, targets):
        return nn.functional.cross_entropy(outputs, targets) * float("nan")

    b = make_model()
    before = params(b)
    with pytest.warns(UserWarning, match="the loss is nan"), pytest.raises(ValueError, match="every step skipped"):
        fit(b, nan_loss, SGD(b.parameters(), lr=0.1), train_a, epochs=1, on_nonfinite="skip", progress=False)
    assert_same(params(b), before)
    with pytest.raises(ValueError, match="on_nonfinite must be 'stop' or 'skip'"):
        fit(b, nan_loss, SGD(b.parameters(), lr=0.1), train_a, on_nonfinite="ignore")


def test_weights_that_are_not_finite_are_never_written_over_a_checkpoint(tmp_path):
    model, train = make_model(), moons_loaders()[0]
    optimizer = SGD(model.parameters(), lr=0.1)
    path = tmp_path / "run.npz"
    save_checkpoint(path, model, optimizer, epoch=1)
    good = path.read_bytes()
    model.state_dict()  # copies
    model._modules["2"].bias.data[0] = np.inf
    with pytest.raises(FloatingPointError, match=r"2\.bias holds NaN or Inf.*still holds the last good state"):
        save_checkpoint(path, model, optimizer, epoch=2, train_loader=train)
    assert path.read_bytes() == good


def build(optimizer_class=Adam, seed=0):
    model = make_model(seed)
    optimizer = optimizer_class(model.parameters(), lr=0.05)
    X, y = nn.datasets.moons(64, noise=0.1, seed=1)
    return model, optimizer, DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True, seed=seed)


def everything(model, optimizer, *others):
    """A deep snapshot of every state, to prove that nothing changed."""
    return [model.state_dict(), optimizer.state_dict(), *[o.state_dict() for o in others], autograd.get_rng_state()]


def assert_unchanged(before, after):
    def same(x, y):
        if isinstance(x, dict):
            assert x.keys() == y.keys()
            for k in x:
                same(x[k], y[k])
        elif isinstance(x, list | tuple):
            assert len(x) == len(y)
            for u, v in zip(x, y):
                same(u, v)
        else:
            np.testing.assert_array_equal(x, y)

    same(before, after)


def test_failure4_resuming_with_another_optimizer_class_is_refused_before_anything_changes(tmp_path):
    model, optimizer, loader = build(SGD)
    path = tmp_path / "run.npz"
    fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=1, checkpoint=path, progress=False)
    model, adam, loader = build(Adam, seed=5)
    fit(model, nn.CrossEntropyLoss(), adam, loader, epochs=1, progress=False)  # Adam has state of its own now
    before = everything(model, adam, loader)
    with pytest.raises(ValueError, match="optimizer class SGD, but this optimizer is Adam"):
        fit(model, nn.CrossEntropyLoss(), adam, loader, epochs=2, resume=path, progress=False)
    assert_unchanged(before, everything(model, adam, loader))
    # a checkpoint that does not name its classes (or a loop of one's own) is caught by the state itself
    state = nn.load(path)
    del state["classes"]
    nn.save(state, path)
    with pytest.raises(ValueError, match="saved by another optimizer class"):
        load_checkpoint(path, model, adam, train_loader=loader)
    assert_unchanged(before, everything(model, adam, loader))


EXPECTED = {"nan weights": "NaN or Inf in the model's 0.bias", "wrong shape": "size mismatch for 0.bias",
            "history": "its history state does not fit", "scheduler class": "scheduler class CosineAnnealingLR",
            "scheduler state": "without ['step_size']", "loader": "batch_size=3", "rng": "random-generator state",
            "early stopping": "its early_stopping state does not fit", "optimizer state shape": "has shape (5, 5)"}


@pytest.mark.parametrize("damage", ["nan weights", "wrong shape", "history", "scheduler class", "scheduler state",
                                    "loader", "rng", "early stopping", "optimizer state shape"])
def test_a_checkpoint_that_does_not_fit_changes_nothing(tmp_path, damage):
    model, optimizer, loader = build()
    scheduler, stopper = StepLR(optimizer, step_size=1), EarlyStopping(patience=9)
    path = tmp_path / "run.npz"
    fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=1, scheduler=scheduler, early_stopping=stopper,
        checkpoint=path, progress=False)
    state = nn.load(path)
    if damage == "nan weights":
        state["model"]["0.bias"][1] = np.nan
    elif damage == "wrong shape":
        state["model"]["0.bias"] = np.zeros(3)
    elif damage == "history":
        del state["history"]["step_losses"]
    elif damage == "scheduler class":
        state["classes"]["scheduler"] = "CosineAnnealingLR"
    elif damage == "scheduler state":
        del state["scheduler"]["step_size"]
    elif damage == "loader":
        state["train_loader"]["batch_size"] = 3
    elif damage == "rng":
        state["rng_state"] = {"bit_generator": "PCG64", "state": "nonsense"}
    elif damage == "early stopping":
        state["early_stopping"] = [1, 2]
    else:
        state["optimizer"]["state"][0]["exp_avg"] = np.zeros((5, 5))
    nn.save(state, path)
    model, optimizer, loader = build(seed=3)
    scheduler, stopper = StepLR(optimizer, step_size=1), EarlyStopping(patience=9)
    fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=1, scheduler=scheduler, progress=False)
    before = everything(model, optimizer, loader, scheduler)
    with pytest.raises(ValueError) as error:
        fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=3, scheduler=scheduler, early_stopping=stopper,
            resume=path, progress=False)
    assert EXPECTED[damage] in str(error.value)
    assert_unchanged(before, everything(model, optimizer, loader, scheduler))


def test_failure6_load_state_dict_given_something_else_than_a_dict_says_so():
    model = make_model()
    for bad in ("weights.npz", [1, 2], None):
        with pytest.raises(TypeError, match=f"Expected state_dict to be dict-like, got {type(bad).__name__}"):
            model.load_state_dict(bad)
        with pytest.raises(TypeError, match=f"optimizer.state_dict\\(\\) gives.*got {type(bad).__name__}"):
            Adam(model.parameters()).load_state_dict(bad)


def test_resuming_from_a_file_that_is_no_training_checkpoint_says_so(tmp_path):
    model, optimizer, loader = build()
    path = tmp_path / "weights.npz"
    nn.save({"model": model, "config": {"lr": 0.1}}, path)
    with pytest.raises(CheckpointError, match="not a training checkpoint"):
        fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=1, resume=path, progress=False)


@pytest.mark.slow
def test_fit_for_2000_steps_with_the_garbage_collector_off_keeps_memory_flat():
    """Every check fit now makes per step (finite loss and gradients) must not keep a graph or an array alive."""
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 3))
    X = np.random.default_rng(0).normal(size=(128, 2))
    loader = DataLoader(TensorDataset(X, np.arange(128) % 3), batch_size=128)
    traced = {}

    def measure(step, loss):
        if step in (500, 2500):
            traced[step] = tracemalloc.get_traced_memory()[0]

    gc.disable()  # a reference cycle in a graph would now stay alive
    tracemalloc.start()
    try:
        history = fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=1e-2), loader, epochs=2500,
                      on_step=measure, progress=False)
    finally:
        tracemalloc.stop()
        gc.enable()
    assert history.steps == 2500
    grown = traced[2500] - traced[500]
    # one step's graph holds (128, 64) float64 arrays of 64 KiB: a leak per step would be ≥ 128 MiB
    assert grown < 2**20, f"{grown} bytes still allocated after 2000 steps"
