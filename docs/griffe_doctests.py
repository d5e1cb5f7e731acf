"""A griffe extension for the API reference: docstrings' ``>>>`` examples shown as console code, not prose."""

from __future__ import annotations

from typing import Any

import griffe


class DoctestsAsCode(griffe.Extension):
    """Fence each run of doctest lines (prompt, continuation and output, up to a blank line) as ``pycon``."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)


def fence_doctests(text: str) -> str:
    out: list[str] = []
    indent = None
    for line in text.splitlines():
        if indent is None and line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
        elif indent is not None and not line.strip():
            out.append(f"{indent}```")
            indent = None
        out.append(line)
    if indent is not None:
        out.append(f"{indent}```")
    return "\n".join(out)
