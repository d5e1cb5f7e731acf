"""The documentation site: its commands match the README's, its examples run, and its API reference covers __all__."""

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_getting_started_gives_the_readmes_commands():
    readme = _bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    page = _bash_blocks((DOCS / "getting-started.md").read_text(encoding="utf-8"))
    assert page == readme  # train, test, and build-and-serve the docs: word for word


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(page, tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
    if not blocks:
        pytest.skip("no Python example on this page")
    code = "\n".join(blocks)
    if "hypothesis" in code:
        pytest.importorskip("hypothesis")
    if re.search(r"^\s*draw\(", code, flags=re.M) and (importlib.util.find_spec("graphviz") is None
                                                       or shutil.which("dot") is None):
        pytest.skip("the example draws with Graphviz, which is not installed")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    exec(compile(code, str(page), "exec"), namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            value()  # a property test shown on the page must pass


def test_the_locate_example_finds_the_planted_rule(tmp_path, monkeypatch, capsys):
    code = "\n".join(re.findall(r"```python\n(.*?)```", (DOCS / "guides/writing-a-function.md").read_text(), re.S))
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "writing-a-function.md", "exec"), {"__name__": "docs_locate"})
    site = re.search(r"^BadSoftplusBackward, created at writing-a-function.md:(\d+)", capsys.readouterr().out, re.M)
    assert site and "BadSoftplus.apply(x @ w)" in code.splitlines()[int(site[1]) - 1]


def test_the_api_reference_has_every_public_name():
    pytest.importorskip("mkdocs")
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    pages = hooks._api_pages()
    import autograd
    import nn

    for package in (autograd, nn):
        for name in package.__all__:
            target = f"{package.__name__}.{name}"
            assert target in pages or f"::: {target}\n" in pages[package.__name__], target
    assert "::: autograd.gradcheck.locate\n" in pages["autograd.gradcheck"]
    assert "::: autograd.stepper.explain_html\n" in pages["autograd.stepper"]
