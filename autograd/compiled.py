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

_PYTHON = Function.__dict__["apply"], engine._walk, engine._consumer_counts, Context.__dict__["saved_tensors"]


def available() -> bool:
    """True if the extension was built and imports."""
    return _speedups is not None


def active() -> bool:
    """True while ops and backward run on the compiled loops."""
    return engine._walk is not _PYTHON[1]


def use(compiled: bool) -> None:
    """Run on the compiled loops (if available) or on the Python ones, from now on."""
    if compiled and _speedups is not None:
        Function.apply = classmethod(_speedups.apply)
        engine._walk, engine._consumer_counts = _speedups.walk, _speedups.consumer_counts
        Context.saved_tensors = property(_speedups.saved_tensors, doc=_PYTHON[3].__doc__)
        scratch.held_by_engine = _speedups.is_passing
    else:
        Function.apply = _PYTHON[0]
        engine._walk, engine._consumer_counts, Context.saved_tensors = _PYTHON[1:]
        scratch.held_by_engine = scratch.not_held


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run on the Python loops inside the block: to step through them, or to compare the two."""
    was = active()
    use(False)
    try:
        yield
    finally:
        use(was)


if _speedups is not None:
    _speedups.setup(Tensor, Context, state, clock, _NEVER, FREED_GRAPH, Context._saved_as_tensors,
                    function._lift_all, creation_site,
                    engine._visit, engine._tensor_rule, engine._one_per_input, engine._checked)
use(not os.environ.get("CHAINRULE_PURE_PYTHON"))
