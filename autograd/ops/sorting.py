"""Sorting and selection: the values are read out of the input by index, so gradients flow to the selected elements."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from .axes import dim_or_axis, normalize_axis
from .elementwise import _tensor
from .shape import reshape


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
