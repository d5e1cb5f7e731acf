"""The backward-pass stepper: the page's trace, and the page itself driven in headless Chromium.

Here rather than in tests/autograd, whose modules all run twice (compiled and Python loops): the page
does not depend on which loops computed the trace, and a browser is slow to drive.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

import autograd
import nn
from autograd import viz
from autograd.stepper import BackwardStepper, explain_html

HAS_DOT = shutil.which("dot") is not None
LAYOUTS = ["js", pytest.param("dot", marks=pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed"))]


def seed_example() -> tuple[autograd.Tensor, dict[str, autograd.Tensor]]:
    """f = (x + y)·max(y, z) at (1, 2, 0), the lecture's example: ∂f/∂y = 3 (through max) + 2 (through the sum)."""
    x, y, z = (autograd.tensor(v, dtype="float64", requires_grad=True) for v in (1.0, 2.0, 0.0))
    s = x + y
    m = autograd.maximum(y, z)
    f = s * m
    return f, {"x": x, "y": y, "z": z, "s": s, "m": m, "f": f}


def small_mlp() -> tuple[autograd.Tensor, nn.Module]:
    autograd.manual_seed(0)
    model = nn.MLP(2, [3], 1, activation=nn.Tanh)
    x = autograd.tensor(np.array([[0.5, -1.0], [1.5, 0.25]], dtype=np.float32))
    target = autograd.tensor(np.array([[1.0], [0.0]], dtype=np.float32))
    return nn.MSELoss()(model(x), target), model


def trace_of(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="trace">(.*?)</script>', page, re.S)[1]
                      .replace("<\\/", "</"))


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text)]


def final_values(text: str) -> list[float]:
    """The numbers of the value after the last ``=`` in ``∂f/∂w = … = (3, 2) [a, b, …]``, without its shape."""
    return numbers(re.sub(r"^\s*\([\d, ]*\)", "", text.rsplit("=", 1)[1]))


# ---- the page, without a browser ----

def test_the_page_is_self_contained_and_follows_explains_trace():
    f, named = seed_example()
    stepper = explain_html(f, params=named, layout="js")
    page = stepper.html
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert "<script src" not in page and "<link" not in page
    trace, explanation = trace_of(page), viz.explain(f, named)
    node_steps = [s for s in trace["steps"] if s["kind"] == "node"]
    assert [s["name"] for s in node_steps] == [s.node for s in explanation.steps]
    assert stepper.steps == len(explanation.steps) + len(explanation.leaves) == len(trace["steps"])
    leaf_y = next(s for s in trace["steps"] if s["kind"] == "leaf" and s["name"] == "y")
    assert leaf_y["total"] in ("∂f/∂y = 3 (via m) + 2 (via s) = 5", "∂f/∂y = 2 (via s) + 3 (via m) = 5")


def test_running_sums_add_up_to_the_engines_gradients():
    loss, model = small_mlp()
    trace = trace_of(explain_html(loss, params=model, layout="js").html)
    final = {}
    for step in trace["steps"]:
        final.update(step["updates"])
    loss.backward()
    for name, p in model.named_parameters():
        node = next(n["id"] for n in trace["graph"]["nodes"] if n["name"] == name)
        assert np.allclose(final_values(final[node]), p.grad.data.ravel(), atol=1e-4), name


def test_tensors_with_the_same_name_get_distinct_nodes():
    a = autograd.tensor(2.0, requires_grad=True)
    b = autograd.tensor(3.0, requires_grad=True)
    a.name = b.name = "w"
    trace = trace_of(explain_html(a * b, layout="js").html)
    names = [n["name"] for n in trace["graph"]["nodes"] if n["kind"] == "leaf"]
    assert len(set(names)) == 2 and all(n.startswith("w") for n in names)


def test_save_writes_the_page_and_jupyter_gets_an_iframe(tmp_path):
    f, _ = seed_example()
    stepper = explain_html(f, tmp_path / "backward.html", layout="js")
    assert isinstance(stepper, BackwardStepper)
    assert (tmp_path / "backward.html").read_text(encoding="utf-8") == stepper.html
    shown = stepper._repr_html_()
    assert shown.startswith("<iframe srcdoc=\"") and "&lt;script" in shown and "<script" not in shown


def test_names_cannot_break_the_page():
    x = autograd.tensor(2.0, requires_grad=True)
    x.name = '</script><b>"x"'
    page = explain_html(x * 3, layout="js").html
    assert page.count("</script>") == 2  # the trace's and the script's own closing tags, nothing from the name
    assert trace_of(page)["graph"]["nodes"][2]["name"] == '</script><b>"x"'


def test_a_non_scalar_root_is_seeded_with_the_given_gradient():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    x.name = "x"
    trace = trace_of(explain_html(x * x, gradient=[1.0, 0.5], layout="js").html)
    assert trace["steps"][-1]["total"] == "∂out/∂x = (2,) [1, 1] (via out) + (2,) [1, 1] (via out) = (2,) [2, 2]"
    with pytest.raises(RuntimeError, match="needs gradient="):
        explain_html(x * x, layout="js")


def test_bad_arguments_are_refused():
    f, _ = seed_example()
    with pytest.raises(ValueError, match="layout must be one of"):
        explain_html(f, layout="neato")
    with pytest.raises(TypeError, match="takes a Tensor"):
        explain_html(3.0)


