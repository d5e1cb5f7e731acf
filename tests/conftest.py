"""Shared test setup: hypothesis profiles chosen by environment, and global state restored after each test."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import autograd
from autograd.grad_mode import state

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
