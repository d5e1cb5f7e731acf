"""Shape ops: reshape, transpose, broadcasting, joining and padding. Gradients are moved, never changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Context, Function
from ..tensor import Tensor
from .axes import normalize_axis
from .elementwise import _tensor


class Reshape(Function):
    """y = x with a new shape;  ∂y/∂x reshapes the gradient back"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = x.shape
        return np.reshape(x, shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return grad.reshape(ctx.in_shape)


def reshape(x: Any, shape: Any) -> Tensor:
    """Same elements, new shape (one dimension may be −1)."""
    x = _tensor(x)
    shape = (int(shape),) if isinstance(shape, int | np.integer) else tuple([int(s) for s in shape])
    old = x.data.shape
    # (−1, n) of an (m, n) array is no change either (a batch flattened to 2-d that already was 2-d)
    if shape == old or (len(shape) == len(old) and shape.count(-1) == 1 and 0 not in old
                        and all([s == t or s == -1 for s, t in zip(shape, old)])):
        return x if x.grad_fn is None and not x.requires_grad else Reshape.apply(x, shape=old)
    try:
        return Reshape.apply(x, shape=shape)
    except ValueError as e:  # NumPy's message names the size and the shape asked for
        raise ShapeError(f"{e} (the tensor has shape {old})") from None


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one (PyTorch's ``flatten``)."""
    x = _tensor(x)
    if x.ndim == 0:
        return reshape(x, (1,))
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return reshape(x, x.shape[:start] + (-1,) + x.shape[end + 1:])


class Transpose(Function):
    """y = x with axes permuted;  ∂y/∂x permutes the gradient back"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return Transpose.apply_in_backward(grad, axes=tuple(np.argsort(ctx.axes)))


def transpose(x: Any, *dims: Any) -> Tensor:
    """No dims: reverse the axes (NumPy). Two ints: swap them (PyTorch). One sequence: permute."""
    x = _tensor(x)
    if not dims:  # always a permutation: no check needed on this path, the one .T takes
        return Transpose.apply(x, axes=tuple(range(x.data.ndim - 1, -1, -1)))
    if len(dims) == 1 and isinstance(dims[0], Sequence | np.ndarray):
        axes = tuple(normalize_axis(a, x.ndim)[0] for a in dims[0])
    elif len(dims) == 2:
        i, j = (normalize_axis(d, x.ndim)[0] for d in dims)
        order = list(range(x.ndim))
        order[i], order[j] = order[j], order[i]
        axes = tuple(order)
    else:
        raise TypeError(f"transpose takes no dims, two dims to swap, or one permutation; got {dims}")
    if sorted(axes) != list(range(x.ndim)):
        raise ShapeError(f"axes {axes} are not a permutation of the {x.ndim} dimensions")
    return Transpose.apply(x, axes=axes)


def permute(x: Any, *dims: Any) -> Tensor:
    """Reorder all axes: ``permute(x, 2, 0, 1)`` or ``permute(x, (2, 0, 1))``."""
    return transpose(x, dims[0] if len(dims) == 1 and isinstance(dims[0], Sequence | np.ndarray) else dims)


def squeeze(x: Any, axis: Any = None, *, dim: Any = None) -> Tensor:
    """Drop size-1 dimensions (all of them, or those in ``axis``)."""
    x = _tensor(x)
    axis = dim if dim is not None else axis
    axes = [i for i, s in enumerate(x.shape) if s == 1] if axis is None else normalize_axis(axis, x.ndim)
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in axes or s != 1))


def _one_dim(dim: Any, axis: Any, default: Any = None) -> Any:
    """``dim`` or its NumPy spelling ``axis`` (not both)."""
    if dim is not None and axis is not None:
        raise TypeError("pass either dim or axis, not both")
    dim = dim if dim is not None else axis
    if dim is None and default is None:
        raise TypeError("missing the dimension: pass dim=")
    return default if dim is None else dim


def unsqueeze(x: Any, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Insert a size-1 dimension at ``dim``."""
    x = _tensor(x)
    dim = normalize_axis(_one_dim(dim, axis), x.ndim + 1)[0]
    return reshape(x, x.shape[:dim] + (1,) + x.shape[dim:])


class BroadcastTo(Function):
    """y = x broadcast to a shape;  ∂y/∂x sums the gradient over the broadcast axes"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return SumTo.apply_in_backward(grad, shape=ctx.in_shape)


def broadcast_to(x: Any, shape: Any) -> Tensor:
    """Repeat along size-1 (and new leading) dimensions to ``shape``, as NumPy broadcasting."""
    x = _tensor(x)
    shape = tuple(shape)
    if shape == x.shape:
        return x
    try:
        return BroadcastTo.apply(x, shape=shape)
    except ValueError as e:
        raise ShapeError(str(e)) from None


def expand(x: Any, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: broadcast to ``sizes``; −1 keeps a dimension."""
    x = _tensor(x)
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], Sequence) else sizes
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return broadcast_to(x, shape)


