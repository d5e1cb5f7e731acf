"""The compiled twins of the two loops every op runs through: ``Function.apply`` and the backward walk.

``function.py`` and ``engine.py`` hold the Python versions, the reference and the ones to read;
``_speedups.c`` does the same steps in the same order, calling back into the same Python helpers for
anything rare, and both pass the same test suite. The C versions are used when the extension was built
at install (it needs a C compiler; without one chainrule installs and runs on the Python versions alone)
and the environment variable ``CHAINRULE_PURE_PYTHON`` is unset or empty.

>>> import autograd.compiled
>>> with autograd.compiled.disabled():
...     autograd.compiled.active()
False
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, NamedTuple

from . import engine, function
from .anomaly import creation_site
from .function import _NEVER, FREED_GRAPH, Context, Function
from .grad_mode import clock, state
from .ops import scratch
from .tensor import Tensor

try:
    from . import _speedups
except ImportError:  # not built: no compiler at install, or an interpreter it was not built for
    _speedups = None

class _Loops(NamedTuple):
    """One set of the loops, as installed: on the classes and modules that call them."""

    apply: Any
    walk: Any
    consumer_counts: Any
    saved_tensors: Any
    held_by_engine: Any


_PYTHON = _Loops(Function.__dict__["apply"], engine._walk, engine._consumer_counts,
                 Context.__dict__["saved_tensors"], scratch.not_held)
_COMPILED = None if _speedups is None else _Loops(
    classmethod(_speedups.apply), _speedups.walk, _speedups.consumer_counts,
    property(_speedups.saved_tensors, doc=_PYTHON.saved_tensors.__doc__), _speedups.is_passing)


def available() -> bool:
    """True if the extension was built and imports."""
    return _speedups is not None


def active() -> bool:
    """True while ops and backward run on the compiled loops."""
    return engine._walk is not _PYTHON.walk


def use(compiled: bool) -> None:
    """Run on the compiled loops (if available) or on the Python ones, from now on."""
    loops = _COMPILED if compiled and _COMPILED is not None else _PYTHON
    Function.apply, Context.saved_tensors = loops.apply, loops.saved_tensors
    engine._walk, engine._consumer_counts = loops.walk, loops.consumer_counts
    scratch.held_by_engine = loops.held_by_engine


@contextlib.contextmanager
def using(compiled: bool) -> Iterator[None]:
    """``use(compiled)`` inside the block, and the loops that ran before it after."""
    was = active()
    use(compiled)
    try:
        yield
    finally:
        use(was)


def disabled() -> contextlib.AbstractContextManager[None]:
    """Run on the Python loops inside the block: to step through them, or to compare the two."""
    return using(False)


if _speedups is not None:
    _speedups.setup(Tensor, Context, state, clock, _NEVER, FREED_GRAPH, Context._saved_as_tensors,
                    function._lift_all, creation_site,
                    engine._visit, engine._tensor_rule, engine._one_per_input, engine._checked)
use(not os.environ.get("CHAINRULE_PURE_PYTHON"))
