"""Gather and scatter along one dimension, and index_select. Index tensors are integer (PyTorch uses int64).

Gather and scatter-add are each other's gradient, so both are differentiable to any order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Context, Function, once_differentiable
from ..tensor import Tensor
from .axes import normalize_axis
from .elementwise import _data, _tensor, where
from .indexing import IndexAdd, getitem


def _dim(dim: int | None, axis: int | None, op: str) -> int:
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: pass either dim or axis, not both")
    if dim is None and axis is None:
        raise TypeError(f"{op}() missing the dimension argument: dim")
    return dim if dim is not None else axis  # type: ignore[return-value]


def _as_index(index: Any, op: str) -> np.ndarray:
    """An index argument as an integer array; a float one raises with the fix."""
    a = np.asarray(_data(index))
    if a.dtype.kind not in "iu":
        raise DTypeError(f"{op}: the index must be an integer tensor (PyTorch uses int64), got dtype {a.dtype}; "
                        "build it from integers, e.g. tensor(np.array([0, 2])), or convert it with "
                        ".astype('int64')")
    return a


def _coordinates(index: np.ndarray, axis: int, size: int, op: str) -> tuple[np.ndarray, ...]:
    """The full NumPy index that ``index`` along ``axis`` stands for: out[i, j, k] ↔ x[..., index[i, j, k], ...]."""
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = index.min() if index.min() < 0 else index.max()
        raise RuntimeError(f"{op}: index {bad} is out of bounds for dimension {axis} with size {size}")
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def _check(op: str, x_shape: tuple[int, ...], index: np.ndarray, axis: int,
           src_shape: tuple[int, ...] | None = None) -> None:
    """PyTorch's shape rule: index has x's dimensions, and is no larger than x (off ``axis``) or src (anywhere)."""
    if index.ndim != len(x_shape):
        raise ShapeError(f"{op}: the index must have the same number of dimensions as the input, got index "
                         f"shape {index.shape} and input shape {x_shape}")
    for d, (i, s) in enumerate(zip(index.shape, x_shape, strict=True)):
        if d != axis and i > s:
            raise ShapeError(f"{op}: index shape {index.shape} exceeds input shape {x_shape} in dimension {d}")
    if src_shape is not None and (len(src_shape) != index.ndim
                                  or any(i > s for i, s in zip(index.shape, src_shape, strict=True))):
        raise ShapeError(f"{op}: index shape {index.shape} does not fit in source shape {src_shape}")


class Gather(Function):
    """``y[i][j] = x[index[i][j]][j]`` (along dim 0);  ∂L/∂x scatter-adds the gradient back to the gathered places"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, coords: tuple[np.ndarray, ...]) -> np.ndarray:
        ctx.in_shape, ctx.coords = x.shape, coords
        return x[coords]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return ScatterAdd.apply(np.zeros(ctx.in_shape, grad.dtype), grad, coords=ctx.coords)


class ScatterAdd(Function):
    """y = x with ``y[index[i][j]][j] += src[i][j]``;  ∂L/∂x = G, ∂L/∂src = G gathered at index"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, src: np.ndarray, coords: tuple[np.ndarray, ...]) -> np.ndarray:
        ctx.coords = coords
        out = x.copy()
        np.add.at(out, coords, src)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        return grad, Gather.apply(grad, coords=ctx.coords)


class Scatter(Function):
    """y = x with ``y[index[i][j]][j] = src[i][j]``;  ∂L/∂x = G zeroed where written, ∂L/∂src = G gathered at index"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, src: np.ndarray, coords: tuple[np.ndarray, ...]) -> np.ndarray:
        ctx.coords, ctx.src_shape = coords, src.shape
        out = x.copy()
        out[coords] = src
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        zeros = np.zeros(ctx.src_shape, grad.dtype)
        return Scatter.apply(grad, zeros, coords=ctx.coords), Gather.apply(grad, coords=ctx.coords)


