"""Reductions over ``axis`` (``dim`` is accepted as PyTorch's alias, ``keepdim`` for ``keepdims``)."""

from __future__ import annotations

import math
import warnings
from typing import Any, NamedTuple

import numpy as np

from ..errors import DTypeError
from ..function import Context, Function
from ..grad_mode import state
from ..tensor import Tensor
from .axes import Axis, normalize_axis
from .elementwise import Exp, Where, _data, _tensor, cast, maximum, minimum
from .indexing import GetItem
from .shape import BroadcastTo, reshape, transpose


def _resolve(axis: Axis, keepdims: bool, dim: Axis, keepdim: bool | None) -> tuple[Axis, bool]:
    if dim is not None:
        if axis is not None:
            raise TypeError("pass either axis or dim, not both")
        axis = dim
    return axis, keepdims if keepdim is None else keepdim


def _reduce(op: type[Function], x: Any, axis: Axis, keepdims: bool, dim: Axis, keepdim: bool | None,
            dtype: Any = None) -> Tensor:
    """Apply a reduction Function over the resolved, validated axes (on ``x`` cast to ``dtype`` first, if given)."""
    x = _tensor(x) if dtype is None else cast(x, dtype)
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
        return np.add.reduce(x, axis=axes, keepdims=keepdims)  # np.sum's own call, without its Python wrapper

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return BroadcastTo.apply_in_backward(grad.reshape(ctx.kept), shape=ctx.in_shape)


