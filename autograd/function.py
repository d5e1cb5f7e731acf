"""Function: the unit of differentiation. Context: what forward leaves for backward, and the graph node."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from .collector import hide, hide_constant, watch
from .grad_mode import clock, opened, state
from .graph import warn_across_steps

if TYPE_CHECKING:
    from .tensor import Tensor

_NO_ATTRS: dict[str, Any] = {}  # the keyword arguments of an op called without any (never changed)
_NEVER = float("inf")  # a node that saved nothing cannot see a changed tensor
_ARRAY_LIKE = (np.ndarray, np.generic, float, int, complex)  # what a forward may return, before the dtype check
_NUMERIC = "biufc"  # dtype kinds a forward may return: bool, integers, floats, complex
_DIFFERENTIABLE = "fc"  # and those whose outputs join the graph (a bool or int output never requires grad)

FREED_GRAPH = (
    "Trying to backward through the graph a second time (or to read saved tensors after they "
    "were freed). Saved values are freed when you call .backward() or autograd.grad(). "
    "Pass retain_graph=True to the first call if you need to backward through the graph again."
)


class Context:
    """Per-call storage for a Function (``ctx``) that doubles as the graph node (``grad_fn``).

    Attributes set by ``forward`` (``ctx.axis = axis``) are kept as ordinary attributes.
    """

    # the per-call fields are slots (a recorded node always has them, and a slot spares it a __dict__);
    # the rest are class-level defaults that an instance overrides only when it needs to. In the
    # compiled build function.pxd declares the same fields as C members.
    __slots__ = ("__dict__", "_running", "_saved", "epoch", "fn", "inputs", "step")
    output: Tensor | None = None  # the node's output, set by whoever runs backward in Tensor mode
    creation_site: str | None = None

    def __init__(self, fn: type[Function]) -> None:
        self.fn = fn
        self._saved: tuple[Any, ...] = ()
        self.epoch = _NEVER  # clock.now when forward saved arrays (see grad_mode._Clock)
        self.step = clock.steps  # optimizer steps taken before this node was recorded (see graph.py)
        self._running = None  # the backward pass running this node's rule (see engine._step)

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep inputs, the output, or constants (masks, indices) for ``backward``."""
        self._saved = arrays

    @property
    def released(self) -> bool:
        """True once a backward without ``retain_graph`` has freed this node's saved values."""
        return self._saved is None

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """Per input: whether a gradient is wanted for it (a rule may skip the others' work)."""
        return tuple([t.requires_grad for t in self.inputs])

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved values as Tensors: an input comes back as that input, the output (in backward)
        as the output, so a rule written in Tensor ops stays differentiable.

        While the engine runs a rule on arrays (``Function.arrays_ok``, no ``create_graph``) they
        are the saved arrays themselves.
        """
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_GRAPH)
        run = self._running  # the backward pass running this node's rule, if one is
        if run.rule_on_arrays if run is not None else state.arrays:
            return saved
        out = self.output
        tensors = []
        for s in saved:
            if out is not None and s is out.data:
                tensors.append(out)
                continue
            for t in self.inputs:
                if s is t.data:
                    break
            else:
                t = s if isinstance(s, Tensor) else Tensor._constant(np.asarray(s))
            tensors.append(t)
        return tuple(tensors)

    def check_saved(self) -> None:
        """Raise if memory that forward saved was changed in place since (through any tensor or view)."""
        for s in self._saved or ():
            if clock.changed_since(s, self.epoch):
                raise RuntimeError(
                    f"one of the tensors needed for gradient computation has been modified by an in-place "
                    f"operation: an array of shape {s.shape} saved by {self.name()} was changed after it was "
                    "saved (through a tensor holding it, a view of it or a detach()). Make the change out "
                    "of place, or before the forward pass.")

    def run_backward(self, out: Tensor, grad: Tensor) -> Any:
        """Call the rule with Tensors (the graph-building path), the output known to ``saved_tensors``."""
        self.output = out
        prev, state.arrays = state.arrays, False
        try:
            return self.fn.backward(self, grad)
        finally:
            state.arrays = prev
            del self.output  # a node kept pointing at its output would be a reference cycle

    def name(self) -> str:
        """PyTorch-style node name, e.g. ``MulBackward``."""
        return self.fn.__name__ + "Backward"

    @property
    def next_functions(self) -> tuple[Context | None, ...]:
        """The nodes that made this node's inputs (None for leaves and constants)."""
        return tuple(t.grad_fn for t in self.inputs)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class Function:
    """Base class of every differentiable op; subclass it for your own.

    ``forward(ctx, *arrays, **attrs)`` computes on NumPy arrays; ``backward(ctx, grad)`` gets
    ∂L/∂output as a Tensor and returns one gradient (Tensor, array or None) per array input.
    Write ``backward`` with Tensor operations and it is differentiable too (``create_graph=True``).
    If it reads the same on arrays (operators, ``.sum``, ``.reshape``, ``.T``, comparisons), set
    ``arrays_ok = True``: a backward without ``create_graph`` then runs it on bare arrays, faster.

    >>> import autograd
    >>> class Cube(autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x * x
    >>> x = autograd.tensor(2.0, requires_grad=True)
    >>> Cube.apply(x).backward()
    >>> x.grad.item()
    12.0
    """

    # True when ``backward`` computes the same thing given NumPy arrays (grad and saved values) as
    # given Tensors: a backward without create_graph then runs it on arrays, with no Tensor or node made
    arrays_ok = False

    @staticmethod
    def forward(ctx: Context, *args: Any, **kwargs: Any) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Any, **attrs: Any) -> Tensor:
        """Run ``forward`` on the inputs' arrays; record a node if grad mode is on and an input requires grad."""
        return _apply(cls, inputs, attrs)

    @classmethod
    def apply_in_backward(cls, *inputs: Any, **attrs: Any) -> Any:
        """``apply`` for use inside a backward rule that also runs on arrays (``arrays_ok``).

        On arrays, the forward alone: no Tensor, no node. On Tensors, ``apply``: recorded when the
        pass builds a graph.
        """
        if state.arrays:
            return cls.forward(Context.__new__(Context), *inputs, **attrs)
        return cls.apply(*inputs, **attrs)


