"""Gradient checking: the analytical derivatives of backward against central differences.

The lecture's check: perturb one input element by ±ε, ∂L/∂w ≈ (L(w + ε) − L(w − ε)) / 2ε, and judge
the two gradients by their relative error ‖g₁ − g₂‖ / ‖g₁ + g₂‖. ``gradcheck`` does it for every
element of the Jacobian of ``fn``; ``gradgradcheck`` does it for the backward pass itself; ``locate``
does it for each node of a graph on its own, to name the op whose rule is wrong.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .anomaly import creation_site
from .engine import grad, topological_order
from .function import Context, Function
from .grad_mode import enable_grad, opened
from .tensor import Tensor

__all__ = ["GradcheckError", "Location", "gradcheck", "gradgradcheck", "locate", "numerical_grad", "relative_error"]


class GradcheckError(RuntimeError):
    """Analytical and numerical derivatives disagree; the message says where and by how much."""


def relative_error(g1: Any, g2: Any) -> float:
    """‖g₁ − g₂‖ / ‖g₁ + g₂‖ (0 when both are zero): near 1e-7 is good, above 1e-2 is a bug.

    >>> relative_error([1.0, 2.0], [1.0, 2.0])
    0.0
    >>> relative_error([1.0, 0.0], [0.0, 1.0])
    1.0
    """
    g1, g2 = np.asarray(g1, dtype=np.float64), np.asarray(g2, dtype=np.float64)
    num, den = np.linalg.norm(g1 - g2), np.linalg.norm(g1 + g2)
    if den == 0:
        return 0.0 if num == 0 else float("inf")
    return float(num / den)


def numerical_grad(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6,
                   grad_output: Any = None) -> tuple[np.ndarray | None, ...]:
    """Central differences of L = ⟨grad_output, fn(*inputs)⟩: ∂L/∂xⱼ ≈ (L(x + ε·eⱼ) − L(x − ε·eⱼ)) / 2ε.

    Returns one array per input, shaped like it, or None for an input that does not require grad.
    ``grad_output`` (one per output if ``fn`` returns a tuple) may be left out for scalar outputs.
    The inputs are never modified: each evaluation gets fresh copies.

    >>> import autograd
    >>> x = autograd.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    >>> (g,) = numerical_grad(lambda t: (t * t).sum(), x)
    >>> g.round(6)
    array([2., 4.])
    """
    inputs = _as_tuple(inputs)
    outputs = _as_tuple(fn(*inputs))
    upstream = _upstream(outputs, grad_output)
    grads: list[np.ndarray | None] = []
    for i, x in enumerate(inputs):
        if not _requires_grad(x):
            grads.append(None)
            continue
        jac = _numerical_jacobians(fn, inputs, i, eps, outputs)
        g = sum(u.reshape(-1) @ j for u, j in zip(upstream, jac, strict=True))
        grads.append(np.asarray(g, dtype=np.float64).reshape(x.shape))
    return tuple(grads)


def gradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, fast_mode: bool = False) -> bool:
    """Compare the Jacobian of ``fn`` from backward with central differences, for each input that requires grad.

    ``fn`` returns a Tensor or a tuple of Tensors, of any shape. Each analytical row comes from one
    ``autograd.grad`` call (``.grad`` is left untouched); it must satisfy |a − n| ≤ atol + rtol·|n|
    everywhere. ``fast_mode`` compares uᵀJv for random u, v instead (two evaluations per input).
    Returns True, or raises ``GradcheckError`` naming the output, the input, the worst element and
    the relative error (returns False instead with ``raise_exception=False``).

    >>> import autograd
    >>> x = autograd.tensor([0.5, -1.0], dtype="float64", requires_grad=True)
    >>> gradcheck(autograd.tanh, x)
    True
    """
    inputs = _as_tuple(inputs)
    _check_inputs("gradcheck", inputs)
    report = _compare_jacobians(fn, inputs, eps, atol, rtol, fast_mode, _name("output"), _name("input"))
    return _verdict(report, raise_exception)


def gradgradcheck(fn: Callable[..., Any], inputs: Any, grad_outputs: Any = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
                  fast_mode: bool = False) -> bool:
    """``gradcheck`` of the backward pass: second derivatives against differences of first derivatives.

    Checks the map (inputs, v) ↦ ∂⟨v, fn(inputs)⟩/∂inputs, built with ``autograd.grad(...,
    create_graph=True)``, with respect to the inputs and to the upstream gradient v
    (``grad_outputs``; random normal when None). A backward that is not written in Tensor ops
    shows up here as a zero analytical second derivative.

    >>> import autograd
    >>> x = autograd.tensor([0.5, -1.0], dtype="float64", requires_grad=True)
    >>> gradgradcheck(autograd.sigmoid, x)
    True
    """
    inputs = _as_tuple(inputs)
    diff = _check_inputs("gradgradcheck", inputs)
    with enable_grad():
        outputs = _as_tuple(fn(*inputs))
    _check_outputs(outputs)
    used = [k for k, o in enumerate(outputs) if o.requires_grad]
    if not used:
        raise ValueError("gradgradcheck: no output of fn requires grad, so there is no backward to check")
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        vs = [Tensor(rng.standard_normal(outputs[k].shape), dtype=outputs[k].dtype, requires_grad=True)
              for k in used]
    else:
        given = _as_tuple(grad_outputs)
        if len(given) != len(outputs):
            raise ValueError(f"gradgradcheck: got {len(given)} grad_outputs for {len(outputs)} outputs")
        vs = [_as_tensor(given[k], outputs[k]) for k in used]
    n = len(inputs)

    def first_derivatives(*args: Any) -> tuple[Tensor, ...]:
        with enable_grad():
            outs = _as_tuple(fn(*args[:n]))
            gs = grad([outs[k] for k in used], [args[i] for i in diff], grad_outputs=list(args[n:]),
                      create_graph=True, allow_unused=True)
        return tuple(Tensor._constant(np.zeros(args[i].shape, args[i].dtype)) if g is None else g
                     for i, g in zip(diff, gs, strict=True))

    def input_name(m: int) -> str:
        return f"input {m}" if m < n else f"grad_outputs[{used[m - n]}]"

    def output_name(k: int) -> str:
        return f"the gradient w.r.t. input {diff[k]}"

    report = _compare_jacobians(first_derivatives, (*inputs, *vs), eps, atol, rtol, fast_mode,
                                output_name, input_name)
    return _verdict(None if report is None else "second derivatives: " + report, raise_exception)


@dataclass(frozen=True)
class Location:
    """What ``locate`` found: the first node whose rule disagrees with its own forward, or that all agree.

    ``op`` (``"MulBackward"``), ``site`` (the ``file:line`` that created it), ``input`` (which of its
    inputs gets the wrong gradient), ``error`` (the relative error ‖g₁ − g₂‖ / ‖g₁ + g₂‖, None when the
    rule raised), ``problem`` (what went wrong, in words) and ``node`` (its ``grad_fn``, for
    ``draw(location.outputs, highlight=location.node)``) are None when every rule agrees. ``outputs``
    are what ``fn`` returned in the run checked, ``checked`` counts the nodes compared, ``skipped`` lists
    ``(op, reason)`` for the nodes that cannot be, and ``worst`` is the largest relative error among
    those that agree.
    """

    op: str | None
    site: str | None
    input: int | None
    error: float | None
    problem: str | None
    node: Context | None
    checked: int
    skipped: tuple[tuple[str, str], ...]
    worst: float
    outputs: tuple[Tensor, ...]

    @property
    def ok(self) -> bool:
        """True when every checked node's rule agrees with central differences of its forward."""
        return self.node is None

    def __str__(self) -> str:
        skipped = "".join(f"\n    skipped {op}: {why}" for op, why in self.skipped)
        if self.ok:
            return (f"all {self.checked} checked nodes' backward rules agree with central differences of their own "
                    f"forward (largest relative error {self.worst:.3g}){skipped}")
        return (f"{self.op}, created at {self.site}, has a backward rule that disagrees with its own forward: "
                f"{self.problem}\n    the {self.checked - 1} nodes before it agree (largest relative error "
                f"{self.worst:.3g}){skipped}")


