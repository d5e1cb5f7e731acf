"""The backward pass stepped in a browser: one self-contained HTML page built on ``viz.explain``'s trace.

``explain_html`` draws the graph (the SVG that Graphviz's ``dot`` makes when it is installed, else a
small layout in JavaScript shipped with the package) and steps through ``explain``'s records: each
step lights up one node and shows upstream × local = downstream on its input edges, and the running
sum where paths meet. No network is needed: the script and style are inlined.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from collections import deque
from importlib import resources
from typing import Any

import numpy as np

from .function import Context
from .tensor import Tensor
from .viz import DOT_HINT, _escape, _param_names, _product, _sum_text, _summary, explain

__all__ = ["BackwardStepper", "explain_html"]

LAYOUTS = ("auto", "dot", "js")


class BackwardStepper:
    """A stepped backward pass: ``.html`` is the page, ``save(path)`` writes it, Jupyter shows it inline."""

    def __init__(self, page: str, steps: int, explanation: Any) -> None:
        self.html, self.steps, self.explanation = page, steps, explanation

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the page to ``path`` (UTF-8); open it in any browser, offline."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)

    def _repr_html_(self) -> str:
        # an iframe keeps the page's script, style and arrow keys to itself inside a notebook
        return (f'<iframe srcdoc="{html.escape(self.html)}" style="width: 100%; height: 640px; border: 1px solid #ddd" '
                'title="backward pass"></iframe>')

    def __repr__(self) -> str:
        return f"<BackwardStepper: {self.steps} steps; .save(path) writes the page>"


def explain_html(root: Tensor, path: str | os.PathLike[str] | None = None, params: Any = None, *,
                 gradient: Any = None, highlight: Tensor | Context | None = None, max_steps: int | None = 200,
                 precision: int = 4, layout: str = "auto") -> BackwardStepper:
    """The backward pass from ``root`` as a page to step through: Next/Previous buttons or the arrow keys.

    Each step highlights one node and shows its upstream gradient, its op's local gradient (the rule
    from the Function's docstring, with the number for scalars), the gradient sent down each input
    edge, and the running sum at each input where several paths meet; then each leaf's total.
    Scalars are shown as values, arrays as shape and a summary. ``params`` (a module or a
    ``{name: tensor}`` mapping) names tensors; ``gradient`` seeds a non-scalar root; ``highlight``
    outlines one node in red (e.g. ``autograd.gradcheck.locate(...).node``); ``max_steps`` caps the
    node steps shown. ``layout`` is ``"dot"`` (Graphviz's SVG), ``"js"`` (the page lays the graph out
    itself) or ``"auto"`` (dot when installed). With ``path`` the page is also written there.
    Call it before ``backward()``, as ``explain``.

    >>> import autograd
    >>> x = autograd.tensor(3.0, requires_grad=True)
    >>> explain_html(x * x, layout="js")
    <BackwardStepper: 2 steps; .save(path) writes the page>
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(map(repr, LAYOUTS))}, got {layout!r}")
    if not isinstance(root, Tensor):
        raise TypeError(f"explain_html() takes a Tensor, got {type(root).__name__}")
    tensors = _graph_tensors(root)
    names = _unique_names(tensors, root, _param_names(params))
    trace = explain(root, {names[t]: t for t in tensors if t in names}, gradient=gradient, max_steps=max_steps,
                    precision=precision)
    graph = _graph(tensors, names, root, highlight, precision)
    data = {"title": f"backward pass of {trace.root} = {_summary(trace.value, precision, True)}",
            "root": trace.root, "value": _summary(trace.value, precision, True), "graph": graph,
            "steps": _steps(trace, tensors, names, precision), "omitted": trace.omitted}
    if layout == "dot" and shutil.which("dot") is None:
        raise RuntimeError(f"layout='dot' needs Graphviz's dot program on PATH: {DOT_HINT}; or use layout='js'")
    svg = _dot_svg(graph) if layout == "dot" or (layout == "auto" and shutil.which("dot")) else ""
    page = _page(data, svg)
    stepper = BackwardStepper(page, len(data["steps"]), trace)
    if path is not None:
        stepper.save(path)
    return stepper


def _graph_tensors(root: Tensor) -> list[Tensor]:
    """Every tensor of the graph above ``root``, breadth first from it."""
    seen, order, queue = {id(root)}, [root], deque([root])
    while queue:
        t = queue.popleft()
        for inp in t.grad_fn.inputs if t.grad_fn is not None else ():
            if id(inp) not in seen:
                seen.add(id(inp))
                order.append(inp)
                queue.append(inp)
    return order


def _unique_names(tensors: list[Tensor], root: Tensor, given: dict[Tensor, str]) -> dict[Tensor, str]:
    """A distinct name for each tensor that gets a gradient: given, ``Tensor.name``, ``out``, else t1, t2, …"""
    names: dict[Tensor, str] = {}
    used: set[str] = set()
    count = 0
    for t in tensors:
        if not t.requires_grad:
            continue  # constants: explain names them by value
        base = given.get(t) or (None if t.name is None else str(t.name)) or ("out" if t is root else None)
        name, again = base, 1
        while name is None or name in used:
            if base is None:
                count += 1
                name = f"t{count}"
            else:
                again += 1
                name = f"{base}#{again}"
        used.add(name)
        names[t] = name
    return names


