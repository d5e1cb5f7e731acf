"""The gradient checker itself: it passes correct rules, fails planted wrong ones, and reports where."""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_grad, relative_error

from .op_cases import OPS, OpCase, examples


def _x(*values: Any, requires_grad: bool = True) -> autograd.Tensor:
    return autograd.tensor(np.array(values, dtype=np.float64), requires_grad=requires_grad)


class Cube(autograd.Function):
    """y = x³ with a deliberately wrong backward: 2x² instead of 3x²."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, grad: autograd.Tensor) -> autograd.Tensor:
        (x,) = ctx.saved_tensors
        return grad * 2 * x * x


class CubeOnArrays(Cube):
    """y = x³ with a right first derivative computed on raw arrays: its second derivative is lost."""

    @staticmethod
    def backward(ctx: Any, grad: autograd.Tensor) -> autograd.Tensor:
        (x,) = ctx.saved_tensors
        return grad * (3 * x.data**2)


class WrongSecond(autograd.Function):
    """y = 3x² (a helper); backward 3x instead of 6x: wrong when used inside another backward."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return 3 * x**2

    @staticmethod
    def backward(ctx: Any, grad: autograd.Tensor) -> autograd.Tensor:
        (x,) = ctx.saved_tensors
        return grad * 3 * x


class CubeWrongSecond(Cube):
    """y = x³ whose backward, grad · 3x², is right but differentiates wrongly."""

    @staticmethod
    def backward(ctx: Any, grad: autograd.Tensor) -> autograd.Tensor:
        (x,) = ctx.saved_tensors
        return grad * WrongSecond.apply(x)


class CubeOnce(Cube):
    """y = x³ with a backward marked once_differentiable."""

    @autograd.once_differentiable
    def backward(ctx: Any, grad: autograd.Tensor) -> autograd.Tensor:
        (x,) = ctx.saved_tensors
        return grad * (3 * x.data**2)


