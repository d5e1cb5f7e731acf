"""See the graph: ``to_dot`` and ``draw`` picture it, ``explain`` narrates its backward pass.

Both walk the graph with loops, never recursion, so graphs of 10⁵ nodes work; drawings of large
graphs keep the ``max_nodes`` tensors nearest the output and summarise the rest in one node.
Graphviz is optional: ``to_dot`` writes DOT text with no dependency, ``draw`` wraps the same text
in a ``graphviz.Digraph`` (``pip install "chainrule[viz]"`` and the ``dot`` program).
"""

from __future__ import annotations

import html
import math
import shutil
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .engine import _Pass, _step, on_arrays, topological_order
from .function import Context
from .tensor import Tensor

if TYPE_CHECKING:
    import graphviz

RANKDIRS = ("LR", "TB", "RL", "BT")
PACKAGE_HINT = 'install the Python package with pip install "chainrule[viz]" (or pip install graphviz)'
DOT_HINT = ("install Graphviz's dot program with your system's package manager: apt-get install graphviz, "
            "brew install graphviz or conda install graphviz")
# torchviz's palette: leaves that receive .grad are light blue, the output green, op nodes grey
OUTPUT_COLOR, LEAF_COLOR, OP_COLOR = "darkolivegreen1", "lightblue", "lightgrey"
_FEW = 6  # arrays with at most this many elements are shown in full
_FEW_PARTS = 8  # gradient sums with more terms are abbreviated


class GraphvizMissingError(RuntimeError):
    """``draw`` cannot render: Graphviz is not installed. ``.dot`` holds the graph as DOT text."""

    def __init__(self, problem: str, hint: str, dot: str) -> None:
        super().__init__(f"{problem}, so the graph cannot be rendered. To draw it, {hint}. "
                         f"Meanwhile, here is the graph as DOT text (autograd.viz.to_dot returns it; "
                         f"any Graphviz viewer renders it):\n{dot}")
        self.dot = dot


def to_dot(root: Tensor | Sequence[Tensor], params: Any = None, *, show_values: bool = True,
           show_grads: bool = True, max_nodes: int | None = 500, rankdir: str = "LR",
           precision: int = 4, highlight: Tensor | Context | None = None) -> str:
    """The graph that made ``root`` as Graphviz DOT text; needs no Graphviz installation.

    Each tensor is a box with its name (from ``params`` or ``Tensor.name``), shape, dtype, value
    and ``.grad``; each op is a grey ellipse named like PyTorch's nodes (``MulBackward``) whose
    tooltip is its rule. Output green, leaves that receive ``.grad`` light blue, parameters light
    blue with a double border, constants dashed, other intermediates white. Gradients of
    intermediates show where ``retain_grad()`` kept them.

    Parameters
    ----------
    root : the output tensor, or several.
    params : an ``nn.Module`` (anything with ``named_parameters()``) or a ``{name: tensor}`` mapping
        whose names label those tensors.
    show_values, show_grads : draw the data and gradient lines.
    max_nodes : draw at most this many tensors, those nearest the output (each with the op that made
        it); one summary node counts the rest. ``None`` draws everything.
    rankdir : layout direction, ``"LR"`` (left to right), ``"TB"``, ``"RL"`` or ``"BT"``.
    precision : decimals shown for numbers.
    highlight : a node (a ``grad_fn``, e.g. ``autograd.gradcheck.locate(...).node``) or the tensor it
        made, drawn with a thick red outline.

    >>> import autograd
    >>> x = autograd.tensor(3.0, requires_grad=True)
    >>> x.name = "x"
    >>> print(to_dot(x * x, show_values=False))
    digraph chainrule {
        graph [rankdir=LR]
        node [shape=box style="rounded,filled" fillcolor=white fontsize=11]
        n0 [label="scalar float32" fillcolor=darkolivegreen1]
        op0 [label="MulBackward" tooltip="y = a·b;  ∂y/∂a = b, ∂y/∂b = a" shape=ellipse fillcolor=lightgrey]
        op0 -> n0
        n1 -> op0
        n1 -> op0
        n1 [label="x\\nscalar float32" fillcolor=lightblue]
    }
    <BLANKLINE>
    """
    return _wrap(_dot_body(root, params, show_values, show_grads, max_nodes, rankdir, precision, highlight))


