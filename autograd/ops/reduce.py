"""Reductions over ``axis`` (``dim`` is accepted as PyTorch's alias, ``keepdim`` for ``keepdims``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Context, Function
from ..tensor import Tensor
from .axes import Axis, normalize_axis
from .elementwise import Exp, Where, _data, _tensor, sqrt
from .shape import BroadcastTo


def _resolve(axis: Axis, keepdims: bool, dim: Axis, keepdim: bool | None) -> tuple[Axis, bool]:
    if dim is not None:
        if axis is not None:
            raise TypeError("pass either axis or dim, not both")
        axis = dim
    return axis, keepdims if keepdim is None else keepdim


def _reduce(op: type[Function], x: Any, axis: Axis, keepdims: bool, dim: Axis, keepdim: bool | None) -> Tensor:
    """Apply a reduction Function over the resolved, validated axes."""
    x = _tensor(x)
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    return op.apply(x, axes=normalize_axis(axis, x.ndim), keepdims=keepdims)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple([1 if i in axes else s for i, s in enumerate(shape)])


class Sum(Function):
    """y = Σ x over axes;  ∂y/∂x = 1 (the gradient is broadcast back)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        ctx.in_shape = x.shape
        ctx.kept = _kept_shape(x.shape, axes)
        return np.sum(x, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return BroadcastTo.apply_in_backward(grad.reshape(ctx.kept), shape=ctx.in_shape)


def sum(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None) -> Tensor:
    """Sum over ``axis`` (all by default)."""
    return _reduce(Sum, x, axis, keepdims, dim, keepdim)


def mean(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Mean over ``axis``; the mean of no elements is NaN (as NumPy)."""
    x = _tensor(x)
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    axes = normalize_axis(axis, x.ndim)
    n = int(np.prod([x.shape[a] for a in axes]))
    return Sum.apply(x, axes=axes, keepdims=keepdims) * (1.0 / n if n else float("nan"))


class Max(Function):
    """y = max x over axes;  ∂y/∂x = 1/k on each of the k elements equal to the max, else 0"""

    arrays_ok = True

    reduce = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx: Context, x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        y = cls.reduce(x, axis=axes, keepdims=True)
        hit = x == y
        ctx.share = (hit / hit.sum(axis=axes, keepdims=True)).astype(x.dtype)
        ctx.kept = y.shape
        return y if keepdims else y.reshape(tuple(s for i, s in enumerate(x.shape) if i not in axes))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return grad.reshape(ctx.kept) * ctx.share


class Min(Max):
    """y = min x over axes;  ∂y/∂x = 1/k on each of the k elements equal to the min, else 0"""

    reduce = staticmethod(np.min)


def max(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None) -> Tensor:
    """Largest value over ``axis`` (values only); ties share the gradient evenly (as ``torch.amax``)."""
    return _reduce(Max, x, axis, keepdims, dim, keepdim)


def min(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None) -> Tensor:
    """Smallest value over ``axis`` (values only); ties share the gradient evenly."""
    return _reduce(Min, x, axis, keepdims, dim, keepdim)


class Prod(Function):
    """y = Π x over axes;  ∂y/∂xᵢ = Π_{j≠i} xⱼ"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        y = np.prod(x, axis=axes, keepdims=True)
        ctx.axes, ctx.kept = axes, y.shape
        out = y if keepdims else y.reshape(tuple(s for i, s in enumerate(x.shape) if i not in axes))
        ctx.save_for_backward(x, out)  # the returned array itself, so backward sees the output Tensor
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        x, y = ctx.saved_tensors
        grad_k = grad.reshape(ctx.kept)
        if np.all(_data(x) != 0):
            return grad_k * y.reshape(ctx.kept) / x
        # with zeros, division fails: product of the others, exactly (first order only)
        return grad_k * _product_of_others(_data(x), ctx.axes)


def _product_of_others(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    keep = [i for i in range(x.ndim) if i not in axes]
    perm = keep + list(axes)
    moved = np.transpose(x, perm)
    flat = moved.reshape(moved.shape[: len(keep)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.transpose((left * right).reshape(moved.shape), np.argsort(perm))


def prod(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Product over ``axis``; exact gradients also where inputs are zero."""
    return _reduce(Prod, x, axis, keepdims, dim, keepdim)


class LogSumExp(Function):
    """y = log Σ eˣ over axes (shifted by the max);  ∂y/∂x = softmax(x) = e^(x − y)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        m = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros(_kept_shape(x.shape, axes), x.dtype)
        m = np.where(np.isfinite(m), m, 0)  # an all −inf slice gives −inf, not NaN (as JAX)
        with np.errstate(divide="ignore"):
            y = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
        ctx.kept = y.shape
        out = y if keepdims else y.reshape(tuple(s for i, s in enumerate(x.shape) if i not in axes))
        ctx.save_for_backward(x, out)  # the returned array itself, so backward sees the output Tensor
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        x, y = ctx.saved_tensors
        y_k = y.reshape(ctx.kept)
        # an all −inf slice has y = −inf: its gradient is 0 rather than NaN
        shift = Where.apply_in_backward(y_k, np.zeros((), dtype=y_k.dtype), cond=np.isfinite(_data(y_k)))
        return grad.reshape(ctx.kept) * Exp.apply_in_backward(x - shift)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
              keepdim: bool | None = None) -> Tensor:
    """log Σ exp(x) over ``axis``, stable for large inputs; an all −inf slice gives −inf."""
    return _reduce(LogSumExp, x, axis, keepdims, dim, keepdim)


def _ddof(ddof: int, correction: int | None) -> int:
    return ddof if correction is None else correction


def var(x: Any, axis: Axis = None, keepdims: bool = False, *, ddof: int = 0, dim: Axis = None,
        keepdim: bool | None = None, correction: int | None = None) -> Tensor:
    """Variance over ``axis``: Σ(x − x̄)² / (n − ddof).

    The default ``ddof=0`` is NumPy's (biased); PyTorch's ``x.var()`` defaults to ``correction=1``,
    which is accepted here as an alias.
    """
    x = _tensor(x)
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    axes = normalize_axis(axis, x.ndim)
    n = int(np.prod([x.shape[a] for a in axes])) - _ddof(ddof, correction)
    d = x - mean(x, axes, keepdims=True)
    return sum(d * d, axes, keepdims) * (1.0 / n if n > 0 else float("nan"))


def std(x: Any, axis: Axis = None, keepdims: bool = False, *, ddof: int = 0, dim: Axis = None,
        keepdim: bool | None = None, correction: int | None = None) -> Tensor:
    """Standard deviation over ``axis`` (√var; same ``ddof`` convention)."""
    return sqrt(var(x, axis, keepdims, ddof=ddof, dim=dim, keepdim=keepdim, correction=correction))


def argmax(x: Any, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None,
           keepdim: bool | None = None) -> Tensor:
    """Index of the largest value (an int tensor; not differentiable)."""
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    return Tensor._constant(np.asarray(np.argmax(_tensor(x).data, axis=axis, keepdims=keepdims)))


def argmin(x: Any, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None,
           keepdim: bool | None = None) -> Tensor:
    """Index of the smallest value (an int tensor; not differentiable)."""
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    return Tensor._constant(np.asarray(np.argmin(_tensor(x).data, axis=axis, keepdims=keepdims)))
