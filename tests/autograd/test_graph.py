"""autograd.graph: in-place changes made outside the engine, and graphs kept alive across optimizer steps."""

import warnings

import numpy as np
import pytest

import autograd
import nn
from autograd.graph import GraphAcrossStepsWarning, increment_version


def test_increment_version_makes_a_node_that_saved_the_old_values_refuse():
    w = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with autograd.no_grad():
        w.data *= 2
        increment_version(w)
    assert w._version == 1
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_increment_version_takes_several_tensors_as_pytorch_does():
    a, b = autograd.tensor([1.0, 2.0], requires_grad=True), autograd.tensor([3.0], requires_grad=True)
    ya, yb = (a * a).sum(), (b * b).sum()
    before = a._version, b._version
    increment_version(t for t in (a, b))  # any iterable, as torch.autograd.graph.increment_version
    assert (a._version, b._version) == (before[0] + 1, before[1] + 1)
    for y in (ya, yb):
        with pytest.raises(RuntimeError, match="modified by an in-place operation"):
            y.backward()


def test_increment_version_of_tensors_sharing_memory_stales_a_node_that_saved_it():
    w = autograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    alias = w.detach()  # the same memory: one record, noted twice at one tick
    assert alias.data is w.data
    y = (w * w).sum()
    increment_version([alias, w])
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_increment_version_of_no_tensors_leaves_the_clock_alone():
    from autograd.grad_mode import clock

    w = autograd.tensor([1.0], requires_grad=True)
    y = (w * w).sum()
    now = clock.now
    increment_version([])
    assert clock.now == now
    y.backward()  # nothing changed: the graph still runs
    assert w.grad.tolist() == [2.0]


@pytest.mark.parametrize(("given", "named"), [(3.0, "got float"), (np.ones(2), "got a ndarray holding a float64"),
                                             ([autograd.tensor(1.0), "w"], "got a list holding a str")])
def test_increment_version_refuses_a_non_tensor(given, named):
    tensors = [t for t in given if isinstance(t, autograd.Tensor)] if isinstance(given, list) else []
    versions = [t._version for t in tensors]
    with pytest.raises(TypeError, match=f"takes a Tensor or an iterable of Tensors, {named}"):
        increment_version(given)
    assert [t._version for t in tensors] == versions  # nothing bumped when one item is refused


@pytest.fixture(autouse=True)
def _not_warned_yet(monkeypatch):
    monkeypatch.setattr(autograd.graph, "_warned", False)  # the warning comes once per process


def _model_and_data():
    autograd.manual_seed(0)
    model = nn.Linear(3, 1)
    x, y = autograd.randn(8, 3), autograd.randn(8, 1)
    return model, x, y


def test_accumulating_the_loss_tensor_across_steps_warns_once_naming_the_fix():
    model, x, y = _model_and_data()
    opt = nn.optim.SGD(model.parameters(), lr=0.01)
    total = 0.0
    with pytest.warns(GraphAcrossStepsWarning, match=r"loss\.item\(\).*\.detach\(\)") as caught:
        for _ in range(5):
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            total += loss  # the mistake: total keeps every step's graph alive
    assert len([w for w in caught if issubclass(w.category, GraphAcrossStepsWarning)]) == 1


@pytest.mark.parametrize("accumulate", [1, 3])
def test_a_correct_loop_with_a_scheduler_and_gradient_accumulation_does_not_warn(accumulate):
    model, x, y = _model_and_data()
    opt = nn.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    sched = nn.optim.lr_scheduler.StepLR(opt, step_size=2)
    total = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", GraphAcrossStepsWarning)
        for i in range(12):
            loss = nn.functional.mse_loss(model(x), y) / accumulate
            loss.backward()
            total += loss.item()
            if (i + 1) % accumulate == 0:
                opt.step()
                opt.zero_grad()
                sched.step()
            best = min(loss.detach(), autograd.tensor(1e9))  # a comparison after the step records nothing
    assert np.isfinite(total) and best.item() < 1e9