def draw(root: Tensor | Sequence[Tensor], params: Any = None, *, show_values: bool = True,
         show_grads: bool = True, max_nodes: int | None = 500, rankdir: str = "LR", precision: int = 4,
         highlight: Tensor | Context | None = None, format: str = "svg") -> graphviz.Digraph:
    """The graph of ``to_dot`` as a ``graphviz.Digraph``: shown inline in Jupyter, saved with ``.render()``.

    Arguments are those of ``to_dot``, plus ``format`` (``"svg"``, ``"png"``, ``"pdf"``) for rendering.
    Without the ``graphviz`` package or the ``dot`` program it raises ``GraphvizMissingError``,
    whose message says how to install them and carries the DOT text (also in ``.dot``).
    """
    body = _dot_body(root, params, show_values, show_grads, max_nodes, rankdir, precision, highlight)
    try:
        import graphviz
    except ImportError:
        graphviz = None
    has_dot = shutil.which("dot") is not None
    if graphviz is None or not has_dot:
        missing = [("the graphviz Python package", PACKAGE_HINT)] if graphviz is None else []
        missing += [] if has_dot else [("Graphviz's dot program (not on PATH)", DOT_HINT)]
        problem = " and ".join(what for what, _ in missing) + (" are" if len(missing) > 1 else " is") + " missing"
        raise GraphvizMissingError(problem, "; ".join(hint for _, hint in missing), _wrap(body))
    return graphviz.Digraph(name="chainrule", body=body, format=format)


@dataclass(frozen=True)
class Step:
    """One node of the backward pass: upstream gradient × local gradient = downstream gradient.

    ``upstream_parts`` are the ``(consumer, gradient)`` contributions summed into ``upstream``;
    ``local`` is ∂node/∂input per input when the node is a scalar (None otherwise, and for inputs
    that get no gradient); ``downstream`` is the gradient sent to each input.
    """

    node: str
    op: str
    rule: str
    inputs: tuple[str, ...]
    upstream: np.ndarray
    upstream_parts: tuple[tuple[str, np.ndarray], ...]
    local: tuple[np.ndarray | None, ...]
    downstream: tuple[np.ndarray | None, ...]


@dataclass(frozen=True)
class LeafGradient:
    """The gradient a leaf ends with, and the ``(consumer, gradient)`` parts it is the sum of."""

    leaf: str
    grad: np.ndarray
    parts: tuple[tuple[str, np.ndarray], ...]


class Explanation:
    """The backward pass of ``explain``: ``str()`` is a text trace, ``_repr_html_`` a table in Jupyter."""

    def __init__(self, root: str, value: np.ndarray, steps: tuple[Step, ...], omitted: int,
                 leaves: tuple[LeafGradient, ...], grads: dict[Tensor, np.ndarray], precision: int) -> None:
        self.root, self.value, self.steps, self.omitted, self.leaves = root, value, steps, omitted, leaves
        self._grads, self._precision = grads, precision

    def grad(self, t: Tensor) -> np.ndarray | None:
        """∂root/∂t for any tensor of the graph (leaf or intermediate); None if no gradient reaches it."""
        return self._grads.get(t)

    def __str__(self) -> str:
        p, r = self._precision, self.root
        lines = [f"backward pass of {r} = {_summary(self.value, p, True)}, nodes in the order the engine visits them"]
        for k, s in enumerate(self.steps, 1):
            lines += [f"[{k}] {s.node} = {s.op}({', '.join(s.inputs)})",
                      f"    rule      {s.rule}",
                      f"    upstream  ∂{r}/∂{s.node} = {_sum_text(s.upstream_parts, s.upstream, p)}"]
            lines += [f"    → {name:<9}{_product(s.upstream, local, down, p)}"
                      for name, local, down in zip(s.inputs, s.local, s.downstream) if down is not None]
        if self.omitted:
            lines.append(f"… {self.omitted:,} more steps computed but not shown (max_steps={len(self.steps)})")
        lines.append("leaf gradients")
        lines += [f"    ∂{r}/∂{leaf.leaf} = {_sum_text(leaf.parts, leaf.grad, p)}" for leaf in self.leaves]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        p, r, e = self._precision, self.root, html.escape
        rows = []
        for k, s in enumerate(self.steps, 1):
            sent = "<br>".join(f"→ {e(name)}: {e(_product(s.upstream, local, down, p))}"
                               for name, local, down in zip(s.inputs, s.local, s.downstream) if down is not None)
            rows.append(f"<tr><td>{k}</td><td>{e(s.node)} = {e(s.op)}({e(', '.join(s.inputs))})</td>"
                        f"<td>{e(s.rule)}</td><td>{e(_sum_text(s.upstream_parts, s.upstream, p))}</td>"
                        f"<td>{sent}</td></tr>")
        if self.omitted:
            rows.append(f'<tr><td colspan="5">… {self.omitted:,} more steps not shown</td></tr>')
        leaves = "".join(f"<tr><td>∂{e(r)}/∂{e(leaf.leaf)}</td><td>{e(_sum_text(leaf.parts, leaf.grad, p))}</td></tr>"
                         for leaf in self.leaves)
        return (f"<p>backward pass of {e(r)} = {e(_summary(self.value, p, True))}</p>"
                "<table><tr><th>#</th><th>node</th><th>local gradient (rule)</th><th>upstream</th>"
                f"<th>downstream = upstream × local</th></tr>{''.join(rows)}</table>"
                f"<table><tr><th>leaf</th><th>gradient</th></tr>{leaves}</table>")


