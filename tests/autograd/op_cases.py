"""The op-test registry: one ``OpCase`` row for every differentiable op and Tensor method.

``test_ops.py`` runs every row through the same checks (NumPy forward, central differences with a
random upstream gradient, second derivatives, dtype, PyTorch). Adding an op means adding a row
here. A row's name is ``op`` or ``op:variant``; ``op`` is the ``autograd`` function or the
``Tensor.method`` the row exercises, so the coverage test can tell what is missing.

Values come from ``domain``: a ``(low, high)`` pair, a hypothesis strategy, or one of those per
input. Domains stay clear of kinks, poles and ties (the dedicated sub-gradient tests cover those).
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

import autograd
from autograd.testing import broadcastable_shapes, shapes, tensors

Domain = tuple[float, float] | st.SearchStrategy[float]
Shapes = st.SearchStrategy[tuple[tuple[int, ...], ...]]

SMALL = {"max_dims": 3, "max_side": 4}  # ≤ 64 elements keeps central differences fast


@dataclass(frozen=True)
class OpCase:
    """One op under test: ``fn`` on Tensors, ``numpy_ref`` on arrays, ``torch_fn`` on torch tensors."""

    name: str
    fn: Callable[..., Any]
    numpy_ref: Callable[..., Any]
    arity: int = 1
    domain: Domain | tuple[Domain, ...] = (-3.0, 3.0)
    torch_fn: Callable[..., Any] | None = None
    shapes: Shapes | None = None
    differentiable_twice: bool = True
    unique: bool = False  # distinct elements: reductions like max must not meet ties
    out_dtype: Any = None  # None: the inputs' dtype (float32 in, float32 out)

    @property
    def op(self) -> str:
        return self.name.split(":")[0]

    def input_shapes(self) -> Shapes:
        if self.shapes is not None:
            return self.shapes
        if self.arity == 1:
            return one()
        return broadcastable_shapes(num_shapes=self.arity, **SMALL).map(lambda b: b.input_shapes)

    def domains(self) -> tuple[Domain, ...]:
        d = self.domain
        if isinstance(d, tuple) and len(d) == self.arity and all(isinstance(e, tuple | st.SearchStrategy) for e in d):
            return d
        return (d,) * self.arity  # type: ignore[return-value]

    def inputs(self, dtype: Any = np.float64) -> st.SearchStrategy[tuple[autograd.Tensor, ...]]:
        """Tensors that require grad, drawn with ``autograd.testing.tensors`` (float64, then cast)."""
        def draw(shape_tuple: tuple[tuple[int, ...], ...]) -> st.SearchStrategy[tuple[autograd.Tensor, ...]]:
            return st.tuples(*(tensors(shape=s, elements=_strategy(d), unique=self.unique)
                               for s, d in zip(shape_tuple, self.domains(), strict=True)))

        return self.input_shapes().flatmap(draw).map(
            lambda ts: tuple(autograd.tensor(t.data, dtype=dtype, requires_grad=True) for t in ts))


def examples(fraction: float) -> settings:
    """A share of the active profile's max_examples (ci: 30), so the 'thorough' profile still scales."""
    return settings(max_examples=max(2, int(settings().max_examples * fraction)))


def _strategy(d: Domain) -> st.SearchStrategy[float]:
    if isinstance(d, st.SearchStrategy):
        return d
    return interval(*d)