def locate(fn: Callable[..., Any], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
           seed: int = 0) -> Location:
    """Run ``fn(*inputs)`` once and check each node of its graph on its own, in the order they were made.

    Each node's backward, given a random upstream gradient u, must match central differences of
    ⟨u, forward⟩ at the very values the node saw (in float64), element by element within
    |a − n| ≤ atol + rtol·|n|. Returns the first node that fails, with where your code created it;
    ``gradcheck`` on the whole of ``fn`` can only say that something inside is wrong. Nodes with a
    non-float output, no float input that requires grad or no backward are skipped, and so are those
    whose forward is not finite or has a kink at those values (relu at 0: its one-sided differences
    disagree); ``Location.skipped`` lists them. Costs two forward evaluations of each op per element
    of its inputs, so use a small batch. Run it alone: while ``fn`` runs, every node recorded in the
    process is noted with its op's attributes and creating line (an observer in ``grad_mode.opened``).

    >>> import autograd
    >>> x = autograd.tensor([0.5, -1.0], requires_grad=True)
    >>> print(locate(lambda x: (autograd.tanh(x) * x).sum(), x))
    all 3 checked nodes' backward rules agree with central differences of their own forward (largest relative error ...)
    """
    made: list[_Made] = []
    with _noting(made), enable_grad():
        outputs = _as_tuple(fn(*inputs))
    _check_outputs(outputs)
    in_graph = {id(t) for t in topological_order([o for o in outputs if o.requires_grad])}
    nodes = [m for m in made if id(m.out) in in_graph]
    if not nodes:
        raise ValueError("locate: fn built no graph to check (no op had an input that requires grad)")
    rng = np.random.default_rng(seed)
    skipped: list[tuple[str, str]] = []
    checked, worst = 0, 0.0
    for m in nodes:
        verdict = _check_node(m, rng, eps, atol, rtol)
        if isinstance(verdict, str):
            skipped.append((m.node.name(), verdict))
            continue
        checked += 1
        if verdict.problem is None:
            worst = max(worst, verdict.error)
            continue
        return Location(m.node.name(), m.site, verdict.input, verdict.error if verdict.input is not None else None,
                        verdict.problem, m.node, checked, tuple(skipped), worst, outputs)
    return Location(None, None, None, None, None, None, checked, tuple(skipped), worst, outputs)


