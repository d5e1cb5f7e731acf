"""Property-test your own ops: hypothesis strategies for Tensors and a one-call gradient check.

The library's own op tests are built from these. Needs hypothesis (``pip install "chainrule[testing]"``).

>>> from hypothesis import given
>>> import autograd
>>> from autograd.testing import assert_gradients_match, tensors
>>> @given(tensors(elements=(-3, 3), requires_grad=True))
... def test_tanh(x):
...     assert_gradients_match(autograd.tanh, x)
>>> test_tanh()
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as e:  # pragma: no cover - exercised by a test that hides hypothesis
    raise ImportError('autograd.testing needs hypothesis: pip install "chainrule[testing]"') from e

from .engine import backward
from .gradcheck import _as_tuple, _at, _worst, numerical_grad, relative_error
from .tensor import Tensor

__all__ = ["assert_gradients_match", "broadcastable_shapes", "shapes", "tensors"]

Elements = st.SearchStrategy[Any] | tuple[float, float] | None


def shapes(min_dims: int = 0, max_dims: int = 4, min_side: int = 1, max_side: int = 5) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes, 0-d included by default (``hypothesis.extra.numpy.array_shapes``)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(num_shapes: int = 2, min_dims: int = 0, max_dims: int = 4, min_side: int = 1,
                         max_side: int = 5, base_shape: tuple[int, ...] = ()) -> st.SearchStrategy[Any]:
    """``num_shapes`` shapes that broadcast together (and with ``base_shape``).

    Draws hypothesis's ``BroadcastableShapes(input_shapes, result_shape)``.

    >>> from hypothesis import given
    >>> @given(broadcastable_shapes())
    ... def check(s):
    ...     assert len(s.input_shapes) == 2
    ...     assert s.result_shape == np.broadcast_shapes(*s.input_shapes)
    >>> check()
    """
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, base_shape=base_shape, min_dims=min_dims,
                                             max_dims=max_dims, min_side=min_side, max_side=max_side)


def tensors(shape: Any = None, dtype: Any = np.float64, elements: Elements = (-10.0, 10.0),
            requires_grad: bool = False, unique: bool = False) -> st.SearchStrategy[Tensor]:
    """Tensors of a shape (a tuple, or a strategy; ``shapes()`` by default) and dtype.

    ``elements`` is a strategy for the values or a ``(low, high)`` pair: finite floats in
    [low, high] without NaN, infinities or subnormals (integers for integer dtypes).
    ``unique=True`` makes all elements distinct.

    >>> from hypothesis import given
    >>> @given(tensors(shape=(2, 3), dtype="float32", elements=(0.1, 1.0)))
    ... def check(t):
    ...     assert t.shape == (2, 3) and t.dtype == np.float32
    ...     assert ((0.1 <= t.data) & (t.data <= 1.0)).all()
    >>> check()
    """
    dtype = np.dtype(dtype)
    if shape is None:
        shape = shapes()
    return hnp.arrays(dtype, shape, elements=_elements(dtype, elements), unique=unique).map(
        lambda a: Tensor(a, requires_grad=requires_grad))


def _elements(dtype: np.dtype, elements: Elements) -> st.SearchStrategy[Any] | None:
    if elements is None or isinstance(elements, st.SearchStrategy):
        return elements
    low, high = elements
    if dtype.kind == "f":
        # hypothesis rejects bounds that the dtype cannot hold exactly: move them inwards
        lo, hi = dtype.type(low), dtype.type(high)
        lo = lo if lo >= low else np.nextafter(lo, dtype.type(np.inf))
        hi = hi if hi <= high else np.nextafter(hi, dtype.type(-np.inf))
        return st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False, allow_subnormal=False,
                         width=8 * dtype.itemsize)
    if dtype.kind in "iu":
        return st.integers(int(np.ceil(low)), int(np.floor(high)))
    return None


def assert_gradients_match(fn: Callable[..., Any], *tensors: Any, grad_output: Any = None, eps: float = 1e-6,
                           atol: float = 1e-5, rtol: float = 1e-3, name: str | None = None) -> None:
    """Run ``fn(*tensors).backward(u)`` and assert the gradients agree with central differences.

    ``u`` is ``grad_output``, or random normal (not ones: a gradient summed along the wrong axis
    of a square input still gives the right answer for an all-ones upstream). Also asserts that
    each ``.grad`` has its input's shape and dtype, shares no memory with ``u`` or another
    ``.grad``, and that neither the inputs nor ``u`` were modified. ``fn`` may return a tuple of
    Tensors (then ``grad_output`` is a tuple too). Each input's ``.grad`` is replaced. Arguments
    that are not Tensors requiring grad are passed to ``fn`` as they are.

    >>> import autograd
    >>> x = autograd.tensor([[1.0, 2.0], [3.0, 4.0]], dtype="float64", requires_grad=True)
    >>> assert_gradients_match(lambda t: t.sum(axis=0), x)
    """
    label = name or _label(fn)
    diff = [i for i, t in enumerate(tensors) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError(f"{label}: at least one argument must be a Tensor with requires_grad=True")
    for i in diff:
        if tensors[i].dtype != np.float64:
            warnings.warn(f"{label}: input {i} is {tensors[i].dtype}, not double precision; central "
                          "differences will likely fail to match", UserWarning, stacklevel=2)
    before = [t.data.copy() if isinstance(t, Tensor) else None for t in tensors]
    for i in diff:
        tensors[i].zero_grad()
    outputs = _as_tuple(fn(*tensors))
    upstream = _upstream(label, outputs, grad_output)
    kept = [u.copy() for u in upstream]
    roots = [(o, u) for o, u in zip(outputs, upstream, strict=True) if o.requires_grad]
    if not roots:
        raise AssertionError(f"{label}: no output requires grad, so no gradient reaches the inputs")
    backward([o for o, _ in roots], [Tensor._constant(u) for _, u in roots])

    for i, (t, old) in enumerate(zip(tensors, before, strict=True)):
        if old is not None and not np.array_equal(t.data, old, equal_nan=True):
            raise AssertionError(f"{label}: input {i} was modified by the forward or backward pass")
    for k, (u, old) in enumerate(zip(upstream, kept, strict=True)):
        if not np.array_equal(u, old, equal_nan=True):
            raise AssertionError(f"{label}: the upstream gradient of output {k} was modified by backward")

    analytical = {}
    seen = list(upstream)
    for i in diff:
        t, g = tensors[i], tensors[i].grad
        if g is None:  # fn does not use this input: its gradient is zero
            analytical[i] = np.zeros(t.shape)
            continue
        if g.shape != t.shape or g.dtype != t.dtype:
            raise AssertionError(f"{label}: input {i} has shape {t.shape} and dtype {t.dtype} but its .grad has "
                                 f"shape {g.shape} and dtype {g.dtype}")
        if any(np.shares_memory(g.data, s) for s in seen if s is not g.data):
            raise AssertionError(f"{label}: the .grad of input {i} shares memory with the upstream gradient "
                                 "or with another .grad")
        seen.append(g.data)
        analytical[i] = g.data

    numerical = numerical_grad(fn, tensors, eps, grad_output=tuple(kept) if len(kept) > 1 else kept[0])
    for i in diff:
        a, num = analytical[i], numerical[i]
        worst = _worst(a.reshape(-1), num.reshape(-1), atol, rtol)
        if worst is not None:
            where = _at(a.shape, worst)
            raise AssertionError(
                f"{label}: the gradient of input {i} (shape {a.shape}) does not match central differences: "
                f"worst element {where}: numerical {num.reshape(-1)[worst]:.10g} vs analytical "
                f"{a.reshape(-1)[worst]:.10g}; relative error ‖g₁ − g₂‖ / ‖g₁ + g₂‖ = {relative_error(a, num):.3g} "
                f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g})")


def _label(fn: Callable[..., Any]) -> str:
    """``Cube.apply`` for a Function's apply (its own qualname is ``Function.apply``), else the qualname."""
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, type):
        return f"{owner.__name__}.{fn.__name__}"
    return getattr(fn, "__qualname__", None) or repr(fn)


def _upstream(label: str, outputs: tuple[Any, ...], grad_output: Any) -> list[np.ndarray]:
    """One upstream gradient per output, in the output's dtype: the given ones or random normal."""
    for k, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            raise TypeError(f"{label} must return a Tensor or a tuple of Tensors; output {k} is a {type(o).__name__}")
    if grad_output is None:
        rng = np.random.default_rng(0)
        return [rng.standard_normal(o.shape).astype(o.dtype) for o in outputs]
    given = _as_tuple(grad_output) if len(outputs) > 1 else (grad_output,)
    if len(given) != len(outputs):
        raise ValueError(f"{label}: got {len(given)} grad_outputs for {len(outputs)} outputs")
    ups = [np.array(g.data if isinstance(g, Tensor) else g, dtype=o.dtype) for g, o in zip(given, outputs, strict=True)]
    for k, (u, o) in enumerate(zip(ups, outputs, strict=True)):
        if u.shape != o.shape:
            raise ValueError(f"{label}: grad_output {k} has shape {u.shape} but output {k} has shape {o.shape}")
    return ups
