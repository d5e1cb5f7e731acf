"""Graph drawing and the backward-pass trace: labels, colours, collapsing, and gradients that match the engine's."""

import html
import re
import shutil
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

import autograd
from autograd import viz
from autograd.engine import topological_order
from nn.module import Module, Parameter

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")


def leaf(value, name=None):
    t = autograd.tensor(value, requires_grad=True, dtype=np.float64)
    t.name = name
    return t


def dot_nodes(dot):
    """``{node id: (label lines, attribute text)}`` from DOT text written by ``to_dot``."""
    nodes = {}
    for m in re.finditer(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$', dot, re.M):
        label = m.group(2).replace('\\"', '"').split("\\n")
        nodes[m.group(1)] = (label, m.group(3))
    return nodes


def node_with(dot, first_line):
    """The (label, attributes) of the one node whose label starts with ``first_line``."""
    found = [v for v in dot_nodes(dot).values() if v[0][0] == first_line]
    assert len(found) == 1, (first_line, found)
    return found[0]


def svg_nodes(svg):
    """The text lines of each node box in a rendered SVG, keyed by the node's DOT id."""
    nodes = {}
    for m in re.finditer(r'<g id="node\d+" class="node">\s*<title>(.*?)</title>(.*?)</g>', svg, re.S):
        nodes[m.group(1)] = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", m.group(2))]
    return nodes


def fmt4(v):
    return f"{v:.4f}"


def seed_003():
    """f = (x + y)·max(y, z) at (1, 2, 0), the worked example of the lecture notes."""
    x, y, z = leaf(1.0, "x"), leaf(2.0, "y"), leaf(0.0, "z")
    s = x + y
    m = autograd.maximum(y, z)
    f = s * m
    s.name, m.name, f.name = "s", "m", "f"
    return SimpleNamespace(x=x, y=y, z=z, s=s, m=m, f=f)


def micrograd_expression(a, b):
    """The expression of micrograd's README, written once for both engines."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def test_explain_seed_003_gives_the_lecture_gradients():
    torch = pytest.importorskip("torch")
    v = seed_003()
    tx, ty, tz = (torch.tensor(float(t.data), dtype=torch.float64, requires_grad=True) for t in (v.x, v.y, v.z))
    ((tx + ty) * torch.maximum(ty, tz)).backward()

    e = viz.explain(v.f)
    for t, ref in ((v.x, tx), (v.y, ty), (v.z, tz)):
        np.testing.assert_allclose(e.grad(t), ref.grad.numpy(), rtol=0, atol=1e-12)
    text = str(e)
    # y feeds two consumers: m passes on ∂f/∂m · ∂m/∂y = s, s passes on ∂f/∂s · ∂s/∂y = m
    s_val, m_val = float(v.s.data), float(v.m.data)
    assert f"∂f/∂y = {s_val:g} (via m) + {m_val:g} (via s) = {ty.grad.item():g}" in text
    assert f"∂f/∂x = {tx.grad.item():g}" in text
    assert f"∂f/∂z = {tz.grad.item():g}" in text
    assert "rule      y = a·b;  ∂y/∂a = b, ∂y/∂b = a" in text
    assert f"→ s        1 × {m_val:g} = {m_val:g}" in text
    # the steps come in the engine's order
    assert [st.node for st in e.steps] == [t.name for t in topological_order([v.f])]
    assert [st.op for st in e.steps] == [t.grad_fn.name() for t in topological_order([v.f])]


def test_explain_frees_nothing_and_touches_no_grad():
    v = seed_003()
    v.s.retain_grad()
    calls = []
    v.y.register_hook(lambda g: calls.append(g))
    viz.explain(v.f)
    assert v.x._grad is None and v.y._grad is None and v.s._grad is None and calls == []
    assert not any(t.grad_fn.released for t in topological_order([v.f]))
    v.f.backward()  # the graph is intact, so this works, and the hook runs only now
    assert len(calls) == 1
    e = viz.explain(v.x * v.y)  # a fresh graph over leaves that already hold .grad
    before = v.x.grad.data.copy(), v.y.grad.data.copy()
    assert e.grad(v.x) == v.y.data and e.grad(v.y) == v.x.data
    np.testing.assert_array_equal(v.x.grad.data, before[0])
    np.testing.assert_array_equal(v.y.grad.data, before[1])


def test_explain_after_backward_needs_retain_graph():
    v = seed_003()
    v.f.backward(retain_graph=True)
    np.testing.assert_array_equal(viz.explain(v.f).grad(v.y), v.y.grad.data)
    v.f.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.explain(v.f)


def test_explain_matches_torch_on_broadcast_arrays_and_intermediates():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    w_np, b_np, x_np = rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=(5, 3))
    w, b = leaf(w_np), leaf(b_np)
    h = autograd.tanh(autograd.tensor(x_np) @ w + b)
    loss = (h * h).sum()
    e = viz.explain(loss, {"w": w, "b": b, "h": h})

    tw, tb = (torch.tensor(a, requires_grad=True) for a in (w_np, b_np))
    th = torch.tanh(torch.tensor(x_np) @ tw + tb)
    th.retain_grad()
    (th * th).sum().backward()
    np.testing.assert_allclose(e.grad(w), tw.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(e.grad(b), tb.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(e.grad(h), th.grad.numpy(), rtol=1e-12, atol=1e-12)
    text = str(e)
    assert "∂out/∂h = (5, 4) [" not in text  # 20 elements: summarised, not listed
    assert re.search(r"∂out/∂h = \(5, 4\) min \S+ mean \S+ max \S+", text)
    assert "h = TanhBackward(" in text


def test_explain_with_a_gradient_for_a_non_scalar_root():
    x = leaf([1.0, 2.0, 3.0], "x")
    y = x * x
    with pytest.raises(RuntimeError, match="non-scalar"):
        viz.explain(y)
    with pytest.raises(RuntimeError, match="mismatch in shape"):
        viz.explain(y, gradient=np.ones(2))
    v = np.array([0.5, -1.0, 2.0])
    (expected,) = autograd.grad(y, x, grad_outputs=v, retain_graph=True)
    np.testing.assert_allclose(viz.explain(y, gradient=v).grad(x), expected.data)


def test_explain_bad_input():
    with pytest.raises(TypeError, match="Tensor"):
        viz.explain(3.0)
    with pytest.raises(RuntimeError, match="requires grad"):
        viz.explain(autograd.tensor(1.0) * 2)
    with pytest.raises(ValueError, match="max_steps"):
        viz.explain(leaf(1.0) * 2, max_steps=0)


def test_explain_html_is_an_escaped_table():
    f = seed_003().f
    page = viz.explain(f)._repr_html_()
    assert page.count("<table>") == 2
    assert "a &gt; b" in page  # MaximumBackward's rule, escaped
    assert "∂f/∂y" in page


def test_explain_on_a_long_chain_is_summarised_without_recursion():
    n = 100_000
    x = leaf(1.0, "x")
    y = x
    for _ in range(n):
        y = y + 1.0
    e = viz.explain(y, max_steps=50)
    assert len(e.steps) == 50 and e.omitted == n - 50
    assert e.grad(x) == 1.0
    assert f"{n - 50:,} more steps" in str(e)


def test_to_dot_seed_003_after_backward_shows_values_and_grads():
    v = seed_003()
    v.f.backward()
    dot = viz.to_dot(v.f)
    assert dot.startswith("digraph chainrule {\n") and dot.endswith("}\n")
    for t in (v.x, v.y, v.z):
        label, _ = node_with(dot, t.name)
        assert label[1:] == ["scalar float64", f"data {t.data.item():g}", f"grad {t.grad.item():g}"]
    for t in (v.s, v.m, v.f):  # intermediates have no .grad unless retained
        label, _ = node_with(dot, t.name)
        assert label[1:] == ["scalar float64", f"data {t.data.item():g}"]
    ops = [node[0][0] for k, node in dot_nodes(dot).items() if k.startswith("op")]
    assert sorted(ops) == ["AddBackward", "MaximumBackward", "MulBackward"]


@needs_dot
def test_draw_seed_003_renders_svg_with_values_and_grads():
    pytest.importorskip("graphviz")
    v = seed_003()
    v.f.backward()
    graph = viz.draw(v.f)
    assert graph.source == viz.to_dot(v.f)
    boxes = svg_nodes(graph.pipe(format="svg").decode())
    by_name = {lines[0]: lines for lines in boxes.values()}
    for t in (v.x, v.y, v.z):
        assert by_name[t.name] == [t.name, "scalar float64", f"data {t.data.item():g}", f"grad {t.grad.item():g}"]
    assert by_name["f"] == ["f", "scalar float64", f"data {v.f.data.item():g}"]
    assert ["MulBackward"] in boxes.values()


def micrograd_reference():
    """g, ∂g/∂a and ∂g/∂b as micrograd itself computes them."""
    engine = pytest.importorskip("micrograd.engine")
    a, b = engine.Value(-4.0), engine.Value(2.0)
    g = micrograd_expression(a, b)
    g.backward()
    return g.data, a.grad, b.grad


def test_micrograd_readme_expression_labels():
    g_ref, a_ref, b_ref = micrograd_reference()
    a, b = leaf(-4.0), leaf(2.0)
    g = micrograd_expression(a, b)
    e = viz.explain(g, {"a": a, "b": b, "g": g})
    np.testing.assert_allclose([e.grad(a), e.grad(b)], [a_ref, b_ref], rtol=1e-12)
    leaf_lines = str(e).split("leaf gradients\n")[1].splitlines()
    assert any(line.startswith("    ∂g/∂a = ") and line.endswith(f"= {fmt4(a_ref)}") for line in leaf_lines)
    assert any(line.startswith("    ∂g/∂b = ") and line.endswith(f"= {fmt4(b_ref)}") for line in leaf_lines)
    g.backward()
    dot = viz.to_dot(g, {"a": a, "b": b})
    assert node_with(dot, "a")[0][2:] == [f"data {a.data.item():g}", f"grad {fmt4(a_ref)}"]
    assert node_with(dot, "b")[0][2:] == [f"data {b.data.item():g}", f"grad {fmt4(b_ref)}"]
    output = [v for v in dot_nodes(dot).values() if "darkolivegreen1" in v[1]]
    assert len(output) == 1 and output[0][0] == ["scalar float64", f"data {fmt4(g_ref)}"]


@needs_dot
def test_micrograd_readme_expression_renders_svg():
    pytest.importorskip("graphviz")
    g_ref, a_ref, b_ref = micrograd_reference()
    a, b = leaf(-4.0), leaf(2.0)
    g = micrograd_expression(a, b)
    g.backward()
    boxes = list(svg_nodes(viz.draw(g, {"a": a, "b": b}).pipe("svg").decode()).values())
    assert ["a", "scalar float64", "data -4", f"grad {fmt4(a_ref)}"] in boxes
    assert ["b", "scalar float64", "data 2", f"grad {fmt4(b_ref)}"] in boxes
    assert ["scalar float64", f"data {fmt4(g_ref)}"] in boxes


def test_colours_tell_leaves_parameters_constants_intermediates_output_and_ops_apart():
    class Tiny(Module):
        def __init__(self):
            super().__init__()
            self.weight = Parameter(np.arange(6.0).reshape(3, 2))

    model = Tiny()
    x = leaf(np.ones((4, 3)), "x")
    data = autograd.tensor(np.full((4, 2), 0.5))
    out = ((x @ model.weight) * data).sum()
    dot = viz.to_dot(out, model)
    nodes = dot_nodes(dot)
    assert node_with(dot, "weight")[1] == " fillcolor=lightblue peripheries=2"
    assert node_with(dot, "x")[1] == " fillcolor=lightblue"
    constants = [v for v in nodes.values() if "dashed" in v[1]]
    assert constants == [(["(4, 2) float64", "data min 0.5 mean 0.5 max 0.5"], ' style="rounded,filled,dashed"')]
    outputs = [v for v in nodes.values() if "darkolivegreen1" in v[1]]
    assert len(outputs) == 1 and outputs[0][0][0] == "scalar float64"
    intermediates = [v for k, v in nodes.items() if k.startswith("n") and v[0][0] == "(4, 2) float64"]
    assert sorted(v[1] for v in intermediates) == ["", "", ' style="rounded,filled,dashed"']  # default: white
    assert all("fillcolor=lightgrey" in v[1] for k, v in nodes.items() if k.startswith("op"))
    # a parameter's label: its name, shape and dtype, then a summary of its 6 values
    assert node_with(dot, "weight")[0] == ["weight", "(3, 2) float64", "data [0, 1, 2, 3, 4, 5]"]


def test_array_values_are_summarised_and_lines_can_be_hidden():
    x = leaf(np.linspace(-1.0, 2.0, 12).reshape(3, 4), "x")
    out = (x * 2).sum()
    out.backward()
    label = node_with(viz.to_dot(out), "x")[0]
    assert label == ["x", "(3, 4) float64", f"data min -1 mean {np.mean(x.data):g} max 2", "grad min 2 mean 2 max 2"]
    assert node_with(viz.to_dot(out, show_values=False), "x")[0] == ["x", "(3, 4) float64", "grad min 2 mean 2 max 2"]
    assert node_with(viz.to_dot(out, show_grads=False, precision=2), "x")[0][2] == "data min -1 mean 0.5 max 2"
    tiny = leaf(1.23456e-7, "tiny") * 1
    assert "data 1.2346e-07" in viz.to_dot(tiny)


def test_params_mapping_names_tensors_and_bad_params_are_rejected():
    w = leaf([1.0, 2.0])
    y = (w * 3).sum()
    assert node_with(viz.to_dot(y, {"layer.w": w}), "layer.w")[1].endswith("peripheries=2")
    with pytest.raises(TypeError, match="not a Tensor"):
        viz.to_dot(y, {"w": [1.0, 2.0]})
    with pytest.raises(TypeError, match="mapping"):
        viz.to_dot(y, [w])


def test_names_with_quotes_are_escaped():
    x = leaf(1.0, 'say "hi" \\ bye')
    dot = viz.to_dot(x * 2)
    assert r'label="say \"hi\" \\ bye\nscalar float64' in dot
    if HAS_DOT:
        done = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True)
        assert "say &quot;hi&quot; \\ bye" in done.stdout


def test_layout_options_and_bad_options():
    y = leaf(1.0) * 2
    assert "\tgraph [rankdir=TB]\n" in viz.to_dot(y, rankdir="TB")
    with pytest.raises(ValueError, match="rankdir"):
        viz.to_dot(y, rankdir="sideways")
    with pytest.raises(ValueError, match="max_nodes"):
        viz.to_dot(y, max_nodes=0)
    with pytest.raises(ValueError, match="precision must be an integer ≥ 0"):
        viz.to_dot(y, precision=None)
    with pytest.raises(TypeError, match="Tensor"):
        viz.to_dot([y, 2.0])


def test_several_outputs_are_all_green():
    x = leaf(2.0, "x")
    dot = viz.to_dot([x * 2, x + 1])
    assert sum("darkolivegreen1" in v[1] for v in dot_nodes(dot).values()) == 2


def test_to_dot_on_a_long_chain_collapses_and_runs_without_recursion():
    n = 100_000
    x = leaf(1.0, "x")
    y = x
    for _ in range(n):
        y = y * 1.0
    tensors = 2 * n + 1  # x, then each step's constant and product
    dot = viz.to_dot(y, max_nodes=300)
    nodes = dot_nodes(dot)
    assert sum(k.startswith("n") for k in nodes) == 300
    assert nodes["omitted"][0][0] == f"… {tensors - 300:,} more tensors not drawn"
    assert re.search(r"\tomitted -> op\d+\n", dot)
    full = viz.to_dot(y, max_nodes=None)
    assert "omitted" not in full and full.count("[label=\"MulBackward\"") == n


def test_missing_dot_binary_names_the_system_package_not_the_extra(monkeypatch, tmp_path):
    pytest.importorskip("graphviz")
    y = leaf(1.0, "x") * 2
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(viz.GraphvizMissingError) as err:
        viz.draw(y)
    message = str(err.value)
    assert "Graphviz's dot program (not on PATH) is missing" in message and "Python package" not in message
    assert "apt-get install graphviz" in message and "chainrule[viz]" not in message
    assert err.value.dot == viz.to_dot(y) and message.endswith(viz.to_dot(y))


@needs_dot
def test_missing_graphviz_package_names_the_extra_not_the_system_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    y = leaf(1.0, "x") * 2
    with pytest.raises(viz.GraphvizMissingError, match="the graphviz Python package is missing") as err:
        viz.draw(y)
    assert 'pip install "chainrule[viz]"' in str(err.value) and "apt-get" not in str(err.value)
    assert err.value.dot == viz.to_dot(y)


def test_missing_package_and_program_names_both(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(viz.GraphvizMissingError, match=r"Python package and Graphviz's dot program .* are missing") as err:
        viz.draw(leaf(1.0, "x") * 2)
    assert 'pip install "chainrule[viz]"' in str(err.value) and "apt-get install graphviz" in str(err.value)


@needs_dot
def test_draw_returns_a_digraph_that_renders_png():
    graphviz = pytest.importorskip("graphviz")
    graph = viz.draw(leaf(1.0) * 2, format="png")
    assert isinstance(graph, graphviz.Digraph) and graph.format == "png"
    assert graph.pipe()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "image/svg+xml" in graph._repr_mimebundle_()


def test_viz_imports_and_draws_dot_text_without_graphviz():
    code = ("import sys; sys.modules['graphviz'] = None\n"
            "import autograd, autograd.viz\n"
            "print(autograd.viz.to_dot(autograd.tensor(1.0, requires_grad=True) * 2).splitlines()[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "digraph chainrule {\n"
    done = subprocess.run([sys.executable, "-c", "import sys, autograd; print('graphviz' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"


def test_explain_refuses_values_changed_in_place_after_the_forward_pass():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    c = autograd.tensor([3.0, 4.0])
    y = (x * c).sum()
    with autograd.no_grad():
        c += 1
    with pytest.raises(RuntimeError, match="MulBackward was changed after it was saved"):
        viz.explain(y)
