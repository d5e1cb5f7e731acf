"""Committed notebooks carry their outputs, made by the code they hold now, without machine paths.

The notebooks are executed by the test run too (nbmake); this checks what a reader sees without running them.
Refresh them with ``python -m tools.nbtool refresh notebooks/*.ipynb``.
"""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
from tools.nbtool import problems, source_hash  # noqa: E402

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_executed_and_current(path):
    assert problems(nbformat.read(path, as_version=4)) == [], "run: python -m tools.nbtool refresh " + str(path.name)


def _notebook(source, outputs, stored_hash=None):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs, cell.execution_count = outputs, 1 if outputs else None
    nb.cells = [nbformat.v4.new_markdown_cell("# title"), cell]
    nb.metadata["chainrule"] = {"source_sha256": stored_hash or source_hash(nb)}
    return nb


def test_the_check_catches_each_problem():
    printed = [nbformat.v4.new_output("stream", name="stdout", text="4\n")]
    assert problems(_notebook("print(2 + 2)", printed)) == []
    assert "not executed" in problems(_notebook("print(2 + 2)", []))[0]
    assert "stale" in problems(_notebook("print(2 + 2)", printed, stored_hash="0" * 64))[0]
    nb = _notebook("print(2 + 2)", printed)
    nb.cells[1].source = "print(2 + 3)"
    assert "stale" in problems(nb)[0]
    nb = _notebook("print(2 + 2)", printed)
    del nb.metadata["chainrule"]
    assert problems(nb) == ["no source hash in its metadata"]
    warned = [nbformat.v4.new_output("stream", name="stderr", text="/home/ann/venv/lib/x.py:3: UserWarning: w\n")]
    assert "machine path" in problems(_notebook("import x", warned))[0]
    nb = _notebook("print(2 + 2)", printed)
    nb.cells[0].source = "# a new title"                 # markdown does not change outputs
    assert problems(nb) == []
