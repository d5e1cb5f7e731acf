"""Indexing: basic slicing and integer/boolean arrays; repeated indices accumulate their gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Context, Function
from ..tensor import Tensor
from .elementwise import _tensor


def _plain(index: Any) -> Any:
    """Replace Tensors and lists inside an index by arrays, so NumPy sees one advanced index."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    if isinstance(index, tuple):
        return tuple(_plain(i) for i in index)
    return index


def _is_basic(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, int | np.integer | slice) for i in items)


class GetItem(Function):
    """y = x[index];  ∂y/∂x scatters the gradient back, adding where an index repeats"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, index: Any) -> np.ndarray:
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return IndexAdd.apply_in_backward(grad, index=ctx.index, shape=ctx.in_shape)


class IndexAdd(Function):
    """y = zeros(shape) with y[index] += x;  ∂y/∂x = the gradient read back at index"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, index: Any, shape: tuple[int, ...]) -> np.ndarray:
        ctx.index = index
        out = np.zeros(shape, dtype=x.dtype)
        if _is_basic(index):
            out[index] = x
        else:
            np.add.at(out, index, x)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return GetItem.apply_in_backward(grad, index=ctx.index)


def _ints_first(index: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """PyTorch applies integers as basic indexing before index arrays (NumPy counts them as index arrays, which
    moves the result's dimensions when a slice separates them): the index as (integers, the rest), or None
    when it mixes no integers with arrays."""
    arrays = [isinstance(i, np.ndarray) and i.ndim > 0 for i in index]
    ints = [isinstance(i, int | np.integer) and not isinstance(i, bool) for i in index]
    if not any(arrays) or not any(ints):
        return None
    first, rest = [], []
    for i, item in enumerate(index):
        if ints[i]:
            first.append(item)
        elif arrays[i] and item.dtype == bool:
            first.extend([slice(None)] * item.ndim)
            rest.append(item)
        elif item is None:
            first.append(None)
            rest.append(slice(None))
        else:
            first.append(item if item is Ellipsis else slice(None))
            rest.append(item)
    return tuple(first), tuple(rest)


def getitem(x: Any, index: Any) -> Tensor:
    """``x[index]`` with PyTorch's semantics (NumPy's, except that integers apply before index arrays);
    Tensors may be used as index arrays."""
    index = _plain(index)
    if isinstance(index, tuple):
        split = _ints_first(index)
        if split is not None:
            return GetItem.apply(GetItem.apply(_tensor(x), index=split[0]), index=split[1])
    return GetItem.apply(_tensor(x), index=index)
