"""The default float dtype and the rules that turn Python data into arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

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
        raise RuntimeError(f"chainrule runs on the CPU only; cannot move to device {device!r}")
    return None if dtype is None else np.dtype(dtype)


def check_differentiable(dtype: np.dtype) -> None:
    """Only floating-point tensors can require gradients (as in PyTorch)."""
    if dtype.kind != "f":
        raise TypeError(f"only floating-point tensors can require gradients, got dtype {dtype} "
                        "(write 1.0 rather than 1 in the data, or pass dtype=)")


def float_result(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """PyTorch's promotion where NumPy's differs: a float result of a float and an integer operand takes
    the float operand's dtype (int64 + float32 → float32); of two integer operands, the default float."""
    if y.dtype.kind != "f" or y.dtype == a.dtype or y.dtype == b.dtype:
        return y
    floats = [d for d in (a.dtype, b.dtype) if d.kind == "f"]
    return y.astype(floats[0] if floats else _default)


def floating(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A float op's result ``y`` on ``x``: for an integer or bool ``x``, in the default float dtype (NumPy gives
    float64 or float16, PyTorch the default)."""
    return y if x.dtype.kind in "fc" else y.astype(_default)
