"""The backward pass: an iterative walk of the graph in reverse topological order.

One loop, no op-specific code: pop a node's accumulated upstream gradient, call its Function's
``backward``, check the count and shapes of what comes back (naming the Function), sum a
broadcast gradient down to its input's shape, and pass each gradient on.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import scratch
from .function import FREED_GRAPH, Context
from .grad_mode import clock, state
from .ops.elementwise import cast
from .ops.shape import _sum_to, sum_to
from .tensor import Tensor

_ARRAY_KINDS = (np.ndarray, np.float64)  # the types a rule's gradient has on arrays, and as Tensors
_TENSOR_KINDS = (Tensor, Tensor)


def _consumer_counts(roots: Sequence[Tensor]) -> dict[Context, int]:
    """For each node above ``roots``: how many graph edges consume its output. Checks the graph's shape too.

    Keyed by node, not by tensor: a node hashes by identity in C, a Tensor (whose ``==`` is elementwise)
    through its own ``__hash__``.
    """
    consumers: dict[Context, int] = {}
    stack = []
    for r in roots:
        node = r.grad_fn
        if node is not None and node not in consumers:
            consumers[node] = 0
            stack.append(node)
    while stack:
        node = stack.pop()
        if type(node) is not Context or type(getattr(node, "inputs", None)) is not tuple:
            _refuse_node(node)
        ctx = node  # known to be a Context now: in the compiled build a typed name, read as C members
        for t in ctx.inputs:
            if not isinstance(t, Tensor):
                _refuse_node(ctx)
            inp = t  # likewise, a Tensor
            below = inp.grad_fn
            if below is None:
                continue
            count = consumers.get(below)
            if count is None:
                consumers[below] = 1
                stack.append(below)
            else:
                consumers[below] = count + 1
    return consumers


def _starts(roots: Sequence[Tensor], consumers: dict[Context, int]) -> list[Tensor]:
    """The roots that no other root consumes, each once: where a pass starts."""
    ready: list[Tensor] = []
    for r in roots:
        node = r.grad_fn
        if node is not None and consumers[node] == 0 and all(s.grad_fn is not node for s in ready):
            ready.append(r)
    return ready


def _refuse_node(node: Any) -> None:
    """Raise for a node that is not what an op recorded: replaced, or its inputs replaced."""
    if type(node) is not Context:
        raise TypeError(f"a tensor's grad_fn is a {type(node).__name__}, not a node recorded by an op")
    inputs = getattr(node, "inputs", None)
    if type(inputs) is not tuple:
        raise TypeError(f"{node.name()}.inputs is a {type(inputs).__name__}, not the tuple of Tensors it recorded")
    kind = next(type(x).__name__ for x in inputs if not isinstance(x, Tensor))
    raise TypeError(f"{node.name()}.inputs holds a {kind}, not a Tensor")


def topological_order(roots: Sequence[Tensor]) -> list[Tensor]:
    """The non-leaf tensors above ``roots``, each after every tensor that consumes it (Kahn's algorithm)."""
    consumers = _consumer_counts(roots)
    order = []
    ready = _starts(roots, consumers)
    while ready:
        t = ready.pop()
        order.append(t)
        for p in t.grad_fn.inputs:
            node = p.grad_fn
            if node is not None:
                left = consumers[node] - 1
                consumers[node] = left
                if left == 0:
                    ready.append(p)
    return order


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of every leaf that requires grad.
    The graph is kept if ``retain_graph`` (by default: if ``create_graph``, as PyTorch)."""
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    upstream = _root_gradients(roots, grad_tensors, create_graph)
    if create_graph:
        warnings.warn(
            "backward(create_graph=True) makes a reference cycle between each leaf and its gradient; "
            "autograd.grad(..., create_graph=True) avoids it.", UserWarning, stacklevel=3)
    _run(roots, upstream, create_graph if retain_graph is None else retain_graph, create_graph, None)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor], grad_outputs: Any = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` with respect to ``inputs``, returned as a tuple; ``.grad`` is left untouched."""
    roots = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    wrt = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, t in enumerate(wrt):
        if not t.requires_grad:
            raise RuntimeError(f"input {i} of grad() does not require grad")
    upstream = _root_gradients(roots, grad_outputs, create_graph)
    captured = _run(roots, upstream, create_graph if retain_graph is None else retain_graph, create_graph,
                    set(wrt))
    result = tuple(captured.get(t) for t in wrt)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise RuntimeError(f"input {i} of grad() appears not to have been used in the graph; "
                               "pass allow_unused=True if this is expected")
    return result


def _root_gradients(roots: list[Tensor], given: Any, create_graph: bool) -> list[Tensor]:
    if given is None:
        given = [None] * len(roots)
    elif isinstance(given, Tensor | np.ndarray) or np.isscalar(given):
        given = [given]
    given = list(given)
    if len(given) != len(roots):
        raise RuntimeError(f"got {len(given)} gradients for {len(roots)} outputs")
    out = []
    for i in range(len(roots)):
        r, g = roots[i], given[i]
        if not isinstance(r, Tensor):
            raise TypeError(f"output {i} is a {type(r).__name__}, not a Tensor")
        if not r.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if r.data.size != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs; this output has "
                                   f"shape {r.shape}: pass gradient= of that shape")
            one = np.empty(r.data.shape, r.data.dtype)  # np.ones is a Python function, and costs four times as much
            one.fill(1)
            out.append(Tensor._constant(one))
            continue
        g = g if isinstance(g, Tensor) else Tensor._constant(np.asarray(g, dtype=r.dtype))
        if g.shape != r.shape:
            raise RuntimeError(f"mismatch in shape: gradient {i} has shape {g.shape} but output {i} "
                               f"has shape {r.shape}")
        # a copy: no .grad may share memory with the caller's gradient; with create_graph a gradient
        # that requires grad stays in the graph (jvp's double-vjp trick differentiates with respect to it)
        if not (create_graph and g.requires_grad):
            g = Tensor._constant(g.data.astype(r.dtype, copy=True))
        out.append(g)
    return out