def _apply(cls: type[Function], inputs: tuple[Any, ...], attrs: dict[str, Any]) -> Tensor:
    """``Function.apply``, the hot path of every op: plain loops and fixed-arity calls, because a
    generator or a *args/**kwargs call costs as much as a small array op."""
    for x in inputs:
        if not isinstance(x, Tensor):
            inputs = _lift_all(inputs)
            break
    ctx = Context.__new__(Context)
    ctx.fn = cls
    ctx._saved = ()
    ctx._running = None
    if attrs:
        raw = cls.forward(ctx, *[t.data for t in inputs], **attrs)
    elif len(inputs) == 2:
        raw = cls.forward(ctx, inputs[0].data, inputs[1].data)
    elif len(inputs) == 1:
        raw = cls.forward(ctx, inputs[0].data)
    else:
        raw = cls.forward(ctx, *[t.data for t in inputs])
    out = Tensor.__new__(Tensor)
    if type(raw) is not np.ndarray:  # a NumPy scalar from an op on 0-d arrays, or something wrong
        out.data = _output_array(cls, raw)
        for s in ctx._saved:
            if s is raw:  # forward saved its output (tanh, exp) as a NumPy scalar: save the array instead
                ctx._saved = tuple([out.data if s is raw else s for s in ctx._saved])
                break
    else:
        out.data = raw
    kind = out.data.dtype.kind
    out.grad_fn = None
    out.requires_grad = False
    if kind in _DIFFERENTIABLE:
        if not opened.disabled or state.enabled:  # no thread has grad mode off, or this one has it on
            for t in inputs:
                if t.requires_grad:
                    _record(ctx, inputs, out, attrs)
                    break
    elif kind not in _NUMERIC:
        _output_array(cls, out.data)  # raises, naming the dtype
    return out