def _sum_to(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1)
    return np.sum(a, axis=axes, keepdims=True).reshape(shape) if axes else a.reshape(shape)


class SumTo(Function):
    """y = x summed down to a broadcast-compatible shape;  ∂y/∂x broadcasts the gradient back"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = x.shape
        return _sum_to(x, shape)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return BroadcastTo.apply_in_backward(grad, shape=ctx.in_shape)


def sum_to(x: Any, shape: tuple[int, ...]) -> Tensor:
    """Sum ``x`` down to ``shape`` (the inverse of broadcasting); used to unbroadcast gradients."""
    x = _tensor(x)
    if x.shape == tuple(shape):
        return x
    return SumTo.apply(x, shape=tuple(shape))


class Concatenate(Function):
    """y = [x₁, x₂, …] along an axis;  ∂y/∂xᵢ is the gradient's slice for xᵢ"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, *xs: np.ndarray, axis: int) -> np.ndarray:
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [x.shape[axis] for x in xs])
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, ...]:
        lead = (slice(None),) * ctx.axis
        b = ctx.bounds
        return tuple(grad[lead + (slice(int(b[i]), int(b[i + 1])),)] for i in range(len(b) - 1))


def concatenate(tensors: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis (``torch.cat``)."""
    xs = [_tensor(t) for t in tensors]
    if not xs:
        raise ValueError("concatenate needs at least one tensor")
    axis = normalize_axis(dim if dim is not None else axis, xs[0].ndim)[0]
    for x in xs[1:]:
        if x.ndim != xs[0].ndim or any(s != t for i, (s, t) in enumerate(zip(x.shape, xs[0].shape)) if i != axis):
            raise ShapeError(f"concatenate: shapes {[t.shape for t in xs]} differ outside dimension {axis}")
    return Concatenate.apply(*xs, axis=axis)


cat = concatenate


def stack(tensors: Sequence[Any], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    xs = [_tensor(t) for t in tensors]
    if not xs:
        raise ValueError("stack needs at least one tensor")
    shapes = {x.shape for x in xs}
    if len(shapes) > 1:
        raise ShapeError(f"stack needs tensors of one shape, got {sorted(shapes)}")
    axis = normalize_axis(dim if dim is not None else axis, xs[0].ndim + 1)[0]
    return concatenate([unsqueeze(x, axis) for x in xs], axis)


def split(x: Any, split_size_or_sections: int | Sequence[int], dim: int | None = None, *,
          axis: int | None = None) -> tuple[Tensor, ...]:
    """PyTorch's ``split``: chunks of one size (the last may be smaller) or of the listed sizes."""
    x = _tensor(x)
    dim = normalize_axis(_one_dim(dim, axis, 0), x.ndim)[0]
    n = x.shape[dim]
    if isinstance(split_size_or_sections, int | np.integer):
        if split_size_or_sections <= 0:
            raise ValueError(f"split size must be positive, got {split_size_or_sections}")
        sizes = [min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ShapeError(f"split sizes {sizes} do not add up to dimension {dim} of size {n}")
    lead = (slice(None),) * dim
    starts = np.cumsum([0] + sizes)
    return tuple(x[lead + (slice(int(starts[i]), int(starts[i + 1])),)] for i in range(len(sizes)))




class Pad(Function):
    """y = x with constant padding;  ∂y/∂x is the gradient's inner block"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, pad_width: np.ndarray, value: float) -> np.ndarray:
        ctx.inner = tuple(slice(int(lo), int(lo) + s) for (lo, _), s in zip(pad_width, x.shape, strict=True))
        return np.pad(x, pad_width, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return grad[ctx.inner]


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: float = 0.0) -> Tensor:
    """Pad with a constant, ``pad_width`` as in ``np.pad`` (``((before, after), ...)`` per axis)."""
    if mode != "constant":
        raise ValueError(f"only mode='constant' is supported, got {mode!r}")
    x = _tensor(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    if (widths < 0).any():
        raise ValueError(f"pad widths must be non-negative, got {pad_width}")
    return Pad.apply(x, pad_width=widths, value=constant_values)