class TestGradcheck:
    @pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
    @examples(0.2)
    @given(data=st.data())
    def test_passes_on_every_registered_op(self, case: OpCase, data: st.DataObject) -> None:
        assert gradcheck(case.fn, data.draw(case.inputs()))

    def test_fails_on_a_wrong_backward(self) -> None:
        x = _x(0.5, 2.0, -1.0)
        assert gradcheck(Cube.apply, x, raise_exception=False) is False
        with pytest.raises(GradcheckError) as info:
            gradcheck(Cube.apply, x)
        assert isinstance(info.value, RuntimeError)
        message = str(info.value)
        # the Jacobian is diagonal: numerical 3x², analytical 2x², worst at the largest |x| (index 1)
        assert "output 0 with respect to input 0" in message
        assert "d out[1] / d in[1]" in message
        assert f"numerical {3 * 2.0**2:.10g} vs analytical {2 * 2.0**2:.10g}" in message
        # ‖3x² − 2x²‖ / ‖3x² + 2x²‖ = 1/5
        assert re.search(r"relative error ‖g₁ − g₂‖ / ‖g₁ \+ g₂‖ = 0\.2\b", message)

    def test_fast_mode_passes_right_rules_and_fails_wrong_ones(self) -> None:
        a, b = _x(0.3, -1.2, 2.0), _x(1.5, 0.7, -0.4)
        assert gradcheck(lambda s, t: autograd.tanh(s) * t + s**2, (a, b), fast_mode=True)
        with pytest.raises(GradcheckError, match="random direction"):
            gradcheck(Cube.apply, a, fast_mode=True)

    def test_names_the_failing_input_and_output(self) -> None:
        a, b = _x(0.5, 1.5), _x(1.0, -2.0)
        with pytest.raises(GradcheckError, match="output 1 with respect to input 1"):
            gradcheck(lambda s, t: (s * t, s + Cube.apply(t)), (a, b))
        assert gradcheck(lambda s, t: (s * t, s + t**3), (a, b))

    def test_any_output_shape(self) -> None:
        x = autograd.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype=np.float64, requires_grad=True)
        assert gradcheck(lambda t: t.sum(axis=0), x)
        assert gradcheck(lambda t: (t * t).sum(), x)
        assert gradcheck(lambda t: t[:, None, :] * t[:, :, None], x)

    def test_inputs_that_do_not_require_grad_are_passed_through(self) -> None:
        x, w = _x(0.5, 1.5), _x(2.0, -1.0, requires_grad=False)
        assert gradcheck(lambda t, c, p: (t * c) ** p, (x, w, 3))

    def test_leaves_grad_and_data_untouched(self) -> None:
        x = _x(0.5, -1.5)
        x.grad = autograd.tensor(np.array([7.0, 8.0]))
        before = x.data.copy()
        gradcheck(autograd.tanh, x)
        np.testing.assert_array_equal(x.grad.data, [7.0, 8.0])
        np.testing.assert_array_equal(x.data, before)
        y = _x(0.5, -1.5)
        gradcheck(autograd.exp, y)
        assert y.grad is None

    def test_warns_on_float32(self) -> None:
        x = autograd.tensor([0.5, 1.0], requires_grad=True)
        with pytest.warns(UserWarning, match=r"Input #0 .*not a double precision.*will likely fail"):
            gradcheck(autograd.sin, x, raise_exception=False)

    def test_no_warning_on_float64(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert gradcheck(autograd.sin, _x(0.5, 1.0))

    def test_needs_an_input_that_requires_grad(self) -> None:
        with pytest.raises(ValueError, match="requires_grad=True"):
            gradcheck(autograd.sin, _x(0.5, requires_grad=False))

    def test_fn_must_return_tensors(self) -> None:
        with pytest.raises(TypeError, match="output 0 is a float"):
            gradcheck(lambda t: float(t.sum().item()), _x(0.5))

    def test_works_inside_no_grad(self) -> None:
        with autograd.no_grad():
            assert gradcheck(autograd.tanh, _x(0.5, 1.0))


class TestNumericalGrad:
    def test_central_differences_of_known_derivatives(self) -> None:
        x = _x(-1.0, 0.25, 2.0)
        (g,) = numerical_grad(lambda t: autograd.sin(t).sum(), x)
        np.testing.assert_allclose(g, np.cos(x.data), atol=1e-8)

    def test_upstream_gradient_for_non_scalar_outputs(self) -> None:
        x, u = _x(-1.0, 0.25, 2.0), np.array([1.0, -2.0, 0.5])
        (g,) = numerical_grad(autograd.exp, x, grad_output=u)
        np.testing.assert_allclose(g, u * np.exp(x.data), rtol=1e-7)
        with pytest.raises(ValueError, match="pass grad_output"):
            numerical_grad(autograd.exp, x)

    def test_one_entry_per_input(self) -> None:
        x, c = _x(1.0, 2.0), _x(3.0, 4.0, requires_grad=False)
        gx, gc = numerical_grad(lambda s, t: (s * t).sum(), (x, c))
        np.testing.assert_allclose(gx, c.data, atol=1e-8)
        assert gc is None

    def test_step_size_matters_in_float32(self) -> None:
        # float32 resolves ~1e-7 relative: a 1e-6 step gives a few percent error, 1e-2 does better
        x = autograd.tensor([1.5], requires_grad=True)
        (small,) = numerical_grad(lambda t: (t * t).sum(), x, eps=1e-6)
        (large,) = numerical_grad(lambda t: (t * t).sum(), x, eps=1e-2)
        assert abs(large[0] - 3.0) < abs(small[0] - 3.0)

    def test_relative_error(self) -> None:
        g = np.array([1.0, -2.0, 3.0])
        assert relative_error(g, g) == 0.0
        assert relative_error(g, 2 * g) == pytest.approx(1 / 3)
        assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
        assert relative_error(g, -g) == float("inf")


M23 = ((0.5, -1.0, 0.2), (2.0, 0.3, 1.0))
SECOND_ORDER = {  # name: (fn, input values)
    "tanh": (autograd.tanh, [(-1.5, 0.2, 2.0)]),
    "sigmoid": (autograd.sigmoid, [(-1.5, 0.2, 2.0)]),
    "log": (autograd.log, [(0.3, 1.0, 2.5)]),
    "exp": (autograd.exp, [(-1.0, 0.5)]),
    "pow_const": (lambda x: x**3.5, [(0.5, 1.2, 2.0)]),
    "pow_tensor": (autograd.pow, [(0.5, 1.2, 2.0), (-1.0, 0.5, 2.0)]),
    "matmul": (autograd.matmul, [M23, ((1.0, 2.0), (0.0, -0.5), (0.4, 1.0))]),
    "mean": (lambda x: autograd.mean(x * x, axis=0), [M23]),
    "var": (lambda x: autograd.var(x, axis=-1), [M23]),
    "softmax": (lambda x: autograd.exp(x - autograd.logsumexp(x, axis=-1, keepdims=True)), [M23]),
}


class TestGradgradcheck:
    @pytest.mark.parametrize("name", SECOND_ORDER)
    def test_passes_on_differentiable_backwards(self, name: str) -> None:
        fn, values = SECOND_ORDER[name]
        assert gradgradcheck(fn, tuple(autograd.tensor(np.array(v), dtype=np.float64, requires_grad=True)
                                       for v in values))

    def test_fails_when_backward_leaves_the_graph(self) -> None:
        x = _x(0.5, -1.5, 2.0)
        assert gradcheck(CubeOnArrays.apply, x)
        assert gradgradcheck(CubeOnArrays.apply, x, raise_exception=False) is False
        with pytest.raises(GradcheckError, match=r"second derivatives: .*with respect to input 0.*analytical 0\b"):
            gradgradcheck(CubeOnArrays.apply, x)

    def test_fails_on_a_wrong_second_derivative(self) -> None:
        x = _x(0.5, -1.5, 2.0)
        assert gradcheck(CubeWrongSecond.apply, x)
        with pytest.raises(GradcheckError) as info:
            gradgradcheck(CubeWrongSecond.apply, x)
        message = str(info.value)
        assert "the gradient w.r.t. input 0 with respect to input 0" in message
        # ∂/∂x (v · 3x²) = 6xv but the planted rule gives 3xv: relative error (6 − 3)/(6 + 3) = 1/3
        assert re.search(r"= 0\.333\b", message)

    def test_fast_mode(self) -> None:
        x = _x(0.5, -1.5, 2.0)
        assert gradgradcheck(autograd.tanh, x, fast_mode=True)
        assert gradgradcheck(CubeWrongSecond.apply, x, fast_mode=True, raise_exception=False) is False

    def test_once_differentiable_raises_instead_of_answering(self) -> None:
        with pytest.raises(RuntimeError, match=r"derivative for .* is not implemented"):
            gradgradcheck(CubeOnce.apply, _x(0.5, 2.0))

    def test_checks_the_upstream_gradient_too(self) -> None:
        x, v = _x(0.5, -1.5), _x(2.0, 3.0)
        assert gradgradcheck(lambda t: t * t, x, grad_outputs=v)
        assert gradgradcheck(lambda t: t * t, x, grad_outputs=np.array([2.0, 3.0]))
        with pytest.raises(ValueError, match="grad_outputs"):
            gradgradcheck(lambda t: t * t, x, grad_outputs=(v, v))

    def test_warns_on_float32_and_needs_a_grad_input(self) -> None:
        with pytest.warns(UserWarning, match="not a double precision"):
            gradgradcheck(autograd.sin, autograd.tensor([0.5], requires_grad=True), raise_exception=False)
        with pytest.raises(ValueError, match="requires_grad=True"):
            gradgradcheck(autograd.sin, _x(0.5, requires_grad=False))