class _Made(NamedTuple):
    """A node as ``fn`` made it: the node, its output, the keyword attributes of its forward, the creating line."""

    node: Context
    out: Tensor
    attrs: dict[str, Any]
    site: str


class _Verdict(NamedTuple):
    input: int | None
    error: float
    problem: str | None


@contextlib.contextmanager
def _noting(made: list[_Made]) -> Iterator[None]:
    """Inside the block, every recorded op is noted in ``made`` (a Context does not keep its forward's attributes)."""

    def note(out: Tensor, attrs: dict[str, Any]) -> None:
        made.append(_Made(out.grad_fn, out, attrs, out.grad_fn.creation_site or creation_site()))

    opened.observers.append(note)
    try:
        yield
    finally:
        opened.observers.remove(note)


def _check_node(m: _Made, rng: np.random.Generator, eps: float, atol: float, rtol: float) -> _Verdict | str:
    """One node's rule against central differences of its forward; a string says why it cannot be checked."""
    ctx = m.node
    if m.out.dtype.kind != "f":
        return f"its output is {m.out.dtype}, not floating point"
    xs = tuple(_in_float64(t) for t in ctx.inputs)
    diff = [i for i, x in enumerate(xs) if x.requires_grad]
    if not diff:
        return "no floating-point input requires grad"
    if ctx.fn.backward is Function.backward:
        return "it has no backward"

    def forward(*args: Any) -> Tensor:
        return ctx.fn.apply(*args, **m.attrs)

    with enable_grad():
        out = forward(*xs)
    if out.dtype != np.float64:
        return f"its output is {out.dtype} even on float64 inputs, too coarse for central differences"
    if not np.isfinite(out.data).all():
        return "its output is not finite at these values"
    u = rng.standard_normal(out.shape)
    try:
        analytical = grad(out, [xs[i] for i in diff], grad_outputs=Tensor._constant(u), allow_unused=True)
    except Exception as e:  # a rule that raises is as wrong as one that miscalculates
        return _Verdict(None, float("inf"), f"its backward raised {type(e).__name__}: {e}")
    numerical = numerical_grad(forward, xs, eps, u)
    errors = []
    for i, a in zip(diff, analytical, strict=True):
        a = np.zeros(xs[i].shape) if a is None else a.data
        errors.append(relative_error(a, numerical[i]))
        if _worst(a, numerical[i], atol, rtol) is not None:
            if _kinked(forward, xs, i, u, eps):
                return f"its forward has a kink at these values (input {i}), so there is no derivative to check"
            return _Verdict(i, errors[-1], f"the gradient for input {i} (shape {xs[i].shape}) has relative error "
                                           f"‖g₁ − g₂‖ / ‖g₁ + g₂‖ = {errors[-1]:.3g} "
                                           f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g})")
    return _Verdict(None, max(errors), None)


