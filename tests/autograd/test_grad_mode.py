"""Grad mode: no_grad / enable_grad / set_grad_enabled as context managers and decorators, per thread."""

import threading

import numpy as np
import pytest

import autograd


def _leaf():
    return autograd.tensor([1.0, 2.0], requires_grad=True)


def _records(x):
    y = x * 2 + 1
    return y.requires_grad and y.grad_fn is not None


def test_no_graph_is_recorded_under_no_grad():
    x = _leaf()
    with autograd.no_grad():
        assert not autograd.is_grad_enabled()
        y = autograd.tanh(x @ x) * x
        assert y.grad_fn is None and not y.requires_grad and y.is_leaf
    assert autograd.is_grad_enabled()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_enable_grad_inside_no_grad():
    x = _leaf()
    with autograd.no_grad():
        with autograd.enable_grad():
            assert _records(x)
        assert not _records(x)


def test_set_grad_enabled_as_context_manager_and_as_a_call():
    x = _leaf()
    with autograd.set_grad_enabled(False):
        assert not _records(x)
        with autograd.set_grad_enabled(True):
            assert _records(x)
        assert not _records(x)
    assert _records(x)
    autograd.set_grad_enabled(False)      # a plain call switches the mode at once, like torch
    try:
        assert not _records(x)
    finally:
        autograd.set_grad_enabled(True)
    assert _records(x)


@pytest.mark.parametrize("make", [autograd.no_grad, lambda: autograd.set_grad_enabled(False)])
def test_decorators_switch_off_only_inside_the_function(make):
    x = _leaf()

    @make()
    def evaluate(t):
        """Docstring kept."""
        return _records(t), autograd.is_grad_enabled()

    assert autograd.is_grad_enabled()   # decorating does not switch the mode
    assert evaluate(x) == (False, False)
    assert _records(x)
    assert evaluate.__doc__ == "Docstring kept." and evaluate.__name__ == "evaluate"


def test_enable_grad_decorator():
    x = _leaf()

    @autograd.enable_grad()
    def train_step(t):
        return _records(t)

    with autograd.no_grad():
        assert train_step(x)
        assert not _records(x)


@pytest.mark.parametrize("scope", [autograd.no_grad, autograd.enable_grad, lambda: autograd.set_grad_enabled(False)])
def test_mode_is_restored_after_an_exception(scope):
    for outer in (True, False):
        with autograd.set_grad_enabled(outer):
            with pytest.raises(ValueError, match="boom"):
                with scope():
                    raise ValueError("boom")
            assert autograd.is_grad_enabled() is outer


def test_decorated_function_restores_mode_after_an_exception():
    @autograd.no_grad()
    def fails():
        raise KeyError("x")

    with pytest.raises(KeyError):
        fails()
    assert autograd.is_grad_enabled()


def test_grad_mode_is_per_thread():
    x = _leaf()
    seen = {}
    main_in_no_grad, worker_in_no_grad, main_checked = threading.Event(), threading.Event(), threading.Event()

    def worker():
        main_in_no_grad.wait(5)
        seen["enabled"], seen["records"] = autograd.is_grad_enabled(), _records(x)
        with autograd.no_grad():
            worker_in_no_grad.set()
            main_checked.wait(5)
            seen["inner"] = autograd.is_grad_enabled()

    thread = threading.Thread(target=worker)
    thread.start()
    with autograd.no_grad():
        main_in_no_grad.set()
        worker_in_no_grad.wait(5)
        assert not _records(x)
    assert _records(x)              # the worker is inside no_grad right now
    main_checked.set()
    thread.join(5)
    assert seen == {"enabled": True, "records": True, "inner": False}


def test_optimizer_style_update_under_no_grad_keeps_the_leaf():
    w = autograd.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    (w * w).sum().backward()
    with autograd.no_grad():
        w_new = w - 0.1 * w.grad
    assert w_new.grad_fn is None
    np.testing.assert_allclose(w_new.data, [0.8, 1.6])


def test_the_record_of_in_place_changes_forgets_freed_memory():
    from autograd.grad_mode import clock

    for _ in range(5000):
        t = autograd.tensor([1.0, 2.0])
        t += 1  # a true in-place change: noted under the array's memory, which is freed right after
    assert len(clock._changed) <= 2 * 1024


def test_a_thread_that_ends_with_grad_mode_off_leaves_the_others_recording():
    x = _leaf()
    thread = threading.Thread(target=lambda: autograd.set_grad_enabled(False))
    thread.start()
    thread.join(5)
    assert _records(x)
    with autograd.no_grad():
        assert not _records(x)
    assert _records(x)


def test_every_switch_of_grad_mode_keeps_the_count_of_threads_with_it_off():
    from autograd.grad_mode import opened, state

    before = opened.disabled
    state.enabled = False  # the engine's own spelling, as in a backward pass
    assert opened.disabled == before + 1 and not _records(_leaf())
    state.enabled = False
    assert opened.disabled == before + 1
    state.enabled = True
    assert opened.disabled == before and _records(_leaf())
