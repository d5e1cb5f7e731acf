"""Packaging: the version comes from the installed metadata, and type checkers are told to read the hints."""

import re
from importlib import metadata
from pathlib import Path

import pytest

import autograd
import nn
from autograd import _version

ROOT = Path(__file__).resolve().parent.parent


def test_both_packages_report_the_distributions_version():
    assert autograd.__version__ == nn.__version__ == _version.distribution_version()
    try:
        installed = metadata.version("chainrule")
    except metadata.PackageNotFoundError:
        assert autograd.__version__ == "0+unknown"  # a source tree that was never installed
    else:
        assert autograd.__version__ == installed


def test_the_version_is_read_from_metadata_with_a_fallback(monkeypatch):
    monkeypatch.setattr(metadata, "version", lambda name: {"chainrule": "1.2.3"}[name])
    assert _version.distribution_version() == "1.2.3"

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert _version.distribution_version() == "0+unknown"


@pytest.mark.parametrize("package", ["autograd", "nn"])
def test_py_typed_markers_ship_with_both_packages(package):
    assert (ROOT / package / "py.typed").is_file()
    section = (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("[tool.setuptools.package-data]")[1]
    assert re.search(rf'^{package} = \[[^]]*"py\.typed"', section.split("\n[")[0], flags=re.M)


class Skipped:
    def __init__(self, reason):
        self.longrepr = ("tests/x.py", 1, f"Skipped: {reason}")


def test_the_run_says_what_a_missing_tool_left_untested():
    from .conftest import skipped_for_missing_tools

    reports = [Skipped("could not import 'torch': No module named 'torch'")] * 3
    reports += [Skipped("Graphviz's dot program is not installed"), Skipped("could not import 'sklearn.datasets': x"),
                Skipped("root may write in any folder")]
    assert skipped_for_missing_tools(reports) == [
        "dot not installed: 1 tests that render drawings skipped (apt-get install graphviz)",
        'sklearn not installed: 1 tests skipped (pip install "chainrule[data]")',
        "torch not installed: 3 reference comparisons with PyTorch skipped (pip install torch)",
    ]
