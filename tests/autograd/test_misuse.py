"""Misused Functions and tampered graphs: each a clear error, never a crash or a silent wrong answer."""

import numpy as np
import pytest

import autograd
from autograd.function import FREED_GRAPH, Function
from autograd.grad_mode import state

from .misuse import CASES, outcome, two_threads_on_one_graph


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_misuse_raises_its_error_and_leaves_the_modes_as_they_were(name):
    run, expected = CASES[name]
    with pytest.raises(expected):
        run()
    assert state.enabled and not state.arrays


def test_a_rule_calling_backward_through_its_own_node_is_named():
    assert "called backward() or grad() through its own node" in outcome(CASES["rule calls backward inside itself"][0])


def test_the_second_of_two_threads_on_one_graph_gets_the_freed_graph_error():
    results, grad = two_threads_on_one_graph()
    assert results == {"a": "no error", "b": f"RuntimeError: {FREED_GRAPH}"}
    np.testing.assert_array_equal(grad.data, [2.0, 2.0])  # the first pass completed, once


class _Compare(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a < b


class _Round(Function):
    @staticmethod
    def forward(ctx, a):
        return np.rint(a).astype(np.int64)


@pytest.mark.parametrize("make", [lambda x: _Compare.apply(x, x * 2), lambda x: _Round.apply(x)])
def test_bool_and_int_outputs_never_require_grad(make):
    x = autograd.tensor([1.5, -2.0], requires_grad=True)
    y = make(x)
    assert y.dtype.kind in "bi"
    assert not y.requires_grad and y.grad_fn is None


def test_a_numpy_scalar_or_python_number_from_forward_becomes_a_0d_tensor():
    class Total(Function):
        @staticmethod
        def forward(ctx, a):
            return float(a.sum())

        @staticmethod
        def backward(ctx, g):
            return g * autograd.ones(3)

    x = autograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = Total.apply(x)
    assert y.shape == () and y.item() == 6.0
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0, 1.0])
