"""Masks and checks: logical ops, any/all, NaN/inf tests, closeness, nonzero. Results are constants (no gradient)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import result_type
from ..errors import DTypeError
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


def _bitwise(ufunc: np.ufunc, name: str, a: Any, b: Any) -> Tensor:
    """An integer or bool op on two operands, in PyTorch's result dtype (a Python int takes the tensor's)."""
    if not isinstance(a, Tensor):
        a = Tensor._lift(a, b.dtype if isinstance(b, Tensor) else None)
    if not isinstance(b, Tensor):
        b = Tensor._lift(b, a.dtype)
    x, y = a.data, b.data
    if x.dtype.kind not in "biu" or y.dtype.kind not in "biu":
        raise DTypeError(f"{name} is only implemented on integer and bool tensors, got {x.dtype} and {y.dtype}")
    return Tensor._constant(np.asarray(ufunc(x, y)).astype(result_type(x, y), copy=False))


def bitwise_and(a: Any, b: Any) -> Tensor:
    """``a & b`` on integer or bool tensors, broadcasting."""
    return _bitwise(np.bitwise_and, "bitwise_and", a, b)


def bitwise_or(a: Any, b: Any) -> Tensor:
    """``a | b`` on integer or bool tensors, broadcasting."""
    return _bitwise(np.bitwise_or, "bitwise_or", a, b)


def bitwise_xor(a: Any, b: Any) -> Tensor:
    """``a ^ b`` on integer or bool tensors, broadcasting."""
    return _bitwise(np.bitwise_xor, "bitwise_xor", a, b)


def bitwise_left_shift(a: Any, b: Any) -> Tensor:
    """``a << b`` on integer tensors, broadcasting (bits shifted out are lost, as in C)."""
    return _bitwise(np.left_shift, "bitwise_left_shift", a, b)


def bitwise_right_shift(a: Any, b: Any) -> Tensor:
    """``a >> b`` on integer tensors, broadcasting (arithmetic shift: the sign is kept)."""
    return _bitwise(np.right_shift, "bitwise_right_shift", a, b)


def signbit(x: Any) -> Tensor:
    """Whether the sign bit is set (true for −0.0 and negative values); a bool tensor."""
    return _bool(np.signbit(_data(x)))


def isposinf(x: Any) -> Tensor:
    """Elementwise test for +inf; a bool tensor."""
    return _bool(np.isposinf(_data(x)))


def isneginf(x: Any) -> Tensor:
    """Elementwise test for −inf; a bool tensor."""
    return _bool(np.isneginf(_data(x)))


def heaviside(x: Any, values: Any) -> Tensor:
    """The step function: 1 where x > 0, ``values`` where x = 0, else 0 (NaN too; no gradient, as PyTorch)."""
    x, values = _tensor(x), _tensor(values)
    if x.dtype != values.dtype:
        raise DTypeError(f"heaviside is not yet implemented for tensors with different dtypes ({x.dtype} and "
                            f"{values.dtype})")
    return Tensor._constant(np.asarray(np.where(x.data == 0, values.data, x.data > 0)).astype(x.dtype, copy=False))


def equal(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` have the same shape and the same values; a Python bool."""
    x, y = _data(_tensor(a)), _data(_tensor(b))
    return x.shape == y.shape and bool(np.array_equal(x, y))