def _kinked(forward: Callable[..., Tensor], xs: tuple[Any, ...], i: int, u: np.ndarray, eps: float) -> bool:
    """Whether ⟨u, forward⟩ has different left and right derivatives along some element of input i (relu at 0).

    One-sided differences differ by about ε·|f″| where f is smooth and by a jump where it has a kink;
    √ε lies between the two.
    """
    x = xs[i]
    (base,) = _evaluate(forward, xs)
    level = float(np.vdot(u, base))
    for j in range(x.numel()):
        step = np.zeros(x.shape)
        step.flat[j] = eps
        (plus,) = _evaluate(forward, _replaced(xs, i, x.data + step))
        (minus,) = _evaluate(forward, _replaced(xs, i, x.data - step))
        right, left = (np.vdot(u, plus) - level) / eps, (level - np.vdot(u, minus)) / eps
        if abs(right - left) > np.sqrt(eps) * max(1.0, abs(right), abs(left)):
            return True
    return False


def _in_float64(t: Tensor) -> Tensor:
    """A float64 copy of a floating-point input (requiring grad as the original did); other inputs as they are."""
    if t.dtype.kind != "f":
        return t
    return Tensor._constant(np.array(t.data, dtype=np.float64)).requires_grad_(t.requires_grad)


def _compare_jacobians(fn: Callable[..., Any], inputs: tuple[Any, ...], eps: float, atol: float, rtol: float,
                       fast_mode: bool, output_name: Callable[[int], str],
                       input_name: Callable[[int], str]) -> str | None:
    """The first disagreement between backward and central differences, as a report; None if all agree."""
    with enable_grad():
        outputs = _as_tuple(fn(*inputs))
    _check_outputs(outputs)
    diff = [i for i, x in enumerate(inputs) if _requires_grad(x)]
    tol = f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g})"
    if fast_mode:
        return _compare_directions(fn, inputs, outputs, diff, eps, atol, rtol, input_name, tol)
    analytical = _analytical_jacobians(outputs, [inputs[i] for i in diff])
    for k, i in enumerate(diff):
        numerical = _numerical_jacobians(fn, inputs, i, eps, outputs)
        for o, (a, num) in enumerate(zip(analytical[k], numerical, strict=True)):
            worst = _worst(a, num, atol, rtol)
            if worst is None:
                continue
            r, c = np.unravel_index(worst, a.shape)
            return (f"Jacobian mismatch for {output_name(o)} with respect to {input_name(i)}: "
                    f"worst element d out{_at(outputs[o].shape, r)} / d in{_at(inputs[i].shape, c)}: "
                    f"numerical {num[r, c]:.10g} vs analytical {a[r, c]:.10g}; "
                    f"relative error ‖g₁ − g₂‖ / ‖g₁ + g₂‖ = {relative_error(a, num):.3g} {tol}")
    return None


