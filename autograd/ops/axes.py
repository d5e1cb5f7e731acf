"""Axis arguments: one normal form for the ops that take them."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ArgumentError

Axis = int | tuple[int, ...] | None


def normalize_axis(axis: Axis, ndim: int) -> tuple[int, ...]:
    """Axes as a sorted tuple of non-negative ints; ``None`` means all. Raises naming a bad axis."""
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, without the general checks below
        return (axis % ndim,)
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    if ndim == 0:  # a 0-d tensor accepts axis 0 or −1, as PyTorch's dim does
        if any(a not in (0, -1) for a in axes):
            raise np.exceptions.AxisError(f"axis {axis} is out of bounds for a tensor of dimension 0")
        return ()
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(f"axis {a} is out of bounds for a tensor of dimension {ndim}")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        repeated = next(a for a in out if out.count(a) > 1)
        raise ArgumentError(f"dim {repeated} appears multiple times in the list of dims {axis}")
    return tuple(sorted(out))


def dim_or_axis(dim: Any, axis: Any, default: Any = None) -> Any:
    """The axis given as PyTorch's ``dim`` or NumPy's ``axis`` (not both), else ``default``."""
    if dim is not None and axis is not None:
        raise TypeError("pass either dim or axis, not both")
    return default if dim is None and axis is None else (dim if dim is not None else axis)