def interval(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def avoiding(*points: float, lo: float = -3.0, hi: float = 3.0, gap: float = 0.1) -> st.SearchStrategy[float]:
    """Values in [lo, hi] at least ``gap`` away from each kink in ``points``."""
    edges = [lo, *(e for p in sorted(points) for e in (p - gap, p + gap)), hi]
    return st.one_of(*(interval(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True)))


def grid(lo: float = -3.0, hi: float = 3.0, step: float = 0.05) -> st.SearchStrategy[float]:
    """Multiples of ``step``: with ``unique=True`` no two elements are closer than ``step``."""
    return st.integers(int(np.ceil(lo / step)), int(np.floor(hi / step))).map(lambda k: k * step)


def offset(lo: float, hi: float) -> st.SearchStrategy[float]:
    """n + u for an integer n in [−3, 2] and u in [lo, hi]: two inputs with disjoint [lo, hi] never tie."""
    return st.builds(operator.add, st.integers(-3, 2).map(float), interval(lo, hi))


def one(**kw: Any) -> Shapes:
    return shapes(**{**SMALL, **kw}).map(lambda s: (s,))


def same(n: int = 2, **kw: Any) -> Shapes:
    return shapes(**{**SMALL, **kw}).map(lambda s: (s,) * n)


def fixed(*shape_tuple: tuple[int, ...]) -> Shapes:
    return st.just(shape_tuple)


def lead(size: int, **kw: Any) -> Shapes:
    """One shape whose first dimension is ``size``."""
    return shapes(**{**SMALL, "max_dims": 2, **kw}).map(lambda s: ((size, *s),))


def joinable(axis: int) -> Shapes:
    """Two shapes equal except along ``axis`` (for concatenate)."""
    @st.composite
    def draw(draw: Any) -> tuple[tuple[int, ...], ...]:
        base = draw(shapes(min_dims=1, **SMALL))
        n = draw(st.integers(1, 4))
        other = list(base)
        other[axis] = n
        return base, tuple(other)

    return draw()


def matmul_shapes(a: str, b: str) -> Shapes:
    """Operand shapes for matmul; each operand is a "vector", a "matrix" or a "batch" of matrices."""
    @st.composite
    def draw(draw: Any) -> tuple[tuple[int, ...], ...]:
        n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
        batch_a, batch_b = draw(broadcastable_shapes(2, min_dims=1, max_dims=2, max_side=3)).input_shapes
        if b != "batch":
            batch_a = batch_a or (2,)
        if a != "batch":
            batch_b = batch_b or (2,)
        left = {"vector": (k,), "matrix": (n, k), "batch": (*batch_a, n, k)}[a]
        right = {"vector": (k,), "matrix": (k, m), "batch": (*batch_b, k, m)}[b]
        return left, right

    return draw()


def _torch() -> Any:
    return importlib.import_module("torch")


def method(name: str, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
    """``lambda x: x.name(*args, **kwargs)``: the same call works on autograd and torch tensors."""
    def call(x: Any) -> Any:
        return getattr(x, name)(*args, **kwargs)

    call.__qualname__ = f"Tensor.{name}"
    return call


def both(name: str, fn: Callable[..., Any], numpy_ref: Callable[..., Any], **kw: Any) -> OpCase:
    """A row whose ``fn`` also runs unchanged on torch tensors."""
    return OpCase(name, fn, numpy_ref, torch_fn=fn, **kw)


def _split_ref(a: np.ndarray, size: int, axis: int) -> tuple[np.ndarray, ...]:
    return tuple(np.split(a, range(size, a.shape[axis], size), axis=axis))


def _lse(a: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def _relu(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0)


def _reverse(x: Any) -> Any:
    return x.permute(tuple(reversed(range(x.ndim))))


def _torch_pad(x: Any, widths: Any, value: float = 0.0) -> Any:
    flat = [w for pair in reversed(widths) for w in pair]
    return _torch().nn.functional.pad(x, flat, value=value)


def _cyclic(shape: tuple[int, ...], axis: int, shift: int = 1, size: int | None = None) -> np.ndarray:
    """An int64 index along ``axis`` that reaches each position once (a cyclic shift), cut to ``size`` there."""
    axis %= len(shape)
    n = shape[axis]
    pos = np.arange(n).reshape((-1,) + (1,) * (len(shape) - axis - 1))
    idx = np.broadcast_to((pos + shift) % n, shape).astype(np.int64)
    return idx[(slice(None),) * axis + (slice(0, size),)]


def _repeating(shape: tuple[int, ...], axis: int) -> np.ndarray:
    """An int64 index of ``shape`` with twice the positions along ``axis``, each reached twice or more."""
    big = list(shape)
    big[axis] *= 2
    return (np.arange(int(np.prod(big))).reshape(big) * 5 + 3) % shape[axis]


def _coords(index: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def _scatter_add_ref(a: np.ndarray, b: np.ndarray, index: np.ndarray, axis: int) -> np.ndarray:
    out = a.copy()
    np.add.at(out, _coords(index, axis), b[tuple(slice(0, n) for n in index.shape)])
    return out


def _scatter_ref(a: np.ndarray, b: Any, index: np.ndarray, axis: int) -> np.ndarray:
    out = a.copy()
    out[_coords(index, axis)] = b[tuple(slice(0, n) for n in index.shape)] if np.ndim(b) else b
    return out


def _scatter_reduce_ref(a: np.ndarray, b: np.ndarray, index: np.ndarray, axis: int, reduce: str,
                        include_self: bool = True) -> np.ndarray:
    coords, src = _coords(index, axis), b[tuple(slice(0, n) for n in index.shape)]
    count = np.zeros(a.shape, np.int64)
    np.add.at(count, coords, 1)
    out = a.copy()
    if not include_self:
        out[count > 0] = {"amax": -np.inf, "amin": np.inf}.get(reduce, 0)
    {"sum": np.add, "mean": np.add, "amax": np.maximum, "amin": np.minimum}[reduce].at(out, coords, src)
    mean = (out / np.maximum(count + include_self, 1)).astype(a.dtype)
    return np.where(count > 0, mean, out) if reduce == "mean" else out


def _scatter_prod_ref(a: np.ndarray, b: np.ndarray, index: np.ndarray, include_self: bool) -> np.ndarray:
    coords, src = _coords(index, 0), b[tuple(slice(0, n) for n in index.shape)]
    out = a.copy()
    if not include_self:
        out[coords] = 1
    np.multiply.at(out, coords, src)
    return out


def _pattern(shape: tuple[int, ...]) -> np.ndarray:
    """A fixed bool mask of ``shape`` (every third element False)."""
    return np.arange(int(np.prod(shape))).reshape(shape) % 3 != 1


def _vnorm(a: np.ndarray, p: float, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """The vector p-norm written out (NumPy's linalg.norm has matrix norms for 2-d axes)."""
    x = np.abs(a)
    if p == np.inf:
        return np.max(x, axis=axis, keepdims=keepdims)
    if p == -np.inf:
        return np.min(x, axis=axis, keepdims=keepdims)
    if p == 0:
        return np.sum(x != 0, axis=axis, keepdims=keepdims).astype(a.dtype)
    return np.sum(x**p, axis=axis, keepdims=keepdims) ** (1 / p)


def _scan(ufunc: np.ufunc, axis: int) -> Callable[[np.ndarray], np.ndarray]:
    """A running ufunc along ``axis`` (a 0-d array is one element)."""
    return lambda a: ufunc.accumulate(np.atleast_1d(a), axis=axis).reshape(a.shape)


def _torch_index(index: np.ndarray) -> Any:
    return _torch().tensor(index)


ROW = np.array([0.5, -1.25, 2.0])  # a NumPy constant operand
COND = np.array([True, False, True])
MASK = np.array([True, False, True])
NONZERO = avoiding(0.0)
POSITIVE = (0.1, 3.0)
BASE = (0.5, 3.0)
TO_ROW = broadcastable_shapes(num_shapes=1, base_shape=(3,), **SMALL).map(lambda b: b.input_shapes)
CLIP_SAFE = avoiding(-1.0, 1.0)
UNIQUE = {"domain": grid(), "unique": True}
NONSCALAR = {"shapes": shapes(min_dims=1, **SMALL).map(lambda s: (s,))}
F64 = {"out_dtype": np.float64}

ELEMENTWISE = [
    OpCase("add", autograd.add, np.add, arity=2, torch_fn=lambda a, b: _torch().add(a, b)),
    OpCase("sub", autograd.sub, np.subtract, arity=2, torch_fn=lambda a, b: _torch().sub(a, b)),
    OpCase("mul", autograd.mul, np.multiply, arity=2, torch_fn=lambda a, b: _torch().mul(a, b)),
    OpCase("div", autograd.div, np.divide, arity=2, domain=((-3.0, 3.0), avoiding(0.0, gap=0.5)),
           torch_fn=lambda a, b: _torch().div(a, b)),
    OpCase("neg", autograd.neg, np.negative, torch_fn=lambda x: _torch().neg(x)),
    OpCase("pow:tensor_tensor", autograd.pow, np.power, arity=2, domain=(BASE, (-2.0, 2.0)),
           torch_fn=lambda a, b: _torch().pow(a, b)),
    OpCase("pow:tensor_const", lambda x: autograd.pow(x, 3), lambda a: a**3, torch_fn=lambda x: _torch().pow(x, 3)),
    OpCase("pow:const_tensor", lambda x: autograd.pow(2.0, x), lambda a: np.power(2.0, a),
           torch_fn=lambda x: _torch().pow(2.0, x)),
    OpCase("abs", autograd.abs, np.abs, domain=NONZERO, torch_fn=lambda x: _torch().abs(x)),
    OpCase("exp", autograd.exp, np.exp, torch_fn=lambda x: _torch().exp(x)),
    OpCase("log", autograd.log, np.log, domain=POSITIVE, torch_fn=lambda x: _torch().log(x)),
    OpCase("log1p", autograd.log1p, np.log1p, domain=(-0.9, 3.0), torch_fn=lambda x: _torch().log1p(x)),
    OpCase("expm1", autograd.expm1, np.expm1, torch_fn=lambda x: _torch().expm1(x)),
    OpCase("sqrt", autograd.sqrt, np.sqrt, domain=POSITIVE, torch_fn=lambda x: _torch().sqrt(x)),
    OpCase("sin", autograd.sin, np.sin, torch_fn=lambda x: _torch().sin(x)),
    OpCase("cos", autograd.cos, np.cos, torch_fn=lambda x: _torch().cos(x)),
    OpCase("tanh", autograd.tanh, np.tanh, torch_fn=lambda x: _torch().tanh(x)),
    OpCase("sigmoid", autograd.sigmoid, _sigmoid, torch_fn=lambda x: _torch().sigmoid(x)),
    OpCase("relu", autograd.relu, _relu, domain=NONZERO, torch_fn=lambda x: _torch().relu(x)),
    OpCase("maximum", autograd.maximum, np.maximum, arity=2, domain=(offset(0.05, 0.45), offset(0.55, 0.95)),
           torch_fn=lambda a, b: _torch().maximum(a, b)),
    OpCase("minimum", autograd.minimum, np.minimum, arity=2, domain=(offset(0.05, 0.45), offset(0.55, 0.95)),
           torch_fn=lambda a, b: _torch().minimum(a, b)),
    OpCase("clip", lambda x: autograd.clip(x, -1.0, 1.0), lambda a: np.clip(a, -1.0, 1.0), domain=CLIP_SAFE,
           torch_fn=lambda x: _torch().clamp(x, -1.0, 1.0)),
    OpCase("clip:lower_only", lambda x: autograd.clip(x, min=-1.0), lambda a: np.maximum(a, -1.0),
           domain=CLIP_SAFE, torch_fn=lambda x: _torch().clamp(x, min=-1.0)),
    OpCase("clamp", lambda x: autograd.clamp(x, max=1.0), lambda a: np.minimum(a, 1.0), domain=CLIP_SAFE,
           torch_fn=lambda x: _torch().clamp(x, max=1.0)),
    OpCase("where", lambda a, b: autograd.where(COND, a, b), lambda a, b: np.where(COND, a, b), arity=2,
           shapes=broadcastable_shapes(2, base_shape=(3,), **SMALL).map(lambda s: s.input_shapes),
           torch_fn=lambda a, b: _torch().where(_torch().tensor(COND), a, b)),
    OpCase("where:cond_from_values", lambda x: autograd.where(x > 0, x, 0.5 * x),
           lambda a: np.where(a > 0, a, 0.5 * a), domain=NONZERO,
           torch_fn=lambda x: _torch().where(x > 0, x, 0.5 * x)),
    OpCase("sign", autograd.sign, np.sign, domain=NONZERO, torch_fn=lambda x: _torch().sign(x)),
    OpCase("cast", lambda x: autograd.cast(x, np.float64), lambda a: a.astype(np.float64), **F64,
           torch_fn=lambda x: x.double()),
    OpCase("add:ndarray_right", lambda x: x + ROW, lambda a: a + ROW, shapes=TO_ROW, **F64,
           torch_fn=lambda x: x + _torch().tensor(ROW)),
    OpCase("mul:ndarray_left", lambda x: ROW * x, lambda a: ROW * a, shapes=TO_ROW, **F64,
           torch_fn=lambda x: _torch().tensor(ROW) * x),
    OpCase("sub:ndarray_left", lambda x: autograd.sub(ROW, x), lambda a: ROW - a, shapes=TO_ROW, **F64,
           torch_fn=lambda x: _torch().tensor(ROW) - x),
    OpCase("div:number", lambda x: autograd.div(x, 4.0), lambda a: a / 4.0, torch_fn=lambda x: x / 4.0),
]

REDUCTIONS = [
    OpCase("sum", autograd.sum, np.sum, torch_fn=lambda x: _torch().sum(x)),
    OpCase("sum:axis0", lambda x: autograd.sum(x, axis=0), lambda a: np.sum(a, axis=0), **NONSCALAR,
           torch_fn=lambda x: _torch().sum(x, 0)),
    OpCase("sum:axis-1_keepdims", lambda x: autograd.sum(x, axis=-1, keepdims=True),
           lambda a: np.sum(a, axis=-1, keepdims=True), **NONSCALAR, torch_fn=lambda x: x.sum(-1, keepdim=True)),
    OpCase("sum:axes_tuple", lambda x: autograd.sum(x, axis=(0, 2)), lambda a: np.sum(a, axis=(0, 2)),
           shapes=one(min_dims=3), torch_fn=lambda x: x.sum((0, 2))),
    OpCase("mean", autograd.mean, np.mean, torch_fn=lambda x: _torch().mean(x)),
    OpCase("mean:axis0", lambda x: autograd.mean(x, axis=0), lambda a: np.mean(a, axis=0), **NONSCALAR,
           torch_fn=lambda x: x.mean(0)),
    OpCase("mean:axes_keepdims", lambda x: autograd.mean(x, axis=(0, -1), keepdims=True),
           lambda a: np.mean(a, axis=(0, -1), keepdims=True), shapes=one(min_dims=2),
           torch_fn=lambda x: x.mean((0, -1), keepdim=True)),
    OpCase("max", autograd.max, np.max, **UNIQUE, torch_fn=lambda x: x.amax()),
    OpCase("max:axis0", lambda x: autograd.max(x, axis=0).values, lambda a: np.max(a, axis=0), **UNIQUE,
           shapes=one(min_dims=1), torch_fn=lambda x: x.amax(0)),
    OpCase("max:axis-1_keepdims", lambda x: autograd.max(x, axis=-1, keepdims=True).values,
           lambda a: np.max(a, axis=-1, keepdims=True), **UNIQUE, shapes=one(min_dims=1),
           torch_fn=lambda x: x.amax(-1, keepdim=True)),
    OpCase("min", autograd.min, np.min, **UNIQUE, torch_fn=lambda x: x.amin()),
    OpCase("min:axis0", lambda x: autograd.min(x, axis=0).values, lambda a: np.min(a, axis=0), **UNIQUE,
           shapes=one(min_dims=1), torch_fn=lambda x: x.amin(0)),
    OpCase("amin:axes_keepdims", lambda x: autograd.amin(x, axis=(0, 1), keepdims=True),
           lambda a: np.min(a, axis=(0, 1), keepdims=True), **UNIQUE, shapes=one(min_dims=2),
           torch_fn=lambda x: x.amin((0, 1), keepdim=True)),
    OpCase("var", lambda x: autograd.var(x, correction=0), np.var, torch_fn=lambda x: x.var(correction=0)),
    OpCase("var:axis0_ddof1", lambda x: autograd.var(x, axis=0, ddof=1), lambda a: np.var(a, axis=0, ddof=1),
           shapes=one(min_dims=1, min_side=2), torch_fn=lambda x: x.var(0, correction=1)),
    OpCase("var:keepdims", lambda x: autograd.var(x, axis=-1, keepdims=True, correction=0),
           lambda a: np.var(a, axis=-1, keepdims=True), **NONSCALAR,
           torch_fn=lambda x: x.var(-1, keepdim=True, correction=0)),
    OpCase("std", autograd.std, lambda a: np.std(a, ddof=1), **UNIQUE, shapes=one(min_dims=1, min_side=2),
           torch_fn=lambda x: x.std()),
    OpCase("std:axis0_ddof1", lambda x: autograd.std(x, axis=0, ddof=1), lambda a: np.std(a, axis=0, ddof=1),
           **UNIQUE, shapes=one(min_dims=1, min_side=2), torch_fn=lambda x: x.std(0, correction=1)),
    OpCase("logsumexp", autograd.logsumexp, _lse, torch_fn=lambda x: _torch().logsumexp(x.reshape(-1), 0)),
    OpCase("logsumexp:axis0", lambda x: autograd.logsumexp(x, axis=0), lambda a: _lse(a, axis=0), **NONSCALAR,
           torch_fn=lambda x: _torch().logsumexp(x, 0)),
    OpCase("logsumexp:axes_keepdims", lambda x: autograd.logsumexp(x, axis=(0, 1), keepdims=True),
           lambda a: _lse(a, axis=(0, 1), keepdims=True), shapes=one(min_dims=2),
           torch_fn=lambda x: _torch().logsumexp(x, (0, 1), keepdim=True)),
    # up to 64 factors, kept near 1: roundoff in the finite-difference second derivative grows with the product
    OpCase("prod", autograd.prod, np.prod, domain=(0.9, 1.1), torch_fn=lambda x: _torch().prod(x)),
    OpCase("prod:axis0", lambda x: autograd.prod(x, axis=0), lambda a: np.prod(a, axis=0), domain=(0.5, 1.5),
           **NONSCALAR, torch_fn=lambda x: _torch().prod(x, 0)),
    OpCase("prod:axes_keepdims", lambda x: autograd.prod(x, axis=(0, -1), keepdims=True),
           lambda a: np.prod(a, axis=(0, -1), keepdims=True), domain=(0.5, 1.5), shapes=one(min_dims=2),
           torch_fn=lambda x: x.prod(-1, keepdim=True).prod(0, keepdim=True)),
    OpCase("sum_to", lambda x: autograd.sum_to(x, (3, 1)), lambda a: a.sum(axis=0).sum(axis=-1, keepdims=True),
           shapes=st.tuples(st.integers(1, 3), st.integers(1, 4)).map(lambda t: ((t[0], 3, t[1]),)),
           torch_fn=lambda x: x.sum(0).sum(-1, keepdim=True)),
]

SHAPE = [
    OpCase("reshape", lambda x: autograd.reshape(x, (-1,)), lambda a: a.reshape(-1),
           torch_fn=lambda x: x.reshape(-1)),
    OpCase("reshape:column", lambda x: autograd.reshape(x, (-1, 1)), lambda a: a.reshape(-1, 1),
           torch_fn=lambda x: x.reshape(-1, 1)),
    OpCase("flatten", autograd.flatten, lambda a: a.reshape(-1), torch_fn=lambda x: _torch().flatten(x)),
    OpCase("flatten:start1", lambda x: autograd.flatten(x, 1), lambda a: a.reshape(a.shape[0], -1),
           shapes=one(min_dims=2), torch_fn=lambda x: _torch().flatten(x, 1)),
    OpCase("transpose", autograd.transpose, np.transpose, torch_fn=_reverse),
    OpCase("transpose:swap", lambda x: autograd.transpose(x, 0, -1), lambda a: np.swapaxes(a, 0, -1),
           **NONSCALAR, torch_fn=lambda x: _torch().transpose(x, 0, -1)),
    OpCase("permute", lambda x: autograd.permute(x, (2, 0, 1)), lambda a: np.transpose(a, (2, 0, 1)),
           shapes=one(min_dims=3), torch_fn=lambda x: _torch().permute(x, (2, 0, 1))),
    OpCase("squeeze", autograd.squeeze, np.squeeze, torch_fn=lambda x: _torch().squeeze(x)),
    OpCase("squeeze:axis0", lambda x: autograd.squeeze(x, 0), lambda a: np.squeeze(a, 0), shapes=lead(1),
           torch_fn=lambda x: _torch().squeeze(x, 0)),
    OpCase("unsqueeze", lambda x: autograd.unsqueeze(x, 0), lambda a: np.expand_dims(a, 0),
           torch_fn=lambda x: _torch().unsqueeze(x, 0)),
    OpCase("unsqueeze:last", lambda x: autograd.unsqueeze(x, -1), lambda a: np.expand_dims(a, -1),
           torch_fn=lambda x: _torch().unsqueeze(x, -1)),
    OpCase("expand", lambda x: autograd.expand(x, 2, *x.shape), lambda a: np.broadcast_to(a, (2, *a.shape)),
           torch_fn=lambda x: x.expand(2, *x.shape)),
    OpCase("expand:keep_dims", lambda x: autograd.expand(x, -1, 4), lambda a: np.broadcast_to(a, (a.shape[0], 4)),
           shapes=st.integers(1, 4).map(lambda n: ((n, 1),)), torch_fn=lambda x: x.expand(-1, 4)),
    OpCase("broadcast_to", lambda x: autograd.broadcast_to(x, (2, *x.shape)),
           lambda a: np.broadcast_to(a, (2, *a.shape)), torch_fn=lambda x: _torch().broadcast_to(x, (2, *x.shape))),
    OpCase("broadcast_to:size1", lambda x: autograd.broadcast_to(x, (3, 2)), lambda a: np.broadcast_to(a, (3, 2)),
           shapes=st.sampled_from([((1,),), ((2,),), ((1, 1),), ((3, 1),), ((1, 2),), ((),)]),
           torch_fn=lambda x: _torch().broadcast_to(x, (3, 2))),
    OpCase("concatenate", lambda a, b: autograd.concatenate([a, b]), lambda a, b: np.concatenate([a, b]),
           arity=2, shapes=joinable(0), torch_fn=lambda a, b: _torch().cat([a, b])),
    OpCase("cat:last_axis", lambda a, b: autograd.cat([a, b], dim=-1), lambda a, b: np.concatenate([a, b], -1),
           arity=2, shapes=joinable(-1), torch_fn=lambda a, b: _torch().cat([a, b], dim=-1)),
    OpCase("stack", lambda a, b: autograd.stack([a, b]), lambda a, b: np.stack([a, b]), arity=2, shapes=same(),
           torch_fn=lambda a, b: _torch().stack([a, b])),
    OpCase("stack:last_axis", lambda a, b: autograd.stack([a, b], axis=-1), lambda a, b: np.stack([a, b], -1),
           arity=2, shapes=same(), torch_fn=lambda a, b: _torch().stack([a, b], -1)),
    OpCase("split", lambda x: autograd.split(x, 2), lambda a: _split_ref(a, 2, 0), **NONSCALAR,
           torch_fn=lambda x: _torch().split(x, 2)),
    OpCase("split:sections", lambda x: autograd.split(x, [1, 2], dim=-1), lambda a: np.split(a, [1], axis=-1),
           shapes=shapes(min_dims=0, max_dims=2, max_side=3).map(lambda s: ((*s, 3),)),
           torch_fn=lambda x: _torch().split(x, [1, 2], dim=-1)),
    OpCase("pad", lambda x: autograd.pad(x, ((1, 0), (0, 2))), lambda a: np.pad(a, ((1, 0), (0, 2))),
           shapes=one(min_dims=2, max_dims=2), torch_fn=lambda x: _torch_pad(x, ((1, 0), (0, 2)))),
    OpCase("pad:all_axes_value", lambda x: autograd.pad(x, 1, constant_values=0.5),
           lambda a: np.pad(a, 1, constant_values=0.5), shapes=one(min_dims=1),
           torch_fn=lambda x: _torch_pad(x, ((1, 1),) * x.ndim, 0.5)),
]

INDEXING = [
    OpCase("getitem", lambda x: autograd.getitem(x, (slice(None), 0)), lambda a: a[:, 0],
           shapes=one(min_dims=2), torch_fn=lambda x: x[:, 0]),
    both("getitem:slice", lambda x: x[1:], lambda a: a[1:], **NONSCALAR),
    both("getitem:step", lambda x: x[..., ::2], lambda a: a[..., ::2], **NONSCALAR),
    both("getitem:negative_int", lambda x: x[-1], lambda a: a[-1], **NONSCALAR),
    both("getitem:newaxis", lambda x: x[None, ..., 0], lambda a: a[None, ..., 0], **NONSCALAR),
    both("getitem:repeated_ints", lambda x: x[[0, 0, 1]], lambda a: a[[0, 0, 1]], shapes=one(min_dims=1, min_side=2)),
    OpCase("getitem:int_array_2d", lambda x: x[np.array([[0, 1], [1, 1]])], lambda a: a[np.array([[0, 1], [1, 1]])],
           shapes=one(min_dims=1, min_side=2), torch_fn=lambda x: x[_torch().tensor([[0, 1], [1, 1]])]),
    both("getitem:coordinate_pairs", lambda x: x[[0, 2, 0], [1, 1, 1]], lambda a: a[[0, 2, 0], [1, 1, 1]],
         shapes=one(min_dims=2, min_side=3)),
    both("getitem:slice_and_ints", lambda x: x[1:, [0, 0]], lambda a: a[1:, [0, 0]], shapes=one(min_dims=2)),
    both("getitem:mask_from_values", lambda x: x[x > 0], lambda a: a[a > 0], domain=NONZERO),
    OpCase("getitem:mask", lambda x: x[MASK], lambda a: a[MASK], shapes=lead(3),
           torch_fn=lambda x: x[_torch().tensor(MASK)]),
    OpCase("getitem:tensor_index", lambda x: x[autograd.tensor(np.array([1, 0, 1]))], lambda a: a[[1, 0, 1]],
           shapes=one(min_dims=1, min_side=2), torch_fn=lambda x: x[_torch().tensor([1, 0, 1])]),
]

LINALG = [
    *[OpCase("matmul" if (a, b) == ("matrix", "matrix") else f"matmul:{a}_{b}", autograd.matmul, np.matmul,
             arity=2, shapes=matmul_shapes(a, b), torch_fn=lambda a, b: _torch().matmul(a, b))
      for a, b in [("matrix", "matrix"), ("vector", "vector"), ("vector", "matrix"), ("matrix", "vector"),
                   ("batch", "matrix"), ("batch", "batch"), ("vector", "batch"), ("batch", "vector")]],
    OpCase("dot", autograd.dot, np.dot, arity=2, shapes=matmul_shapes("vector", "vector"),
           torch_fn=lambda a, b: _torch().dot(a, b)),
    OpCase("outer", autograd.outer, np.outer, arity=2,
           shapes=st.tuples(st.integers(1, 4), st.integers(1, 4)).map(lambda t: ((t[0],), (t[1],))),
           torch_fn=lambda a, b: _torch().outer(a, b)),
]

METHODS = [
    both("Tensor.__add__", operator.add, np.add, arity=2),
    both("Tensor.__radd__", lambda x: 2.5 + x, lambda a: 2.5 + a),
    both("Tensor.__sub__", operator.sub, np.subtract, arity=2),
    both("Tensor.__rsub__", lambda x: 1.5 - x, lambda a: 1.5 - a),
    both("Tensor.__mul__", operator.mul, np.multiply, arity=2),
    both("Tensor.__rmul__", lambda x: 3.0 * x, lambda a: 3.0 * a),
    both("Tensor.__truediv__", operator.truediv, np.divide, arity=2, domain=((-3.0, 3.0), avoiding(0.0, gap=0.5))),
    both("Tensor.__rtruediv__", lambda x: 2.0 / x, lambda a: 2.0 / a, domain=avoiding(0.0, gap=0.5)),
    both("Tensor.__pow__:square", lambda x: x**2, lambda a: a**2),
    both("Tensor.__pow__:fractional", lambda x: x**1.5, lambda a: a**1.5, domain=BASE),
    both("Tensor.__pow__:negative", lambda x: x**-2, lambda a: a**-2.0, domain=avoiding(0.0, gap=0.5)),
    both("Tensor.__pow__:tensor", operator.pow, np.power, arity=2, domain=(BASE, (-2.0, 2.0))),
    both("Tensor.__rpow__", lambda x: 2.0**x, lambda a: 2.0**a),
    both("Tensor.__matmul__", operator.matmul, np.matmul, arity=2, shapes=matmul_shapes("batch", "matrix")),
    # a product does not promote (PyTorch's rule), so the NumPy operand comes in the tensor's dtype
    OpCase("Tensor.__rmatmul__", lambda x: ROW.astype(x.dtype) @ x, lambda a: ROW.astype(a.dtype) @ a,
           shapes=st.integers(1, 4).map(lambda m: ((3, m),)), torch_fn=lambda x: _torch().tensor(ROW).to(x.dtype) @ x),
    both("Tensor.__neg__", operator.neg, np.negative),
    both("Tensor.__pos__", operator.pos, np.positive),
    both("Tensor.__abs__", abs, np.abs, domain=NONZERO),
    both("Tensor.__getitem__", lambda x: x[..., 1:], lambda a: a[..., 1:], **NONSCALAR),
    both("Tensor.T", lambda x: x.T, lambda a: a.T, shapes=one(min_dims=2, max_dims=2)),
    OpCase("Tensor.__iter__", lambda x: autograd.stack(list(x)), lambda a: a, **NONSCALAR,
           torch_fn=lambda x: _torch().stack(list(x))),
    both("Tensor.abs", method("abs"), np.abs, domain=NONZERO),
    both("Tensor.pow", method("pow", 3), lambda a: a**3),
    both("Tensor.exp", method("exp"), np.exp),
    both("Tensor.log", method("log"), np.log, domain=POSITIVE),
    both("Tensor.log1p", method("log1p"), np.log1p, domain=(-0.9, 3.0)),
    both("Tensor.expm1", method("expm1"), np.expm1),
    both("Tensor.sqrt", method("sqrt"), np.sqrt, domain=POSITIVE),
    both("Tensor.sin", method("sin"), np.sin),
    both("Tensor.cos", method("cos"), np.cos),
    both("Tensor.tanh", method("tanh"), np.tanh),
    both("Tensor.sigmoid", method("sigmoid"), _sigmoid),
    both("Tensor.relu", method("relu"), _relu, domain=NONZERO),
    both("Tensor.sign", method("sign"), np.sign, domain=NONZERO),
    both("Tensor.maximum", lambda a, b: a.maximum(b), np.maximum, arity=2,
         domain=(offset(0.55, 0.95), offset(0.05, 0.45))),
    both("Tensor.minimum", lambda a, b: a.minimum(b), np.minimum, arity=2,
         domain=(offset(0.55, 0.95), offset(0.05, 0.45))),
    both("Tensor.clip", method("clip", -1.0, 1.0), lambda a: np.clip(a, -1.0, 1.0), domain=CLIP_SAFE),
    both("Tensor.clamp", method("clamp", min=-1.0), lambda a: np.maximum(a, -1.0), domain=CLIP_SAFE),
    both("Tensor.sum:dim_keepdim", method("sum", dim=-1, keepdim=True), lambda a: a.sum(-1, keepdims=True),
         **NONSCALAR),
    both("Tensor.mean:dim", method("mean", dim=0), lambda a: a.mean(0), **NONSCALAR),
    both("Tensor.max:dim", lambda x: x.max(dim=0).values, lambda a: a.max(0), **UNIQUE, **NONSCALAR),
    OpCase("Tensor.min", method("min"), np.min, **UNIQUE, torch_fn=lambda x: x.amin()),
    both("Tensor.prod:dim", method("prod", dim=-1), lambda a: a.prod(-1), domain=(0.5, 1.5), **NONSCALAR),
    OpCase("Tensor.logsumexp:dim_keepdim", method("logsumexp", dim=-1, keepdim=True),
           lambda a: _lse(a, axis=-1, keepdims=True), **NONSCALAR,
           torch_fn=lambda x: x.logsumexp(-1, keepdim=True)),
    both("Tensor.var:correction", method("var", dim=0, correction=1), lambda a: a.var(0, ddof=1),
         shapes=one(min_dims=1, min_side=2)),
    both("Tensor.std:dim", method("std", dim=-1, correction=0), lambda a: a.std(-1), **UNIQUE,
         shapes=one(min_dims=1, min_side=2)),
    both("Tensor.reshape", lambda x: x.reshape(-1, 1), lambda a: a.reshape(-1, 1)),
    both("Tensor.view", lambda x: x.view(-1), lambda a: a.reshape(-1)),
    both("Tensor.flatten", method("flatten"), lambda a: a.reshape(-1)),
    both("Tensor.transpose", method("transpose", 0, 1), lambda a: np.swapaxes(a, 0, 1), shapes=one(min_dims=2)),
    both("Tensor.permute", method("permute", 1, 0), lambda a: a.transpose(1, 0), shapes=one(min_dims=2, max_dims=2)),
    both("Tensor.squeeze:dim", method("squeeze", dim=0), lambda a: np.squeeze(a, 0), shapes=lead(1)),
    both("Tensor.unsqueeze", method("unsqueeze", 1), lambda a: np.expand_dims(a, 1), **NONSCALAR),
    both("Tensor.expand", lambda x: x.expand(3, *x.shape), lambda a: np.broadcast_to(a, (3, *a.shape))),
    both("Tensor.broadcast_to", lambda x: x.broadcast_to((2, *x.shape)), lambda a: np.broadcast_to(a, (2, *a.shape))),
    both("Tensor.split", method("split", 1), lambda a: _split_ref(a, 1, 0), **NONSCALAR),
    both("Tensor.matmul", lambda a, b: a.matmul(b), np.matmul, arity=2, shapes=matmul_shapes("matrix", "vector")),
    both("Tensor.dot", lambda a, b: a.dot(b), np.dot, arity=2, shapes=matmul_shapes("vector", "vector")),
    both("Tensor.double", method("double"), lambda a: a.astype(np.float64), **F64),
    OpCase("Tensor.astype", lambda x: x.astype(np.float64), lambda a: a.astype(np.float64), **F64,
           torch_fn=lambda x: x.to(_torch().float64)),
]



def _tf() -> Any:
    return _torch().nn.functional


def _chunk_ref(a: np.ndarray, chunks: int, axis: int) -> tuple[np.ndarray, ...]:
    return _split_ref(a, -(-a.shape[axis] // chunks), axis)


def _last_two(a: np.ndarray, rows: tuple[int, int], cols: tuple[int, int], mode: str) -> np.ndarray:
    return np.pad(a, [(0, 0)] * (a.ndim - 2) + [rows, cols], mode=mode)


def _lower_median(a: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.take(np.sort(a, axis), (a.shape[axis] - 1) // 2, axis)


REPEATS = np.array([2, 0, 1])
VECTOR = {"shapes": one(min_dims=1, max_dims=1)}
MATRIX = {"shapes": one(min_dims=2, max_dims=2)}
PAD_3D = {"shapes": one(min_dims=3, max_dims=3, min_side=3)}  # reflect needs widths below the size
BETWEEN_INTEGERS = offset(0.05, 0.95)
AWAY_FROM_HALVES = st.one_of(offset(0.05, 0.45), offset(0.55, 0.95))
DIVISION = {"domain": (offset(0.1, 0.4), st.sampled_from([-2.0, -1.0, 1.0, 2.0]))}  # a / b never an integer
UNIT = (-0.9, 0.9)

SHAPE_MORE = [
    OpCase("repeat", lambda x: autograd.repeat(x, 2, *range(1, x.ndim + 1)),
           lambda a: np.tile(a, (2, *range(1, a.ndim + 1))), torch_fn=lambda x: x.repeat(2, *range(1, x.ndim + 1))),
    OpCase("flip", lambda x: autograd.flip(x, (0, -1)), lambda a: np.flip(a, (0, -1)), shapes=one(min_dims=2),
           torch_fn=lambda x: _torch().flip(x, (0, -1))),
    OpCase("roll", lambda x: autograd.roll(x, 2), lambda a: np.roll(a, 2), **NONSCALAR,
           torch_fn=lambda x: _torch().roll(x, 2)),
    OpCase("roll:dims", lambda x: autograd.roll(x, (1, -3), (0, -1)), lambda a: np.roll(a, (1, -3), (0, -1)),
           **NONSCALAR, torch_fn=lambda x: _torch().roll(x, (1, -3), (0, -1))),
    OpCase("unflatten", lambda x: autograd.unflatten(x, -1, (1, -1)), lambda a: a.reshape(*a.shape[:-1], 1, -1),
           **NONSCALAR, torch_fn=lambda x: _torch().unflatten(x, -1, (1, -1))),
    OpCase("repeat_interleave", lambda x: autograd.repeat_interleave(x, 2), lambda a: np.repeat(a, 2),
           torch_fn=lambda x: _torch().repeat_interleave(x, 2)),
    OpCase("repeat_interleave:tensor_repeats",
           lambda x: autograd.repeat_interleave(x, autograd.tensor(REPEATS), dim=0),
           lambda a: np.repeat(a, REPEATS, axis=0), shapes=lead(3),
           torch_fn=lambda x: _torch().repeat_interleave(x, _torch().tensor(REPEATS), dim=0)),
    OpCase("diag", autograd.diag, np.diag, **VECTOR, torch_fn=lambda x: _torch().diag(x)),
    OpCase("diag:vector_offset", lambda x: autograd.diag(x, 2), lambda a: np.diag(a, 2), **VECTOR,
           torch_fn=lambda x: _torch().diag(x, 2)),
    OpCase("diag:matrix_offset", lambda x: autograd.diag(x, -1), lambda a: np.diag(a, -1), **MATRIX,
           torch_fn=lambda x: _torch().diag(x, -1)),
    OpCase("diagonal", lambda x: autograd.diagonal(x, 1, 0, -1), lambda a: np.diagonal(a, 1, 0, -1),
           shapes=one(min_dims=2), torch_fn=lambda x: _torch().diagonal(x, 1, 0, -1)),
    OpCase("trace", autograd.trace, np.trace, **MATRIX, torch_fn=lambda x: _torch().trace(x)),
    OpCase("meshgrid", lambda a, b: autograd.meshgrid(a, b, indexing="ij"),
           lambda a, b: tuple(np.meshgrid(a, b, indexing="ij")), arity=2,
           shapes=st.tuples(st.integers(1, 4), st.integers(1, 4)).map(lambda t: ((t[0],), (t[1],))),
           torch_fn=lambda a, b: _torch().meshgrid(a, b, indexing="ij")),
    OpCase("meshgrid:xy_three", lambda a, b, c: autograd.meshgrid([a, b, c], indexing="xy"),
           lambda a, b, c: tuple(np.meshgrid(a, b, c, indexing="xy")), arity=3,
           shapes=st.tuples(*[st.integers(1, 3)] * 3).map(lambda t: tuple((n,) for n in t)),
           torch_fn=lambda a, b, c: _torch().meshgrid([a, b, c], indexing="xy")),
    OpCase("chunk", lambda x: autograd.chunk(x, 3, dim=-1), lambda a: _chunk_ref(a, 3, -1), **NONSCALAR,
           torch_fn=lambda x: _torch().chunk(x, 3, dim=-1)),
    OpCase("tensor_split", lambda x: autograd.tensor_split(x, 3), lambda a: tuple(np.array_split(a, 3)),
           **NONSCALAR, torch_fn=lambda x: _torch().tensor_split(x, 3)),
    OpCase("tensor_split:indices", lambda x: autograd.tensor_split(x, [1, 3], dim=-1),
           lambda a: tuple(np.split(a, [1, 3], axis=-1)), **NONSCALAR,
           torch_fn=lambda x: _torch().tensor_split(x, [1, 3], dim=-1)),
    OpCase("pad:torch_order", lambda x: autograd.pad(x, (1, 2, 0, 1), value=0.5),
           lambda a: _last_two(a, (0, 1), (1, 2), "constant") + 0.5 * (1 - _last_two(np.ones_like(a), (0, 1), (1, 2),
                                                                                  "constant")),
           shapes=one(min_dims=2), torch_fn=lambda x: _tf().pad(x, (1, 2, 0, 1), value=0.5)),
    OpCase("pad:crop", lambda x: autograd.pad(x, (-1, 1, 1, -1)),
           lambda a: _last_two(a[..., :-1, 1:], (1, 0), (0, 1), "constant"), shapes=one(min_dims=2, min_side=2),
           torch_fn=lambda x: _tf().pad(x, (-1, 1, 1, -1))),
    OpCase("pad:reflect", lambda x: autograd.pad(x, (2, 1, 1, 0), mode="reflect"),
           lambda a: _last_two(a, (1, 0), (2, 1), "reflect"), **PAD_3D,
           torch_fn=lambda x: _tf().pad(x, (2, 1, 1, 0), mode="reflect")),
    OpCase("pad:replicate", lambda x: autograd.pad(x, (2, 3, 0, 1), mode="replicate"),
           lambda a: _last_two(a, (0, 1), (2, 3), "edge"), **PAD_3D,
           torch_fn=lambda x: _tf().pad(x, (2, 3, 0, 1), mode="replicate")),
    OpCase("pad:circular_crop", lambda x: autograd.pad(x, (-1, 2, 1, 1), mode="circular"),
           lambda a: _last_two(a[..., 1:], (1, 1), (0, 2), "wrap"), **PAD_3D,
           torch_fn=lambda x: _tf().pad(x, (-1, 2, 1, 1), mode="circular")),
]

ROUNDING = [
    OpCase("floor", autograd.floor, np.floor, domain=BETWEEN_INTEGERS, torch_fn=lambda x: _torch().floor(x)),
    OpCase("ceil", autograd.ceil, np.ceil, domain=BETWEEN_INTEGERS, torch_fn=lambda x: _torch().ceil(x)),
    OpCase("trunc", autograd.trunc, np.trunc, domain=BETWEEN_INTEGERS, torch_fn=lambda x: _torch().trunc(x)),
    OpCase("round", autograd.round, np.round, domain=AWAY_FROM_HALVES, torch_fn=lambda x: _torch().round(x)),
    OpCase("round:decimals", lambda x: autograd.round(x, decimals=1), lambda a: np.round(a, 1),
           domain=grid(step=0.1).map(lambda v: v + 0.02), torch_fn=lambda x: _torch().round(x, decimals=1)),
    OpCase("frac", autograd.frac, lambda a: a - np.trunc(a), domain=BETWEEN_INTEGERS,
           torch_fn=lambda x: _torch().frac(x)),
    OpCase("div:floor", lambda a, b: autograd.div(a, b, rounding_mode="floor"), np.floor_divide, arity=2,
           **DIVISION, torch_fn=lambda a, b: _torch().div(a, b, rounding_mode="floor")),
    OpCase("div:trunc", lambda a, b: autograd.div(a, b, rounding_mode="trunc"), lambda a, b: np.trunc(a / b),
           arity=2, **DIVISION, torch_fn=lambda a, b: _torch().div(a, b, rounding_mode="trunc")),
    OpCase("floor_divide", autograd.floor_divide, np.floor_divide, arity=2, **DIVISION,
           torch_fn=lambda a, b: _torch().div(a, b, rounding_mode="floor")),
    OpCase("remainder", autograd.remainder, np.remainder, arity=2, **DIVISION,
           torch_fn=lambda a, b: _torch().remainder(a, b)),
    OpCase("fmod", autograd.fmod, np.fmod, arity=2, **DIVISION, torch_fn=lambda a, b: _torch().fmod(a, b)),
]

MATHS = [
    OpCase("rsqrt", autograd.rsqrt, lambda a: 1 / np.sqrt(a), domain=POSITIVE, torch_fn=lambda x: _torch().rsqrt(x)),
    OpCase("square", autograd.square, np.square, torch_fn=lambda x: _torch().square(x)),
    OpCase("log2", autograd.log2, np.log2, domain=POSITIVE, torch_fn=lambda x: _torch().log2(x)),
    OpCase("log10", autograd.log10, np.log10, domain=POSITIVE, torch_fn=lambda x: _torch().log10(x)),
    OpCase("exp2", autograd.exp2, np.exp2, torch_fn=lambda x: _torch().exp2(x)),
    OpCase("tan", autograd.tan, np.tan, domain=(-1.2, 1.2), torch_fn=lambda x: _torch().tan(x)),
    OpCase("asin", autograd.asin, np.arcsin, domain=UNIT, torch_fn=lambda x: _torch().asin(x)),
    OpCase("acos", autograd.acos, np.arccos, domain=UNIT, torch_fn=lambda x: _torch().acos(x)),
    OpCase("atan", autograd.atan, np.arctan, torch_fn=lambda x: _torch().atan(x)),
    OpCase("atan2", autograd.atan2, np.arctan2, arity=2, domain=(NONZERO, avoiding(0.0, gap=0.5)),
           torch_fn=lambda a, b: _torch().atan2(a, b)),
    OpCase("sinh", autograd.sinh, np.sinh, torch_fn=lambda x: _torch().sinh(x)),
    OpCase("cosh", autograd.cosh, np.cosh, torch_fn=lambda x: _torch().cosh(x)),
    OpCase("asinh", autograd.asinh, np.arcsinh, torch_fn=lambda x: _torch().asinh(x)),
    OpCase("acosh", autograd.acosh, np.arccosh, domain=(1.2, 3.0), torch_fn=lambda x: _torch().acosh(x)),
    OpCase("atanh", autograd.atanh, np.arctanh, domain=UNIT, torch_fn=lambda x: _torch().atanh(x)),
    OpCase("logaddexp", autograd.logaddexp, np.logaddexp, arity=2, torch_fn=lambda a, b: _torch().logaddexp(a, b)),
    OpCase("copysign", autograd.copysign, np.copysign, arity=2, domain=NONZERO,
           torch_fn=lambda a, b: _torch().copysign(a, b)),
    OpCase("lerp", autograd.lerp, lambda a, b, w: a + w * (b - a), arity=3, domain=((-3.0, 3.0), (-3.0, 3.0),
                                                                                    (-1.0, 2.0)),
           torch_fn=lambda a, b, w: _torch().lerp(a, b, w)),
    OpCase("lerp:number_weight", lambda a, b: autograd.lerp(a, b, 0.75), lambda a, b: a + 0.75 * (b - a), arity=2,
           torch_fn=lambda a, b: _torch().lerp(a, b, 0.75)),
    OpCase("hypot", autograd.hypot, np.hypot, arity=2, domain=NONZERO, torch_fn=lambda a, b: _torch().hypot(a, b)),
    OpCase("clamp_min", lambda x: autograd.clamp_min(x, -1.0), lambda a: np.maximum(a, -1.0), domain=CLIP_SAFE,
           torch_fn=lambda x: _torch().clamp_min(x, -1.0)),
    OpCase("clamp_max", lambda x: autograd.clamp_max(x, 1.0), lambda a: np.minimum(a, 1.0), domain=CLIP_SAFE,
           torch_fn=lambda x: _torch().clamp_max(x, 1.0)),
]

SORTING = [
    both("sort", lambda x: autograd.sort(x).values if isinstance(x, autograd.Tensor) else _torch().sort(x).values,
         lambda a: np.sort(a, -1), **UNIQUE, **NONSCALAR),
    OpCase("sort:descending_dim0", lambda x: autograd.sort(x, dim=0, descending=True).values,
           lambda a: np.flip(np.sort(a, 0), 0), **UNIQUE, **NONSCALAR,
           torch_fn=lambda x: _torch().sort(x, dim=0, descending=True).values),
    OpCase("topk", lambda x: autograd.topk(x, 1).values, lambda a: np.sort(a, -1)[..., ::-1][..., :1], **UNIQUE,
           **NONSCALAR, torch_fn=lambda x: _torch().topk(x, 1).values),
    OpCase("topk:smallest_dim0", lambda x: autograd.topk(x, 2, dim=0, largest=False).values,
           lambda a: np.sort(a, 0)[:2], **UNIQUE, shapes=one(min_dims=1, min_side=2),
           torch_fn=lambda x: _torch().topk(x, 2, dim=0, largest=False).values),
    OpCase("kthvalue", lambda x: autograd.kthvalue(x, 1, dim=0).values, lambda a: np.sort(a, 0)[0], **UNIQUE,
           **NONSCALAR, torch_fn=lambda x: _torch().kthvalue(x, 1, dim=0).values),
    OpCase("median", autograd.median, lambda a: _lower_median(a.reshape(-1)), **UNIQUE,
           torch_fn=lambda x: _torch().median(x)),
    OpCase("median:dim_keepdim", lambda x: autograd.median(x, dim=-1, keepdim=True).values,
           lambda a: np.expand_dims(_lower_median(a), -1), **UNIQUE, **NONSCALAR,
           torch_fn=lambda x: _torch().median(x, dim=-1, keepdim=True).values),
]

NEW_METHODS = [
    both("Tensor.repeat", method("repeat", 2, 1, 1, 1), lambda a: np.tile(a, (2, 1, 1, 1))),
    both("Tensor.flip", method("flip", 0), lambda a: np.flip(a, 0), **NONSCALAR),
    both("Tensor.roll", method("roll", 1, 0), lambda a: np.roll(a, 1, 0), **NONSCALAR),
    both("Tensor.unflatten", method("unflatten", 0, (1, -1)), lambda a: a.reshape(1, *a.shape), **NONSCALAR),
    both("Tensor.repeat_interleave", method("repeat_interleave", 2, dim=-1), lambda a: np.repeat(a, 2, -1),
         **NONSCALAR),
    both("Tensor.diag", method("diag"), np.diag, **VECTOR),
    both("Tensor.diagonal", method("diagonal"), np.diagonal, **MATRIX),
    both("Tensor.trace", method("trace"), np.trace, **MATRIX),
    both("Tensor.chunk", method("chunk", 2), lambda a: _chunk_ref(a, 2, 0), **NONSCALAR),
    both("Tensor.tensor_split", method("tensor_split", 2), lambda a: tuple(np.array_split(a, 2)), **NONSCALAR),
    both("Tensor.floor", method("floor"), np.floor, domain=BETWEEN_INTEGERS),
    both("Tensor.ceil", method("ceil"), np.ceil, domain=BETWEEN_INTEGERS),
    both("Tensor.round", method("round"), np.round, domain=AWAY_FROM_HALVES),
    both("Tensor.trunc", method("trunc"), np.trunc, domain=BETWEEN_INTEGERS),
    both("Tensor.frac", method("frac"), lambda a: a - np.trunc(a), domain=BETWEEN_INTEGERS),
    # PyTorch has no derivative for floor_divide (nor for number % tensor): its zero-gradient twin is the oracle
    OpCase("Tensor.__floordiv__", operator.floordiv, np.floor_divide, arity=2, **DIVISION,
           torch_fn=lambda a, b: _torch().div(a, b, rounding_mode="floor")),
    OpCase("Tensor.__rfloordiv__", lambda x: 7.5 // x, lambda a: 7.5 // a, domain=st.sampled_from([-2.0, -1.0, 2.0]),
           torch_fn=lambda x: _torch().div(_torch().full_like(x, 7.5), x, rounding_mode="floor")),
    OpCase("Tensor.floor_divide", lambda a, b: a.floor_divide(b), np.floor_divide, arity=2, **DIVISION,
           torch_fn=lambda a, b: _torch().div(a, b, rounding_mode="floor")),
    both("Tensor.__mod__", operator.mod, np.remainder, arity=2, **DIVISION),
    OpCase("Tensor.__rmod__", lambda x: 7.5 % x, lambda a: 7.5 % a, domain=st.sampled_from([-2.0, -1.0, 2.0]),
           torch_fn=lambda x: _torch().full_like(x, 7.5) % x),
    both("Tensor.remainder", lambda a, b: a.remainder(b), np.remainder, arity=2, **DIVISION),
    both("Tensor.fmod", lambda a, b: a.fmod(b), np.fmod, arity=2, **DIVISION),
    both("Tensor.rsqrt", method("rsqrt"), lambda a: 1 / np.sqrt(a), domain=POSITIVE),
    both("Tensor.square", method("square"), np.square),
    both("Tensor.log2", method("log2"), np.log2, domain=POSITIVE),
    both("Tensor.log10", method("log10"), np.log10, domain=POSITIVE),
    both("Tensor.exp2", method("exp2"), np.exp2),
    both("Tensor.tan", method("tan"), np.tan, domain=(-1.2, 1.2)),
    both("Tensor.asin", method("asin"), np.arcsin, domain=UNIT),
    both("Tensor.acos", method("acos"), np.arccos, domain=UNIT),
    both("Tensor.atan", method("atan"), np.arctan),
    both("Tensor.atan2", lambda a, b: a.atan2(b), np.arctan2, arity=2, domain=(NONZERO, avoiding(0.0, gap=0.5))),
    both("Tensor.sinh", method("sinh"), np.sinh),
    both("Tensor.cosh", method("cosh"), np.cosh),
    both("Tensor.asinh", method("asinh"), np.arcsinh),
    both("Tensor.acosh", method("acosh"), np.arccosh, domain=(1.2, 3.0)),
    both("Tensor.atanh", method("atanh"), np.arctanh, domain=UNIT),
    both("Tensor.logaddexp", lambda a, b: a.logaddexp(b), np.logaddexp, arity=2),
    both("Tensor.copysign", lambda a, b: a.copysign(b), np.copysign, arity=2, domain=NONZERO),
    both("Tensor.hypot", lambda a, b: a.hypot(b), np.hypot, arity=2, domain=NONZERO),
    both("Tensor.lerp", lambda a, b, w: a.lerp(b, w), lambda a, b, w: a + w * (b - a), arity=3),
    both("Tensor.clamp_min", method("clamp_min", -1.0), lambda a: np.maximum(a, -1.0), domain=CLIP_SAFE),
    both("Tensor.clamp_max", method("clamp_max", 1.0), lambda a: np.minimum(a, 1.0), domain=CLIP_SAFE),
    both("Tensor.sort", lambda x: x.sort(0, descending=True).values, lambda a: np.flip(np.sort(a, 0), 0), **UNIQUE,
         **NONSCALAR),
    both("Tensor.topk", lambda x: x.topk(1, 0).values, lambda a: np.sort(a, 0)[::-1][:1], **UNIQUE, **NONSCALAR),
    both("Tensor.kthvalue", lambda x: x.kthvalue(1).values, lambda a: np.sort(a, -1)[..., 0], **UNIQUE,
         **NONSCALAR),
    both("Tensor.median", lambda x: x.median(0).values, lambda a: _lower_median(a, 0), **UNIQUE, **NONSCALAR),
]

ZERO_OR_NEAR_ONE = st.one_of(st.just(0.0), interval(0.5, 1.5))  # exact zeros: cumprod's other gradient rule
APART = (offset(0.05, 0.45), offset(0.55, 0.95))  # two point sets that never share a coordinate
SQUARE = st.integers(1, 4).map(lambda n: ((n, n),))
BATCHED = st.tuples(*(st.integers(1, 3) for _ in range(4))).map(lambda t: ((t[0], t[1], t[2]), (t[0], t[2], t[3])))

MASKING = [
    OpCase("masked_select", lambda x: autograd.masked_select(x, _pattern(x.shape)),
           lambda a: a[_pattern(a.shape)], torch_fn=lambda x: _torch().masked_select(x, _torch().tensor(_pattern(x.shape)))),
    OpCase("masked_select:broadcast", lambda x: autograd.masked_select(x, MASK),
           lambda a: np.broadcast_to(a, np.broadcast_shapes(a.shape, (3,)))[
               np.broadcast_to(MASK, np.broadcast_shapes(a.shape, (3,)))],
           shapes=TO_ROW, torch_fn=lambda x: _torch().masked_select(x, _torch().tensor(MASK))),
    OpCase("masked_fill", lambda x: autograd.masked_fill(x, MASK, 0.5), lambda a: np.where(MASK, a.dtype.type(0.5), a),
           shapes=TO_ROW, torch_fn=lambda x: _torch().masked_fill(x, _torch().tensor(MASK), 0.5)),
    OpCase("masked_fill:tensor_value", lambda x, v: autograd.masked_fill(x, MASK, v), lambda a, b: np.where(MASK, b, a),
           arity=2, shapes=TO_ROW.map(lambda s: (s[0], ())),
           torch_fn=lambda x, v: _torch().masked_fill(x, _torch().tensor(MASK), v)),
    OpCase("tril", autograd.tril, np.tril, shapes=one(min_dims=2), torch_fn=lambda x: _torch().tril(x)),
    OpCase("tril:diagonal-1", lambda x: autograd.tril(x, -1), lambda a: np.tril(a, -1), shapes=one(min_dims=2),
           torch_fn=lambda x: _torch().tril(x, -1)),
    OpCase("triu", autograd.triu, np.triu, shapes=one(min_dims=2), torch_fn=lambda x: _torch().triu(x)),
    OpCase("triu:diagonal1", lambda x: autograd.triu(x, diagonal=1), lambda a: np.triu(a, 1), shapes=one(min_dims=2),
           torch_fn=lambda x: _torch().triu(x, diagonal=1)),
]

GATHERING = [
    OpCase("gather", lambda x: autograd.gather(x, 1, _repeating(x.shape, 1)),
           lambda a: a[_coords(_repeating(a.shape, 1), 1)], shapes=one(min_dims=2),
           torch_fn=lambda x: _torch().gather(x, 1, _torch_index(_repeating(x.shape, 1)))),
    OpCase("gather:smaller_index", lambda x: autograd.gather(x, 0, _cyclic(x.shape, 0)[..., :1]),
           lambda a: a[_coords(_cyclic(a.shape, 0)[..., :1], 0)], shapes=one(min_dims=2),
           torch_fn=lambda x: _torch().gather(x, 0, _torch_index(_cyclic(x.shape, 0)[..., :1]))),
    OpCase("gather:scalar", lambda x: autograd.gather(x, 0, np.zeros((2,), np.int64)), lambda a: np.stack([a, a]),
           shapes=fixed(()), torch_fn=lambda x: _torch().gather(x, 0, _torch().zeros(2, dtype=_torch().int64))),
    OpCase("scatter_add", lambda a, b: autograd.scatter_add(a, 0, _repeating(a.shape, 0)[: a.shape[0]], b),
           lambda a, b: _scatter_add_ref(a, b, _repeating(a.shape, 0)[: a.shape[0]], 0), arity=2,
           shapes=same(min_dims=1), torch_fn=lambda a, b: _torch().scatter_add(
               a, 0, _torch_index(_repeating(a.shape, 0)[: a.shape[0]]), b)),
    # no torch_fn: torch's backward fails when src is larger than the index (its gradient has the index's shape)
    OpCase("scatter_add:larger_src", lambda a, b: autograd.scatter_add(a, -1, _cyclic(a.shape, -1, 2), b),
           lambda a, b: _scatter_add_ref(a, b, _cyclic(a.shape, -1, 2), a.ndim - 1), arity=2,
           shapes=shapes(min_dims=1, **SMALL).map(lambda s: (s, (*s[:-1], s[-1] + 1)))),
    OpCase("scatter", lambda a, b: autograd.scatter(a, 0, _cyclic(a.shape, 0), b),
           lambda a, b: _scatter_ref(a, b, _cyclic(a.shape, 0), 0), arity=2, shapes=same(min_dims=1),
           torch_fn=lambda a, b: _torch().scatter(a, 0, _torch_index(_cyclic(a.shape, 0)), b)),
    OpCase("scatter:value", lambda x: autograd.scatter(x, -1, _cyclic(x.shape, -1, 1, 1), 0.5),
           lambda a: _scatter_ref(a, a.dtype.type(0.5), _cyclic(a.shape, -1, 1, 1), a.ndim - 1), shapes=one(min_dims=1),
           torch_fn=lambda x: _torch().scatter(x, -1, _torch_index(_cyclic(x.shape, -1, 1, 1)), 0.5)),
    # repeated indices; x and src drawn apart and distinct, so that an extreme never ties
    *[OpCase(f"scatter_reduce:{reduce}{'' if include_self else '_without_self'}",
             lambda a, b, r=reduce, i=include_self: autograd.scatter_reduce(
                 a, 0, _repeating(a.shape, 0)[: a.shape[0]], b, r, include_self=i),
             lambda a, b, r=reduce, i=include_self: _scatter_reduce_ref(
                 a, b, _repeating(a.shape, 0)[: a.shape[0]], 0, r, i), arity=2, shapes=same(min_dims=1),
             domain=(offset(0.1, 0.4), offset(0.6, 0.9)), unique=True,
             torch_fn=lambda a, b, r=reduce, i=include_self: _torch().scatter_reduce(
                 a, 0, _torch_index(_repeating(a.shape, 0)[: a.shape[0]]), b, r, include_self=i))
      for reduce, include_self in [("sum", True), ("sum", False), ("mean", True), ("mean", False), ("amax", True),
                                   ("amax", False), ("amin", True), ("amin", False)]],
    *[OpCase(f"scatter_reduce:prod{'' if include_self else '_without_self'}",
             lambda a, b, i=include_self: autograd.scatter_reduce(a, 0, _repeating(a.shape, 0)[: a.shape[0]], b,
                                                                  "prod", include_self=i),
             lambda a, b, i=include_self: _scatter_prod_ref(a, b, _repeating(a.shape, 0)[: a.shape[0]], i), arity=2,
             shapes=same(min_dims=1), differentiable_twice=False,
             torch_fn=lambda a, b, i=include_self: _torch().scatter_reduce(
                 a, 0, _torch_index(_repeating(a.shape, 0)[: a.shape[0]]), b, "prod", include_self=i))
      for include_self in (True, False)],
    OpCase("index_select", lambda x: autograd.index_select(x, 0, np.array([0, 0, -1]) % x.shape[0]),
           lambda a: a[np.array([0, 0, -1]) % a.shape[0]], **NONSCALAR,
           torch_fn=lambda x: _torch().index_select(x, 0, _torch().tensor([0, 0, -1]) % x.shape[0])),
    OpCase("index_select:last_dim", lambda x: autograd.index_select(x, dim=-1, index=np.array([1, 0]) % x.shape[-1]),
           lambda a: a[..., np.array([1, 0]) % a.shape[-1]], **NONSCALAR,
           torch_fn=lambda x: _torch().index_select(x, -1, _torch().tensor([1, 0]) % x.shape[-1])),
]

PRODUCTS = [
    OpCase("mm", autograd.mm, np.matmul, arity=2, shapes=matmul_shapes("matrix", "matrix"),
           torch_fn=lambda a, b: _torch().mm(a, b)),
    OpCase("bmm", autograd.bmm, np.matmul, arity=2, shapes=BATCHED, torch_fn=lambda a, b: _torch().bmm(a, b)),
    OpCase("t", autograd.t, lambda a: a.T, shapes=one(max_dims=2), torch_fn=lambda x: _torch().t(x)),
    *[OpCase(f"einsum:{eq}" if eq != "ij,jk->ik" else "einsum", lambda *xs, eq=eq: autograd.einsum(eq, *xs),
             lambda *a, eq=eq: np.einsum(eq, *a), arity=len(shape_fn(2, 3, 4)),
             torch_fn=lambda *xs, eq=eq: _torch().einsum(eq, *xs),
             shapes=st.tuples(*(st.integers(1, 3),) * 3).map(lambda t, f=shape_fn: f(*t)))
      for eq, shape_fn in [
          ("ij,jk->ik", lambda i, j, k: ((i, j), (j, k))),
          ("ii->i", lambda i, j, k: ((i, i),)),
          ("ii", lambda i, j, k: ((i, i),)),
          ("iij->j", lambda i, j, k: ((i, i, j),)),
          ("ij->j", lambda i, j, k: ((i, j),)),
          ("i,j->ij", lambda i, j, k: ((i,), (j,))),
          ("ij,ij", lambda i, j, k: ((i, j), (i, j))),
          ("bij,bjk->bik", lambda i, j, k: ((2, i, j), (2, j, k))),
          ("...ij->...ji", lambda i, j, k: ((k, i, j),)),
          ("i...,i->...", lambda i, j, k: ((i, j, k), (i,))),
          ("ij,jk,kl->il", lambda i, j, k: ((i, j), (j, k), (k, 2))),
      ]],
    # a size-1 dimension broadcasts against the same subscript elsewhere (its gradient summed back), as torch's
    *[OpCase(f"einsum:{eq}_{what}", lambda *xs, eq=eq: autograd.einsum(eq, *xs), ref, arity=2,
             torch_fn=lambda *xs, eq=eq: _torch().einsum(eq, *xs),
             shapes=st.tuples(*(st.integers(2, 3),) * 3).map(lambda t, f=shape_fn: f(*t)))
      for eq, what, shape_fn, ref in [
          ("ij,ij->ij", "size1", lambda i, j, k: ((i, 1), (i, j)), lambda a, b: a * b),
          ("ij,jk->ik", "size1_summed", lambda i, j, k: ((i, 1), (j, k)), lambda a, b: a * b.sum(0)),
          ("...ij,...jk->...ik", "batch_broadcast", lambda i, j, k: ((2, 1, i, j), (k, j, 2)), np.matmul),
      ]],
    OpCase("norm", autograd.norm, lambda a: _vnorm(a, 2), domain=NONZERO, torch_fn=lambda x: _torch().norm(x)),
    OpCase("norm:p1_dim", lambda x: autograd.norm(x, 1, dim=-1), lambda a: _vnorm(a, 1, -1), domain=NONZERO,
           **NONSCALAR, torch_fn=lambda x: _torch().norm(x, 1, dim=-1)),
    OpCase("norm:p3_keepdim", lambda x: autograd.norm(x, 3, dim=0, keepdim=True),
           lambda a: _vnorm(a, 3, 0, keepdims=True), domain=NONZERO, **NONSCALAR,
           torch_fn=lambda x: _torch().norm(x, 3, dim=0, keepdim=True)),
    OpCase("norm:p1.5_axes", lambda x: autograd.norm(x, 1.5, dim=(0, 1)), lambda a: _vnorm(a, 1.5, (0, 1)),
           domain=NONZERO, shapes=one(min_dims=2), torch_fn=lambda x: _torch().norm(x, 1.5, dim=(0, 1))),
    OpCase("norm:p0.5", lambda x: autograd.norm(x, 0.5), lambda a: _vnorm(a, 0.5), domain=NONZERO,
           torch_fn=lambda x: _torch().norm(x, 0.5)),
    OpCase("norm:inf", lambda x: autograd.norm(x, float("inf"), dim=-1), lambda a: _vnorm(a, np.inf, -1),
           domain=grid(0.1, 3.0), unique=True, **NONSCALAR, torch_fn=lambda x: _torch().norm(x, float("inf"), dim=-1)),
    OpCase("norm:-inf", lambda x: autograd.norm(x, -float("inf")), lambda a: _vnorm(a, -np.inf),
           domain=grid(-3.0, -0.1), unique=True, torch_fn=lambda x: _torch().norm(x, -float("inf"))),
    OpCase("norm:p-1", lambda x: autograd.norm(x, -1, dim=-1), lambda a: _vnorm(a, -1, -1), domain=NONZERO,
           **NONSCALAR, torch_fn=lambda x: _torch().norm(x, -1, dim=-1)),
    OpCase("norm:p0", lambda x: autograd.norm(x, 0), lambda a: _vnorm(a, 0), domain=NONZERO,
           torch_fn=lambda x: _torch().norm(x, 0)),
    OpCase("norm:fro_dim", lambda x: autograd.norm(x, "fro", dim=(0, 1)), lambda a: _vnorm(a, 2, (0, 1)),
           domain=NONZERO, shapes=one(min_dims=2), torch_fn=lambda x: _torch().norm(x, "fro", dim=(0, 1))),
    # the gradient U·Vᵀ needs distinct nonzero singular values: distinct entries of a small matrix give them
    OpCase("norm:nuc", lambda x: autograd.norm(x, "nuc"), lambda a: np.linalg.norm(a, "nuc"), **UNIQUE,
           shapes=fixed((3, 2)), differentiable_twice=False, torch_fn=lambda x: _torch().norm(x, p="nuc")),
    OpCase("norm:nuc_batched_keepdim", lambda x: x.norm("nuc", dim=(2, 0), keepdim=True),
           lambda a: np.linalg.svd(a.transpose(1, 0, 2), compute_uv=False).sum(-1)[None, :, None], **UNIQUE,
           shapes=fixed((2, 3, 4)), differentiable_twice=False,
           torch_fn=lambda x: _torch().linalg.matrix_norm(x, "nuc", dim=(2, 0), keepdim=True)),
    OpCase("cdist", autograd.cdist, lambda a, b: _vnorm(a[:, None] - b[None], 2, -1), arity=2, domain=APART,
           shapes=st.tuples(*(st.integers(1, 4) for _ in range(3))).map(lambda t: ((t[0], t[2]), (t[1], t[2]))),
           torch_fn=lambda a, b: _torch().cdist(a, b)),
    OpCase("cdist:p1_batched", lambda a, b: autograd.cdist(a, b, p=1.0),
           lambda a, b: _vnorm(a[..., :, None, :] - b[..., None, :, :], 1, -1), arity=2, domain=APART,
           shapes=st.tuples(*(st.integers(1, 3) for _ in range(4))).map(
               lambda t: ((t[3], t[0], t[2]), (t[3], t[1], t[2]))),
           torch_fn=lambda a, b: _torch().cdist(a, b, p=1.0)),
]

CUMULATIVE = [
    OpCase("cumsum", lambda x: autograd.cumsum(x, -1), _scan(np.add, -1), torch_fn=lambda x: _torch().cumsum(x, -1)),
    OpCase("cumsum:dim0", lambda x: autograd.cumsum(x, dim=0), _scan(np.add, 0), **NONSCALAR,
           torch_fn=lambda x: _torch().cumsum(x, dim=0)),
    OpCase("cumprod", lambda x: autograd.cumprod(x, 0), _scan(np.multiply, 0), domain=(0.5, 1.5),
           torch_fn=lambda x: _torch().cumprod(x, 0)),
    OpCase("cumprod:zeros", lambda x: autograd.cumprod(x, dim=-1), _scan(np.multiply, -1), domain=ZERO_OR_NEAR_ONE,
           torch_fn=lambda x: _torch().cumprod(x, dim=-1)),
    OpCase("cummax", lambda x: autograd.cummax(x, 0).values, _scan(np.maximum, 0), **UNIQUE,
           torch_fn=lambda x: _torch().cummax(x, 0).values),
    OpCase("cummin", lambda x: autograd.cummin(x, dim=-1).values, _scan(np.minimum, -1), **UNIQUE,
           torch_fn=lambda x: _torch().cummin(x, dim=-1).values),
    OpCase("logcumsumexp", lambda x: autograd.logcumsumexp(x, -1), _scan(np.logaddexp, -1),
           torch_fn=lambda x: _torch().logcumsumexp(x, -1)),
    OpCase("logcumsumexp:dim0", lambda x: autograd.logcumsumexp(x, dim=0), _scan(np.logaddexp, 0), **NONSCALAR,
           torch_fn=lambda x: _torch().logcumsumexp(x, dim=0)),
]

MORE_METHODS = [
    both("Tensor.masked_select", lambda x: x.masked_select(x > 0), lambda a: a[a > 0], domain=NONZERO),
    OpCase("Tensor.masked_fill", lambda x: x.masked_fill(MASK, -1.0), lambda a: np.where(MASK, a.dtype.type(-1), a),
           shapes=TO_ROW, torch_fn=lambda x: x.masked_fill(_torch().tensor(MASK), -1.0)),
    both("Tensor.tril", method("tril", 1), lambda a: np.tril(a, 1), shapes=one(min_dims=2)),
    both("Tensor.triu", method("triu"), np.triu, shapes=one(min_dims=2)),
    OpCase("Tensor.gather", lambda x: x.gather(-1, _repeating(x.shape, -1)),
           lambda a: a[_coords(_repeating(a.shape, -1), a.ndim - 1)], **NONSCALAR,
           torch_fn=lambda x: x.gather(-1, _torch_index(_repeating(x.shape, -1)))),
    OpCase("Tensor.scatter_reduce", lambda a, b: a.scatter_reduce(-1, _cyclic(a.shape, -1), b, "mean"),
           lambda a, b: _scatter_reduce_ref(a, b, _cyclic(a.shape, -1), a.ndim - 1, "mean"), arity=2,
           shapes=same(min_dims=1),
           torch_fn=lambda a, b: a.scatter_reduce(-1, _torch_index(_cyclic(a.shape, -1)), b, "mean")),
    OpCase("Tensor.scatter", lambda a, b: a.scatter(-1, _cyclic(a.shape, -1), b),
           lambda a, b: _scatter_ref(a, b, _cyclic(a.shape, -1), a.ndim - 1), arity=2, shapes=same(min_dims=1),
           torch_fn=lambda a, b: a.scatter(-1, _torch_index(_cyclic(a.shape, -1)), b)),
    OpCase("Tensor.scatter_add", lambda a, b: a.scatter_add(0, _cyclic(a.shape, 0), b),
           lambda a, b: _scatter_add_ref(a, b, _cyclic(a.shape, 0), 0), arity=2, shapes=same(min_dims=1),
           torch_fn=lambda a, b: a.scatter_add(0, _torch_index(_cyclic(a.shape, 0)), b)),
    OpCase("Tensor.index_select", lambda x: x.index_select(0, np.array([0, 0])), lambda a: a[[0, 0]], **NONSCALAR,
           torch_fn=lambda x: x.index_select(0, _torch().tensor([0, 0]))),
    both("Tensor.mm", lambda a, b: a.mm(b), np.matmul, arity=2, shapes=matmul_shapes("matrix", "matrix")),
    both("Tensor.bmm", lambda a, b: a.bmm(b), np.matmul, arity=2, shapes=BATCHED),
    both("Tensor.t", method("t"), lambda a: a.T, shapes=one(max_dims=2)),
    both("Tensor.norm", method("norm", dim=-1), lambda a: _vnorm(a, 2, -1), domain=NONZERO, **NONSCALAR),
    both("Tensor.cumsum", method("cumsum", 0), _scan(np.add, 0)),
    both("Tensor.cumprod", method("cumprod", dim=-1), _scan(np.multiply, -1), domain=ZERO_OR_NEAR_ONE),
    both("Tensor.cummax", lambda x: x.cummax(-1).values, _scan(np.maximum, -1), **UNIQUE),
    both("Tensor.cummin", lambda x: x.cummin(0)[0], _scan(np.minimum, 0), **UNIQUE),
    both("Tensor.logcumsumexp", method("logcumsumexp", 0), _scan(np.logaddexp, 0)),
]

def _softmax_ref(a: np.ndarray, axis: int = -1) -> np.ndarray:
    axis = axis if a.ndim else None
    e = np.exp(a - np.max(a, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax_ref(a: np.ndarray, axis: int = -1) -> np.ndarray:
    axis = axis if a.ndim else None
    return a - _lse(a, axis=axis, keepdims=True)


def _softmin_torch(x: Any, dim: int = -1) -> Any:
    return _torch().nn.functional.softmin(x, dim)


SOFTMAX = [
    OpCase("softmax", lambda x: autograd.softmax(x, -1), _softmax_ref, torch_fn=lambda x: _torch().softmax(x, -1)),
    OpCase("softmax:axis0", lambda x: autograd.softmax(x, axis=0), lambda a: _softmax_ref(a, 0), **NONSCALAR,
           torch_fn=lambda x: _torch().softmax(x, 0)),
    OpCase("softmax:large_logits", lambda x: autograd.softmax(x, dim=-1), _softmax_ref, domain=(-300.0, 300.0),
           torch_fn=lambda x: _torch().softmax(x, -1), differentiable_twice=False),
    OpCase("log_softmax", lambda x: autograd.log_softmax(x, -1), _log_softmax_ref,
           torch_fn=lambda x: _torch().log_softmax(x, -1)),
    OpCase("log_softmax:dim1", lambda x: autograd.log_softmax(x, dim=1), lambda a: _log_softmax_ref(a, 1),
           shapes=one(min_dims=2), torch_fn=lambda x: _torch().log_softmax(x, 1)),
    OpCase("softmin", lambda x: autograd.softmin(x, -1), lambda a: _softmax_ref(-a), torch_fn=_softmin_torch),
    OpCase("softmin:axis0", lambda x: autograd.softmin(x, axis=0), lambda a: _softmax_ref(-a, 0), **NONSCALAR,
           torch_fn=lambda x: _softmin_torch(x, 0)),
    both("Tensor.softmax", method("softmax", -1), _softmax_ref),
    both("Tensor.softmax:dim0", method("softmax", dim=0), lambda a: _softmax_ref(a, 0), **NONSCALAR),
    both("Tensor.log_softmax", method("log_softmax", -1), _log_softmax_ref),
    OpCase("Tensor.softmin", method("softmin", 0), lambda a: _softmax_ref(-a, 0), **NONSCALAR,
           torch_fn=lambda x: _softmin_torch(x, 0)),
]

def _erf(a: np.ndarray) -> np.ndarray:
    import scipy.special

    return scipy.special.erf(a)


SIZE2 = {"shapes": one(min_dims=1, min_side=2)}  # correction=1 needs two elements per slice

# PyTorch's conversions, copies and spellings (reductions with dtype=, max over a dim, var's correction)
CONVERSIONS = [
    OpCase("clone", autograd.clone, np.copy, torch_fn=lambda x: _torch().clone(x)),
    OpCase("erf", autograd.erf, _erf, torch_fn=lambda x: _torch().erf(x)),
    OpCase("amax", lambda x: autograd.amax(x, 0), lambda a: np.max(a, 0), **UNIQUE, **NONSCALAR,
           torch_fn=lambda x: _torch().amax(x, 0)),
    OpCase("amin", lambda x: autograd.amin(x, dim=-1, keepdim=True), lambda a: np.min(a, -1, keepdims=True),
           **UNIQUE, **NONSCALAR, torch_fn=lambda x: _torch().amin(x, -1, keepdim=True)),
    OpCase("max:dim_values_indices", lambda x: autograd.max(x, 0)[0], lambda a: np.max(a, 0), **UNIQUE,
           **NONSCALAR, torch_fn=lambda x: _torch().max(x, 0)[0]),
    OpCase("min:dim", lambda x: autograd.min(x, dim=-1).values, lambda a: np.min(a, -1), **UNIQUE, **NONSCALAR,
           torch_fn=lambda x: _torch().min(x, dim=-1).values),
    OpCase("max:tensor_other", lambda a, b: autograd.max(a, b), np.maximum, arity=2,
           domain=(offset(0.05, 0.45), offset(0.55, 0.95)), torch_fn=lambda a, b: _torch().max(a, b)),
    OpCase("var:default_correction", autograd.var, lambda a: np.var(a, ddof=1), **SIZE2,
           torch_fn=lambda x: _torch().var(x)),
    OpCase("var:unbiased_false", lambda x: autograd.var(x, 0, False), lambda a: np.var(a, 0), **NONSCALAR,
           torch_fn=lambda x: _torch().var(x, 0, False)),
    OpCase("std:ddof0_dim", lambda x: autograd.std(x, dim=-1, ddof=0), lambda a: np.std(a, -1), **UNIQUE, **SIZE2,
           torch_fn=lambda x: _torch().std(x, -1, correction=0)),
    OpCase("var_mean", lambda x: autograd.var_mean(x, dim=0), lambda a: (np.var(a, 0, ddof=1), np.mean(a, 0)),
           **SIZE2, torch_fn=lambda x: _torch().var_mean(x, dim=0)),
    OpCase("std_mean", lambda x: autograd.std_mean(x, -1, keepdim=True, correction=0),
           lambda a: (np.std(a, -1, keepdims=True), np.mean(a, -1, keepdims=True)), **UNIQUE, **SIZE2,
           torch_fn=lambda x: _torch().std_mean(x, -1, keepdim=True, correction=0)),
    OpCase("sum:dtype", lambda x: autograd.sum(x, 0, dtype=np.float64), lambda a: np.sum(a, 0, dtype=np.float64),
           **NONSCALAR, **F64, torch_fn=lambda x: _torch().sum(x, 0, dtype=_torch().float64)),
    OpCase("mean:dtype", lambda x: autograd.mean(x, dtype=np.float64), lambda a: np.mean(a, dtype=np.float64),
           **F64, torch_fn=lambda x: _torch().mean(x, dtype=_torch().float64)),
    OpCase("prod:dtype", lambda x: autograd.prod(x, -1, dtype=np.float64), lambda a: np.prod(a, -1, dtype=np.float64),
           domain=(0.5, 1.5), **NONSCALAR, **F64, torch_fn=lambda x: _torch().prod(x, -1, dtype=_torch().float64)),
    OpCase("pow:zero_exponent", lambda x: autograd.pow(x, 0), lambda a: a**0, domain=grid(-1.0, 1.0, 0.5),
           torch_fn=lambda x: _torch().pow(x, 0)),
    OpCase("pow:zero_base", lambda x: autograd.pow(autograd.zeros(()), x), lambda a: np.zeros((), a.dtype) ** a,
           domain=(0.5, 2.0), torch_fn=lambda x: _torch().pow(_torch().zeros((), dtype=x.dtype), x)),
    OpCase("getitem:int_slice_array", lambda x: x[0, :, [0, 1]], lambda a: a[0][:, [0, 1]],
           shapes=one(min_dims=3, min_side=2), torch_fn=lambda x: x[0, :, [0, 1]]),
    OpCase("getitem:array_slice_int", lambda x: x[[1, 0], :, -1], lambda a: a[:, :, -1][[1, 0], :],
           shapes=one(min_dims=3, min_side=2), torch_fn=lambda x: x[[1, 0], :, -1]),
    OpCase("Tensor.to", lambda x: x.to(np.float64), lambda a: a.astype(np.float64), **F64,
           torch_fn=lambda x: x.to(_torch().float64)),
    both("Tensor.to:device_and_tensor", lambda x: x.to("cpu").to(x) * 1.0, lambda a: a * 1.0),
    both("Tensor.clone", method("clone"), np.copy),
    both("Tensor.contiguous", lambda x: x.contiguous() * 2.0, lambda a: a * 2.0),
    both("Tensor.add", lambda a, b: a.add(b), np.add, arity=2),
    both("Tensor.add:alpha", lambda a, b: a.add(b, alpha=2.0), lambda a, b: a + 2.0 * b, arity=2),
    both("Tensor.sub", lambda a, b: a.sub(b, alpha=0.5), lambda a, b: a - 0.5 * b, arity=2),
    both("Tensor.mul", lambda a, b: a.mul(b), np.multiply, arity=2),
    both("Tensor.div", lambda a, b: a.div(b), np.divide, arity=2, domain=((-3.0, 3.0), avoiding(0.0, gap=0.5))),
    both("Tensor.neg", method("neg"), np.negative),
    both("Tensor.erf", method("erf"), _erf),
    both("Tensor.outer", lambda a, b: a.outer(b), np.outer, arity=2,
         shapes=st.tuples(st.integers(1, 4), st.integers(1, 4)).map(lambda t: ((t[0],), (t[1],)))),
    OpCase("Tensor.where", lambda a, b: a.where(autograd.tensor(COND), b), lambda a, b: np.where(COND, a, b), arity=2,
           shapes=broadcastable_shapes(2, base_shape=(3,), **SMALL).map(lambda s: s.input_shapes),
           torch_fn=lambda a, b: a.where(_torch().tensor(COND), b)),
    both("Tensor.amax", method("amax", -1), lambda a: a.max(-1), **UNIQUE, **NONSCALAR),
    both("Tensor.amin", method("amin"), np.min, **UNIQUE),
    OpCase("Tensor.sum:dtype", method("sum", dtype=np.float64), lambda a: a.sum(dtype=np.float64), **F64,
           torch_fn=lambda x: x.sum(dtype=_torch().float64)),
    both("Tensor.var:default", method("var", 0), lambda a: a.var(0, ddof=1), **SIZE2),
    both("Tensor.std:unbiased", method("std", -1, True, True), lambda a: a.std(-1, ddof=1, keepdims=True),
         **UNIQUE, **SIZE2),
    both("Tensor.unsqueeze:axis", method("unsqueeze", axis=-1), lambda a: np.expand_dims(a, -1)),
    OpCase("Tensor.split:axis", method("split", 1, axis=-1), lambda a: _split_ref(a, 1, -1), **NONSCALAR,
           torch_fn=method("split", 1, dim=-1)),
    both("Tensor.permute:1d", method("permute", 0), lambda a: a, shapes=one(min_dims=1, max_dims=1)),
]

def _erfc(a: np.ndarray) -> np.ndarray:
    import scipy.special

    return scipy.special.erfc(a)


def _fixed(*shape_tuple: tuple[int, ...]) -> dict[str, Any]:
    return {"shapes": fixed(*shape_tuple)}


def _pairs(make: Callable[[int, int, int], tuple[tuple[int, ...], ...]]) -> dict[str, Any]:
    """Operand shapes made from three sizes in [1, 4]."""
    return {"shapes": st.tuples(*(st.integers(1, 4),) * 3).map(lambda t: make(*t))}


def _torch_call(name: str) -> Callable[..., Any]:
    return lambda *xs, **kw: getattr(_torch(), name)(*xs, **kw)


INDEX_ROWS = np.array([2, 0, 2])
SHIFT = 3.0 * np.eye(3)  # entries in [−0.9, 0.9] plus 3·I: strictly diagonally dominant, so well conditioned
SQUARE = {"shapes": fixed((2, 3, 3)), "domain": (-0.9, 0.9)}


def _like(a: np.ndarray) -> np.ndarray:
    return SHIFT.astype(a.dtype)


def _index_add_ref(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    out = a.copy()
    np.add.at(out, INDEX_ROWS, alpha * b)
    return out


def _index_fill_ref(a: np.ndarray, value: float) -> np.ndarray:
    out = a.copy()
    out[:, [2, 0]] = value
    return out


def _index_copy_ref(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = a.copy()
    out[[3, 1]] = b
    return out


TAKE_INDEX = np.array([[0, 5], [11, -1]])
ALONG_INDEX = np.array([[2, 0], [1, 1], [3, 2]])
TWO_D = {"shapes": one(min_dims=2)}
WIDE = {"shapes": shapes(min_dims=1, min_side=2, **{**SMALL, "max_dims": 2}).map(lambda s: (s,))}
NO_TIES = (offset(0.05, 0.45), offset(0.55, 0.95))

# PyTorch's other names for ops that have rows above, and the ops composed of them (each also as a method)
PYTORCH_NAMES = [
    OpCase("absolute", autograd.absolute, np.abs, domain=NONZERO, torch_fn=_torch_call("absolute")),
    OpCase("negative", autograd.negative, np.negative, torch_fn=_torch_call("negative")),
    OpCase("positive", autograd.positive, lambda a: a, torch_fn=_torch_call("positive")),
    OpCase("multiply", autograd.multiply, np.multiply, arity=2, torch_fn=_torch_call("multiply")),
    OpCase("divide", autograd.divide, np.divide, arity=2, domain=((-3.0, 3.0), avoiding(0.0, gap=0.5)),
           torch_fn=_torch_call("divide")),
    OpCase("true_divide", autograd.true_divide, np.divide, arity=2, domain=((-3.0, 3.0), avoiding(0.0, gap=0.5)),
           torch_fn=_torch_call("true_divide")),
    OpCase("subtract", lambda a, b: autograd.subtract(a, b, alpha=2.0), lambda a, b: a - 2.0 * b, arity=2,
           torch_fn=lambda a, b: _torch().subtract(a, b, alpha=2.0)),
    OpCase("fix", autograd.fix, np.trunc, domain=BETWEEN_INTEGERS, torch_fn=_torch_call("fix")),
    OpCase("sgn", autograd.sgn, np.sign, domain=NONZERO, torch_fn=_torch_call("sgn")),
    OpCase("arcsin", autograd.arcsin, np.arcsin, domain=UNIT, torch_fn=_torch_call("arcsin")),
    OpCase("arccos", autograd.arccos, np.arccos, domain=UNIT, torch_fn=_torch_call("arccos")),
    OpCase("arctan", autograd.arctan, np.arctan, torch_fn=_torch_call("arctan")),
    OpCase("arctan2", autograd.arctan2, np.arctan2, arity=2, domain=(NONZERO, avoiding(0.0, gap=0.5)),
           torch_fn=_torch_call("arctan2")),
    OpCase("arcsinh", autograd.arcsinh, np.arcsinh, torch_fn=_torch_call("arcsinh")),
    OpCase("arccosh", autograd.arccosh, np.arccosh, domain=(1.2, 4.0), torch_fn=_torch_call("arccosh")),
    OpCase("arctanh", autograd.arctanh, np.arctanh, domain=UNIT, torch_fn=_torch_call("arctanh")),
    OpCase("concat", lambda a, b: autograd.concat([a, b], dim=0), lambda a, b: np.concatenate([a, b], 0), arity=2,
           shapes=joinable(0), torch_fn=lambda a, b: _torch().concat([a, b], dim=0)),
    OpCase("reciprocal", autograd.reciprocal, np.reciprocal, domain=avoiding(0.0, gap=0.5),
           torch_fn=_torch_call("reciprocal")),
    OpCase("xlogy", autograd.xlogy, lambda a, b: a * np.log(b), arity=2, domain=((-3.0, 3.0), POSITIVE),
           torch_fn=_torch_call("xlogy")),
    OpCase("logit", autograd.logit, lambda a: np.log(a / (1 - a)), domain=(0.05, 0.95), torch_fn=_torch_call("logit")),
    OpCase("logit:eps", lambda x: autograd.logit(x, 0.1), lambda a: np.log(a / (1 - a)), domain=(0.15, 0.85),
           torch_fn=lambda x: _torch().logit(x, 0.1)),
    OpCase("sinc", autograd.sinc, np.sinc, domain=NONZERO, torch_fn=_torch_call("sinc")),
    OpCase("erfc", autograd.erfc, _erfc, torch_fn=_torch_call("erfc")),
    OpCase("deg2rad", autograd.deg2rad, np.deg2rad, torch_fn=_torch_call("deg2rad")),
    OpCase("rad2deg", autograd.rad2deg, np.rad2deg, torch_fn=_torch_call("rad2deg")),
    OpCase("fmax", autograd.fmax, np.fmax, arity=2, domain=NO_TIES, torch_fn=_torch_call("fmax")),
    OpCase("fmin", autograd.fmin, np.fmin, arity=2, domain=NO_TIES, torch_fn=_torch_call("fmin")),
    OpCase("nan_to_num", autograd.nan_to_num, np.nan_to_num, torch_fn=_torch_call("nan_to_num")),
    OpCase("logaddexp2", autograd.logaddexp2, np.logaddexp2, arity=2, torch_fn=_torch_call("logaddexp2")),
    OpCase("float_power", autograd.float_power, np.float_power, arity=2, domain=(BASE, (-2.0, 2.0)), **F64,
           torch_fn=_torch_call("float_power")),
    OpCase("addcmul", lambda x, a, b: autograd.addcmul(x, a, b, value=0.5), lambda x, a, b: x + 0.5 * a * b, arity=3,
           torch_fn=lambda x, a, b: _torch().addcmul(x, a, b, value=0.5)),
    OpCase("addcdiv", lambda x, a, b: autograd.addcdiv(x, a, b, value=2.0), lambda x, a, b: x + 2.0 * a / b, arity=3,
           domain=((-3.0, 3.0), (-3.0, 3.0), avoiding(0.0, gap=0.5)),
           torch_fn=lambda x, a, b: _torch().addcdiv(x, a, b, value=2.0)),
    OpCase("nansum", lambda x: autograd.nansum(x, -1), lambda a: np.nansum(a, -1), **NONSCALAR,
           torch_fn=lambda x: _torch().nansum(x, -1)),
    OpCase("nanmean", autograd.nanmean, np.nanmean, torch_fn=_torch_call("nanmean")),
    OpCase("aminmax", lambda x: tuple(autograd.aminmax(x, dim=-1)), lambda a: (a.min(-1), a.max(-1)), **UNIQUE,
           **NONSCALAR, torch_fn=lambda x: tuple(_torch().aminmax(x, dim=-1))),
    OpCase("mv", autograd.mv, np.matmul, arity=2, **_pairs(lambda n, k, m: ((n, k), (k,))),
           torch_fn=_torch_call("mv")),
    OpCase("vdot", autograd.vdot, np.vdot, arity=2, **_pairs(lambda n, k, m: ((k,), (k,))),
           torch_fn=_torch_call("vdot")),
    OpCase("inner", autograd.inner, np.inner, arity=2, **_pairs(lambda n, k, m: ((2, n, k), (m, k))),
           torch_fn=_torch_call("inner")),
    OpCase("addmm", lambda x, a, b: autograd.addmm(x, a, b, beta=0.5, alpha=2.0),
           lambda x, a, b: 0.5 * x + 2.0 * (a @ b), arity=3, **_pairs(lambda n, k, m: ((m,), (n, k), (k, m))),
           torch_fn=lambda x, a, b: _torch().addmm(x, a, b, beta=0.5, alpha=2.0)),
    OpCase("kron", autograd.kron, np.kron, arity=2, **_pairs(lambda n, k, m: ((n, k), (m, 1, 2))),
           torch_fn=_torch_call("kron")),
    OpCase("movedim", lambda x: autograd.movedim(x, 0, -1), lambda a: np.moveaxis(a, 0, -1), **TWO_D,
           torch_fn=lambda x: _torch().movedim(x, 0, -1)),
    OpCase("moveaxis", lambda x: autograd.moveaxis(x, (0, 1), (1, 0)), lambda a: np.moveaxis(a, (0, 1), (1, 0)),
           **TWO_D, torch_fn=lambda x: _torch().moveaxis(x, (0, 1), (1, 0))),
    OpCase("swapaxes", lambda x: autograd.swapaxes(x, 0, -1), lambda a: np.swapaxes(a, 0, -1), **TWO_D,
           torch_fn=lambda x: _torch().swapaxes(x, 0, -1)),
    OpCase("swapdims", lambda x: autograd.swapdims(x, -1, 0), lambda a: np.swapaxes(a, -1, 0), **TWO_D,
           torch_fn=lambda x: _torch().swapdims(x, -1, 0)),
    OpCase("narrow", lambda x: autograd.narrow(x, 0, -2, 2), lambda a: a[-2:], **WIDE,
           torch_fn=lambda x: _torch().narrow(x, 0, -2, 2)),
    OpCase("select", lambda x: autograd.select(x, -1, 1), lambda a: a[..., 1], **WIDE,
           torch_fn=lambda x: _torch().select(x, -1, 1)),
    OpCase("unbind", lambda x: autograd.unbind(x, -1), lambda a: tuple(np.moveaxis(a, -1, 0)), **NONSCALAR,
           torch_fn=lambda x: _torch().unbind(x, -1)),
    OpCase("tile", lambda x: autograd.tile(x, (2, 1)), lambda a: np.tile(a, (2, 1)),
           torch_fn=lambda x: _torch().tile(x, (2, 1))),
    OpCase("fliplr", autograd.fliplr, np.fliplr, **TWO_D, torch_fn=_torch_call("fliplr")),
    OpCase("flipud", autograd.flipud, np.flipud, **NONSCALAR, torch_fn=_torch_call("flipud")),
    OpCase("rot90", autograd.rot90, np.rot90, **TWO_D, torch_fn=_torch_call("rot90")),
    OpCase("rot90:k3_dims", lambda x: autograd.rot90(x, 3, (1, 0)), lambda a: np.rot90(a, 3, (1, 0)), **TWO_D,
           torch_fn=lambda x: _torch().rot90(x, 3, (1, 0))),
    OpCase("unfold", lambda x: autograd.unfold(x, 0, 2, 1),
           lambda a: np.lib.stride_tricks.sliding_window_view(a, 2, axis=0), **WIDE,
           torch_fn=lambda x: x.unfold(0, 2, 1)),
    OpCase("unfold:step", lambda x: autograd.unfold(x, -1, 2, 2),
           lambda a: np.lib.stride_tricks.sliding_window_view(a, 2, axis=-1)[..., ::2, :], **WIDE,
           torch_fn=lambda x: x.unfold(-1, 2, 2)),
    OpCase("take", lambda x: autograd.take(x, TAKE_INDEX), lambda a: np.take(a, TAKE_INDEX), **_fixed((3, 4)),
           torch_fn=lambda x: _torch().take(x, _torch_index(TAKE_INDEX))),
    OpCase("take_along_dim", lambda x: autograd.take_along_dim(x, ALONG_INDEX, 1),
           lambda a: np.take_along_axis(a, ALONG_INDEX, 1), **_fixed((3, 4)),
           torch_fn=lambda x: _torch().take_along_dim(x, _torch_index(ALONG_INDEX), 1)),
    OpCase("diff", autograd.diff, np.diff, **WIDE, torch_fn=_torch_call("diff")),
    OpCase("diff:twice_prepend", lambda a, b: autograd.diff(a, 2, 0, prepend=b),
           lambda a, b: np.diff(a, 2, 0, prepend=b), arity=2, **_pairs(lambda n, k, m: ((n + 1, k), (m, k))),
           torch_fn=lambda a, b: _torch().diff(a, 2, 0, prepend=b)),
    OpCase("diagflat", lambda x: autograd.diagflat(x, 1), lambda a: np.diagflat(a, 1),
           torch_fn=lambda x: _torch().diagflat(x, 1)),
    OpCase("broadcast_tensors", lambda a, b: autograd.broadcast_tensors(a, b),
           lambda a, b: tuple(np.broadcast_arrays(a, b)), arity=2, torch_fn=_torch_call("broadcast_tensors")),
    *[OpCase(f"atleast_{n}d", getattr(autograd, f"atleast_{n}d"), getattr(np, f"atleast_{n}d"),
             torch_fn=_torch_call(f"atleast_{n}d")) for n in (1, 2, 3)],
    *[OpCase(name, lambda a, b, name=name: getattr(autograd, name)([a, b]),
             lambda a, b, name=name: getattr(np, name.replace("row_stack", "vstack"))([a, b]), arity=2,
             shapes=same(**shape_kw),
             torch_fn=lambda a, b, name=name: getattr(_torch(), name)([a, b]))
      for name, shape_kw in (("hstack", {}), ("vstack", {}), ("row_stack", {}), ("dstack", {}),
                             ("column_stack", {"max_dims": 2}))],
    OpCase("index_add", lambda a, b: autograd.index_add(a, 0, INDEX_ROWS, b, alpha=2.0),
           lambda a, b: _index_add_ref(a, b, 2.0), arity=2, **_fixed((4, 3), (3, 3)),
           torch_fn=lambda a, b: _torch().index_add(a, 0, _torch_index(INDEX_ROWS), b, alpha=2.0)),
    OpCase("index_fill", lambda x: autograd.index_fill(x, 1, np.array([2, 0]), -0.5),
           lambda a: _index_fill_ref(a, -0.5), **_fixed((2, 3)),
           torch_fn=lambda x: _torch().index_fill(x, 1, _torch_index(np.array([2, 0])), -0.5)),
    OpCase("index_copy", lambda a, b: autograd.index_copy(a, 0, np.array([3, 1]), b),
           lambda a, b: _index_copy_ref(a, b), arity=2, **_fixed((4, 2), (2, 2)),
           torch_fn=lambda a, b: _torch().index_copy(a, 0, _torch_index(np.array([3, 1])), b)),
    OpCase("quantile", lambda x: autograd.quantile(x, 0.3, -1), lambda a: np.quantile(a, 0.3, -1), **UNIQUE,
           **NONSCALAR, torch_fn=lambda x: _torch().quantile(x, 0.3, -1)),
    OpCase("quantile:several_all", lambda x: autograd.quantile(x, np.array([0.1, 0.8])),
           lambda a: np.quantile(a, np.array([0.1, 0.8], a.dtype)), **UNIQUE,
           torch_fn=lambda x: _torch().quantile(x, _torch().tensor([0.1, 0.8], dtype=x.dtype))),
    OpCase("quantile:midpoint_keepdim", lambda x: autograd.quantile(x, 0.5, 0, True, interpolation="midpoint"),
           lambda a: np.quantile(a, 0.5, 0, method="midpoint", keepdims=True), **UNIQUE, **NONSCALAR,
           torch_fn=lambda x: _torch().quantile(x, 0.5, 0, True, interpolation="midpoint")),
    OpCase("inverse", lambda x: autograd.inverse(x + x.new_tensor(SHIFT)), lambda a: np.linalg.inv(a + _like(a)), **SQUARE,
           torch_fn=lambda x: _torch().inverse(x + x.new_tensor(SHIFT))),
    OpCase("det", lambda x: autograd.det(x + x.new_tensor(SHIFT)), lambda a: np.linalg.det(a + _like(a)), **SQUARE,
           torch_fn=lambda x: _torch().det(x + x.new_tensor(SHIFT))),
    OpCase("slogdet", lambda x: autograd.slogdet(x - x.new_tensor(SHIFT)).logabsdet,
           lambda a: np.linalg.slogdet(a - _like(a))[1], **SQUARE,
           torch_fn=lambda x: _torch().slogdet(x - x.new_tensor(SHIFT)).logabsdet),
    OpCase("logdet", lambda x: autograd.logdet(x + x.new_tensor(SHIFT)),
           lambda a: np.linalg.slogdet(a + _like(a))[1], **SQUARE,
           torch_fn=lambda x: _torch().logdet(x + x.new_tensor(SHIFT))),
    *[OpCase(f"matrix_power:{n}" if n != 3 else "matrix_power",
             lambda x, n=n: autograd.matrix_power(x + x.new_tensor(SHIFT), n),
             lambda a, n=n: np.linalg.matrix_power(a + _like(a), n), **SQUARE,
             torch_fn=lambda x, n=n: _torch().matrix_power(x + x.new_tensor(SHIFT), n)) for n in (3, 0, -2)],
    OpCase("cross", lambda a, b: autograd.cross(a, b, dim=-1), lambda a, b: np.cross(a, b), arity=2,
           **_fixed((4, 3), (1, 3)), torch_fn=lambda a, b: _torch().cross(a, b, dim=-1)),
    OpCase("Tensor.index_add", lambda a, b: a.index_add(0, INDEX_ROWS, b), lambda a, b: _index_add_ref(a, b, 1.0),
           arity=2, **_fixed((4, 3), (3, 3)), torch_fn=lambda a, b: a.index_add(0, _torch_index(INDEX_ROWS), b)),
    OpCase("Tensor.index_fill", lambda x: x.index_fill(1, np.array([2, 0]), -0.5), lambda a: _index_fill_ref(a, -0.5),
           **_fixed((2, 3)), torch_fn=lambda x: x.index_fill(1, _torch_index(np.array([2, 0])), -0.5)),
    OpCase("Tensor.index_copy", lambda a, b: a.index_copy(0, np.array([3, 1]), b), _index_copy_ref, arity=2,
           **_fixed((4, 2), (2, 2)), torch_fn=lambda a, b: a.index_copy(0, _torch_index(np.array([3, 1])), b)),
    both("Tensor.quantile", method("quantile", 0.75, -1), lambda a: np.quantile(a, 0.75, -1), **UNIQUE, **NONSCALAR),
    both("Tensor.inverse", lambda x: (x + x.new_tensor(SHIFT)).inverse(), lambda a: np.linalg.inv(a + _like(a)),
         **SQUARE),
    both("Tensor.det", lambda x: (x + x.new_tensor(SHIFT)).det(), lambda a: np.linalg.det(a + _like(a)), **SQUARE),
    both("Tensor.slogdet", lambda x: (x + x.new_tensor(SHIFT)).slogdet()[1],
         lambda a: np.linalg.slogdet(a + _like(a))[1], **SQUARE),
    both("Tensor.logdet", lambda x: (x + x.new_tensor(SHIFT)).logdet(), lambda a: np.linalg.slogdet(a + _like(a))[1],
         **SQUARE),
    both("Tensor.matrix_power", method("matrix_power", 2), lambda a: a @ a, **SQUARE),
    both("Tensor.cross", lambda a, b: a.cross(b, dim=0), lambda a, b: np.cross(a, b, axis=0), arity=2,
         **_fixed((3, 2), (3, 2))),
    both("Tensor.multiply", lambda a, b: a.multiply(b), np.multiply, arity=2),
    both("Tensor.divide", lambda a, b: a.divide(b), np.divide, arity=2, domain=((-3.0, 3.0), avoiding(0.0, gap=0.5))),
    both("Tensor.true_divide", lambda a, b: a.true_divide(b), np.divide, arity=2,
         domain=((-3.0, 3.0), avoiding(0.0, gap=0.5))),
    both("Tensor.subtract", lambda a, b: a.subtract(b, alpha=0.5), lambda a, b: a - 0.5 * b, arity=2),
    both("Tensor.negative", method("negative"), np.negative),
    both("Tensor.positive", method("positive"), lambda a: a),
    both("Tensor.absolute", method("absolute"), np.abs, domain=NONZERO),
    both("Tensor.fix", method("fix"), np.trunc, domain=BETWEEN_INTEGERS),
    both("Tensor.sgn", method("sgn"), np.sign, domain=NONZERO),
    both("Tensor.arcsin", method("arcsin"), np.arcsin, domain=UNIT),
    both("Tensor.arccos", method("arccos"), np.arccos, domain=UNIT),
    both("Tensor.arctan", method("arctan"), np.arctan),
    both("Tensor.arctan2", lambda a, b: a.arctan2(b), np.arctan2, arity=2, domain=(NONZERO, avoiding(0.0, gap=0.5))),
    both("Tensor.arcsinh", method("arcsinh"), np.arcsinh),
    both("Tensor.arccosh", method("arccosh"), np.arccosh, domain=(1.2, 4.0)),
    both("Tensor.arctanh", method("arctanh"), np.arctanh, domain=UNIT),
    both("Tensor.reciprocal", method("reciprocal"), np.reciprocal, domain=avoiding(0.0, gap=0.5)),
    both("Tensor.xlogy", lambda a, b: a.xlogy(b), lambda a, b: a * np.log(b), arity=2, domain=((-3.0, 3.0), POSITIVE)),
    both("Tensor.logit", method("logit"), lambda a: np.log(a / (1 - a)), domain=(0.05, 0.95)),
    both("Tensor.sinc", method("sinc"), np.sinc, domain=NONZERO),
    both("Tensor.erfc", method("erfc"), _erfc),
    both("Tensor.deg2rad", method("deg2rad"), np.deg2rad),
    both("Tensor.rad2deg", method("rad2deg"), np.rad2deg),
    both("Tensor.fmax", lambda a, b: a.fmax(b), np.fmax, arity=2, domain=NO_TIES),
    both("Tensor.fmin", lambda a, b: a.fmin(b), np.fmin, arity=2, domain=NO_TIES),
    both("Tensor.nan_to_num", method("nan_to_num", 0.0, 5.0), np.nan_to_num),
    both("Tensor.logaddexp2", lambda a, b: a.logaddexp2(b), np.logaddexp2, arity=2),
    both("Tensor.float_power", method("float_power", 3), lambda a: np.float_power(a, 3), **F64),
    both("Tensor.addcmul", lambda x, a, b: x.addcmul(a, b), lambda x, a, b: x + a * b, arity=3),
    both("Tensor.addcdiv", lambda x, a, b: x.addcdiv(a, b, value=0.5), lambda x, a, b: x + 0.5 * a / b, arity=3,
         domain=((-3.0, 3.0), (-3.0, 3.0), avoiding(0.0, gap=0.5))),
    both("Tensor.nansum", method("nansum"), np.nansum),
    both("Tensor.nanmean", method("nanmean", -1, keepdim=True), lambda a: np.nanmean(a, -1, keepdims=True),
         **NONSCALAR),
    both("Tensor.aminmax", lambda x: tuple(x.aminmax()), lambda a: (a.min(), a.max()), **UNIQUE),
    both("Tensor.mv", lambda a, b: a.mv(b), np.matmul, arity=2, **_pairs(lambda n, k, m: ((n, k), (k,)))),
    both("Tensor.inner", lambda a, b: a.inner(b), np.inner, arity=2, **_pairs(lambda n, k, m: ((n, k), (k,)))),
    both("Tensor.vdot", lambda a, b: a.vdot(b), np.vdot, arity=2, **_pairs(lambda n, k, m: ((k,), (k,)))),
    both("Tensor.addmm", lambda x, a, b: x.addmm(a, b), lambda x, a, b: x + a @ b, arity=3,
         **_pairs(lambda n, k, m: ((n, m), (n, k), (k, m)))),
    both("Tensor.kron", lambda a, b: a.kron(b), np.kron, arity=2, **_pairs(lambda n, k, m: ((n,), (k, m)))),
    both("Tensor.movedim", method("movedim", -1, 0), lambda a: np.moveaxis(a, -1, 0), **TWO_D),
    both("Tensor.moveaxis", method("moveaxis", 0, 1), lambda a: np.moveaxis(a, 0, 1), **TWO_D),
    both("Tensor.swapaxes", method("swapaxes", 0, 1), lambda a: np.swapaxes(a, 0, 1), **TWO_D),
    both("Tensor.swapdims", method("swapdims", 1, 0), lambda a: np.swapaxes(a, 1, 0), **TWO_D),
    both("Tensor.narrow", method("narrow", -1, 1, 1), lambda a: a[..., 1:2], **WIDE),
    both("Tensor.select", method("select", 0, -1), lambda a: a[-1], **NONSCALAR),
    both("Tensor.unbind", method("unbind"), lambda a: tuple(a), **NONSCALAR),
    both("Tensor.tile", method("tile", (2,)), lambda a: np.tile(a, 2)),
    both("Tensor.fliplr", method("fliplr"), np.fliplr, **TWO_D),
    both("Tensor.flipud", method("flipud"), np.flipud, **NONSCALAR),
    both("Tensor.rot90", method("rot90", 2), lambda a: np.rot90(a, 2), **TWO_D),
    both("Tensor.unfold", method("unfold", -1, 1, 1), lambda a: a[..., None], **NONSCALAR),
    OpCase("Tensor.take", lambda x: x.take(TAKE_INDEX), lambda a: np.take(a, TAKE_INDEX), **_fixed((3, 4)),
           torch_fn=lambda x: x.take(_torch_index(TAKE_INDEX))),
    OpCase("Tensor.take_along_dim", lambda x: x.take_along_dim(ALONG_INDEX), lambda a: np.take(a, ALONG_INDEX.ravel()),
           **_fixed((3, 4)), torch_fn=lambda x: x.take_along_dim(_torch_index(ALONG_INDEX))),
    both("Tensor.diff", method("diff", 1, 0), lambda a: np.diff(a, 1, 0), **WIDE),
    both("Tensor.diagflat", method("diagflat"), np.diagflat),
    both("Tensor.ravel", method("ravel"), np.ravel),
    both("Tensor.split_with_sizes", method("split_with_sizes", [1, 1]), lambda a: (a[:1], a[1:2]),
         shapes=one(min_dims=1).map(lambda s: ((2, *s[0][1:]),))),
    both("Tensor.expand_as", lambda x: x.expand_as(x.detach()[None].repeat(2, *(1,) * x.ndim)),
         lambda a: np.broadcast_to(a, (2, *a.shape))),
    both("Tensor.reshape_as", lambda x: x.reshape_as(x.detach().reshape(-1)), lambda a: a.reshape(-1)),
    both("Tensor.view_as", lambda x: x.view_as(x.detach().reshape(1, -1)), lambda a: a.reshape(1, -1)),
    both("Tensor.type_as", lambda x: x.type_as(x.detach().double()), lambda a: a.astype(np.float64), **F64),
]


OPS: list[OpCase] = ELEMENTWISE + REDUCTIONS + SHAPE + INDEXING + LINALG + METHODS + SOFTMAX + CONVERSIONS
OPS += SHAPE_MORE + ROUNDING + MATHS + SORTING + NEW_METHODS
OPS += MASKING + GATHERING + PRODUCTS + CUMULATIVE + MORE_METHODS + PYTORCH_NAMES
