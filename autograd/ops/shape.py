"""Shape ops: reshape, transpose, broadcasting, joining and padding. Gradients are moved, never changed."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from ..errors import ArgumentError, ShapeError
from ..function import Context, Function
from ..tensor import Tensor
from .axes import dim_or_axis, normalize_axis
from .elementwise import _tensor
from .indexing import IndexAdd


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
    sizes = _sizes(sizes)
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
        raise ArgumentError("concatenate needs at least one tensor")
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
        raise ArgumentError("stack needs at least one tensor")
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
            raise ArgumentError(f"split size must be positive, got {split_size_or_sections}")
        sizes = [min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ShapeError(f"split sizes {sizes} do not add up to dimension {dim} of size {n}")
    return _pieces(x, dim, [int(b) for b in np.cumsum([0] + sizes)])


def _pieces(x: Tensor, dim: int, bounds: Sequence[int]) -> tuple[Tensor, ...]:
    """The slices ``x[bounds[i]:bounds[i + 1]]`` along ``dim``, as Python slices them."""
    lead = (slice(None),) * dim
    return tuple(x[lead + (slice(a, b),)] for a, b in pairwise(bounds))


def _sizes(sizes: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))``, as PyTorch's size arguments."""
    if len(sizes) == 1 and isinstance(sizes[0], Sequence | np.ndarray | Tensor):
        sizes = tuple(np.asarray(sizes[0]).tolist())
    return tuple(int(s) for s in sizes)


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


_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular",
          "edge": "replicate", "wrap": "circular"}  # the last two: NumPy's names


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None, *,
        constant_values: float | None = None) -> Tensor:
    """Pad, or crop where a width is negative, as ``torch.nn.functional.pad``.

    ``pad`` is PyTorch's flat sequence, last dimension first: ``(left, right, top, bottom, ...)``.
    ``np.pad``'s spellings are accepted where they cannot be misread: one int for every side of
    every axis, or ``(before, after)`` pairs, first axis first. ``mode`` is ``'constant'``
    (``value``, NumPy's ``constant_values``), ``'reflect'``, ``'replicate'`` or ``'circular'``;
    unlike PyTorch's, these pad any number of dimensions. A negative width crops, as in PyTorch:
    reflect and replicate pad the whole axis first, circular wraps what is left after cropping.

    >>> import autograd
    >>> autograd.pad(autograd.tensor([[1.0, 2.0, 3.0]]), (2, -1), mode="reflect")
    tensor([[3., 2., 1., 2.]], dtype=float32)
    """
    x = _tensor(input)
    if mode not in _MODES:
        raise ArgumentError(f"pad mode must be one of {sorted(_MODES)}, got {mode!r}")
    mode = _MODES[mode]
    if value is not None and constant_values is not None:
        raise TypeError("pass either value or constant_values, not both")
    value = value if value is not None else constant_values
    if mode != "constant" and value is not None:
        raise ArgumentError(f"padding mode {mode!r} doesn't take a value argument")
    widths = _pad_widths(pad, x.ndim)
    for (lo, hi), n in zip(widths, x.shape, strict=True):
        if n + min(lo, 0) + min(hi, 0) < 0:
            raise ShapeError(f"pad widths {(int(lo), int(hi))} crop more than the {n} elements of a dimension")
    if mode != "constant":
        for axis, ((lo, hi), n) in enumerate(zip(widths, x.shape, strict=True)):
            if lo or hi:
                x = x[(slice(None),) * axis + (_pad_index(mode, int(lo), int(hi), n),)]
        return x
    if (widths < 0).any():
        x = x[tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, x.shape, strict=True))]
    widths = np.maximum(widths, 0)
    return Pad.apply(x, pad_width=widths, value=0.0 if value is None else value) if widths.any() else x