def sum(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Sum over ``axis`` (all by default); ``dtype`` casts the input first, as PyTorch's."""
    return _reduce(Sum, x, axis, keepdims, dim, keepdim, dtype)


def mean(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Mean over ``axis``; the mean of no elements is NaN. An integer input needs a float ``dtype=``, as in PyTorch."""
    x = _tensor(x) if dtype is None else cast(x, dtype)
    if x.dtype.kind not in "fc":
        raise DTypeError(f"mean(): could not infer output dtype; the input is {x.dtype}: pass dtype= a float "
                        "dtype or call .float() first")
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    axes = normalize_axis(axis, x.ndim)
    n = math.prod([x.shape[a] for a in axes])
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


def amax(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Largest value over ``axis`` (values only); ties share the gradient evenly (as ``torch.amax``)."""
    return _reduce(Max, x, axis, keepdims, dim, keepdim)


def amin(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Smallest value over ``axis`` (values only); ties share the gradient evenly (as ``torch.amin``)."""
    return _reduce(Min, x, axis, keepdims, dim, keepdim)


class ValuesIndices(NamedTuple):
    """What ``max``/``min`` over one dimension return, as PyTorch's named tuple."""

    values: Tensor
    indices: Tensor


def _extreme(x: Any, axis: Any, keepdims: bool, dim: Any, keepdim: bool | None, name: str) -> Any:
    """torch.max / torch.min: of all elements (a value), over one dimension (values, indices), or of two tensors."""
    if isinstance(axis, Tensor):  # torch.max(input, other): the elementwise maximum
        return (maximum if name == "max" else minimum)(x, axis)
    x = _tensor(x)
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    if axis is None:
        return _reduce(Max if name == "max" else Min, x, None, False, None, None)
    if not isinstance(axis, int | np.integer):
        raise TypeError(f"{name}(dim=) takes one dimension, got {axis!r}; a{name}() reduces over several")
    axis = normalize_axis(axis, x.ndim)[0] if x.ndim else 0
    data = x.data if x.ndim else x.data.reshape(1)
    if data.shape[axis] == 0:
        raise IndexError(f"{name}(): cannot reduce over dimension {axis} of size 0 (shape {x.shape})")
    found = (np.argmax if name == "max" else np.argmin)(data, axis=axis, keepdims=True)
    index = tuple(found if i == axis else g for i, g in enumerate(np.indices(found.shape, sparse=True)))
    values = GetItem.apply(x if x.ndim else reshape(x, (1,)), index=index)  # the gradient goes to that index only
    if not keepdims or x.ndim == 0:
        found = np.squeeze(found, axis)
        values = reshape(values, found.shape)
    return ValuesIndices(values, Tensor._constant(found.astype(np.int64)))


def max(x: Any, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None) -> Any:
    """PyTorch's ``max``: all elements → the value; one ``dim`` → ``(values, indices)``; a Tensor → ``maximum``."""
    return _extreme(x, axis, keepdims, dim, keepdim, "max")


def min(x: Any, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None) -> Any:
    """PyTorch's ``min``: all elements → the value; one ``dim`` → ``(values, indices)``; a Tensor → ``minimum``."""
    return _extreme(x, axis, keepdims, dim, keepdim, "min")


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
        # with zeros, division fails: the product of the others, exactly
        if state.arrays:
            return grad_k * _product_of_others(x, ctx.axes)
        return grad_k * _product_of_others_differentiable(x, ctx.axes)


def _product_of_others(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    keep = [i for i in range(x.ndim) if i not in axes]
    perm = keep + list(axes)
    moved = np.transpose(x, perm)
    flat = moved.reshape(moved.shape[: len(keep)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.transpose((left * right).reshape(moved.shape), np.argsort(perm))


def _product_of_others_differentiable(x: Tensor, axes: tuple[int, ...]) -> Tensor:
    """``_product_of_others`` in recorded ops, for higher derivatives: the n products of n − 1 factors as
    the product over rows of an n×n stack that has ones on its diagonal (n² memory, only with zeros)."""
    keep = [i for i in range(x.ndim) if i not in axes]
    perm = tuple(keep + list(axes))
    moved = transpose(x, perm)
    n = math.prod([x.shape[a] for a in axes])
    rows = reshape(moved, moved.shape[: len(keep)] + (1, n))
    stack = Where.apply(np.ones((), x.dtype), rows, cond=np.eye(n, dtype=bool))
    others = reshape(prod(stack, -1), moved.shape)
    return transpose(others, tuple(np.argsort(perm)))


def prod(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Product over ``axis``; exact first and higher gradients also where inputs are zero."""
    return _reduce(Prod, x, axis, keepdims, dim, keepdim, dtype)


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
        # an all −inf slice has y = −inf: its gradient is 0 rather than NaN; a +inf element gives NaN (as PyTorch)
        shift = Where.apply_in_backward(y_k, np.zeros((), dtype=y_k.dtype), cond=_data(y_k) != -np.inf)
        with np.errstate(invalid="ignore"):
            return grad.reshape(ctx.kept) * Exp.apply_in_backward(x - shift)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
              keepdim: bool | None = None) -> Tensor:
    """log Σ exp(x) over ``axis``, stable for large inputs; an all −inf slice gives −inf."""
    return _reduce(LogSumExp, x, axis, keepdims, dim, keepdim)


def _correction(unbiased: bool | None, correction: float | None, ddof: float | None) -> float:
    """PyTorch's ``correction`` (default 1), from whichever of ``unbiased``, ``correction``, ``ddof`` was given."""
    given = [v for v in (unbiased, correction, ddof) if v is not None]
    if len(given) > 1:
        raise TypeError("pass at most one of unbiased, correction and ddof")
    if unbiased is not None:
        return 1 if unbiased else 0
    return given[0] if given else 1


def var(x: Any, axis: Axis = None, unbiased: bool | None = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None, correction: float | None = None, ddof: float | None = None) -> Tensor:
    """Variance over ``axis``: Σ(x − x̄)² / (n − correction), ``correction=1`` by default as PyTorch's
    (``unbiased=False`` or ``ddof=0``, NumPy's spelling, for the biased one)."""
    x = _tensor(x)
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    axes = normalize_axis(axis, x.ndim)
    n = math.prod([x.shape[a] for a in axes]) - _correction(unbiased, correction, ddof)
    d = x - mean(x, axes, keepdims=True)
    if n > 0:
        return sum(d * d, axes, keepdims) * (1.0 / n)
    # no degrees of freedom left: PyTorch divides by max(0, N − correction) = 0: inf, or NaN on a constant slice
    warnings.warn("var(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
                  "(input numel divided by output numel).", UserWarning, stacklevel=2)
    with np.errstate(invalid="ignore"):
        return sum(d * d, axes, keepdims) * math.inf


class Std(Function):
    """y = √v for a variance v;  ∂y/∂v = 1/(2y), taken as 0 where y = 0 (a constant slice), as PyTorch"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, v: np.ndarray) -> np.ndarray:
        y = np.sqrt(v)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        dead = _data(y) == 0
        safe = Where.apply_in_backward(np.ones((), dtype=y.dtype), y, cond=dead)
        return Where.apply_in_backward(np.zeros((), dtype=y.dtype), grad / (2 * safe), cond=dead)


def std(x: Any, axis: Axis = None, unbiased: bool | None = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None, correction: float | None = None, ddof: float | None = None) -> Tensor:
    """Standard deviation over ``axis``: √var, with var's ``correction`` (1 by default); gradient 0 on a constant slice."""
    return Std.apply(var(x, axis, unbiased, keepdims, dim=dim, keepdim=keepdim, correction=correction, ddof=ddof))


def var_mean(x: Any, axis: Axis = None, unbiased: bool | None = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool | None = None, correction: float | None = None, ddof: float | None = None
             ) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` over ``axis``, as ``torch.var_mean``."""
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    v = var(x, axis, unbiased, keepdims, correction=correction, ddof=ddof)
    return v, mean(x, axis, keepdims)


def std_mean(x: Any, axis: Axis = None, unbiased: bool | None = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool | None = None, correction: float | None = None, ddof: float | None = None
             ) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` over ``axis``, as ``torch.std_mean``."""
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    s = std(x, axis, unbiased, keepdims, correction=correction, ddof=ddof)
    return s, mean(x, axis, keepdims)


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


class NanToZero(Function):
    """y = x with NaN taken as 0;  ∂y/∂x = 1 where x is not NaN, else 0, multiplied in (an inf gradient there
    gives NaN, as PyTorch's)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        keep = ~np.isnan(x)
        ctx.save_for_backward(keep.astype(x.dtype))
        return np.where(keep, x, np.zeros((), x.dtype))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (keep,) = ctx.saved_tensors
        with np.errstate(invalid="ignore"):
            return grad * keep


def nansum(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Sum over ``axis`` with NaNs counted as zero (their gradient is 0)."""
    x = _tensor(x) if dtype is None else cast(x, dtype)
    return sum(NanToZero.apply(x) if x.dtype.kind == "f" else x, axis, keepdims, dim=dim, keepdim=keepdim)


def nanmean(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Mean over ``axis`` of the elements that are not NaN (NaN where there are none)."""
    x = _tensor(x) if dtype is None else cast(x, dtype)
    if x.dtype.kind != "f":
        raise DTypeError(f"nanmean(): expected input to have floating point dtype but got {x.dtype}")
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    axes = normalize_axis(axis, x.ndim)
    count = np.sum(~np.isnan(x.data), axis=axes, keepdims=keepdims).astype(x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return nansum(x, axes, keepdims) / count


def count_nonzero(x: Any, dim: Axis = None, *, axis: Axis = None) -> Tensor:
    """The number of nonzero elements over ``dim`` (all by default); an int64 tensor."""
    a = _tensor(x).data
    axes = normalize_axis(dim if dim is not None else axis, a.ndim)
    return Tensor._constant(np.asarray(np.count_nonzero(a, axis=axes), dtype=np.int64))


class MinMax(NamedTuple):
    """``aminmax``'s result: ``min`` and ``max``, as PyTorch's named tuple."""

    min: Tensor
    max: Tensor


def aminmax(x: Any, *, dim: int | None = None, keepdim: bool = False) -> MinMax:
    """The smallest and largest values over ``dim`` (all by default), as ``(min, max)``."""
    x = _tensor(x)
    if x.data.size == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity")
    return MinMax(amin(x, dim, keepdim), amax(x, dim, keepdim))
