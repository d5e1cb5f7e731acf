"""Sorting and selection: the values are read out of the input by index, so gradients flow to the selected elements."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor
from .axes import dim_or_axis, normalize_axis
from .elementwise import _tensor
from .maths import lerp
from .shape import permute, reshape, unsqueeze


class ValuesIndices(NamedTuple):
    """``(values, indices)``, PyTorch's return type for ``sort``, ``topk``, ``kthvalue`` and ``median``."""

    values: Tensor
    indices: Tensor


def _sort_index(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable sort order along ``axis``; NaN sorts as the largest value (as in PyTorch)."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    # stable descending: sort the reversed array ascending and reverse the result, which puts
    # equal elements back in their original order (negating would overflow integers and move NaN)
    n = a.shape[axis]
    order = np.argsort(np.flip(a, axis), axis=axis, kind="stable")
    return n - 1 - np.flip(order, axis)


def _take(x: Tensor, index: np.ndarray, axis: int) -> Tensor:
    """``x`` read at ``index`` along ``axis`` (``take_along_axis``), differentiable through indexing."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return x[tuple(grid)]


def _axis(x: Tensor, dim: Any, axis: Any, default: Any = -1) -> int:
    (a,) = normalize_axis(dim_or_axis(dim, axis, default), x.ndim) or (0,)
    return a


def _as_1d(x: Tensor) -> Tensor:
    """0-d inputs are handled as one element along dimension 0, as PyTorch's sort does."""
    return reshape(x, (1,)) if x.ndim == 0 else x


def sort(x: Any, dim: int | None = None, descending: bool = False, stable: bool = False, *,
         axis: int | None = None) -> ValuesIndices:
    """Sorted values along ``dim`` (last by default) and their int64 indices; always stable."""
    x = _tensor(x)
    a = _axis(x, dim, axis)
    flat = _as_1d(x)
    index = _sort_index(flat.data, a, descending)
    values = _take(flat, index, a)
    if x.ndim == 0:
        return ValuesIndices(reshape(values, ()), Tensor._constant(index.reshape(())))
    return ValuesIndices(values, Tensor._constant(index))


def argsort(x: Any, dim: int | None = None, descending: bool = False, stable: bool = False, *,
            axis: int | None = None) -> Tensor:
    """The int64 indices that sort ``x`` along ``dim`` (last by default); always stable."""
    x = _tensor(x)
    return Tensor._constant(_sort_index(_as_1d(x).data, _axis(x, dim, axis), descending).reshape(x.shape))


def _select(x: Tensor, index: np.ndarray, a: int, keepdim: bool) -> ValuesIndices:
    """``x`` at ``index`` (one position per line, a kept dimension of size 1 along ``a``)."""
    values = _take(_as_1d(x), index, a)
    if x.ndim == 0:
        return ValuesIndices(reshape(values, ()), Tensor._constant(index.reshape(())))
    if not keepdim:
        values, index = reshape(values, values.shape[:a] + values.shape[a + 1:]), np.squeeze(index, a)
    return ValuesIndices(values, Tensor._constant(index))


def topk(x: Any, k: int, dim: int | None = None, largest: bool = True, sorted: bool = True, *,
         axis: int | None = None) -> ValuesIndices:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, largest first (also for ``sorted=False``)."""
    x = _tensor(x)
    a = _axis(x, dim, axis)
    n = x.shape[a] if x.ndim else 1
    if not 0 <= k <= n:
        raise ShapeError(f"topk: k = {k} is out of range for a dimension of size {n}")
    index = np.take(_sort_index(_as_1d(x).data, a, descending=largest), np.arange(k), axis=a)
    values = _take(_as_1d(x), index, a)
    return ValuesIndices(reshape(values, ()) if x.ndim == 0 else values,
                         Tensor._constant(index.reshape(()) if x.ndim == 0 else index))


def kthvalue(x: Any, k: int, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None,
             keepdims: bool | None = None) -> ValuesIndices:
    """The k-th smallest value (k from 1) along ``dim`` (last by default) and its index, ties in stable order."""
    x = _tensor(x)
    a = _axis(x, dim, axis)
    n = x.shape[a] if x.ndim else 1
    if not 1 <= k <= n:
        raise ShapeError(f"kthvalue: k = {k} is out of range for a dimension of size {n}")
    index = np.take(_sort_index(_as_1d(x).data, a, descending=False), [k - 1], axis=a)
    return _select(x, index, a, keepdim if keepdims is None else keepdims)


def median(x: Any, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None,
           keepdims: bool | None = None) -> Tensor | ValuesIndices:
    """The lower median (the ⌈n/2⌉-th smallest, as PyTorch's); NaN if the line holds one; ties in stable order.

    Without ``dim``: the median of all elements, a 0-d tensor. With ``dim``: ``(values, indices)``.
    """
    x = _tensor(x)
    d = dim_or_axis(dim, axis)
    if d is None:
        if x.numel() == 0:
            return Tensor._constant(np.full((), np.nan, x.dtype if x.dtype.kind == "f" else np.float64))
        values, _ = median(reshape(x, (-1,)), 0)
        return values
    a = _axis(x, d, None)
    line = _as_1d(x).data
    n = line.shape[a]
    if n == 0:
        raise ShapeError(f"median: dimension {a} is empty")
    index = np.take(_sort_index(line, a, descending=False), [(n - 1) // 2], axis=a)
    nan = np.isnan(line) if line.dtype.kind == "f" else np.zeros(line.shape, dtype=bool)
    index = np.where(nan.any(axis=a, keepdims=True), np.argmax(nan, axis=a, keepdims=True), index)
    return _select(x, index, a, keepdim if keepdims is None else keepdims)


def unique(x: Any, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None) -> Any:
    """The distinct values (sorted), and with the flags the index of each element's value and each value's count;
    ``dim`` takes distinct slices along it. No gradient (as PyTorch)."""
    a = _tensor(x).data
    axis = None if dim is None else normalize_axis(dim, a.ndim)[0]
    values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
    out = [Tensor._constant(values)]
    if return_inverse:
        out.append(Tensor._constant(inverse.reshape(a.shape if axis is None else -1).astype(np.int64)))
    if return_counts:
        out.append(Tensor._constant(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(x: Any, weights: Any = None, minlength: int = 0) -> Tensor:
    """How often each value 0 … max occurs in a 1-d non-negative integer tensor (summing ``weights`` if given)."""
    a = _tensor(x).data
    if a.ndim != 1 or a.dtype.kind not in "iu":
        raise DTypeError(f"bincount only supports 1-d non-negative integral inputs, got {a.dtype} of shape {a.shape}")
    if a.size and a.min() < 0:
        raise ArgumentError("bincount only supports 1-d non-negative integral inputs")
    w = None if weights is None else _tensor(weights).data
    counts = np.bincount(a, weights=w, minlength=minlength)
    dtype = np.int64 if w is None else (w.dtype if w.dtype.kind == "f" else np.float64)
    return Tensor._constant(counts.astype(dtype))


def searchsorted(sorted_sequence: Any, values: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None) -> Tensor:
    """Where each of ``values`` would be inserted into the sorted last dim of ``sorted_sequence`` to keep it
    sorted (after equal entries with ``right=True`` or ``side='right'``); int64 (int32 with ``out_int32``)."""
    seq, v = _tensor(sorted_sequence).data, _tensor(values).data
    side = side or ("right" if right else "left")
    if seq.ndim <= 1:
        out = np.searchsorted(seq, v, side=side)
    else:
        if seq.shape[:-1] != v.shape[:-1]:
            raise ShapeError(f"searchsorted: boundaries {seq.shape} and input {v.shape} must agree in all but the "
                             "last dimension")
        rows_s, rows_v = seq.reshape(-1, seq.shape[-1]), v.reshape(-1, v.shape[-1])
        out = np.stack([np.searchsorted(s, r, side=side) for s, r in zip(rows_s, rows_v, strict=True)]).reshape(v.shape)
    return Tensor._constant(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


def bucketize(x: Any, boundaries: Any, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each element of ``x`` among the sorted 1-d ``boundaries``: ``searchsorted(boundaries, x)``."""
    if _tensor(boundaries).ndim != 1:
        raise ShapeError("bucketize: boundaries must be a 1-d tensor")
    return searchsorted(boundaries, x, out_int32=out_int32, right=right)


def quantile(x: Any, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The ``q``-quantiles over ``dim`` (of all elements by default), interpolating between the two nearest
    ranks; a 1-d ``q`` adds a leading dim. The gradient goes to the ranks used, by their weights."""
    x = _tensor(x)
    if x.dtype.kind != "f":
        raise DTypeError(f"quantile() input tensor must be either float or double dtype, got {x.dtype}")
    if interpolation not in ("linear", "lower", "higher", "nearest", "midpoint"):
        raise ArgumentError(f"quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                            f"got {interpolation!r}")
    if x.data.size == 0:
        raise ArgumentError("quantile() input tensor must be non-empty")
    qs = np.asarray(q.data if isinstance(q, Tensor) else q, dtype=np.float64)
    if qs.ndim > 1:
        raise ShapeError(f"quantile() q must be a scalar or 1D tensor, got {qs.ndim} dims")
    if qs.size and (qs.min() < 0 or qs.max() > 1):
        raise ArgumentError("quantile() q values must be in the range [0, 1]")
    if dim is None:
        flat = sort(x.reshape(-1)).values
        out = _interpolate(flat, 0, qs, interpolation)
        return out.reshape(qs.shape + (1,) * x.ndim) if keepdim else out
    (a,) = normalize_axis(dim, x.ndim)
    ranked = sort(x, a).values
    out = _interpolate(ranked, a, qs, interpolation)  # the q dim replaces axis a, then moves to the front
    out = permute(out, (a, *(i for i in range(out.ndim) if i != a))) if qs.ndim else out
    if keepdim:
        out = unsqueeze(out, a + qs.ndim)
    return out


def _interpolate(ranked: Tensor, a: int, qs: np.ndarray, how: str) -> Tensor:
    """Values at fractional ranks ``qs·(n − 1)`` along axis ``a`` of a sorted tensor: a 0-d ``qs`` drops that
    axis, a 1-d one replaces it with one entry per quantile."""
    pos = qs * (ranked.shape[a] - 1)
    lo, hi = np.floor(pos).astype(np.int64), np.ceil(pos).astype(np.int64)

    def take(i: np.ndarray) -> Tensor:
        return ranked[(slice(None),) * a + (i if i.ndim else int(i),)]

    if how == "lower":
        return take(lo)
    if how == "higher":
        return take(hi)
    if how == "nearest":
        return take(np.round(pos).astype(np.int64))  # ties to even, as PyTorch's round
    frac = (np.full_like(pos, 0.5) if how == "midpoint" else pos - lo).astype(ranked.dtype)
    weight = frac.reshape((-1,) + (1,) * (ranked.ndim - a - 1)) if qs.ndim else frac[()]
    return lerp(take(lo), take(hi), weight)  # from the nearer end, as PyTorch's lerp