def test_the_located_node_is_marked():
    f, named = seed_example()
    trace = trace_of(explain_html(f, highlight=named["m"].grad_fn, layout="js").html)
    marked = [n for n in trace["graph"]["nodes"] if "suspect" in n["kind"]]
    assert [n["name"] for n in marked] == ["MaximumBackward"]


# ---- the page in a real browser ----

def _browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip("no headless browser: install chromium and chromium-driver (apt-get install chromium chromium-driver)")
    os.environ["SE_AVOID_STATS"] = "true"  # Selenium Manager must neither download a driver nor send statistics
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="chainrule-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    from selenium.webdriver.chrome.service import Service

    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options), profile


@pytest.fixture(scope="module")
def browser():
    driver, profile = _browser()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(browser, stepper: BackwardStepper, tmp_path: Path) -> None:
    path = tmp_path / "backward.html"
    stepper.save(path)
    browser.get(path.as_uri())


def lit(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.get_attribute("data-name") for e in browser.find_elements(By.CSS_SELECTOR, "#graph g.node.current")]


def text(browser, selector: str) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, selector).text


def press(browser, key_name: str, times: int = 1) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(times):
        body.send_keys(getattr(Keys, key_name))


def click(browser, button: str, times: int = 1) -> None:
    from selenium.webdriver.common.by import By

    for _ in range(times):
        browser.find_element(By.ID, button).click()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_stepping_the_seed_example_in_a_browser(browser, tmp_path, layout):
    f, named = seed_example()
    explanation = viz.explain(f, named)
    open_page(browser, explain_html(f, params=named, layout=layout), tmp_path)
    total = len(explanation.steps) + len(explanation.leaves)
    assert text(browser, "#counter") == f"step 0 / {total}" and lit(browser) == []
    assert len(browser.find_elements("css selector", "#graph svg g.node")) == 6 + 3  # tensors, then ops
    click(browser, "next")  # step 1: the output's node, seeded with ∂f/∂f = 1
    assert lit(browser) == ["f", "MulBackward"] and text(browser, "#counter") == f"step 1 / {total}"
    assert text(browser, "#upstream") == "upstream: ∂f/∂f = 1"
    rows = {r.get_attribute("data-input"): r.text for r in browser.find_elements("css selector", "#edges tr[data-input]")}
    assert rows["s"].startswith("s 1 × 2 = 2") and rows["m"].startswith("m 1 × 3 = 3")  # ∂f/∂s = max(y, z), ∂f/∂m = x + y
    press(browser, "ARROW_RIGHT", 2)  # all three nodes visited: y has had 3 through max and 2 through the sum
    assert lit(browser)[0] == explanation.steps[2].node
    y_row = text(browser, '#sofar tr[data-name="y"]')
    assert y_row.endswith("= 5") and sorted(numbers(y_row.split("=", 1)[1])[:2]) == [2, 3]
    press(browser, "ARROW_LEFT")
    assert lit(browser)[0] == explanation.steps[1].node and text(browser, "#counter") == f"step 2 / {total}"
    click(browser, "next", total)  # past the end stays at the end
    assert text(browser, "#counter") == f"step {total} / {total}"
    assert browser.find_element("id", "next").get_attribute("disabled") is not None
    leaf = explanation.leaves[-1]
    assert lit(browser) == [leaf.leaf] and text(browser, "#total").startswith(f"∂f/∂{leaf.leaf} = ")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_located_node_stays_outlined_while_stepping(browser, tmp_path, layout):
    from selenium.webdriver.common.by import By

    f, named = seed_example()
    open_page(browser, explain_html(f, params=named, highlight=named["m"], layout=layout), tmp_path)
    click(browser, "next", 2)
    marked = browser.find_elements(By.CSS_SELECTOR, "#graph g.node.suspect")
    assert [e.get_attribute("data-name") for e in marked] == ["MaximumBackward"]


def test_the_notebook_view_steps_inside_its_iframe(browser, tmp_path):
    from selenium.webdriver.common.by import By

    f, named = seed_example()
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body>{explain_html(f, params=named)._repr_html_()}</body></html>",
                        encoding="utf-8")
    browser.get(notebook.as_uri())
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    try:
        click(browser, "next")
        assert lit(browser) == ["f", "MulBackward"] and text(browser, "#upstream") == "upstream: ∂f/∂f = 1"
    finally:
        browser.switch_to.default_content()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_stepping_a_small_mlp_in_a_browser(browser, tmp_path, layout):
    loss, model = small_mlp()
    stepper = explain_html(loss, params=model, layout=layout)
    explanation = stepper.explanation  # intermediates are named t1, t2, … in the page's own order
    open_page(browser, stepper, tmp_path)
    k = len(explanation.steps)
    assert text(browser, "#counter") == f"step 0 / {k + len(explanation.leaves)}"
    press(browser, "ARROW_RIGHT", k)  # every node visited: each parameter's gradient is complete
    assert lit(browser)[0] == explanation.steps[-1].node
    loss.backward()
    for name, p in model.named_parameters():
        shown = text(browser, f'#sofar tr[data-name="{name}"]')
        assert shown.startswith(f"∂out/∂{name} = {p.shape}"), shown
        assert np.allclose(final_values(shown), p.grad.data.ravel(), atol=1e-4), name
