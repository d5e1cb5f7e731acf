"""The README's Python examples run as written and print what the README says they print."""

import re
import shutil
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, tmp_path, monkeypatch, capsys):
    pytest.importorskip("hypothesis")
    code = BLOCKS[index]
    if "draw(" in code:  # renders a drawing: needs the graphviz package and Graphviz's dot program
        pytest.importorskip("graphviz", reason="the graphviz Python package is not installed: this example renders")
        if shutil.which("dot") is None:
            pytest.skip("Graphviz's dot program is not installed: this example renders a drawing")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict = {"__name__": f"readme_example_{index}"}
    exec(compile(code, f"README.md example {index}", "exec"), namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):
            value()  # the property-test example: its tests must pass
    printed = capsys.readouterr().out
    for expected in re.findall(r"print\(.*\)\s+# (\d+\.\d+)", code):
        assert expected in printed