class ScatterWithReduce(Function):
    """y = x with ``y[index[i][j]][j] += src[i][j]`` ('add') or ``*=`` ('multiply'), repeats applied in turn;
    no gradient (PyTorch has none either; ``scatter_reduce`` has them)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, src: np.ndarray, coords: tuple[np.ndarray, ...], reduce: str) -> np.ndarray:
        out = x.copy()
        (np.add if reduce == "add" else np.multiply).at(out, coords, src)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        raise RuntimeError("the derivative of scatter with reduce= is not implemented (nor is it in PyTorch); "
                           "use scatter_reduce (reduce='sum' or 'mean', ...) or scatter_add for a gradient")


_REDUCE_UFUNCS = {"sum": np.add, "mean": np.add, "amax": np.maximum, "amin": np.minimum}


class ScatterReduce(Function):
    """y = x with src reduced into ``y[index[i][j]][j]`` by 'sum', 'mean', 'amax' or 'amin' (x's own value taking
    part if include_self); ∂L/∂x = G·wₓ, ∂L/∂src = (G·w) gathered at index, w each contributor's share: 1 for a
    sum, 1/count for a mean, 1/(number of ties) for the one(s) equal to an extreme, 0 for the rest (as PyTorch,
    which counts x's own tie even when it is not included)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, src: np.ndarray, coords: tuple[np.ndarray, ...], reduce: str,
                include_self: bool) -> np.ndarray:
        count = np.zeros(x.shape, np.int64)
        np.add.at(count, coords, 1)
        hit = count > 0
        out = x.copy()
        if not include_self:  # each scattered-to place starts from the reduction's identity
            out[hit] = {"amax": _lowest, "amin": _highest}.get(reduce, lambda d: 0)(x.dtype)
        _REDUCE_UFUNCS[reduce].at(out, coords, src)
        n = count + include_self
        if reduce == "mean":
            divide = np.floor_divide if x.dtype.kind in "iu" else np.true_divide
            out = np.where(hit, divide(out, np.maximum(n, 1)).astype(x.dtype), out)
        if x.dtype.kind != "f":
            return out
        keeps_self = include_self | ~hit
        if reduce in ("amax", "amin"):
            self_ties = x == out  # counted among the ties even when not included, as PyTorch's rule does
            src_wins = src == out[coords]
            ties = self_ties.astype(np.int64)
            np.add.at(ties, coords, src_wins)
            ctx.w_self = ((self_ties & keeps_self) / np.maximum(ties, 1)).astype(x.dtype)
            ctx.w_src = (src_wins / ties[coords]).astype(x.dtype)
        elif reduce == "mean":
            ctx.w_self = np.where(hit, include_self / np.maximum(n, 1), 1).astype(x.dtype)
            ctx.w_src = (1 / n[coords]).astype(x.dtype)
        else:
            ctx.w_self, ctx.w_src = keeps_self.astype(x.dtype), None
        ctx.coords = coords
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        grad_src = Gather.apply(grad, coords=ctx.coords)
        return grad * ctx.w_self, grad_src if ctx.w_src is None else grad_src * ctx.w_src


class ScatterProd(Function):
    """y = x with src multiplied into ``y[index[i][j]][j]`` (x's own value a factor if include_self);
    ∂y/∂(a factor) = the product of the other factors there, also where a factor is zero (as PyTorch)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, src: np.ndarray, coords: tuple[np.ndarray, ...],
                include_self: bool) -> np.ndarray:
        count = np.zeros(x.shape, np.int64)
        np.add.at(count, coords, 1)
        hit = count > 0
        start = x.copy() if include_self else np.where(hit, np.ones((), x.dtype), x)
        out = start.copy()
        np.multiply.at(out, coords, src)
        if x.dtype.kind != "f":
            return out
        # each factor's share: the product of the others, computed without dividing by a zero factor
        zero = src == 0
        zeros_there = np.zeros(x.shape, np.int64)
        np.add.at(zeros_there, coords, zero)
        lone_zero = zero & (zeros_there[coords] == 1)
        without_lone_zero = start.copy()
        np.multiply.at(without_lone_zero, coords, np.where(lone_zero, np.ones((), x.dtype), src))
        with np.errstate(divide="ignore", invalid="ignore"):
            ctx.w_src = np.where(lone_zero, without_lone_zero[coords],
                                 np.where(zero, 0, out[coords] / np.where(zero, 1, src))).astype(x.dtype)
            if include_self:
                of_srcs = np.ones(x.shape, x.dtype)
                np.multiply.at(of_srcs, coords, src)
                ctx.w_self = of_srcs
            else:
                ctx.w_self = (~hit).astype(x.dtype)
        ctx.coords = coords
        return out

    @once_differentiable
    def backward(ctx: Context, grad: Tensor) -> tuple[np.ndarray, np.ndarray]:
        g = grad.data
        return g * ctx.w_self, g[ctx.coords] * ctx.w_src


def _lowest(dtype: np.dtype) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min if dtype.kind in "iu" else False


def _highest(dtype: np.dtype) -> Any:
    return np.inf if dtype.kind == "f" else np.iinfo(dtype).max if dtype.kind in "iu" else True


def _prepare(op: str, x: Tensor, dim: int | None, axis: int | None, index: Any,
             src_shape: tuple[int, ...] | None = None) -> tuple[tuple[np.ndarray, ...], tuple[int, ...]]:
    """The NumPy coordinates and the index shape of a gather or scatter call on an x of 1 or more dims."""
    idx = _as_index(index, op)
    (a,) = normalize_axis(_dim(dim, axis, op), x.ndim)
    _check(op, x.shape, idx, a, src_shape)
    return _coordinates(idx, a, x.shape[a], op), idx.shape


def _scalar_case(x: Tensor, dim: int | None, axis: int | None, index: Any, op: str) -> np.ndarray:
    """A 0-d input behaves as a 1-element vector with dim 0 (as in PyTorch); its index, flattened."""
    normalize_axis(_dim(dim, axis, op), 0)
    return _as_index(index, op).reshape(-1)


def gather(x: Any, dim: int | None = None, index: Any = None, *, axis: int | None = None) -> Tensor:
    """``out[i][j][k] = x[index[i][j][k]][j][k]`` for dim 0 (likewise for the others); out has index's shape.

    >>> import numpy as np, autograd
    >>> x = autograd.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    >>> y = x.gather(1, np.array([[0, 0], [1, 0]]))
    >>> y.tolist()
    [[1.0, 1.0], [4.0, 3.0]]
    >>> y.sum().backward()
    >>> x.grad.tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    x = _tensor(x)
    if x.ndim == 0:
        idx = _scalar_case(x, dim, axis, index, "gather")
        return gather(x.reshape(1), 0, idx).reshape(np.shape(_data(index)))
    coords, _ = _prepare("gather", x, dim, axis, index)
    return Gather.apply(x, coords=coords)


