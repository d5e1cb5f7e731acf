"""Masks and checks: logical ops, any/all, NaN/inf tests, closeness, nonzero. Results are constants (no gradient)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .axes import normalize_axis
from .elementwise import _data, _tensor
from .reduce import Axis, _resolve


def _bool(a: np.ndarray) -> Tensor:
    return Tensor._constant(np.asarray(a, dtype=bool))


def bitwise_not(x: Any) -> Tensor:
    """``~x``: logical not of a bool tensor, bitwise not of an integer one (floats raise, as in PyTorch)."""
    a = _tensor(x).data
    if a.dtype.kind not in "biu":
        raise TypeError(f"~ (operator.invert) is only implemented on integer and bool tensors, got {a.dtype}; "
                        "for a float mask use logical_not(x)")
    return Tensor._constant(np.asarray(np.invert(a)))


def logical_not(x: Any) -> Tensor:
    """Elementwise not, treating nonzero as True; a bool tensor."""
    return _bool(np.logical_not(_data(x)))


def logical_and(a: Any, b: Any) -> Tensor:
    """Elementwise and (nonzero is True), broadcasting; a bool tensor."""
    return _bool(np.logical_and(_data(a), _data(b)))


def logical_or(a: Any, b: Any) -> Tensor:
    """Elementwise or (nonzero is True), broadcasting; a bool tensor."""
    return _bool(np.logical_or(_data(a), _data(b)))


def logical_xor(a: Any, b: Any) -> Tensor:
    """Elementwise exclusive or (nonzero is True), broadcasting; a bool tensor."""
    return _bool(np.logical_xor(_data(a), _data(b)))


def _test(reduce: Any, x: Any, axis: Axis, keepdims: bool, dim: Axis, keepdim: bool | None) -> Tensor:
    a = _tensor(x).data
    axis, keepdims = _resolve(axis, keepdims, dim, keepdim)
    out = reduce(a, axis=normalize_axis(axis, a.ndim), keepdims=keepdims)
    return Tensor._constant(np.asarray(out, dtype=np.uint8 if a.dtype == np.uint8 else bool))


def any(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None) -> Tensor:
    """Whether any element over ``axis`` (all by default) is nonzero; bool (uint8 for uint8, as PyTorch)."""
    return _test(np.any, x, axis, keepdims, dim, keepdim)


def all(x: Any, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None) -> Tensor:
    """Whether every element over ``axis`` (all by default) is nonzero; bool (uint8 for uint8, as PyTorch)."""
    return _test(np.all, x, axis, keepdims, dim, keepdim)


def isnan(x: Any) -> Tensor:
    """Elementwise test for NaN; a bool tensor."""
    return _bool(np.isnan(_data(x)))


def isinf(x: Any) -> Tensor:
    """Elementwise test for ±inf; a bool tensor."""
    return _bool(np.isinf(_data(x)))


def isfinite(x: Any) -> Tensor:
    """Elementwise test for a finite value (not NaN, not ±inf); a bool tensor."""
    return _bool(np.isfinite(_data(x)))


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|a − b| ≤ atol + rtol·|b| elementwise, broadcasting; a bool tensor."""
    return _bool(np.isclose(_data(a), _data(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether ``isclose`` holds everywhere; a Python bool."""
    return bool(np.allclose(_data(a), _data(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


def nonzero(x: Any, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """Indices of the nonzero elements: an int64 tensor of shape (n, ndim), or with ``as_tuple`` one per dim."""
    a = _tensor(x).data
    found = np.nonzero(np.atleast_1d(a))  # a 0-d tensor counts as one element, as PyTorch's does
    if as_tuple:
        return tuple(Tensor._constant(i.astype(np.int64)) for i in found)
    if a.ndim == 0:
        return Tensor._constant(np.zeros((len(found[0]), 0), dtype=np.int64))
    return Tensor._constant(np.stack(found, axis=1).astype(np.int64))