def _run(roots: list[Tensor], root_grads: list[Tensor], retain_graph: bool, create_graph: bool,
         capture: set[Tensor] | None) -> dict[Tensor, Tensor]:
    # Gradients travel as Tensors when the pass builds a graph (create_graph), and as bare arrays
    # otherwise: rules marked arrays_ok then run on the saved arrays, with no Tensor or node made
    run = _Pass(roots, retain_graph, create_graph, capture)
    for r, g in zip(roots, root_grads, strict=True):
        g = g.data if run.arrays else g
        if r.grad_fn is None:
            _add(run.leaves, r, g)
        else:
            _add(run.pending, r.grad_fn, g)
    modes = state.enabled, state.arrays
    state.enabled, state.arrays = create_graph, run.arrays
    try:
        run.walk(_starts(roots, run.consumers))
    finally:
        state.enabled, state.arrays = modes
    for leaf, g in run.leaves.items():
        if leaf._hooks:
            g = _call_hooks(leaf, g, run.arrays)
        if capture is None:
            leaf._grad = _stored(leaf._grad, g, create_graph, run.stored, leaf.data.dtype)
        elif leaf in capture:
            run.captured[leaf] = g
    return {t: _in_dtype(_as_tensor(g), t.data.dtype) for t, g in run.captured.items()}


class _Pass:
    """One backward pass: what it was asked for, and the gradients it has collected so far.

    Gradients for non-leaves collect in ``pending`` (by the node that made them) until their tensor is
    ready (Kahn's algorithm, run as the pass itself: a tensor is ready once every consumer has passed its
    gradient on), those for leaves in ``leaves``.
    """

    __slots__ = ("anomaly", "arrays", "capture", "captured", "consumers", "leaves", "pending", "retain_graph",
                 "rule_on_arrays", "stored", "thread", "upstream")

    def __init__(self, roots: list[Tensor], retain_graph: bool, create_graph: bool,
                 capture: set[Tensor] | None) -> None:
        self.arrays = not create_graph
        self.retain_graph = retain_graph
        self.capture = capture
        self.captured: dict[Tensor, Any] = {}
        self.pending: dict[Context, Any] = {}
        self.leaves: dict[Tensor, Any] = {}
        self.stored: set[int] = set()  # ids of arrays already put in some .grad during this pass
        self.anomaly = state.anomaly
        self.consumers = _consumer_counts(roots)
        self.thread = threading.get_ident()
        self.upstream: Any = None  # the gradient for the node about to run, handed over by take_upstream()
        self.rule_on_arrays = False  # the running rule is given arrays (what Context.saved_tensors hands back)

    def take_upstream(self) -> Any:
        """The upstream gradient, no longer held here: a rule given it may be its only holder (see scratch.py)."""
        g, self.upstream = self.upstream, None
        scratch.handed = id(g)
        return g

    def walk(self, ready: list[Tensor]) -> None:
        """The pass proper: take a ready tensor, run its node's rule, hand each input its gradient."""
        consumers, pending, leaves = self.consumers, self.pending, self.leaves
        while ready:
            t = ready.pop()
            ctx = t.grad_fn
            inputs = ctx.inputs
            # a rule gets its upstream gradient straight out of pending, and no variable here still refers
            # to an earlier gradient, so the rule may hold the only reference (see scratch.py)
            downstream = g = prev = None
            if ctx not in pending:  # no gradient reached it (nothing needed one), but its inputs are still visited
                downstream = (None,) * len(inputs)
            else:
                if t._hooks or t._retains_grad or self.capture is not None:
                    pending[ctx] = _visit(t, pending[ctx], self.arrays, self.stored, self.capture, self.captured)
                self.upstream = pending.pop(ctx)
                downstream = _step(ctx, t, self, not self.retain_graph)
            for i in range(len(inputs)):  # this loop runs per edge: no call in the common case (not even zip's)
                inp = inputs[i]
                g = downstream[i]
                node = inp.grad_fn
                if node is not None:
                    left = consumers[node] - 1
                    consumers[node] = left
                    if left == 0:
                        ready.append(inp)
                    if g is not None and inp.requires_grad:
                        prev = pending.get(node)  # _add, written out: this line runs once per edge
                        pending[node] = g if prev is None else prev + g
                elif g is not None and inp.requires_grad:
                    prev = leaves.get(inp)
                    leaves[inp] = g if prev is None else prev + g