def _compare_directions(fn: Callable[..., Any], inputs: tuple[Any, ...], outputs: tuple[Tensor, ...],
                        diff: list[int], eps: float, atol: float, rtol: float, input_name: Callable[[int], str],
                        tol: str) -> str | None:
    """Fast mode: uᵀJv from one backward (Jᵀu, then · v) against uᵀ(f(x + εv) − f(x − εv)) / 2ε."""
    rng = np.random.default_rng(0)
    us = [rng.standard_normal(o.shape) for o in outputs]
    used = [k for k, o in enumerate(outputs) if o.requires_grad]
    grads: tuple[Tensor | None, ...] = (None,) * len(diff)
    if used:
        grads = grad([outputs[k] for k in used], [inputs[i] for i in diff],
                     grad_outputs=[us[k].astype(outputs[k].dtype) for k in used], retain_graph=True,
                     allow_unused=True)
    for i, g in zip(diff, grads, strict=True):
        v = rng.standard_normal(inputs[i].shape)
        a = np.float64(0.0) if g is None else np.vdot(g.data, v)
        num = sum(np.vdot(u, d) for u, d in zip(us, _directional(fn, inputs, i, v, eps), strict=True))
        if _worst(np.atleast_1d(a), np.atleast_1d(num), atol, rtol) is not None:
            return (f"Jacobian mismatch with respect to {input_name(i)} along a random direction (fast mode): "
                    f"uᵀJv numerical {num:.10g} vs analytical {a:.10g}; "
                    f"relative error ‖g₁ − g₂‖ / ‖g₁ + g₂‖ = {relative_error(a, num):.3g} {tol}")
    return None


def _analytical_jacobians(outputs: tuple[Tensor, ...], wrt: list[Tensor]) -> list[list[np.ndarray]]:
    """J[k][o] = ∂outₒ/∂wrtₖ as (out.size, in.size), one backward per output element (rows of J)."""
    jac = [[np.zeros((o.numel(), x.numel())) for o in outputs] for x in wrt]
    for o, out in enumerate(outputs):
        if not out.requires_grad:
            continue  # a constant output: its Jacobian is zero
        for r in range(out.numel()):
            onehot = np.zeros(out.shape, dtype=out.dtype)
            onehot.flat[r] = 1
            gs = grad(out, wrt, grad_outputs=Tensor._constant(onehot), retain_graph=True, allow_unused=True)
            for k, g in enumerate(gs):
                if g is not None:
                    jac[k][o][r] = g.data.reshape(-1)
    return jac


def _numerical_jacobians(fn: Callable[..., Any], inputs: tuple[Any, ...], i: int, eps: float,
                         outputs: tuple[Tensor, ...]) -> list[np.ndarray]:
    """∂outₒ/∂inputᵢ as (out.size, in.size) for each output o, one column per perturbed element."""
    x = inputs[i]
    jac = [np.zeros((o.numel(), x.numel())) for o in outputs]
    for c in range(x.numel()):
        onehot = np.zeros(x.shape)
        onehot.flat[c] = 1
        for j, d in zip(jac, _directional(fn, inputs, i, onehot, eps), strict=True):
            j[:, c] = d.reshape(-1)
    return jac


def _directional(fn: Callable[..., Any], inputs: tuple[Any, ...], i: int, v: np.ndarray,
                 eps: float) -> list[np.ndarray]:
    """(f(x + ε·v) − f(x − ε·v)) / 2ε for each output: the derivative of fn along v in input i."""
    x = inputs[i]
    step = (eps * v).astype(x.dtype)
    plus = _evaluate(fn, _replaced(inputs, i, x.data + step))
    minus = _evaluate(fn, _replaced(inputs, i, x.data - step))
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus, strict=True)]