def _pad_widths(pad: Any, ndim: int) -> np.ndarray:
    """``(before, after)`` per axis, first axis first, from PyTorch's flat sequence or NumPy's spellings."""
    if isinstance(pad, int | np.integer):
        return np.full((ndim, 2), int(pad), dtype=np.int64)
    items = list(pad)
    if items and all(isinstance(p, Sequence | np.ndarray) for p in items):  # NumPy's (before, after) pairs
        try:
            return np.broadcast_to(np.asarray(items, dtype=np.int64), (ndim, 2)).copy()
        except ValueError:
            raise ShapeError(f"pad pairs {pad} do not fit a tensor of dimension {ndim}") from None
    if len(items) % 2:
        raise ArgumentError(f"padding length must be divisible by 2, got {len(items)} widths")
    if len(items) > 2 * ndim:
        raise ShapeError(f"padding length {len(items)} is too large for a tensor of dimension {ndim}")
    widths = np.zeros((ndim, 2), dtype=np.int64)
    for k in range(len(items) // 2):  # PyTorch's order: the last dimension first
        widths[ndim - 1 - k] = items[2 * k], items[2 * k + 1]
    return widths


def _pad_index(mode: str, lo: int, hi: int, n: int) -> np.ndarray:
    """For one axis, the input position that each output position copies (a negative width crops).

    As PyTorch: reflect and replicate pad the whole axis and then crop; circular crops first and
    wraps what is left.
    """
    if mode == "reflect":
        if lo >= n or hi >= n:
            raise ShapeError(f"reflect padding ({lo}, {hi}) must be less than the dimension's size {n}")
        return np.abs(n - 1 - np.abs(n - 1 - np.abs(np.arange(-lo, n + hi))))
    if n == 0:
        raise ShapeError(f"{mode} padding needs a non-empty dimension")
    if mode == "replicate":
        return np.clip(np.arange(-lo, n + hi), 0, n - 1)
    start, kept = max(-lo, 0), n - max(-lo, 0) - max(-hi, 0)
    lo, hi = max(lo, 0), max(hi, 0)
    if lo > kept or hi > kept:
        raise ShapeError(f"circular padding ({lo}, {hi}) wraps around a dimension of size {kept} more than once")
    return start + np.arange(-lo, kept + hi) % kept


def repeat(x: Any, *sizes: Any) -> Tensor:
    """Tile ``x`` ``sizes[i]`` times along dimension i (PyTorch's ``repeat``, NumPy's ``tile``)."""
    x = _tensor(x)
    sizes = _sizes(sizes)
    if len(sizes) < x.ndim:
        raise ShapeError(f"repeat needs at least {x.ndim} sizes for a tensor of dimension {x.ndim}, got {sizes}")
    if any(s < 0 for s in sizes):
        raise ArgumentError(f"repeat sizes must be non-negative, got {sizes}")
    shape = (1,) * (len(sizes) - x.ndim) + x.shape
    spread = reshape(x, tuple(v for n in shape for v in (1, n)))  # (1, d₀, 1, d₁, …) → (r₀, d₀, r₁, d₁, …)
    tiled = broadcast_to(spread, tuple(v for r, n in zip(sizes, shape, strict=True) for v in (r, n)))
    return reshape(tiled, tuple(r * n for r, n in zip(sizes, shape, strict=True)))


def flip(x: Any, dims: Any = None, *, axis: Any = None) -> Tensor:
    """Reverse the order of elements along ``dims``."""
    x = _tensor(x)
    dims = dim_or_axis(dims, axis)
    if dims is None:
        raise TypeError("flip needs dims")
    axes = normalize_axis(dims, x.ndim)
    return x[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim))]


def roll(x: Any, shifts: Any, dims: Any = None, *, axis: Any = None) -> Tensor:
    """Shift elements cyclically by ``shifts`` along ``dims`` (over the flattened tensor if no dims)."""
    x = _tensor(x)
    dims = dim_or_axis(dims, axis)
    if dims is None:
        return reshape(roll(flatten(x), shifts, 0), x.shape)
    shifts = (shifts,) if isinstance(shifts, int | np.integer) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int | np.integer) else tuple(dims)
    if len(shifts) != len(dims):
        raise ArgumentError(f"roll needs one shift per dim, got shifts {shifts} and dims {dims}")
    for shift, dim in zip(shifts, dims, strict=True):
        (a,) = normalize_axis(dim, x.ndim) or (0,)
        n = x.shape[a] if x.ndim else 1
        if n and shift % n:
            x = concatenate(_pieces(x, a, [0, n - shift % n, n])[::-1], a)
    return x


