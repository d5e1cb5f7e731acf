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
    OpCase("Tensor.__rmatmul__", lambda x: ROW @ x, lambda a: ROW @ a, **F64,
           shapes=st.integers(1, 4).map(lambda m: ((3, m),)), torch_fn=lambda x: _torch().tensor(ROW) @ x),
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

OPS: list[OpCase] = ELEMENTWISE + REDUCTIONS + SHAPE + INDEXING + LINALG + METHODS + CONVERSIONS