def explain(root: Tensor, params: Any = None, *, gradient: Any = None, max_steps: int | None = 100,
            precision: int = 4) -> Explanation:
    """The backward pass from ``root`` as a readable trace: upstream × local = downstream at every node.

    Nodes come in the order ``backward`` visits them; where gradients from several consumers meet,
    the sum is written out. The gradients are computed here, with the ops' own backward rules and
    without freeing the graph, touching any ``.grad`` or calling hooks, so call it before
    ``backward()`` (or after ``backward(retain_graph=True)``). Tensors are named from ``params``
    (a module or ``{name: tensor}`` mapping), then ``Tensor.name``; others get ``t1, t2, …``.
    ``gradient`` seeds a non-scalar root; ``max_steps`` caps the steps kept (all are computed).

    >>> import autograd
    >>> x = autograd.tensor(3.0, requires_grad=True)
    >>> y = x * x
    >>> print(explain(y, {"x": x, "y": y}))
    backward pass of y = 9, nodes in the order the engine visits them
    [1] y = MulBackward(x, x)
        rule      y = a·b;  ∂y/∂a = b, ∂y/∂b = a
        upstream  ∂y/∂y = 1
        → x        1 × 3 = 3
        → x        1 × 3 = 3
    leaf gradients
        ∂y/∂x = 3 (via y) + 3 (via y) = 6
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"explain() takes a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise RuntimeError("explain() needs a tensor that requires grad: it was not made by differentiable ops "
                           "from tensors with requires_grad=True, so no gradient flows")
    _check_count("max_steps", max_steps)
    _check_count("precision", precision, 0)
    names = _Names(_param_names(params), root, precision)
    arrived: dict[Tensor, list[tuple[Tensor | None, np.ndarray]]] = {root: [(None, _seed(root, gradient))]}
    grads: dict[Tensor, np.ndarray] = {}
    steps: list[Step] = []
    omitted = 0
    run = _Pass([root], retain_graph=True, create_graph=False, capture=None)
    with on_arrays():
        for t in topological_order([root]):
            parts = arrived.pop(t, None)
            if parts is None:
                continue
            upstream = grads[t] = _total(parts)
            ctx = t.grad_fn
            if ctx.released:
                raise RuntimeError(f"explain() needs the values {ctx.name()} saved for backward, but a backward "
                                   "pass has freed them: call explain() before backward(), or call "
                                   "backward(retain_graph=True)")
            run.upstream = upstream
            downstream = _arrays(ctx, _step(ctx, t, run, free=False))
            for inp, g in zip(ctx.inputs, downstream):
                if g is not None:
                    arrived.setdefault(inp, []).append((t, g))
            if max_steps is None or len(steps) < max_steps:
                local: tuple[np.ndarray | None, ...] = (None,) * len(downstream)
                if t.data.size == 1:  # a scalar node: its local gradients are its rule run on a seed of 1
                    run.upstream = np.ones_like(upstream)
                    local = _arrays(ctx, _step(ctx, t, run, free=False))
                steps.append(Step(names(t), ctx.name(), _rule(ctx), tuple(names(i) for i in ctx.inputs), upstream,
                                  _named(parts, names), local, downstream))
            else:
                omitted += 1
    leaves = []
    for leaf, parts in arrived.items():
        total = grads[leaf] = _total(parts).astype(leaf.dtype, copy=False)
        leaves.append(LeafGradient(names(leaf), total, _named(parts, names)))
    return Explanation(names(root), root.data, tuple(steps), omitted, tuple(leaves), grads, precision)


def _dot_body(root: Tensor | Sequence[Tensor], params: Any, show_values: bool, show_grads: bool,
              max_nodes: int | None, rankdir: str, precision: int, highlight: Tensor | Context | None) -> list[str]:
    roots = _roots(root)
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    _check_count("max_nodes", max_nodes)
    _check_count("precision", precision, 0)
    names = _param_names(params)
    drawn, omitted = _nearest(roots, max_nodes)
    body = ["\tgraph [rankdir=" + rankdir + "]\n",
            '\tnode [shape=box style="rounded,filled" fillcolor=white fontsize=11]\n']
    if omitted:
        body.append(f'\tomitted [label="… {omitted:,} more tensors not drawn\\n(max_nodes={max_nodes})" '
                    "shape=note style=dashed]\n")
    outputs = set(roots)
    for t, i in drawn.items():
        body.append(f"\tn{i} [{_tensor_attrs(t, names, t in outputs, show_values, show_grads, precision)}]\n")
        ctx = t.grad_fn
        if ctx is None:
            continue
        mark = " color=red penwidth=3" if highlight is ctx or highlight is t else ""  # e.g. the node locate() names
        body += [f'\top{i} [label="{ctx.name()}" tooltip="{_escape(_rule(ctx))}" shape=ellipse '
                 f'fillcolor={OP_COLOR}{mark}]\n',
                 f"\top{i} -> n{i}\n"]
        cut = False
        for inp in ctx.inputs:
            j = drawn.get(inp)
            if j is None:
                cut = True
            else:
                body.append(f"\tn{j} -> op{i}\n")
        if cut:
            body.append(f"\tomitted -> op{i}\n")
    return body


def _wrap(body: list[str]) -> str:
    """The DOT text a ``graphviz.Digraph(name="chainrule", body=body)`` has as its ``.source``."""
    return "digraph chainrule {\n" + "".join(body) + "}\n"


def _nearest(roots: list[Tensor], cap: int | None) -> tuple[dict[Tensor, int], int]:
    """Number the ``cap`` tensors nearest the roots (breadth first), and count the others."""
    seen = set(roots)
    queue = deque(dict.fromkeys(roots))
    drawn: dict[Tensor, int] = {}
    while queue:
        t = queue.popleft()
        if cap is None or len(drawn) < cap:
            drawn[t] = len(drawn)
        if t.grad_fn is not None:
            for inp in t.grad_fn.inputs:
                if inp not in seen:
                    seen.add(inp)
                    queue.append(inp)
    return drawn, len(seen) - len(drawn)


def _tensor_attrs(t: Tensor, names: dict[Tensor, str], is_output: bool, show_values: bool, show_grads: bool,
                  precision: int) -> str:
    param = names.get(t)
    title = param if param is not None else t.name
    lines = [] if title is None else [str(title)]
    lines.append(f"{'scalar' if t.ndim == 0 else t.shape} {t.dtype}")
    if show_values:
        lines.append("data " + _summary(t.data, precision))
    if show_grads and t._grad is not None:
        lines.append("grad " + _summary(t._grad.data, precision))
    label = "\\n".join(_escape(line) for line in lines)
    if is_output:
        style = f"fillcolor={OUTPUT_COLOR}"
    elif param is not None:
        style = f"fillcolor={LEAF_COLOR} peripheries=2"
    elif t.grad_fn is None and t.requires_grad:
        style = f"fillcolor={LEAF_COLOR}"
    elif t.grad_fn is None:
        style = 'style="rounded,filled,dashed"'
    else:
        style = ""
    return f'label="{label}" {style}'.rstrip()


def _escape(text: str) -> str:
    """Text safe inside a double-quoted DOT string."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _rule(ctx: Context) -> str:
    """The first line of the op's docstring: its math, forward then local gradient."""
    doc = ctx.fn.__doc__
    if not doc or not doc.strip():
        return f"not documented (give {ctx.fn.__name__} a one-line docstring with its rule)"
    return doc.strip().splitlines()[0]