@contextlib.contextmanager
def on_arrays() -> Iterator[None]:
    """The modes a pass without ``create_graph`` runs rules in: nothing recorded, rules marked ``arrays_ok``
    given arrays (for ``viz.explain``, which calls ``_step`` itself)."""
    modes = state.enabled, state.arrays
    state.enabled, state.arrays = False, True
    try:
        yield
    finally:
        state.enabled, state.arrays = modes


def _step(ctx: Context, t: Tensor, run: _Pass, free: bool) -> tuple[Any, ...]:
    """One node of a pass: its rule run on ``run.upstream`` (∂root/∂t), one gradient per input (checked for
    those that require grad), and its saved values freed if ``free``. The walk and ``viz.explain`` both call it."""
    if ctx._saved is None:  # released by an earlier backward
        raise RuntimeError(FREED_GRAPH)
    if ctx._running is not None:
        _refuse_reentry(ctx, run)
    if ctx.epoch < clock.now:
        ctx.check_saved()
    inputs = ctx.inputs
    ctx._running = run
    try:
        if run.arrays and ctx.fn.arrays_ok:
            run.rule_on_arrays = True
            grads = ctx.fn.backward(ctx, run.take_upstream())
        else:
            run.rule_on_arrays = False
            grads = _tensor_rule(ctx, t, run.take_upstream(), run.arrays)
    finally:
        ctx._running = None
    if getattr(ctx, "inputs", None) is not inputs:
        raise RuntimeError(f"function {ctx.name()} rebound or deleted ctx.inputs in its backward; a rule must "
                           "leave the recorded graph as it is")
    if type(grads) is not tuple:
        grads = _one_per_input(ctx, grads)
    elif len(grads) != len(inputs):
        grads = _one_per_input(ctx, grads)
    if free:
        ctx._saved = None
    # a gradient of one of these types and of its input's shape passes unchecked (0-d ops give NumPy scalars)
    kind, scalar = _ARRAY_KINDS if run.arrays else _TENSOR_KINDS
    checked = None
    for i in range(len(inputs)):
        inp = inputs[i]
        g = grads[i]
        if g is not None and inp.requires_grad and ((type(g) is not kind and type(g) is not scalar)
                                                     or g.shape != inp.data.shape or run.anomaly):
            if checked is None:
                checked = list(grads)
            checked[i] = _checked(ctx, t, i, inp, g, run.arrays)
    return grads if checked is None else tuple(checked)


def _refuse_reentry(ctx: Context, run: _Pass) -> None:
    """A node whose rule is running is reached again: from inside the rule, or by a second thread."""
    other = ctx._running
    if other.thread == run.thread:
        raise RuntimeError(f"function {ctx.name()} called backward() or grad() through its own node from inside "
                           "its backward rule; a rule must compute its gradients without a backward pass of "
                           "the graph it belongs to")
    if not other.retain_graph:
        raise RuntimeError(FREED_GRAPH)  # another thread's pass is consuming this graph
    raise RuntimeError(f"function {ctx.name()}'s backward is running in another thread; two threads cannot run "
                       "backward through one node at once")


def _tensor_rule(ctx: Context, t: Tensor, g: Any, arrays: bool) -> Any:
    """Run a rule with Tensors: to build a graph (``g`` is a Tensor), or because it does not take arrays."""
    if arrays:
        return _as_arrays(ctx.run_backward(t, Tensor._constant(np.asarray(g))))
    return ctx.run_backward(t, g)


def _visit(t: Tensor, g: Any, arrays: bool, stored: set[int], capture: set[Tensor] | None,
           captured: dict[Tensor, Any]) -> Any:
    """What happens to a non-leaf's gradient besides flowing on: hooks, ``retain_grad``, ``grad()``'s capture."""
    if t._hooks:
        g = _call_hooks(t, g, arrays)
    if t._retains_grad:
        t._grad = _stored(t._grad, g, not arrays, stored, t.data.dtype)
    if capture is not None and t in capture:
        _add(captured, t, g)
    return g


