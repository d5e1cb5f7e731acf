"""Softmax, log softmax and softmin along one dimension (``dim``, or NumPy's ``axis``), stable for any logits."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np

from ..errors import DTypeError
from ..function import Context, Function
from ..tensor import Tensor
from .elementwise import Exp, _tensor, cast


def _shifted(x: np.ndarray, axis: int | None) -> tuple[np.ndarray, bool]:
    """x minus its max along ``axis`` (nothing where that max is ±inf), so that exp never overflows; and
    whether every max was finite, when each slice's Σ e^(x − m) ≥ 1 (its max contributes e⁰): no 0 or NaN."""
    m = np.maximum.reduce(x, axis=axis, keepdims=True)  # the ufunc itself: x.max() adds a Python wrapper's µs
    # one number's test; a sum that overflows (or NaN) takes the second line, which is right for finite maxima too
    if math.isfinite(np.add.reduce(m, axis=None)):
        return x - m, True
    return x - np.where(np.isfinite(m), m, 0), False


def log_softmax_array(x: np.ndarray, axis: int | None) -> np.ndarray:
    """log softmax of an array: what the fused losses (cross entropy) compute in their forward pass."""
    shifted, finite = _shifted(x, axis)
    with quiet(finite):  # an all −inf (or a +inf) slice gives NaN, as in PyTorch; it is not a bug in this op
        return shifted - np.log(np.add.reduce(np.exp(shifted), axis=axis, keepdims=True))


def quiet(finite: bool) -> contextlib.AbstractContextManager[Any]:
    """NumPy's warnings for log 0 and 0/0 off, unless every max was ``finite`` (then neither can happen and
    entering ``np.errstate``, about 1.5 µs, is skipped)."""
    return _NOTHING if finite else np.errstate(divide="ignore", invalid="ignore")


_NOTHING = contextlib.nullcontext()


class LogSoftmax(Function):
    """yᵢ = (zᵢ − m) − ln Σⱼ e^(zⱼ − m), m = max z;  ∂ℓ/∂z = G − softmax(z)·Σ G"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int | None) -> np.ndarray:
        y = log_softmax_array(x, axis)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad - Exp.apply_in_backward(y) * grad.sum(axis=ctx.axis, keepdims=True)


def log_softmax(input: Any, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """log softmax(z)ᵢ = (zᵢ − m) − ln Σⱼ e^(zⱼ − m) with m = max z along ``dim`` (default the last).

    Stable for logits like 1e8. ``dtype`` casts the input first, as PyTorch's does.
    """
    x, axis = _float_input(input, dim, axis, dtype, "log_softmax")
    return LogSoftmax.apply(x, axis=axis)


class Softmax(Function):
    """yᵢ = e^(zᵢ − m)/Σⱼ e^(zⱼ − m), m = max z;  ∂ℓ/∂z = y ⊙ (G − Σ G ⊙ y)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int | None, cached: np.ndarray | None = None) -> np.ndarray:
        if cached is not None:  # softmax(x) already computed by a fused op (cross_entropy's backward)
            y = cached
        else:
            shifted, finite = _shifted(x, axis)
            e = np.exp(shifted)
            with quiet(finite):  # an all −inf slice gives NaN, as in PyTorch
                y = e / np.add.reduce(e, axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(axis=ctx.axis, keepdims=True))


def softmax(input: Any, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ) along ``dim`` (default the last), shifted by max z so it never overflows.

    >>> import autograd
    >>> autograd.softmax(autograd.tensor([1000.0, 1000.0]), dim=0)
    tensor([0.5, 0.5], dtype=float32)
    """
    x, axis = _float_input(input, dim, axis, dtype, "softmax")
    return Softmax.apply(x, axis=axis)


def softmin(input: Any, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """softmin(z) = softmax(−z) along ``dim`` (default the last): the smallest z gets the largest weight."""
    return softmax(-_tensor(input), dim, axis=axis, dtype=dtype)


def _float_input(x: Any, dim: int | None, axis: int | None, dtype: Any, fn: str) -> tuple[Tensor, int | None]:
    """The input as a float Tensor (cast to ``dtype`` if given) and ``dim`` as one axis (None for a 0-d input)."""
    x = _tensor(x)
    if dtype is not None:
        x = cast(x, dtype)
    if x.dtype.kind != "f":
        raise DTypeError(f"{fn}: expected a floating-point tensor, got dtype {x.dtype}; "
                        f"convert it with .float() or pass dtype=")
    if dim is not None and axis is not None:
        raise TypeError(f"{fn}: pass either dim or axis, not both")
    dim = -1 if dim is None and axis is None else dim if axis is None else axis
    if not isinstance(dim, int | np.integer):
        raise TypeError(f"{fn}: dim must be one int, got {dim!r}")
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1):
        raise np.exceptions.AxisError(f"{fn}: dim {dim} is out of range for a tensor with {x.ndim} dimensions "
                                      f"(expected to be in range of [{-max(x.ndim, 1)}, {max(x.ndim, 1) - 1}])")
    return x, int(dim) % x.ndim if x.ndim else None