def _roots(root: Any) -> list[Tensor]:
    roots = [root] if isinstance(root, Tensor) else list(root) if isinstance(root, Iterable) else [root]
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"expected a Tensor or a sequence of Tensors, got {type(r).__name__}")
    if not roots:
        raise ValueError("nothing to draw: the sequence of tensors is empty")
    return roots


def _param_names(params: Any) -> dict[Tensor, str]:
    """``{tensor: name}`` from a module's ``named_parameters()`` or a ``{name: tensor}`` mapping."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        pairs: Iterable[tuple[Any, Any]] = params.named_parameters()
    elif isinstance(params, Mapping):
        pairs = params.items()
    else:
        raise TypeError("params must be a module (with named_parameters()) or a {name: tensor} mapping, "
                        f"got {type(params).__name__}")
    names: dict[Tensor, str] = {}
    for name, t in pairs:
        if not isinstance(t, Tensor):
            raise TypeError(f"params[{name!r}] is a {type(t).__name__}, not a Tensor")
        names.setdefault(t, str(name))
    return names


def _check_count(what: str, value: int | None, least: int = 1) -> None:
    """``value`` must be an integer ≥ ``least``; None (no limit) is allowed where ``least`` is 1."""
    if value is None and least == 1:
        return
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise ValueError(f"{what} must be {'None or ' if least == 1 else ''}an integer ≥ {least}, got {value!r}")


class _Names:
    """Names for the trace: from params, then ``Tensor.name``; scalar constants by value; else t1, t2, …"""

    def __init__(self, given: dict[Tensor, str], root: Tensor, precision: int) -> None:
        self._given, self._root, self._precision, self._count = given, root, precision, 0

    def __call__(self, t: Tensor) -> str:
        name = self._given.get(t)
        if name is None:
            name = self._given[t] = self._invent(t)
        return name

    def _invent(self, t: Tensor) -> str:
        if t.name is not None:
            return str(t.name)
        if t is self._root:
            return "out"
        if not t.requires_grad and t.data.size == 1:
            return _summary(t.data.reshape(()), self._precision)
        self._count += 1
        return f"t{self._count}"


def _seed(root: Tensor, gradient: Any) -> np.ndarray:
    """∂root/∂root: ones for a scalar, else the given gradient (checked like ``backward``'s)."""
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(f"explain() of a non-scalar output (shape {root.shape}) needs gradient= of that shape")
        return np.ones(root.shape, dtype=root.dtype)
    seed = np.array(gradient.data if isinstance(gradient, Tensor) else gradient, dtype=root.dtype)
    if seed.shape != root.shape:
        raise RuntimeError(f"mismatch in shape: gradient has shape {seed.shape} but the output has shape {root.shape}")
    return seed


def _arrays(ctx: Context, grads: tuple[Any, ...]) -> tuple[np.ndarray | None, ...]:
    """A step's gradients as arrays (a rule on 0-d arrays may give NumPy scalars); None for inputs that need none."""
    return tuple(None if g is None or not inp.requires_grad else np.asarray(g) for inp, g in zip(ctx.inputs, grads))


def _total(parts: list[tuple[Tensor | None, np.ndarray]]) -> np.ndarray:
    total = parts[0][1]
    for _, g in parts[1:]:
        total = total + g
    return total


def _named(parts: list[tuple[Tensor | None, np.ndarray]], names: _Names) -> tuple[tuple[str, np.ndarray], ...]:
    return tuple(("seed" if src is None else names(src), g) for src, g in parts)


def _sum_text(parts: tuple[tuple[str, np.ndarray], ...], total: np.ndarray, precision: int) -> str:
    """``3 (via m) + 2 (via s) = 5`` where several consumers' gradients meet, else just the value."""
    value = _summary(total, precision, True)
    if len(parts) < 2:
        return value
    text = ""
    for k, (src, g) in enumerate(parts[:_FEW_PARTS]):
        term = f"{_summary(g, precision, True)} (via {src})"
        text += term if k == 0 else f" − {term[1:]}" if term.startswith("-") else f" + {term}"
    if len(parts) > _FEW_PARTS:
        text += f" + … {len(parts) - _FEW_PARTS:,} more"
    return f"{text} = {value}"


def _product(upstream: np.ndarray, local: np.ndarray | None, downstream: np.ndarray, precision: int) -> str:
    """``upstream × local = downstream`` when the local gradient is known, else the downstream gradient."""
    down = _summary(downstream, precision, True)
    if local is None:
        return down
    factor = _summary(local, precision, True)
    factor = f"({factor})" if factor.startswith("-") else factor
    return f"{_summary(upstream, precision, True)} × {factor} = {down}"


def _summary(a: np.ndarray, precision: int, with_shape: bool = False) -> str:
    """A number for a scalar; for arrays the values when few, else min / mean / max."""
    if a.ndim == 0:
        return _number(a.item(), precision)
    if a.size <= _FEW:
        text = "[" + ", ".join(_number(v, precision) for v in a.ravel().tolist()) + "]"
    else:
        text = (f"min {_number(a.min().item(), precision)} mean {_number(a.mean().item(), precision)} "
                f"max {_number(a.max().item(), precision)}")
    return f"{a.shape} {text}" if with_shape else text


def _number(v: Any, precision: int) -> str:
    """``precision`` decimals, trailing zeros dropped; scientific notation when tiny or huge."""
    if not isinstance(v, float) or not math.isfinite(v):
        return str(v)
    if v != 0 and not 10.0 ** -precision <= abs(v) < 1e6:
        return f"{v:.{precision}e}"
    text = f"{v:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


from .stepper import BackwardStepper, explain_html  # noqa: E402, F401  (built on explain, above)