def _one_per_input(ctx: Context, grads: Any) -> tuple[Any, ...]:
    """A rule's result as one gradient per input (a lone gradient becomes a 1-tuple); anything else raises."""
    if type(grads) is not tuple:
        if isinstance(grads, tuple | list):  # a namedtuple or a list: one gradient, or several?
            raise TypeError(f"function {ctx.name()} returned a {type(grads).__name__} from backward; return one "
                            "gradient, or a plain tuple with one gradient (or None) per input")
        grads = (grads,)
    if len(grads) != len(ctx.inputs):
        raise RuntimeError(f"function {ctx.name()} returned an incorrect number of gradients "
                           f"(expected {len(ctx.inputs)}, got {len(grads)})")
    return grads


def _as_arrays(grads: Any) -> Any:
    """A Tensor rule's gradients as arrays (for a pass that runs on arrays)."""
    if type(grads) is not tuple:
        grads = (grads,)
    return tuple([g.data if isinstance(g, Tensor) else g for g in grads])


def _as_tensor(g: Any) -> Tensor:
    return g if isinstance(g, Tensor) else Tensor._constant(np.asarray(g))


def _checked(ctx: Context, out: Tensor, i: int, inp: Tensor, g: Any, arrays: bool) -> Any:
    """Gradient ``i`` of a rule's result for ``inp``, summed down if the op broadcast it; anything else wrong raises."""
    if arrays:
        g = g.data if isinstance(g, Tensor) else np.asarray(g)
    elif not isinstance(g, Tensor):
        g = Tensor._constant(np.asarray(g))
    if g.shape != inp.data.shape:
        if g.shape != out.data.shape or not _broadcasts(inp.data.shape, g.shape):
            raise RuntimeError(f"function {ctx.name()} returned an invalid gradient at index {i}: "
                               f"got shape {g.shape} but expected shape {inp.shape}")
        g = _sum_to(g, inp.data.shape) if arrays else sum_to(g, inp.data.shape)
    if state.anomaly and not np.isfinite(g.data if isinstance(g, Tensor) else g).all():
        where = f", created at {ctx.creation_site}" if ctx.creation_site else ""
        raise RuntimeError(f"Function '{ctx.name()}' returned nan or inf values in its {i}th output{where}")
    return g


def _broadcasts(small: tuple[int, ...], big: tuple[int, ...]) -> bool:
    if len(small) > len(big):
        return False
    return all(s in (1, b) for s, b in zip(small, big[len(big) - len(small):], strict=True))


def _add(into: dict[Tensor, Any], key: Tensor, g: Any) -> None:
    prev = into.get(key)
    into[key] = g if prev is None else prev + g


def _stored(existing: Tensor | None, g: Any, create_graph: bool, stored: set[int],
            dtype: np.dtype | None = None) -> Tensor:
    """What goes into ``.grad``: accumulated, in the tensor's dtype, never a view of another gradient."""
    if create_graph:
        g = g if dtype is None else _in_dtype(g, dtype)
        return g if existing is None else existing + g
    data = g if type(g) is np.ndarray else np.asarray(g)
    if dtype is not None and data.dtype is not dtype and data.dtype != dtype:  # `is`: the common case, cheaply
        data = data.astype(dtype)
    elif existing is None and (data.base is not None or not data.flags.writeable or id(data) in stored):
        data = data.copy()  # Add hands one gradient to both inputs; views share their base
    if existing is not None:
        data = existing.data + data
    stored.add(id(data))
    out = Tensor.__new__(Tensor)  # Tensor._constant, without a classmethod call per leaf per step
    out.data = data
    out.grad_fn = None
    out.requires_grad = False
    return out


def _in_dtype(g: Tensor, dtype: np.dtype) -> Tensor:
    """A gradient in its tensor's dtype: an op that promoted (float32 · float64) hands on the promoted one,
    and PyTorch, too, casts it back (differentiably, for ``create_graph``)."""
    return g if g.dtype == dtype else cast(g, dtype)


def _call_hooks(t: Tensor, g: Any, arrays: bool) -> Any:
    """Each hook sees the gradient as a Tensor; one that returns a Tensor replaces it."""
    g = _as_tensor(g)
    for hook in list(t._hooks):
        out = hook(g)
        if out is not None:
            if not isinstance(out, Tensor) or out.shape != g.shape:
                raise RuntimeError(f"hook {hook!r} returned {type(out).__name__} of shape "
                                   f"{getattr(out, 'shape', None)}; expected a Tensor of shape {g.shape}")
            g = out
    return g.data if arrays else g


# a compiled walk holds one reference to the gradient it hands a rule, for the length of the call
scratch.held_by_engine = 0 if __file__.endswith(".py") else 1
