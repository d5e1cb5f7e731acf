"""Shared test setup: hypothesis profiles chosen by environment, and global state restored after each test."""

import os
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import autograd
from autograd.grad_mode import state

# The notebooks' kernels inherit this: with pytest's workers on every core, BLAS threads would only contend
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The compiled build imports autograd/engine.py and its siblings as extension modules built from them;
# pytest's doctest collection would refuse those as "import file mismatch" and skip their docstrings
os.environ.setdefault("PY_IGNORE_IMPORTMISMATCH", "1")

settings.register_profile("ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _restore_global_state():
    dtype = autograd.get_default_dtype()
    enabled, anomaly = state.enabled, state.anomaly
    yield
    autograd.set_default_dtype(dtype)
    state.enabled, state.anomaly = enabled, anomaly


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say what was not tested for lack of an optional tool, so a quiet run cannot hide it."""
    for line in skipped_for_missing_tools(terminalreporter.stats.get("skipped", [])):
        terminalreporter.write_line(line, yellow=True, bold=True)


MISSING_TOOLS = {  # what a missing module or program skips, and how to get it
    "torch": ("reference comparisons with PyTorch", "pip install torch"),
    "dot": ("tests that render drawings", "apt-get install graphviz"),
    "graphviz": ("tests that render drawings", 'pip install "chainrule[viz]"'),
    "matplotlib": ("tests of plots", 'pip install "chainrule[plot]"'),
    "sklearn": ("tests", 'pip install "chainrule[data]"'),
    "safetensors": ("tests", 'pip install "chainrule[safetensors]"'),
    "tqdm": ("tests", 'pip install "chainrule[progress]"'),
}


def skipped_for_missing_tools(reports) -> list[str]:
    """``"torch not installed: 559 reference comparisons with PyTorch skipped (pip install torch)"`` and the like."""
    counts: dict[str, int] = {}
    for report in reports:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        imported = re.search(r"could not import '([\w.]+)'", reason)
        if imported:
            missing = imported.group(1).split(".")[0]
        elif "dot program" in reason:
            missing = "dot"
        else:
            continue
        counts[missing] = counts.get(missing, 0) + 1
    lines = []
    for missing, count in sorted(counts.items()):
        what, fix = MISSING_TOOLS.get(missing, ("tests", f"pip install {missing}"))
        lines.append(f"{missing} not installed: {count} {what} skipped ({fix})")
    return lines
