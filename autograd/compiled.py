"""Which build of the engine runs: the Python source, or the same source compiled by Cython.

``function.py``, ``engine.py``, ``tensor.py`` and ``grad_mode.py`` are the engine's only source, and
``ops/elementwise.py`` that of the elementwise ops and their rules. When chainrule is installed where Cython
and a C compiler are at hand, ``setup.py`` also compiles those files (typed where the ``.pxd`` files beside
them say) into extension modules, which Python then imports in their place. Without a compiler chainrule
installs and runs on the ``.py`` files alone.
``CHAINRULE_PURE_PYTHON=1`` in the environment at start-up imports the ``.py`` files even where the
compiled ones exist: to step through the engine in a debugger, or to compare the two builds.

>>> import autograd.compiled
>>> autograd.compiled.active() == (autograd.compiled.available() and not autograd.compiled.requested_pure_python())
True
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

MODULES = ("grad_mode", "tensor", "function", "engine", "ops.elementwise")  # compiled when built (setup.py)
PURE_PYTHON = "CHAINRULE_PURE_PYTHON"  # the environment variable that selects the .py files at start-up


def available() -> bool:
    """True if the compiled modules were built for this interpreter (whether or not they run now)."""
    return all(any(_path(name, suffix).exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES)
               for name in MODULES)


def active() -> bool:
    """True if this process runs the compiled modules (fixed at import: see ``CHAINRULE_PURE_PYTHON``)."""
    return all(not sys.modules[f"{__package__}.{name}"].__file__.endswith(".py") for name in MODULES)


def requested_pure_python() -> bool:
    """True if the environment asks for the Python source (``CHAINRULE_PURE_PYTHON`` set and not empty)."""
    return bool(os.environ.get(PURE_PYTHON))


class SourceOnly:
    """An import hook that loads the engine's modules from their ``.py`` files, never a compiled build."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        module = name.removeprefix(f"{__package__}.")
        if module == name or module not in MODULES:
            return None
        return importlib.util.spec_from_file_location(name, _path(module, ".py"))


def _path(module: str, suffix: str) -> Path:
    """Where a module of ``MODULES`` (dotted, relative to this package) lies, with the given file suffix."""
    return Path(__file__).parent.joinpath(*module.split(".")).with_suffix(suffix)


# autograd/__init__.py imports this module before any of the engine's, so the choice is made in time
if requested_pure_python() and SourceOnly not in sys.meta_path:
    sys.meta_path.insert(0, SourceOnly)