def _evaluate(fn: Callable[..., Any], inputs: tuple[Any, ...]) -> list[np.ndarray]:
    outputs = _as_tuple(fn(*inputs))
    _check_outputs(outputs)
    # a copy: an output may be a view of a perturbed input
    return [np.array(o.data, dtype=np.float64) for o in outputs]


def _replaced(inputs: tuple[Any, ...], i: int, data: np.ndarray) -> tuple[Any, ...]:
    fresh = Tensor._constant(data).requires_grad_(True)
    return (*inputs[:i], fresh, *inputs[i + 1:])


def _worst(analytical: np.ndarray, numerical: np.ndarray, atol: float, rtol: float) -> int | None:
    """Flat index of the element furthest outside |a − n| ≤ atol + rtol·|n| (NaN counts as worst); None if none."""
    bad = ~np.isclose(analytical, numerical, rtol=rtol, atol=atol)
    if not bad.any():
        return None
    err = np.nan_to_num(np.abs(analytical - numerical), nan=np.inf)
    return int(np.argmax(np.where(bad, err, -1.0)))


def _at(shape: tuple[int, ...], flat: int) -> str:
    return "[" + (", ".join(str(int(k)) for k in np.unravel_index(flat, shape)) or "()") + "]"


def _name(kind: str) -> Callable[[int], str]:
    return lambda k: f"{kind} {k}"


def _verdict(report: str | None, raise_exception: bool) -> bool:
    if report is None:
        return True
    if raise_exception:
        raise GradcheckError(report)
    return False


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, tuple | list) else (x,)


def _requires_grad(x: Any) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


def _as_tensor(value: Any, like: Tensor) -> Tensor:
    if isinstance(value, Tensor):
        return value
    return Tensor(np.asarray(value), dtype=like.dtype, requires_grad=True)


def _check_inputs(caller: str, inputs: tuple[Any, ...]) -> list[int]:
    """Indices of the inputs that require grad; a ValueError if none does, a warning for each non-float64 one."""
    diff = [i for i, x in enumerate(inputs) if _requires_grad(x)]
    if not diff:
        raise ValueError(f"{caller} expects at least one input Tensor with requires_grad=True, "
                         "but none of the inputs requires grad")
    for i in diff:
        if inputs[i].dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point "
                          f"(dtype {inputs[i].dtype}). This check will likely fail if all the inputs are not "
                          "of double precision.", UserWarning, stacklevel=3)
    return diff


def _check_outputs(outputs: Sequence[Any]) -> None:
    for k, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            raise TypeError(f"fn must return a Tensor or a tuple of Tensors; output {k} is a {type(o).__name__}")


def _upstream(outputs: tuple[Tensor, ...], grad_output: Any) -> list[np.ndarray]:
    """One float64 upstream gradient per output; implicit only for single-element outputs."""
    _check_outputs(outputs)
    if grad_output is None:
        for k, o in enumerate(outputs):
            if o.numel() != 1:
                raise ValueError(f"output {k} has shape {o.shape}: pass grad_output= of that shape "
                                 "(the gradient can be implicit only for scalar outputs)")
        return [np.ones(o.shape) for o in outputs]
    given = _as_tuple(grad_output) if len(outputs) > 1 else (grad_output,)
    if len(given) != len(outputs):
        raise ValueError(f"got {len(given)} grad_outputs for {len(outputs)} outputs")
    ups = [np.asarray(g.data if isinstance(g, Tensor) else g, dtype=np.float64) for g in given]
    for k, (u, o) in enumerate(zip(ups, outputs, strict=True)):
        if u.shape != o.shape:
            raise ValueError(f"grad_output {k} has shape {u.shape} but output {k} has shape {o.shape}")
    return ups
