"""Graph nodes out of the cyclic garbage collector's walks (DESIGN.md §1).

A graph is acyclic and freed by reference counting, so the collector gains nothing by walking it,
yet each walk costs time in proportion to its size. A recorded node and its input tuple are hidden
from the collector while the node holds no attributes of its own; a node that does (a rule stored
something on ``ctx``) is shown again, since that attribute may close a cycle the collector must find.
Python has no call for this: the helper is compiled with the engine and hides only the compiled
classes' objects; on the Python source, or without the helper, every node stays tracked (correct,
just slower on very large graphs).
"""

from __future__ import annotations

from typing import Any

try:
    from ._collector import hide, show
except ImportError:  # not built (no C compiler at install): every node stays visible to the collector

    def hide(node: Any, parts: tuple[Any, ...]) -> None:
        """Untrack ``node`` and ``parts`` unless ``node`` holds attributes (a no-op here: not built)."""

    def show(node: Any, parts: Any) -> None:
        """Track ``node`` and ``parts`` again if ``node`` holds attributes (a no-op here: not built)."""

AVAILABLE = hide.__module__ != __name__