def _record(ctx: Context, inputs: tuple[Tensor, ...], out: Tensor, attrs: dict[str, Any]) -> None:
    """Make ``ctx`` the node that made ``out``: linked to ``inputs``, stamped with the clocks it is checked against;
    observers (``grad_mode.opened``) are told, with the op's keyword arguments ``attrs``."""
    out.grad_fn = ctx
    out.requires_grad = True
    ctx.inputs = inputs
    ctx.epoch = clock.now if ctx._saved else _NEVER
    steps = ctx.step = clock.steps
    for t in inputs:
        node = t.grad_fn
        if node is not None and node.step != steps:
            warn_across_steps()
            break
    if opened.anomaly and state.anomaly:
        from .anomaly import creation_site

        ctx.creation_site = creation_site()
    hide(ctx, inputs, out)  # out of the cyclic collector's walks while it holds no attributes (collector.py)
    if opened.observers:
        for observe in list(opened.observers):
            observe(out, attrs)


def _output_array(cls: type[Function], raw: Any) -> np.ndarray:
    """What a forward returned, as the output's array: a NumPy scalar or Python number becomes a 0-d array;
    anything else (None, a string, a generator, an array of objects or strings) is refused."""
    if isinstance(raw, _ARRAY_LIKE):
        array = np.asarray(raw)
        if array.dtype.kind in _NUMERIC:
            return array
        raise TypeError(f"{cls.__name__}.forward returned an array of dtype {array.dtype}; "
                        "it must return a numeric NumPy array")
    raise TypeError(f"{cls.__name__}.forward returned {type(raw).__name__}; it must return a NumPy array")


def _lift_all(inputs: tuple[Any, ...]) -> tuple[Tensor, ...]:
    """Wrap non-Tensor inputs as constants; Python numbers take the dtype of a float Tensor beside them."""
    if len(inputs) == 2:  # x * 0.9, the common case: the number goes straight to an array
        a, b = inputs
        if type(b) is float or type(b) is int:
            if isinstance(a, Tensor) and a.data.dtype.kind == "f":
                return a, _number(b, a.data.dtype)
        elif (type(a) is float or type(a) is int) and isinstance(b, Tensor) and b.data.dtype.kind == "f":
            return _number(a, b.data.dtype), b
    like = None
    for x in inputs:
        if isinstance(x, Tensor):
            like = x.data.dtype
            break
    lifted = []
    for x in inputs:
        lifted.append(x if isinstance(x, Tensor) else Tensor._lift(x, like))
    return tuple(lifted)


def _number(x: float, dtype: np.dtype) -> Tensor:
    """A Python number as a constant Tensor of ``dtype``, hidden from the cyclic collector (only its node holds it)."""
    t = Tensor.__new__(Tensor)
    t.data = _number_array(x, dtype)
    t.grad_fn = None
    t.requires_grad = False
    hide_constant(t)
    return t


def once_differentiable(backward: Any) -> Any:
    """Mark a backward not written in Tensor ops: differentiating through it again raises."""

    def wrapper(ctx: Context, grad: Tensor) -> Any:
        if not state.enabled:
            return backward(ctx, grad)
        state.enabled = False
        try:
            grads = backward(ctx, grad)
        finally:
            state.enabled = True
        single = not isinstance(grads, tuple)
        grads = (grads,) if single else grads
        # linked to the op's inputs too: its gradient depends on them even when the upstream is a constant
        marked = tuple(None if g is None else _NotDifferentiable.apply(g, grad, *ctx.inputs, name=ctx.name())
                       for g in grads)
        return marked[0] if single else marked

    wrapper.__doc__ = backward.__doc__
    return staticmethod(wrapper)


class _NotDifferentiable(Function):
    """Passes a once-differentiable gradient through; raises if a second backward reaches it."""

    @staticmethod
    def forward(ctx: Context, value: np.ndarray, *depends_on: np.ndarray, name: str) -> np.ndarray:
        ctx.op = name
        return value

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Any:
        raise RuntimeError(f"derivative for {ctx.op} is not implemented: its backward is once_differentiable")


from .tensor import Tensor, _number_array  # noqa: E402  (tensor.py imports Function for its methods)

if not (__file__.endswith(".py") or sys.modules[Tensor.__module__].__file__.endswith(".py")):
    # the compiled build: its Tensors and nodes can be hidden from the cyclic collector (collector.py)
    watch(Tensor, Context)

