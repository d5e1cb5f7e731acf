"""Execute notebooks and store their outputs, stamped with a hash of the code they came from.

    python -m tools.nbtool refresh notebooks/*.ipynb    # run each notebook, save it with outputs and the hash
    python -m tools.nbtool check notebooks/*.ipynb      # exit 1 if a notebook is unexecuted or stale

A notebook is *stale* when its code cells no longer hash to the value stored in its metadata: the outputs a
reader sees on a code host were made by other code. Outputs must not show machine paths; ``refresh``
refuses to save a notebook whose outputs do.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

KEY = "chainrule"  # the notebook-metadata namespace this tool writes
# an absolute path of this machine: under a home, a virtual environment, site-packages or a temporary folder
MACHINE_PATH = re.compile(r"(/(home|Users|work|tmp|root|opt|usr)/[\w.-]+)|site-packages|\b[A-Za-z]:\\\w")


def source_hash(nb: nbformat.NotebookNode) -> str:
    """SHA-256 of the notebook's code cells, in order (markdown does not change outputs)."""
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    return hashlib.sha256(json.dumps(sources, ensure_ascii=False).encode()).hexdigest()


def output_text(nb: nbformat.NotebookNode) -> str:
    """All text of the notebook's outputs (streams, text results, error tracebacks), for inspection."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts += [out.get("text", ""), *out.get("traceback", []), out.get("data", {}).get("text/plain", "")]
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Why a committed notebook cannot be read as it is: unexecuted cells, a stale hash, machine paths."""
    found = []
    code = [cell for cell in nb.cells if cell.cell_type == "code" and cell.source.strip()]
    if not any(cell.get("outputs") for cell in code) or any(cell.get("execution_count") is None for cell in code):
        found.append("not executed: it has code cells without outputs or an execution count")
    stored = nb.metadata.get(KEY, {}).get("source_sha256")
    if stored is None:
        found.append("no source hash in its metadata")
    elif stored != source_hash(nb):
        found.append("stale: its code changed since its outputs were made")
    match = MACHINE_PATH.search(output_text(nb))
    if match:
        found.append(f"its outputs show a machine path ({match.group(0)!r})")
    return found


def refresh(path: Path, timeout: int = 600) -> None:
    """Execute the notebook in its own folder and save it with its outputs and source hash."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata[KEY] = {"source_sha256": source_hash(nb)}
    match = MACHINE_PATH.search(output_text(nb))
    if match:
        raise SystemExit(f"{path}: not saved, its outputs show a machine path ({match.group(0)!r})")
    nbformat.write(nb, path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.nbtool", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["refresh", "check"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "refresh":
        # the kernel imports the working tree's packages, wherever the notebook's folder is
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path.cwd()), os.environ.get("PYTHONPATH")]))
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")  # small matrices: one BLAS thread is as fast, and sums in a fixed order
        for path in args.notebooks:
            print(f"executing {path}", flush=True)
            refresh(path)
        return 0
    bad = {path: problems(nbformat.read(path, as_version=4)) for path in args.notebooks}
    for path, found in bad.items():
        for problem in found:
            print(f"{path}: {problem}")
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
