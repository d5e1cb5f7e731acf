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
    """Convert user data: NumPy arrays keep their dtype, Python numbers and lists take the default float."""
    if dtype is not None:
        arr = np.array(data, dtype=dtype)
    elif isinstance(data, np.ndarray | np.generic):
        arr = np.array(data)
    else:
        arr = np.array(data)
        if arr.dtype.kind in "iuf":
            return arr.astype(_default)
    if arr.dtype.kind not in "biufc":  # strings, objects, dates: NumPy would fail later, far from the cause
        raise TypeError(f"cannot make a tensor of dtype {arr.dtype} from {type(data).__name__} data: {data!r:.80}")
    return arr


def check_differentiable(dtype: np.dtype) -> None:
    """Only floating-point tensors can require gradients (as in PyTorch)."""
    if dtype.kind != "f":
        raise TypeError(f"only floating-point tensors can require gradients, got dtype {dtype}")
