"""autograd.testing: the strategies draw what they promise, and assert_gradients_match catches wrong rules."""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import find, given
from hypothesis import strategies as st

import autograd
from autograd.testing import assert_gradients_match, broadcastable_shapes, shapes, tensors

from .op_cases import examples

# The "Property-test your own op" example of the README, verbatim: test_readme_snippet runs it.
README_SNIPPET = '''
import numpy as np
from hypothesis import given, strategies as st

import autograd
from autograd.gradcheck import gradgradcheck
from autograd.testing import assert_gradients_match, broadcastable_shapes, tensors


class Softplus(autograd.Function):
    """y = log(1 + eˣ);  ∂y/∂x = σ(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.logaddexp(0, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * autograd.sigmoid(x)


@given(tensors(elements=(-5, 5), requires_grad=True))
def test_softplus(x):
    assert_gradients_match(Softplus.apply, x)   # random upstream gradient vs central differences
    assert gradgradcheck(Softplus.apply, x)     # its backward is differentiable too


@given(st.data())
def test_softplus_times_weight_broadcasts(data):
    x_shape, w_shape = data.draw(broadcastable_shapes()).input_shapes
    x = data.draw(tensors(shape=x_shape, requires_grad=True))
    w = data.draw(tensors(shape=w_shape, requires_grad=True))
    assert_gradients_match(lambda x, w: Softplus.apply(x) * w, x, w)
'''


class Twice(autograd.Function):
    """y = 2x, right."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return 2 * x

    @staticmethod
    def backward(ctx: Any, grad: autograd.Tensor) -> autograd.Tensor:
        return grad * 2


class ColumnSums(autograd.Function):
    """y = Σᵢ xᵢⱼ (sum over axis 0) with a backward that broadcasts along the wrong axis."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.n = x.shape[0]
        return x.sum(axis=0)

    @staticmethod
    def backward(ctx: Any, grad: autograd.Tensor) -> autograd.Tensor:
        return grad.reshape((-1, 1)).expand(-1, ctx.n)  # should be grad.reshape((1, -1))


def _leaf(values: Any) -> autograd.Tensor:
    return autograd.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_readme_snippet() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(README_SNIPPET, "<README.md snippet>", "exec"), namespace)
    namespace["test_softplus"]()
    namespace["test_softplus_times_weight_broadcasts"]()


def test_import_without_hypothesis_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "autograd.testing")
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ImportError, match=re.escape('pip install "chainrule[testing]"')):
        importlib.import_module("autograd.testing")


