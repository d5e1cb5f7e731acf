"""Graph objects out of the cyclic garbage collector's walks (DESIGN.md §1).

A graph is acyclic and freed by reference counting, so the collector gains nothing by walking it,
yet each walk costs time in proportion to its size. A recorded node, its input tuple and its output
Tensor are hidden from the collector while the node holds no attributes of its own (and saved only
arrays); so is a number lifted to a constant. Hidden objects refer only down the graph, so a cycle
through them has to come back up through an attribute of a Tensor or a node: setting any attribute on
one shows it to the collector again, and before each full collection (``gc.collect()``, or Python's
own when enough has accumulated) the hidden graph that such attributes reach is shown too, so the
cycle is found and collected. Python has no call for this: the helper is compiled with the engine and
hides only the compiled classes' objects; on the Python source, or without the helper, everything
stays tracked (correct, just slower on very large graphs).
"""

from __future__ import annotations

from typing import Any

try:
    from ._collector import hide, hide_constant, watch
except ImportError:  # not built (no C compiler at install): every object stays visible to the collector

    def hide(node: Any, parts: tuple[Any, ...], out: Any = None) -> None:
        """Untrack a recorded node, its input tuple and its output (a no-op here: not built)."""

    def hide_constant(tensor: Any) -> None:
        """Untrack a constant the engine made (a no-op here: not built)."""

    def watch(tensor: type, context: type) -> None:
        """Start hiding objects of these classes (a no-op here: not built)."""

AVAILABLE = hide.__module__ != __name__
