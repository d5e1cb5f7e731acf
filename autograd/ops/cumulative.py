"""Cumulative ops along one dimension: running sum, product, max/min (with indices) and log-sum-exp."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..function import Context, Function
from ..tensor import Tensor
from .axes import normalize_axis
from .elementwise import _data, _tensor, abs, exp, log, where
from .gather import _dim, gather
from .indexing import getitem
from .shape import concatenate, unsqueeze


class ValuesIndices(NamedTuple):
    """``(values, indices)``, as PyTorch's ``torch.return_types``."""

    values: Tensor
    indices: Tensor


def _axis(x: Tensor, dim: int | None, axis: int | None, op: str) -> int:
    """The one dimension of a cumulative op; a 0-d tensor is scanned as one element (dim 0 or -1)."""
    axes = normalize_axis(_dim(dim, axis, op), x.ndim)
    return axes[0] if axes else 0


def _flip(t: Any, axis: int) -> Any:
    return getitem(t, (slice(None),) * axis + (slice(None, None, -1),))


def _reverse_cumsum(g: Tensor, axis: int) -> Tensor:
    """Σ_{j ≥ i} gⱼ along ``axis``."""
    return _flip(CumSum.apply(_flip(g, axis), axis=axis), axis)


class CumSum(Function):
    """yᵢ = Σ_{j ≤ i} xⱼ;  ∂L/∂xⱼ = Σ_{i ≥ j} Gᵢ (a reversed cumulative sum)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int) -> np.ndarray:
        ctx.axis = axis
        return np.cumsum(np.atleast_1d(x), axis=axis).reshape(x.shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return _reverse_cumsum(grad, ctx.axis) if grad.ndim else grad


def _accumulator(x: Any, dtype: Any) -> Tensor:
    """``x`` in the dtype a running sum or product accumulates in: ``dtype``, else int64 for integers and bools."""
    x = _tensor(x)
    if dtype is None and x.dtype.kind in "biu":
        dtype = np.int64
    return x.astype(dtype) if dtype is not None and x.dtype != np.dtype(dtype) else x


def cumsum(x: Any, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """Running sum along ``dim``; integer and bool inputs sum in int64, as PyTorch."""
    x = _accumulator(x, dtype)
    return CumSum.apply(x, axis=_axis(x, dim, axis, "cumsum"))


class CumProd(Function):
    """yᵢ = Π_{j ≤ i} xⱼ;  ∂L/∂xⱼ = Σ_{i ≥ j} Gᵢ Π_{k ≤ i, k ≠ j} xₖ (exact where x has zeros)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int) -> np.ndarray:
        ctx.axis = axis
        y = np.cumprod(np.atleast_1d(x), axis=axis).reshape(x.shape)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        x, y = ctx.saved_tensors
        if x.ndim == 0:
            return grad
        if np.all(_data(x) != 0):
            return _reverse_cumsum(grad * y, ctx.axis) / x
        return _cumprod_grad_with_zeros(x, grad, ctx.axis)


def _cumprod_grad_with_zeros(x: Tensor, grad: Tensor, axis: int) -> Tensor:
    """∂L/∂xⱼ = Π_{k < j} xₖ · Σ_{i ≥ j} Gᵢ Π_{j < k ≤ i} xₖ, with no division: O(n²) along ``axis``.

    Written in differentiable ops (cumprod included), so second derivatives are exact at zeros too.
    """
    n = x.shape[axis]
    x_last = x.transpose(axis, -1) if axis != x.ndim - 1 else x
    g_last = grad.transpose(axis, -1) if axis != x.ndim - 1 else grad
    ones = np.ones(x_last.shape[:-1] + (1,), dtype=x.dtype)
    before = cumprod(concatenate([ones, x_last[..., :-1]], axis=-1), -1)  # Π_{k < j} xₖ
    later = np.triu(np.ones((n, n), dtype=bool), 1)  # [j, k]: k > j
    # between[..., j, i] = Π_{j < k ≤ i} xₖ: a cumulative product over rows that hold 1 up to j
    between = cumprod(where(later, unsqueeze(x_last, -2), np.ones((), x.dtype)), -1)
    reach = np.triu(np.ones((n, n), dtype=x.dtype))  # [j, i]: i ≥ j
    out = before * (between * reach * unsqueeze(g_last, -2)).sum(-1)
    return out.transpose(axis, -1) if axis != x.ndim - 1 else out


def cumprod(x: Any, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """Running product along ``dim``; exact gradients (first and second) where inputs are zero."""
    x = _accumulator(x, dtype)
    return CumProd.apply(x, axis=_axis(x, dim, axis, "cumprod"))


def _running(x: Any, dim: int | None, axis: int | None, op: str, better: Any) -> ValuesIndices:
    """Running extreme and the index where it was last reached (a NaN counts as reaching it), as PyTorch."""
    x = _tensor(x)
    a = _axis(x, dim, axis, op)
    data = np.atleast_1d(x.data)
    values = better.accumulate(data, axis=a)
    positions = np.arange(data.shape[a]).reshape((-1,) + (1,) * (data.ndim - a - 1))
    hit = (data == values) | np.isnan(data) if data.dtype.kind == "f" else data == values
    indices = np.maximum.accumulate(np.where(hit, positions, 0), axis=a).astype(np.int64).reshape(x.shape)
    return ValuesIndices(gather(x, a, indices), Tensor._constant(indices))


def cummax(x: Any, dim: int | None = None, *, axis: int | None = None) -> ValuesIndices:
    """Running maximum along ``dim`` and its indices; the gradient flows to the element each value came from."""
    return _running(x, dim, axis, "cummax", np.maximum)


def cummin(x: Any, dim: int | None = None, *, axis: int | None = None) -> ValuesIndices:
    """Running minimum along ``dim`` and its indices; the gradient flows to the element each value came from."""
    return _running(x, dim, axis, "cummin", np.minimum)


class LogCumSumExp(Function):
    """yᵢ = log Σ_{j ≤ i} e^xⱼ;  ∂L/∂xⱼ = Σ_{i ≥ j} Gᵢ e^(xⱼ − yᵢ) (summed in log space, as PyTorch)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int) -> np.ndarray:
        ctx.axis = axis
        y = np.logaddexp.accumulate(np.atleast_1d(x), axis=axis).reshape(x.shape)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        x, y = ctx.saved_tensors
        if x.ndim == 0:
            return grad
        lowest = np.asarray(np.finfo(grad.dtype).min, dtype=grad.dtype)
        log_abs = log(where(_data(grad) != 0, abs(grad), np.ones((), grad.dtype)))

        def part(sign_mask: np.ndarray) -> Tensor:
            log_g = where(sign_mask, log_abs, lowest)
            return exp(_flip(LogCumSumExp.apply(_flip(log_g - y, ctx.axis), axis=ctx.axis), ctx.axis) + x)

        g = _data(grad)
        # lowest + lowest rounds to −inf, which exp turns into the 0 it stands for; an infinite input gives
        # NaN as in PyTorch, without a NumPy warning
        with np.errstate(over="ignore", invalid="ignore"):
            return part(g > 0) - part(g < 0)


def logcumsumexp(x: Any, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """log of the running sum of exp along ``dim``, stable for large inputs."""
    x = _tensor(x)
    return LogCumSumExp.apply(x, axis=_axis(x, dim, axis, "logcumsumexp"))