def _source(src: Any, x: Tensor, shape: tuple[int, ...], op: str) -> Tensor:
    """src cut to the index's shape (PyTorch reads only that block), or a number filled to it."""
    if not isinstance(src, Tensor | np.ndarray):
        return Tensor._constant(np.full(shape, src, dtype=x.dtype))
    s = _tensor(src)
    if s.dtype != x.dtype:
        raise DTypeError(f"{op}: src has dtype {s.dtype} but the input has {x.dtype}; convert one with .astype()")
    return s if s.shape == shape else getitem(s, tuple(slice(0, n) for n in shape))


def _scatter(fn: type[Function], op: str, x: Any, dim: int | None, axis: int | None, index: Any,
             src: Any, **attrs: Any) -> Tensor:
    x = _tensor(x)
    if x.ndim == 0:
        idx = _scalar_case(x, dim, axis, index, op)
        flat_src = src.reshape(-1) if isinstance(src, Tensor | np.ndarray) else src
        return _scatter(fn, op, x.reshape(1), 0, None, idx, flat_src, **attrs).reshape(())
    coords, shape = _prepare(op, x, dim, axis, index, np.shape(src) if isinstance(src, Tensor | np.ndarray) else None)
    return fn.apply(x, _source(src, x, shape, op), coords=coords, **attrs)


def scatter_add(x: Any, dim: int | None = None, index: Any = None, src: Any = None, *,
                axis: int | None = None) -> Tensor:
    """A copy of ``x`` with ``out[index[i][j]][j] += src[i][j]`` (dim 0); repeated indices add up."""
    if src is None:
        raise TypeError("scatter_add() missing the argument: src")
    return _scatter(ScatterAdd, "scatter_add", x, dim, axis, index, _tensor(src))


def scatter(x: Any, dim: int | None = None, index: Any = None, src: Any = None, *, value: Any = None,
            reduce: str | None = None, axis: int | None = None) -> Tensor:
    """A copy of ``x`` with ``out[index[i][j]][j] = src[i][j]`` (dim 0); ``src`` may be a number (or ``value=``).

    Where an index repeats, which write wins is unspecified, as in PyTorch. ``reduce='add'`` or ``'multiply'``
    combines each write with what is there instead (every repeat counts); that form has no gradient, as in PyTorch.
    """
    if (src is None) == (value is None):
        raise TypeError("scatter: pass exactly one of src and value")
    src = value if src is None else src
    if reduce is None:
        return _scatter(Scatter, "scatter", x, dim, axis, index, src)
    if reduce not in ("add", "multiply"):
        raise ArgumentError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
    return _scatter(ScatterWithReduce, "scatter", x, dim, axis, index, src, reduce=reduce)


