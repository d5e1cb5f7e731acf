"""Graph nodes out of the cyclic collector's walks, and the cycles users make still collected."""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd
import nn
from autograd import collector, compiled
from autograd.function import Function

needs_helper = pytest.mark.skipif(not (collector.AVAILABLE and compiled.active()),
                                  reason="nodes are hidden on the compiled build only")


class _KeepsOutput(Function):
    """y = 2x; its backward stores the output Tensor on ctx, a cycle ctx → y → ctx."""

    @staticmethod
    def forward(ctx, x):
        y = x * 2
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (ctx.kept,) = ctx.saved_tensors
        return grad * 2


def _output_stored_on_ctx():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    y = _KeepsOutput.apply(x)
    y.sum().backward(retain_graph=True)
    assert y.grad_fn.kept is y
    return y


def _tensor_kept_on_a_module():
    model = nn.Linear(30, 30)
    model.last = model(autograd.randn(8, 30))
    model.me = model  # the module in a cycle of its own, holding a Tensor and its graph
    return model.last


def _hook_closing_over_its_tensor():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: y * 0 + g)
    return y


def _leaf_holding_a_result_of_itself():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    x.child = (x * 2).exp()  # x → its attributes → the result → (hidden nodes) → x
    return x


def _gradient_graph_on_its_leaf():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    with pytest.warns(UserWarning, match="reference cycle"):
        (x * x * x).sum().backward(create_graph=True)  # x.grad's graph leads back to x
    return x


def _hook_on_a_leaf_closing_over_a_result():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    z = (x * 2).sin()
    x.register_hook(lambda g: g * z)
    return x


def _result_holding_itself_in_a_list():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    y = (x * 2).tanh()
    y.keep = [y]
    return y


def _node_given_an_attribute_after_recording():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    y = x * 2
    z = y.exp()
    y.grad_fn.later = {"result": z}  # a user's note on a recorded node, closing z → … → y → node → z
    return z


class _Holder:
    def __init__(self, value):
        self.value = value


def _leaf_holding_an_object_holding_a_result():
    x = autograd.tensor(np.ones(1000), requires_grad=True)
    x.meta = _Holder((x + 1).sum())
    return x


CYCLES = [_output_stored_on_ctx, _tensor_kept_on_a_module, _hook_closing_over_its_tensor,
          _leaf_holding_a_result_of_itself, _gradient_graph_on_its_leaf, _hook_on_a_leaf_closing_over_a_result,
          _result_holding_itself_in_a_list, _node_given_an_attribute_after_recording,
          _leaf_holding_an_object_holding_a_result]


@needs_helper
def test_a_recorded_node_its_inputs_and_its_output_are_hidden_from_the_collector():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2) * 0.5
    assert not gc.is_tracked(y) and not gc.is_tracked(y.grad_fn) and not gc.is_tracked(y.grad_fn.inputs)
    assert not gc.is_tracked(y.grad_fn.inputs[1])  # the lifted 0.5
    assert gc.is_tracked(x)  # a leaf is the user's


@needs_helper
def test_an_attribute_shows_a_hidden_object_again():
    y = autograd.tensor([1.0, 2.0], requires_grad=True) * 2
    y.name = "y"
    assert gc.is_tracked(y)
    y.grad_fn.note = "seen"
    assert gc.is_tracked(y.grad_fn)


@needs_helper
def test_a_growing_graph_adds_nothing_for_the_collector_to_walk():
    x = autograd.tensor(0.5, requires_grad=True, dtype=np.float64)
    gc.collect()
    before = len(gc.get_objects())
    y = x
    for _ in range(20_000):
        y = y * 1.0001 + 0.5
    assert len(gc.get_objects()) - before < 100


@needs_helper
def test_a_node_holding_attributes_stays_visible():
    y = autograd.tensor([[1.0, 2.0]], requires_grad=True).sum(axis=1)  # Sum's forward keeps ctx.axis
    if y.grad_fn.__dict__:
        assert gc.is_tracked(y.grad_fn)
    z = _output_stored_on_ctx()
    assert gc.is_tracked(z.grad_fn)  # the rule's ctx.kept; what it reaches is shown before a full collection


@pytest.mark.parametrize("make", CYCLES, ids=lambda f: f.__name__.strip("_"))
def test_a_cycle_a_user_makes_through_the_graph_is_collected(make):
    gc.collect()
    ref = weakref.ref(make())
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("make", CYCLES, ids=lambda f: f.__name__.strip("_"))
def test_cycles_made_over_and_over_leave_no_memory_behind(make):
    for _ in range(5):
        make()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(100):
            make()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(d.size_diff for d in after.compare_to(before, "filename") if d.size_diff > 0)
    assert grown < 50_000, f"{grown} bytes more after 100 cycles: they are not collected"  # one leaked: ≥ 8 kB