class TestStrategies:
    @examples(1.0)
    @given(tensors())
    def test_default_tensors_are_bounded_float64_without_nan_or_subnormals(self, t: autograd.Tensor) -> None:
        assert isinstance(t, autograd.Tensor) and t.dtype == np.float64 and not t.requires_grad
        assert t.ndim <= 4 and all(1 <= s <= 5 for s in t.shape)
        assert np.isfinite(t.data).all() and (np.abs(t.data) <= 10).all()
        tiny = np.finfo(np.float64).tiny
        assert ((t.data == 0) | (np.abs(t.data) >= tiny)).all()

    @examples(0.5)
    @given(tensors(shape=(2, 3), dtype=np.float32, elements=(0.1, 0.7), requires_grad=True))
    def test_shape_dtype_bounds_and_requires_grad(self, t: autograd.Tensor) -> None:
        assert t.shape == (2, 3) and t.dtype == np.float32 and t.requires_grad and t.is_leaf
        assert ((t.data >= np.float32(0.1)) & (t.data <= np.float32(0.7))).all()

    @examples(0.5)
    @given(tensors(shape=shapes(min_dims=1, max_dims=2), dtype=np.int64, elements=(-3, 3)))
    def test_integer_tensors(self, t: autograd.Tensor) -> None:
        assert t.dtype == np.int64 and ((-3 <= t.data) & (t.data <= 3)).all()

    @examples(0.5)
    @given(tensors(shape=(4, 4), elements=st.sampled_from([0.25, 0.5, 0.75]) | st.integers(1, 20).map(float),
                   unique=True))
    def test_custom_elements_and_unique(self, t: autograd.Tensor) -> None:
        assert len(np.unique(t.data)) == t.numel()

    @examples(1.0)
    @given(shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
    def test_shapes_respect_their_bounds(self, shape: tuple[int, ...]) -> None:
        assert 1 <= len(shape) <= 3 and all(2 <= s <= 4 for s in shape)

    def test_shapes_include_scalars_and_size_one_dims(self) -> None:
        assert find(shapes(), lambda s: s == ()) == ()
        assert 1 in find(shapes(min_dims=2), lambda s: 1 in s)

    @examples(1.0)
    @given(broadcastable_shapes(num_shapes=3, base_shape=(4,)))
    def test_broadcastable_shapes(self, b: Any) -> None:
        assert len(b.input_shapes) == 3
        assert np.broadcast_shapes(*b.input_shapes, (4,)) == b.result_shape

    def test_broadcastable_shapes_really_broadcast(self) -> None:
        b = find(broadcastable_shapes(), lambda b: len(set(b.input_shapes)) == 2 and b.input_shapes[0] != ())
        assert b.input_shapes[0] != b.input_shapes[1]


class TestAssertGradientsMatch:
    def test_passes_right_rules(self) -> None:
        assert_gradients_match(Twice.apply, _leaf([[1.0, -2.0], [0.5, 3.0]]))
        assert_gradients_match(lambda a, b: a * b + a, _leaf([[1.0], [2.0]]), _leaf([0.5, -1.0, 2.0]))

    def test_random_upstream_catches_a_wrong_axis_that_ones_miss(self) -> None:
        x = _leaf(np.arange(9.0).reshape(3, 3))
        assert_gradients_match(ColumnSums.apply, x, grad_output=np.ones(3))  # the bug hides behind ones
        with pytest.raises(AssertionError, match=r"ColumnSums\.apply: the gradient of input 0"):
            assert_gradients_match(ColumnSums.apply, x)

    def test_report_names_fn_input_worst_element_and_relative_error(self) -> None:
        class Half(autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: np.ndarray, w: np.ndarray) -> np.ndarray:
                ctx.save_for_backward(x, w)
                return x * w

            @staticmethod
            def backward(ctx: Any, grad: autograd.Tensor) -> tuple[autograd.Tensor, autograd.Tensor]:
                x, w = ctx.saved_tensors
                return grad * w, grad * x * 0.5  # the gradient for w is half what it should be

        x, w = _leaf([1.0, 4.0, 2.0]), _leaf([0.5, 0.5, 0.5])
        u = np.array([1.0, 1.0, 1.0])
        with pytest.raises(AssertionError) as info:
            assert_gradients_match(Half.apply, x, w, grad_output=u, name="half")
        message = str(info.value)
        assert message.startswith("half: the gradient of input 1 (shape (3,))")
        # numerical u·x, analytical u·x/2: worst where x is largest (index 1); ‖x/2‖ / ‖3x/2‖ = 1/3
        assert "worst element [1]: numerical 4 vs analytical 2" in message
        assert "relative error ‖g₁ − g₂‖ / ‖g₁ + g₂‖ = 0.333" in message

    def test_default_name_is_the_function(self) -> None:
        def doubled_wrong(t: autograd.Tensor) -> autograd.Tensor:
            return ColumnSums.apply(t) * 2

        with pytest.raises(AssertionError, match=r"^.*doubled_wrong: the gradient of input 0"):
            assert_gradients_match(doubled_wrong, _leaf(np.eye(3)))

    def test_tuple_outputs(self) -> None:
        x = _leaf([0.5, 1.5, -2.0, 3.0])
        assert_gradients_match(lambda t: autograd.split(t, 2), x)
        assert_gradients_match(lambda t: (t * t, t.sum()), x, grad_output=(np.arange(4.0), np.array(2.0)))

    def test_detects_an_input_modified_in_place(self) -> None:
        def sneaky(t: autograd.Tensor) -> autograd.Tensor:
            t.data += 1.0
            return t * 2

        with pytest.raises(AssertionError, match="input 0 was modified"):
            assert_gradients_match(sneaky, _leaf([1.0, 2.0]))

    def test_sets_each_grad_and_leaves_upstream_intact(self) -> None:
        x, w = _leaf([1.0, 2.0]), _leaf([[3.0], [4.0]])
        x.grad = autograd.tensor(np.array([100.0, 100.0]))  # replaced, not accumulated into
        u = np.array([[1.0, -1.0], [0.5, 2.0]])
        assert_gradients_match(lambda a, b: a * b, x, w, grad_output=u)
        np.testing.assert_allclose(x.grad.data, (u * w.data).sum(axis=0))
        np.testing.assert_allclose(w.grad.data, (u * x.data).sum(axis=1, keepdims=True))
        np.testing.assert_array_equal(u, [[1.0, -1.0], [0.5, 2.0]])

    def test_constants_pass_through(self) -> None:
        x = _leaf([1.0, 2.0])
        assert_gradients_match(lambda t, c, p: (t * c) ** p, x, np.array([0.5, -1.0]), 3)

    def test_bad_calls(self) -> None:
        with pytest.raises(ValueError, match="requires_grad=True"):
            assert_gradients_match(autograd.exp, autograd.tensor(np.array([1.0])))
        with pytest.raises(ValueError, match="grad_output 0 has shape"):
            assert_gradients_match(autograd.exp, _leaf([1.0, 2.0]), grad_output=np.ones(3))
        with pytest.raises(TypeError, match="output 0 is a float"):
            assert_gradients_match(lambda t: 1.0, _leaf([1.0]))
        with pytest.raises(AssertionError, match="no output requires grad"):
            assert_gradients_match(lambda t: t.detach() * 2, _leaf([1.0]))

    def test_warns_on_float32(self) -> None:
        x = autograd.tensor([0.5, 1.0], requires_grad=True)
        with pytest.warns(UserWarning, match="not double precision"):
            assert_gradients_match(lambda t: t * 2, x, atol=1e-2, rtol=1e-2)