def _graph(tensors: list[Tensor], names: dict[Tensor, str], root: Tensor, highlight: Any,
           precision: int) -> dict[str, Any]:
    """Tensor boxes ``t<i>``, op ellipses ``op<i>`` (for the node that made ``t<i>``), edges ``e<i>_<k>``, ``o<i>``."""
    index = {id(t): i for i, t in enumerate(tensors)}
    nodes, edges = [], []
    for i, t in enumerate(tensors):
        name = names.get(t, _summary(t.data, precision) if t.data.size == 1 else "constant")
        kind = "output" if t is root else "inter" if t.grad_fn is not None else "leaf" if t.requires_grad else "const"
        lines = [name, f"{'scalar' if t.ndim == 0 else t.shape} {t.dtype}", "= " + _summary(t.data, precision)]
        nodes.append({"id": f"t{i}", "name": name, "kind": kind, "lines": lines})
        ctx = t.grad_fn
        if ctx is None:
            continue
        op = {"id": f"op{i}", "name": ctx.name(), "kind": "op", "lines": [ctx.name()]}
        if highlight is not None and (highlight is ctx or highlight is t):
            op["kind"] = "op suspect"
        nodes.append(op)
        edges.append({"id": f"o{i}", "from": f"op{i}", "to": f"t{i}"})
        edges += [{"id": f"e{i}_{k}", "from": f"t{index[id(inp)]}", "to": f"op{i}"} for k, inp in enumerate(ctx.inputs)]
    return {"nodes": nodes, "edges": edges}


def _steps(trace: Any, tensors: list[Tensor], names: dict[Tensor, str], precision: int) -> list[dict[str, Any]]:
    """One record per node the pass visits (with the running sums it leaves), then one per leaf's total."""
    p, r = precision, trace.root
    index = {id(t): i for i, t in enumerate(tensors)}
    by_name = {names[t]: i for i, t in enumerate(tensors) if t in names}
    arrived: dict[int, list[tuple[str, np.ndarray]]] = {}
    steps = []
    for s in trace.steps:
        i = by_name[s.node]
        sent, updates = [], {}
        for k, (inp, local, down) in enumerate(zip(s.inputs, s.local, s.downstream)):
            if down is None:
                continue
            j = index[id(tensors[i].grad_fn.inputs[k])]
            parts = arrived.setdefault(j, [])
            parts.append((s.node, down))
            total = sum((g for _, g in parts[1:]), parts[0][1])
            updates[f"t{j}"] = f"∂{r}/∂{inp} = {_sum_text(tuple(parts), total, p)}"
            sent.append({"edge": f"e{i}_{k}", "to": f"t{j}", "name": inp, "product": _product(s.upstream, local, down, p),
                         "local": None if local is None else _summary(local, p, True), "running": updates[f"t{j}"]})
        steps.append({"kind": "node", "node": f"t{i}", "op": f"op{i}", "name": s.node,
                      "title": f"{s.node} = {s.op}({', '.join(s.inputs)})", "rule": s.rule,
                      "upstream": f"∂{r}/∂{s.node} = {_sum_text(s.upstream_parts, s.upstream, p)}",
                      "edges": sent, "updates": updates})
    for leaf in trace.leaves:
        node, total = f"t{by_name[leaf.leaf]}", f"∂{r}/∂{leaf.leaf} = {_sum_text(leaf.parts, leaf.grad, p)}"
        steps.append({"kind": "leaf", "node": node, "name": leaf.leaf, "total": total, "updates": {node: total},
                      "title": f"{leaf.leaf} is a leaf: backward() adds this sum to {leaf.leaf}.grad"})
    return steps


def _dot_svg(graph: dict[str, Any]) -> str:
    """The graph drawn by Graphviz's ``dot`` as inline SVG, each element carrying its id for the script."""
    shapes = {"op": "shape=ellipse fillcolor=lightgrey", "output": "fillcolor=darkolivegreen1",
              "leaf": "fillcolor=lightblue", "const": 'style="rounded,filled,dashed"', "inter": ""}
    lines = ["digraph chainrule {", "\tgraph [rankdir=LR]",
             '\tnode [shape=box style="rounded,filled" fillcolor=white fontsize=11 fontname="Helvetica"]']
    for n in graph["nodes"]:
        label = "\\n".join(_escape(line) for line in n["lines"])
        lines.append(f'\t{n["id"]} [id="{n["id"]}" label="{label}" {shapes[n["kind"].split()[0]]}]')
    lines += [f'\t{e["from"]} -> {e["to"]} [id="{e["id"]}"]' for e in graph["edges"]]
    source = "\n".join([*lines, "}\n"])
    done = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"dot failed to lay out the graph: {done.stderr.decode(errors='replace').strip()}")
    svg = done.stdout.decode()
    return svg[svg.index("<svg"):]  # without the XML declaration and doctype, so it can sit inside HTML


def _page(data: dict[str, Any], svg: str) -> str:
    """The self-contained page: style, the drawing (or an empty one for the script to lay out), trace and script."""
    assets = resources.files(__package__)
    css = assets.joinpath("stepper.css").read_text(encoding="utf-8")
    js = assets.joinpath("stepper.js").read_text(encoding="utf-8")
    trace = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")  # cannot close the script element
    title = html.escape(data["title"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <nav><button id="prev" type="button">◀ Previous</button> <span id="counter"></span>
  <button id="next" type="button">Next ▶</button> <small>or the ← → keys</small></nav>
</header>
<main>
  <div id="graph">{svg}</div>
  <aside id="panel"></aside>
</main>
<script type="application/json" id="trace">{trace}</script>
<script>
{js}</script>
</body>
</html>
"""
