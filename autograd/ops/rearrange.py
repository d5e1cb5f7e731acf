"""More of PyTorch's shape ops, each composed of the basic ones (indexing, permute, reshape, flip, cat), so that
their gradients, first and higher, are those ops' own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor
from .axes import normalize_axis
from .elementwise import _tensor
from .gather import gather
from .shape import _sizes, broadcast_to, cat, diag, flip, permute, repeat, reshape, transpose


def movedim(x: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move dims ``source`` to positions ``destination``, the others keeping their order (``moveaxis``)."""
    x = _tensor(x)
    src = (source,) if isinstance(source, int | np.integer) else tuple(source)
    dst = (destination,) if isinstance(destination, int | np.integer) else tuple(destination)
    if len(src) != len(dst):
        raise ArgumentError(f"movedim: invalid source or destination dims: source ({len(src)} dims) should "
                            f"contain the same number of dims as destination ({len(dst)} dims)")
    src_axes = [normalize_axis(s, x.ndim)[0] for s in src]
    dst_axes = [normalize_axis(d, x.ndim)[0] for d in dst]
    for name, axes in (("source", src_axes), ("destination", dst_axes)):
        if len(set(axes)) != len(axes):
            raise ArgumentError(f"movedim: repeated dim in {name} ({tuple(src if name == 'source' else dst)})")
    order: list[int | None] = [None] * x.ndim
    for s, d in zip(src_axes, dst_axes, strict=True):
        order[d] = s
    rest = iter(i for i in range(x.ndim) if i not in src_axes)
    return permute(x, tuple(next(rest) if o is None else o for o in order))


def swapaxes(x: Any, axis0: int, axis1: int) -> Tensor:
    """Exchange two dims (``swapdims``, ``transpose(d0, d1)``)."""
    return transpose(x, axis0, axis1)


def _int(op: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(value).__name__}")
    return int(value)


def narrow(x: Any, dim: int, start: int, length: int) -> Tensor:
    """The ``length`` elements from ``start`` along ``dim`` (a negative start counts from the end)."""
    x = _tensor(x)
    start, length = _int("narrow", "start", start), _int("narrow", "length", length)
    axis = normalize_axis(dim, x.ndim)[0]
    n = x.shape[axis]
    begin = start + n if start < 0 else start
    if not 0 <= begin <= n:
        raise IndexError(f"narrow: start ({start}) out of range for dimension {dim} of size {n}")
    if length < 0 or begin + length > n:
        raise ArgumentError(f"narrow: start ({start}) + length ({length}) exceeds dimension size ({n})")
    return x[(slice(None),) * axis + (slice(begin, begin + length),)]