def unflatten(x: Any, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (one of them may be −1)."""
    x = _tensor(x)
    (d,) = normalize_axis(dim, x.ndim)
    return reshape(x, x.shape[:d] + tuple(sizes) + x.shape[d + 1:])


def repeat_interleave(x: Any, repeats: Any = None, dim: int | None = None, *, axis: int | None = None,
                      output_size: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element) along ``dim``.

    Without ``dim`` the tensor is flattened first. ``repeat_interleave(counts)`` alone gives the
    int64 indices ``0, 0, …, 1, …`` that ``counts`` describes, as PyTorch's.
    """
    x = _tensor(x)
    if repeats is None:
        if x.ndim != 1 or x.dtype.kind not in "iu":
            raise ArgumentError(f"repeat_interleave(repeats) needs a 1-d integer tensor, got {x.dtype} of shape {x.shape}")
        return Tensor._constant(_repeat_index(x.data, len(x.data), output_size))
    dim = dim_or_axis(dim, axis)
    if dim is None:
        x, dim = flatten(x), 0
    (a,) = normalize_axis(dim, x.ndim) or (0,)
    x = x if x.ndim else reshape(x, (1,))
    index = _repeat_index(np.asarray(repeats.data if isinstance(repeats, Tensor) else repeats), x.shape[a],
                          output_size)
    return x[(slice(None),) * a + (index,)]


def _repeat_index(repeats: np.ndarray, n: int, output_size: int | None) -> np.ndarray:
    if repeats.dtype.kind not in "iu" or repeats.ndim > 1:
        raise ArgumentError(f"repeats must be an int or a 1-d integer tensor, got {repeats.dtype} of shape {repeats.shape}")
    if (repeats < 0).any():
        raise ArgumentError("repeats can not be negative")
    if repeats.ndim == 1 and repeats.size not in (1, n):
        raise ShapeError(f"repeats must have {n} elements (or 1), got {repeats.size}")
    index = np.repeat(np.arange(n, dtype=np.int64), repeats)
    if output_size is not None and output_size != index.size:
        raise ArgumentError(f"output_size {output_size} differs from the {index.size} repeated elements")
    return index


def diagonal(x: Any, offset: int = 0, dim1: int | None = None, dim2: int | None = None, *,
             axis1: int | None = None, axis2: int | None = None) -> Tensor:
    """The diagonal of the (dim1, dim2) planes, as the last dimension (above the main one for offset > 0)."""
    x = _tensor(x)
    if x.ndim < 2:
        raise ShapeError(f"diagonal needs a tensor of at least 2 dimensions, got shape {x.shape}")
    dim1, dim2 = dim_or_axis(dim1, axis1, 0), dim_or_axis(dim2, axis2, 1)
    (d1,), (d2,) = normalize_axis(dim1, x.ndim), normalize_axis(dim2, x.ndim)
    if d1 == d2:
        raise ArgumentError(f"diagonal dimensions cannot be identical: {dim1}, {dim2}")
    planes = transpose(x, tuple(i for i in range(x.ndim) if i not in (d1, d2)) + (d1, d2))
    rows, cols = _diagonal_index(x.shape[d1], x.shape[d2], offset)
    return planes[..., rows, cols]


def _diagonal_index(n: int, m: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(max(0, min(n - max(-offset, 0), m - max(offset, 0))))
    return k + max(-offset, 0), k + max(offset, 0)


def diag(x: Any, diagonal: int = 0) -> Tensor:
    """A 1-d tensor as the ``diagonal``-th diagonal of a square matrix; a matrix's ``diagonal``-th diagonal."""
    x = _tensor(x)
    if x.ndim == 2:
        rows, cols = _diagonal_index(*x.shape, diagonal)
        return x[rows, cols]
    if x.ndim != 1:
        raise ShapeError(f"diag needs a 1-d or 2-d tensor, got shape {x.shape}")
    m = x.shape[0] + abs(diagonal)
    return IndexAdd.apply(x, index=_diagonal_index(m, m, diagonal), shape=(m, m))


def trace(x: Any) -> Tensor:
    """Sum of a matrix's main diagonal."""
    x = _tensor(x)
    if x.ndim != 2:
        raise ShapeError(f"trace needs a matrix, got shape {x.shape}")
    return diagonal(x).sum()


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-d tensors: ``indexing='ij'`` (matrix, PyTorch's default) or ``'xy'`` (Cartesian)."""
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
        tensors = tuple(tensors[0])
    xs = [_tensor(t) for t in tensors]
    if indexing not in ("ij", "xy"):
        raise ArgumentError(f"indexing must be 'ij' or 'xy', got {indexing!r}")
    if any(x.ndim > 1 for x in xs):
        raise ShapeError(f"meshgrid needs 0-d or 1-d tensors, got shapes {[x.shape for x in xs]}")
    where = list(range(len(xs)))
    if indexing == "xy" and len(xs) > 1:  # Cartesian: the first input varies along columns
        where[0], where[1] = 1, 0
    shape = [0] * len(xs)
    for x, w in zip(xs, where, strict=True):
        shape[w] = x.numel()
    grids = []
    for x, w in zip(xs, where, strict=True):
        view = [1] * len(xs)
        view[w] = x.numel()
        grids.append(broadcast_to(reshape(x, tuple(view)), tuple(shape)))
    return tuple(grids)


def chunk(x: Any, chunks: int, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, ...]:
    """At most ``chunks`` pieces of ⌈n / chunks⌉ elements along ``dim`` (the last may be smaller)."""
    x = _tensor(x)
    if chunks <= 0:
        raise ArgumentError(f"chunk expects chunks to be greater than 0, got {chunks}")
    (d,) = normalize_axis(dim_or_axis(dim, axis, 0), x.ndim)
    n = x.shape[d]
    if n == 0:
        return tensor_split(x, chunks, d)
    return split(x, -(-n // chunks), d)


def tensor_split(x: Any, indices_or_sections: Any, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, ...]:
    """An int k: k pieces whose sizes differ by at most one (the first ones larger). A sequence: split before each index."""
    x = _tensor(x)
    (d,) = normalize_axis(dim_or_axis(dim, axis, 0), x.ndim)
    n = x.shape[d]
    split_at = indices_or_sections
    if isinstance(split_at, Tensor):
        split_at = split_at.data.item() if split_at.ndim == 0 else split_at.data.tolist()
    if isinstance(split_at, int | np.integer):
        if split_at <= 0:
            raise ArgumentError(f"number of sections must be larger than 0, got {split_at}")
        size, extra = divmod(n, int(split_at))
        bounds = [i * size + min(i, extra) for i in range(int(split_at) + 1)]
    else:
        bounds = [0, *(int(i) for i in split_at), n]
    return _pieces(x, d, bounds)
