"""The default float dtype and the rules that turn Python data into arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import DTypeError

_default = np.dtype(np.float32)


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype that Python numbers and lists become (float32 or float64)."""
    global _default
    d = np.dtype(dtype)
    if d not in (np.float32, np.float64):
        raise ValueError(f"default dtype must be float32 or float64, got {d}")
    _default = d


def get_default_dtype() -> np.dtype:
    """The dtype that Python numbers and lists become."""
    return _default


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert user data as PyTorch does: NumPy arrays keep their dtype; Python floats take the default
    float, Python ints become int64 and bools bool."""
    if dtype is not None:
        arr = np.array(data, dtype=dtype)
    elif isinstance(data, np.ndarray | np.generic):
        arr = np.array(data)
    else:
        arr = np.array(data)
        if arr.dtype.kind == "f":
            return arr.astype(_default)
        if arr.dtype.kind in "iu":
            return arr.astype(np.int64)
    if arr.dtype.kind not in "biufc":  # strings, objects, dates: NumPy would fail later, far from the cause
        raise TypeError(f"cannot make a tensor of dtype {arr.dtype} from {type(data).__name__} data: {data!r:.80}")
    return arr


_DEVICES = {"cpu", "cuda", "mps", "xpu", "meta"}


def to_arguments(args: tuple[Any, ...], dtype: Any = None, device: Any = None) -> np.dtype | None:
    """The dtype that PyTorch's ``to(...)`` arguments ask for (None: keep it): a dtype, a tensor to match,
    or a device, which must be the CPU."""
    for a in args:
        if isinstance(a, str) and a.split(":")[0] in _DEVICES:
            device = a
        elif isinstance(getattr(a, "data", None), np.ndarray):  # a tensor: match its dtype
            dtype = a.data.dtype
        else:
            dtype = a
    if device is not None and str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"chainrule runs on the CPU only; cannot move to device {str(device)!r}")
    return None if dtype is None else np.dtype(dtype)


def check_differentiable(dtype: np.dtype) -> None:
    """Only floating-point tensors can require gradients (as in PyTorch)."""
    if dtype.kind != "f":
        raise DTypeError(f"only floating-point tensors can require gradients, got dtype {dtype} "
                        "(write 1.0 rather than 1 in the data, or pass dtype=)")


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's ``promote_types``: NumPy's, except that an integer or bool beside a float takes the float's
    dtype (int64 with float32 is float32, where NumPy widens to float64)."""
    if a.kind == "f" and b.kind in "biu":
        return a
    if b.kind == "f" and a.kind in "biu":
        return b
    return np.promote_types(a, b)


def result_type(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """PyTorch's result dtype of a binary op: a 0-d operand beside a dimensioned one counts only by category
    (bool < integer < float < complex), so it can lift the result into a higher category but never widens
    it within one (float32 (3,) with float64 0-d is float32; int64 (3,) with float64 0-d is float64)."""
    da, db = a.dtype, b.dtype
    if da == db:
        return da
    if (a.ndim == 0) == (b.ndim == 0):
        return promote_types(da, db)
    dim, zero = (da, db) if a.ndim else (db, da)
    if dim.kind in "fc" and not (dim.kind == "f" and zero.kind == "c"):
        return dim
    if dim.kind == "b" or zero.kind in "fc":
        return promote_types(dim, zero)
    return dim


def promoted(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``y``, NumPy's result of a binary op on ``a`` and ``b``, in PyTorch's result dtype (``result_type``);
    a float result of integer operands (true division, atan2) in the default float dtype."""
    want = result_type(a, b)
    if y.dtype.kind == "f" and want.kind != "f":
        want = _default
    elif y.dtype.kind == "b" and want.kind != "b":  # a comparison: its bool result stays
        return y
    return y if y.dtype == want else np.asarray(y).astype(want)


def float_operands(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a`` and ``b`` in the dtype of a float op on them (``result_type``, the default float for integers), so
    that NumPy computes in it (not in float16 for bools, nor in float64 beside a 0-d float64)."""
    dtype = result_type(a, b)
    if dtype.kind not in "fc":
        dtype = _default
    return a.astype(dtype, copy=False), b.astype(dtype, copy=False)


def floating(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A float op's result ``y`` on ``x``: for an integer or bool ``x``, in the default float dtype (NumPy gives
    float64 or float16, PyTorch the default)."""
    return y if x.dtype.kind in "fc" else y.astype(_default)


# PyTorch's dtype names, as NumPy dtypes: ``tensor(x, dtype=autograd.float32)``, ``x.to(autograd.long)``.
# ``autograd.float``, ``autograd.int`` and ``autograd.bool`` are set in the package, not here, where they would
# hide the builtins.
float16 = half = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = long = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)
