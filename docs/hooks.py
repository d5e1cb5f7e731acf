"""MkDocs hooks: the API reference from the packages' ``__all__``, the notebooks, and a live stepper page.

Everything here is generated at build time, so a name added to ``__all__`` or a new notebook appears
in the site without editing it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")


def on_config(config: Any) -> Any:
    """Import the packages from this checkout, and add the notebooks and the API reference to the nav."""
    sys.path.insert(0, str(ROOT))
    config.nav.append({"Notebooks": [f"notebooks/{p.name}" for p in _notebooks()]})
    config.nav.append({"API reference": [f"api/{name}.md" for name in _api_pages()]})
    return config


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns the notebooks into pages
def on_files(files: Files, config: Any) -> Files:
    for name, text in _api_pages().items():
        files.append(File.generated(config, f"api/{name}.md", content=text))
    for path in _notebooks():
        files.append(File(f"notebooks/{path.name}", src_dir=str(ROOT), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))
    files.append(File.generated(config, "examples/backward.html", content=_stepper_example()))
    return files


def _notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def _api_pages() -> dict[str, str]:
    """``{dotted module name: markdown}``: each package's ``__all__``, and each public module's own names."""
    pages: dict[str, str] = {}
    for top in map(importlib.import_module, PACKAGES):
        modules = [top, *_submodules(top)]
        packages = [m for m in modules if hasattr(m, "__path__")]
        exported = {getattr(getattr(p, n), "__name__", n) for p in packages for n in getattr(p, "__all__", ())}
        listed = {getattr(p, n).__name__ for p in packages for n in getattr(p, "__all__", ())
                  if inspect.ismodule(getattr(p, n))}
        for module in modules:
            names = _public(module)
            if module not in packages and module.__name__ not in listed and set(names) <= exported:
                continue  # an implementation module whose names a package exports: documented there
            pages[module.__name__] = _page(module, names)
    return dict(sorted(pages.items()))


def _submodules(package: ModuleType) -> list[ModuleType]:
    found = pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    return [importlib.import_module(m.name) for m in found if not any(p.startswith("_") for p in m.name.split("."))]


def _public(module: ModuleType) -> list[str]:
    """``__all__`` without its modules, or else the functions and classes defined in the module itself."""
    if hasattr(module, "__all__"):
        return [n for n in module.__all__ if not inspect.ismodule(getattr(module, n))]
    return sorted(n for n, obj in vars(module).items() if not n.startswith("_")
                  and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__)


def _page(module: ModuleType, names: list[str]) -> str:
    lines = [f"# `{module.__name__}`", "", f"::: {module.__name__}", "    options:", "      members: false",
             "      show_root_heading: false", ""]
    for name in names:
        lines += [f"::: {module.__name__}.{name}", ""]
    return "\n".join(lines)


def _stepper_example() -> str:
    """The lecture's f = (x + y)·max(y, z) at (1, 2, 0), stepped: ∂f/∂y = 3 + 2 = 5."""
    import autograd
    from autograd.viz import explain_html

    x, y, z = (autograd.tensor(v, requires_grad=True) for v in (1.0, 2.0, 0.0))
    x.name, y.name, z.name = "x", "y", "z"
    s = x + y
    m = autograd.maximum(y, z)
    f = s * m
    return explain_html(f, params={"s": s, "m": m, "f": f}).html
