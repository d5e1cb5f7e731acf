"""Creation functions and the library's random generator."""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import as_array, get_default_dtype
from .errors import ArgumentError
from .tensor import Tensor

_rng = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator behind ``rand``, ``randn``, ``nn.init`` and dropout."""
    global _rng
    _rng = np.random.default_rng(seed)


def default_generator() -> np.random.Generator:
    """The library's NumPy generator (seeded by ``manual_seed``)."""
    return _rng


def get_rng_state() -> dict[str, Any]:
    """The generator's state, JSON-friendly, for checkpoints."""
    return _rng.bit_generator.state


def set_rng_state(rng_state: dict[str, Any]) -> None:
    """Restore a state from ``get_rng_state``."""
    _rng.bit_generator.state = rng_state


def _shape(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and not isinstance(size[0], int | np.integer):
        return tuple(int(s) for s in size[0])
    return tuple(int(s) for s in size)


def _make(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._constant(data)
    return t.requires_grad_(True) if requires_grad else t


def _dtype(dtype: Any) -> np.dtype:
    return get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _make(np.zeros(_shape(size), _dtype(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _make(np.ones(_shape(size), _dtype(dtype)), requires_grad)


def _inferred(value: Any, dtype: Any) -> np.dtype:
    """``dtype``, or the one PyTorch infers from a fill value: bool, int64 or the default float."""
    if dtype is not None:
        return np.dtype(dtype)
    return as_array(value.data if isinstance(value, Tensor) else value).dtype


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value (int64 for an int) unless given."""
    return _make(np.full(_shape((size,)), fill_value, _inferred(fill_value, dtype)), requires_grad)


def full_like(t: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.full(data.shape, fill_value, dtype or data.dtype), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor."""
    return _make(np.empty(_shape(size), _dtype(dtype)), requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, end): int64 when all three are integers, else the default float."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        kinds = {as_array(v.data if isinstance(v, Tensor) else v).dtype.kind for v in (start, end, step)}
        dtype = get_default_dtype() if "f" in kinds else np.int64
    return _make(np.arange(start, end, step, dtype=np.dtype(dtype)), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from start to end inclusive, computed as PyTorch does: the first half
    counted from ``start``, the second from ``end``, in the dtype (integers: ends truncated, steps in float64)."""
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ArgumentError(f"linspace: number of steps must be a non-negative int, got {steps!r}")
    out = _dtype(dtype)
    if out.kind not in "iuf":
        raise ArgumentError(f"linspace: not implemented for dtype {out}")
    work = np.dtype(np.float64) if out.kind in "iu" else out
    first, last = (np.array(v).astype(out).astype(work) for v in (start, end))
    step = (last - first) / work.type(max(steps - 1, 1))
    i = np.arange(steps).astype(work)
    values = np.where(np.arange(steps) < steps // 2, first + step * i, last - step * (work.type(steps - 1) - i))
    if steps == 1:
        values = first.reshape(1)
    return _make(values.astype(out), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix."""
    return _make(np.eye(n, m, dtype=_dtype(dtype)), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the library's generator."""
    return _make(_rng.random(_shape(size)).astype(_dtype(dtype)), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the library's generator."""
    return _make(_rng.standard_normal(_shape(size)).astype(_dtype(dtype)), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.zeros(data.shape, dtype or data.dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.ones(data.shape, dtype or data.dtype), requires_grad)


def randn_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(_rng.standard_normal(data.shape).astype(dtype or data.dtype), requires_grad)
