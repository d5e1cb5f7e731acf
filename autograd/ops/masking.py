"""Masked selection and filling, and the triangles of a matrix: compositions of where and indexing."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DTypeError, ShapeError
from ..tensor import Tensor
from .elementwise import _data, _tensor, cast, where
from .indexing import getitem
from .shape import broadcast_to


def _mask(mask: Any, op: str) -> np.ndarray:
    m = np.asarray(_data(mask))
    if m.dtype != bool:
        raise DTypeError(f"{op}: the mask must be a bool tensor, got {m.dtype}; compare to make one (x > 0) "
                        "or convert it with .astype(bool)")
    return m


def _broadcast(x: Tensor, mask: np.ndarray, op: str) -> tuple[Tensor, np.ndarray]:
    try:
        shape = np.broadcast_shapes(x.shape, mask.shape)
    except ValueError:
        raise ShapeError(f"{op}: the mask of shape {mask.shape} does not broadcast with the input of shape "
                         f"{x.shape}") from None
    return (x if x.shape == shape else broadcast_to(x, shape)), np.broadcast_to(mask, shape)


def masked_select(x: Any, mask: Any) -> Tensor:
    """The elements of ``x`` where the bool ``mask`` holds (both broadcast), as a 1-d tensor."""
    x = _tensor(x)
    x, mask = _broadcast(x, _mask(mask, "masked_select"), "masked_select")
    return getitem(x.reshape(-1), mask.reshape(-1))


def masked_fill(x: Any, mask: Any, value: Any) -> Tensor:
    """``x`` with ``value`` where the bool ``mask`` holds; a 0-d tensor ``value`` gets the gradient of what it filled."""
    x = _tensor(x)
    mask = _mask(mask, "masked_fill")
    _broadcast(x, mask, "masked_fill")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"masked_fill only supports a 0-dimensional value tensor, got shape {value.shape}")
        value = cast(value, x.dtype) if value.dtype != x.dtype else value
    else:
        value = np.asarray(value, dtype=x.dtype)
    return where(mask, value, x)


def _triangle(x: Any, diagonal: int, upper: bool, op: str) -> Tensor:
    x = _tensor(x)
    if x.ndim < 2:
        raise ShapeError(f"{op}: input tensor must have at least 2 dimensions, got shape {x.shape}")
    n, m = x.shape[-2:]
    lower = np.tri(n, m, diagonal - 1 if upper else diagonal, dtype=bool)
    return where(~lower if upper else lower, x, np.zeros((), dtype=x.dtype))


def tril(x: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (j ≤ i + diagonal), zeros above."""
    return _triangle(x, diagonal, False, "tril")


def triu(x: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (j ≥ i + diagonal), zeros below."""
    return _triangle(x, diagonal, True, "triu")
