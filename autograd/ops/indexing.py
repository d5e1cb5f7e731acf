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


def getitem(x: Any, index: Any) -> Tensor:
    """``x[index]`` with NumPy semantics (Tensors may be used as index arrays)."""
    return GetItem.apply(_tensor(x), index=_plain(index))