def scatter_reduce(x: Any, dim: int | None = None, index: Any = None, src: Any = None, reduce: str | None = None, *,
                   include_self: bool = True, axis: int | None = None) -> Tensor:
    """A copy of ``x`` with ``src[i][j]`` reduced into ``out[index[i][j]][j]`` (dim 0) by ``reduce``: 'sum', 'prod',
    'mean', 'amax' or 'amin', ``x``'s own value taking part unless ``include_self=False``. Gradients as PyTorch's:
    a mean shares among its contributors, an extreme among its ties, a product gives each factor the others'."""
    if src is None or reduce is None:
        raise TypeError("scatter_reduce() needs both src and reduce")
    if reduce == "prod":
        return _scatter(ScatterProd, "scatter_reduce", x, dim, axis, index, _tensor(src), include_self=bool(include_self))
    if reduce not in _REDUCE_UFUNCS:
        raise ArgumentError(f"scatter_reduce: reduce must be one of 'sum', 'prod', 'mean', 'amax', 'amin', "
                            f"got {reduce!r}")
    return _scatter(ScatterReduce, "scatter_reduce", x, dim, axis, index, _tensor(src), reduce=reduce,
                    include_self=bool(include_self))


def index_select(x: Any, dim: int | None = None, index: Any = None, *, axis: int | None = None) -> Tensor:
    """The slices of ``x`` at ``index`` (a 0-d or 1-d integer tensor) along ``dim``; repeated indices add gradients."""
    x = _tensor(x)
    d = _dim(dim, axis, "index_select")
    idx = _as_index(index, "index_select")
    if idx.ndim > 1:
        raise ShapeError(f"index_select: the index must be 0-d or 1-d, got shape {idx.shape}")
    a = normalize_axis(d, x.ndim)
    size = x.shape[a[0]] if a else 1
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise IndexError(f"index_select: index {idx.min() if idx.min() < 0 else idx.max()} is out of range for "
                         f"dimension {d} with size {size}")
    if x.ndim == 0:
        return getitem(x.reshape(1), idx.reshape(-1)).reshape(())
    return getitem(x, (slice(None),) * a[0] + (idx.reshape(-1),))


def _index_along(op: str, x: Tensor, dim: int, index: Any) -> tuple[int, np.ndarray]:
    """The axis and the 1-d int64 index of an index_add/index_fill/index_copy call, checked against x."""
    (a,) = normalize_axis(dim, max(x.ndim, 1))
    idx = _as_index(index, op).reshape(-1)
    size = x.shape[a] if x.ndim else 1
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise IndexError(f"{op}: index out of range for dimension {dim} with size {size}")
    return a, idx % max(size, 1)


def _check_source(op: str, x: Tensor, a: int, idx: np.ndarray, source: Tensor) -> None:
    """``source`` must have x's shape with ``len(index)`` slices along the indexed dim."""
    want = tuple(len(idx) if d == a else n for d, n in enumerate(x.shape))
    if source.shape != want and not (x.ndim <= 1 and source.data.size == len(idx)):
        raise ShapeError(f"{op}: source of shape {source.shape} does not fit {len(idx)} indices along dim {a} of "
                         f"an input of shape {x.shape} (expected {want})")


def index_add(x: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
    """A copy of ``x`` with ``alpha·source``'s slices added at ``index`` along ``dim`` (repeats add up)."""
    x, source = _tensor(x), _tensor(source)
    a, idx = _index_along("index_add", x, dim, index)
    _check_source("index_add", x, a, idx, source)
    added = source if alpha == 1 else source * alpha
    return x + IndexAdd.apply(added, index=(slice(None),) * a + (idx,), shape=x.shape)


def _slice_mask(x: Tensor, a: int, idx: np.ndarray) -> np.ndarray:
    along = np.zeros(x.shape[a] if x.ndim else 1, dtype=bool)
    along[idx] = True
    return along.reshape((-1,) + (1,) * (x.ndim - a - 1)) if x.ndim else along.reshape(())


def index_fill(x: Any, dim: int, index: Any, value: Any) -> Tensor:
    """A copy of ``x`` with the slices at ``index`` along ``dim`` set to ``value`` (a number or a 0-d tensor)."""
    x = _tensor(x)
    a, idx = _index_along("index_fill", x, dim, index)
    if isinstance(value, Tensor) and value.ndim:
        raise ShapeError(f"index_fill only supports a 0-dimensional value tensor, got {value.ndim} dimensions")
    fill = value if isinstance(value, Tensor) else Tensor._constant(np.asarray(value, dtype=x.dtype))
    return where(_slice_mask(x, a, idx), fill.to(x.dtype), x)


def index_copy(x: Any, dim: int, index: Any, source: Any) -> Tensor:
    """A copy of ``x`` with ``source``'s slices written at ``index`` along ``dim``."""
    x, source = _tensor(x), _tensor(source)
    a, idx = _index_along("index_copy", x, dim, index)
    _check_source("index_copy", x, a, idx, source)
    if source.dtype != x.dtype:
        raise DTypeError(f"index_copy: source has dtype {source.dtype} but the input has {x.dtype}")
    written = IndexAdd.apply(source, index=(slice(None),) * a + (idx,), shape=x.shape)
    return where(_slice_mask(x, a, idx), written, x)
