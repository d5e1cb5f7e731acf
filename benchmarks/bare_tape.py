"""The least a reverse-mode engine in Python does per op: the Python floor of the two chain benchmarks.

A ``Var`` records its parents, its rule and what the rule needs; ``backward`` counts each node's
consumers, walks the nodes in reverse topological order (Kahn's algorithm, as chainrule does) and sums
the gradients that meet. It does chainrule's NumPy arithmetic on the same arrays (0-d arrays for
scalars, numbers lifted to arrays of the operand's dtype), and nothing else: no grad mode, no checks of
shapes, counts or in-place changes, no hooks, no broadcasting, no higher-order gradients. Only the ops
the chains use exist. What chainrule spends above it pays for those; what it spends itself is a floor
for any engine written in Python that records these ops one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# chainrule's cached 0-d zero, so ReLU costs the same, and its request for 0-d arrays rather than NumPy scalars
from autograd.ops.elementwise import ARRAY, _zero

Rule = Callable[[Any, tuple[Any, ...], tuple["Var", ...]], tuple[Any, ...]]


class Var:
    """An array, and for a computed one the rule that takes its gradient to its parents'."""

    __slots__ = ("data", "grad", "parents", "requires_grad", "rule", "saved")

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        self.data = np.asarray(data)
        self.requires_grad = requires_grad
        self.rule: Rule | None = None
        self.parents: tuple[Var, ...] = ()
        self.grad: np.ndarray | None = None

    def __mul__(self, other: Any) -> Var:
        if type(other) is not Var:
            other = Var(np.asarray(other, self.data.dtype))
        a, b = self.data, other.data
        return _node(np.multiply(a, b, out=ARRAY), _mul, (self, other), (a, b))

    def __add__(self, other: Var) -> Var:
        return _node(np.add(self.data, other.data, out=ARRAY), _add, (self, other), ())

    def relu(self) -> Var:
        x = self.data
        return _node(np.maximum(x, _zero(x.dtype), out=ARRAY), _relu, (self,), (x,))

    def sum(self) -> Var:
        return _node(np.sum(self.data), _sum, (self,), (self.data.shape,))

    def backward(self) -> None:
        """Sum ∂self/∂leaf into each leaf's ``grad``; frees what the rules saved."""
        consumers: dict[Var, int] = {self: 0}
        stack = [self]
        while stack:
            for p in stack.pop().parents:
                if p.rule is not None:
                    if p not in consumers:
                        consumers[p] = 0
                        stack.append(p)
                    consumers[p] += 1
        grads = {self: np.ones_like(self.data)}
        ready = [self]
        while ready:
            v = ready.pop()
            for p, g in zip(v.parents, v.rule(grads.pop(v), v.saved, v.parents)):
                if p.rule is not None:
                    left = consumers[p] - 1
                    consumers[p] = left
                    if left == 0:
                        ready.append(p)
                if g is not None and p.requires_grad:
                    prev = grads.get(p)
                    grads[p] = g if prev is None else prev + g
            v.saved = ()
        for leaf, g in grads.items():  # what is left: the leaves'
            leaf.grad = g if leaf.grad is None else leaf.grad + g


def tanh(x: Var) -> Var:
    y = np.tanh(x.data, out=ARRAY)
    return _node(y, _tanh, (x,), (y,))


def _node(data: Any, rule: Rule, parents: tuple[Var, ...], saved: tuple[Any, ...]) -> Var:
    out = _new(Var)
    out.data = data if type(data) is np.ndarray else np.asarray(data)  # a full sum (or NumPy before 2.3) gives a scalar
    out.rule, out.parents, out.saved = rule, parents, saved
    out.requires_grad, out.grad = True, None
    return out


def _mul(g: Any, saved: tuple[Any, ...], parents: tuple[Var, ...]) -> tuple[Any, ...]:
    a, b = saved
    return g * b if parents[0].requires_grad else None, g * a if parents[1].requires_grad else None


def _add(g: Any, saved: tuple[Any, ...], parents: tuple[Var, ...]) -> tuple[Any, ...]:
    return g, g


def _tanh(g: Any, saved: tuple[Any, ...], parents: tuple[Var, ...]) -> tuple[Any, ...]:
    (y,) = saved
    return (g - g * y * y,)


def _relu(g: Any, saved: tuple[Any, ...], parents: tuple[Var, ...]) -> tuple[Any, ...]:
    (x,) = saved
    return (g * (x > _zero(x.dtype)),)


def _sum(g: Any, saved: tuple[Any, ...], parents: tuple[Var, ...]) -> tuple[Any, ...]:
    (shape,) = saved
    return (np.broadcast_to(g, shape),)


_new = Var.__new__