def select(x: Any, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, that dim removed: ``x[..., index, ...]``."""
    x = _tensor(x)
    axis = normalize_axis(dim, x.ndim)[0]
    n = x.shape[axis]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {x.shape} at dimension {dim}")
    return x[(slice(None),) * axis + (index,)]


def unbind(x: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Every slice along ``dim``, that dim removed."""
    x = _tensor(x)
    axis = normalize_axis(dim, x.ndim)[0]
    return tuple(x[(slice(None),) * axis + (i,)] for i in range(x.shape[axis]))


def tile(x: Any, *dims: Any) -> Tensor:
    """Repeat ``x`` ``dims[i]`` times along dim i; fewer dims than ``x`` has are padded with ones in front."""
    x = _tensor(x)
    sizes = _sizes(dims)
    return repeat(x, *((1,) * (x.ndim - len(sizes)) + sizes))


def fliplr(x: Any) -> Tensor:
    """Reverse the columns (dim 1) of a tensor of at least two dims."""
    x = _tensor(x)
    if x.ndim < 2:
        raise ShapeError(f"fliplr: input must be >= 2-d, got {x.ndim}-d")
    return flip(x, (1,))


def flipud(x: Any) -> Tensor:
    """Reverse the rows (dim 0) of a tensor of at least one dim."""
    x = _tensor(x)
    if x.ndim < 1:
        raise ShapeError("flipud: input must be >= 1-d, got 0-d")
    return flip(x, (0,))


def rot90(x: Any, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90° ``k`` times in the plane of ``dims``, from the first dim toward the second."""
    x = _tensor(x)
    if len(dims) != 2:
        raise ArgumentError(f"rot90: expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise ShapeError(f"rot90: expected total dims >= 2, but got total dims = {x.ndim}")
    a, b = (normalize_axis(d, x.ndim)[0] for d in dims)
    if a == b:
        raise ArgumentError(f"rot90: expected rotation dims to be different, but got dim0 = {a} and dim1 = {b}")
    k %= 4
    if k == 1:
        return transpose(flip(x, (b,)), a, b)
    if k == 2:
        return flip(x, (a, b))
    if k == 3:
        return transpose(flip(x, (a,)), a, b)
    return x[...]


def unfold(x: Any, dimension: int, size: int, step: int) -> Tensor:
    """Every window of ``size`` elements along ``dimension``, ``step`` apart: that dim becomes the window
    count and a new last dim of ``size`` holds each window (PyTorch's ``Tensor.unfold``)."""
    x = _tensor(x)
    size, step = _int("unfold", "size", size), _int("unfold", "step", step)
    if x.ndim == 0:  # a 0-d tensor unfolds as a one-element vector, its one window without the count dim
        normalize_axis(dimension, 0)
        return unfold(reshape(x, (1,)), 0, size, step)[0]
    axis = normalize_axis(dimension, x.ndim)[0]
    n = x.shape[axis]
    if size > n or size < 0:
        raise ArgumentError(f"unfold: maximum size for tensor at dimension {axis} is {n} but size is {size}")
    if step <= 0:
        raise ArgumentError(f"unfold: step is {step} but must be > 0")
    starts = np.arange(0, n - size + 1, step)
    index = starts[:, None] + np.arange(size)[None, :]
    windows = x[(slice(None),) * axis + (index,)]  # dims: … count, size …
    return movedim(windows, axis + 1, -1)


def take(x: Any, index: Any) -> Tensor:
    """The elements of the flattened ``x`` at ``index`` (an integer tensor), in ``index``'s shape."""
    x = _tensor(x)
    idx = np.asarray(index.data if isinstance(index, Tensor) else index)
    if idx.dtype.kind not in "iu":
        raise DTypeError(f"take: index must be an integer tensor, got {idx.dtype}")
    if idx.size and not (-x.data.size <= idx.min() and idx.max() < x.data.size):
        raise IndexError(f"take: index out of range for a tensor of {x.data.size} elements")
    return reshape(x, (-1,))[idx]


def take_along_dim(x: Any, indices: Any, dim: int | None = None) -> Tensor:
    """The values at ``indices`` along ``dim`` (the other dims broadcast), or of the flattened tensor."""
    x = _tensor(x)
    idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if dim is None:
        return take(x, idx.reshape(-1))
    axis = normalize_axis(dim, x.ndim)[0]
    if idx.ndim != x.ndim:
        raise ShapeError(f"take_along_dim: input and indices should have the same number of dimensions, "
                         f"but got {x.ndim} dimensions for input, and {idx.ndim} dimensions for indices")
    x_shape, i_shape = list(x.shape), list(idx.shape)
    x_shape[axis] = i_shape[axis] = 1
    common = np.broadcast_shapes(tuple(x_shape), tuple(i_shape))
    x_full = broadcast_to(x, tuple(x.shape[axis] if d == axis else s for d, s in enumerate(common)))
    idx_full = np.broadcast_to(idx, tuple(idx.shape[axis] if d == axis else s for d, s in enumerate(common)))
    return gather(x_full, axis, idx_full)


def diff(x: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """The ``n``-th forward difference along ``dim``, after joining ``prepend`` and ``append`` there."""
    x = _tensor(x)
    if x.ndim == 0:
        raise ShapeError("diff expects input to be at least one-dimensional")
    axis = normalize_axis(dim, x.ndim)[0]
    parts = [_tensor(p) for p in (prepend, x, append) if p is not None]
    y = cat(parts, axis) if len(parts) > 1 else x
    for _ in range(n):
        m = y.shape[axis]
        if m == 0:
            break
        y = y[(slice(None),) * axis + (slice(1, m),)] - y[(slice(None),) * axis + (slice(0, m - 1),)]
    return y


def diagflat(x: Any, offset: int = 0) -> Tensor:
    """A 2-d tensor with the flattened ``x`` on diagonal ``offset``."""
    return diag(reshape(_tensor(x), (-1,)), offset)


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape that ``shapes`` broadcast to."""
    try:
        return tuple(np.broadcast_shapes(*(tuple(s) if isinstance(s, Sequence) else (s,) for s in shapes)))
    except ValueError as e:
        raise ShapeError(f"shapes {shapes} cannot be broadcast together") from e


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """The tensors expanded to their common shape."""
    ts = [_tensor(t) for t in tensors]
    shape = broadcast_shapes(*(t.shape for t in ts))
    return tuple(broadcast_to(t, shape) for t in ts)


def _at_least(x: Any, ndim: int) -> Tensor:
    x = _tensor(x)
    if x.ndim >= ndim:
        return x
    if x.ndim == 0:
        return reshape(x, (1,) * ndim)
    if x.ndim == 1:  # a vector is a row: (1, n), and (1, n, 1) in three dims
        return reshape(x, (1, *x.shape, 1)[:ndim])
    return reshape(x, (*x.shape, 1))  # a matrix in three dims: (n, m, 1)


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least one dim (a 0-d one as shape (1,)); one tensor in, one out."""
    out = tuple(_at_least(t, 1) for t in tensors)
    return out[0] if len(out) == 1 else out


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least two dims: () → (1, 1), (n,) → (1, n)."""
    out = tuple(_at_least(t, 2) for t in tensors)
    return out[0] if len(out) == 1 else out


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least three dims: () → (1, 1, 1), (n,) → (1, n, 1), (n, m) → (n, m, 1)."""
    out = tuple(_at_least(t, 3) for t in tensors)
    return out[0] if len(out) == 1 else out


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-d tensors)."""
    ts = [atleast_1d(t) for t in tensors]
    return cat(ts, 0 if ts and ts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join as rows: along dim 0 after making each tensor at least 2-d (``row_stack``)."""
    return cat([atleast_2d(t) for t in tensors], 0)


def dstack(tensors: Sequence[Any]) -> Tensor:
    """Join along dim 2 after making each tensor at least 3-d."""
    return cat([atleast_3d(t) for t in tensors], 2)


def column_stack(tensors: Sequence[Any]) -> Tensor:
    """Join as columns: 0-d and 1-d tensors become columns (n, 1), the rest join along dim 1."""
    ts = [_tensor(t) for t in tensors]
    return cat([reshape(t, (t.data.size, 1)) if t.ndim <= 1 else t for t in ts], 1)
