"""detect_anomaly: the first NaN/Inf gradient raises, naming the op and the user line that created it.

Also pins how NaN from an untaken ``where`` branch behaves, and the double-where pattern that avoids it.
"""

import os
import sys
import warnings

import numpy as np
import pytest

import autograd

HERE = os.path.basename(__file__)


def _line_below() -> int:
    """The line number just after the caller's line."""
    return sys._getframe(1).f_lineno + 1


def test_log_of_zero_raises_naming_log_and_the_creating_line():
    x = autograd.tensor([1.0, 0.0], requires_grad=True)
    with autograd.detect_anomaly(), np.errstate(divide="ignore"):
        line = _line_below()
        y = autograd.log(x)
        loss = (y * 2).sum()
        with pytest.raises(RuntimeError, match=rf"'LogBackward' returned nan or inf.*{HERE}:{line}\b"):
            loss.backward()
    assert x.grad is None


def test_error_names_the_first_op_whose_gradient_is_not_finite():
    x = autograd.tensor([0.0, 4.0], requires_grad=True)
    with autograd.detect_anomaly(), np.errstate(divide="ignore"):
        line = _line_below()
        h = autograd.sqrt(x)       # sqrt′(0) = ∞; the ops above it have finite gradients
        y = autograd.tanh(h) * 3
        with pytest.raises(RuntimeError, match=rf"'SqrtBackward'.*{HERE}:{line}\b"):
            y.sum().backward()


def test_op_created_outside_the_block_is_still_named():
    x = autograd.tensor(0.0, requires_grad=True)
    with np.errstate(divide="ignore"):
        y = autograd.log(x)
        with autograd.detect_anomaly(), pytest.raises(RuntimeError, match="LogBackward"):
            y.backward()


def test_outside_the_block_nan_and_inf_propagate_as_in_numpy():
    x = autograd.tensor([0.0, -1.0, 4.0], requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = autograd.log(x)
        np.testing.assert_array_equal(y.data, np.log(x.data))
        y.sum().backward()
    assert np.isinf(x.grad.data[0]) and x.grad.data[0] > 0
    np.testing.assert_allclose(x.grad.data[1:], [-1.0, 0.25])
    with pytest.warns(RuntimeWarning, match="divide by zero"):   # NumPy's own warning, as np.log(0) gives
        autograd.log(autograd.tensor(0.0))


def test_flags_are_restored_after_exceptions():
    assert not autograd.is_anomaly_enabled()
    with pytest.raises(KeyError), autograd.detect_anomaly():
        assert autograd.is_anomaly_enabled()
        raise KeyError("x")
    assert not autograd.is_anomaly_enabled()
    x = autograd.tensor(0.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="LogBackward"), autograd.detect_anomaly(), np.errstate(divide="ignore"):
        autograd.log(x).backward()
    assert not autograd.is_anomaly_enabled()
    assert autograd.is_grad_enabled()


def test_nested_blocks_and_check_nan_false():
    with autograd.detect_anomaly():
        with autograd.detect_anomaly(check_nan=False):
            assert not autograd.is_anomaly_enabled()
        assert autograd.is_anomaly_enabled()
    assert not autograd.is_anomaly_enabled()


def test_decorator_form():
    @autograd.detect_anomaly()
    def step(x):
        assert autograd.is_anomaly_enabled()
        with np.errstate(divide="ignore"):
            autograd.log(x).sum().backward()

    x = autograd.tensor([1.0, 0.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=rf"LogBackward.*{HERE}:\d+"):
        step(x)
    assert not autograd.is_anomaly_enabled()
    step(autograd.tensor([1.0, 2.0], requires_grad=True))   # finite: no error


def test_finite_backward_is_unchanged_in_anomaly_mode(rng):
    a = rng.uniform(0.5, 2.0, 4)
    x = autograd.tensor(a, requires_grad=True, dtype=np.float64)
    with autograd.detect_anomaly():
        (autograd.log(x) * autograd.tanh(x)).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.tanh(a) / a + np.log(a) * (1 - np.tanh(a) ** 2), rtol=1e-14)


class TestWhere:
    """``where(x > 0, sqrt(x), 0)`` at x < 0: the untaken branch's NaN reaches the gradient (as in PyTorch and JAX)."""

    x = np.array([-1.0, 4.0])

    def test_single_where_gives_nan_gradient_where_masked(self):
        x = autograd.tensor(self.x, requires_grad=True, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            y = autograd.where(x > 0, autograd.sqrt(x), 0.0)
        np.testing.assert_array_equal(y.data, [0.0, 2.0])  # the value is masked...
        y.sum().backward()
        assert np.isnan(x.grad.data[0])                     # ...but 0 · sqrt′(NaN) is NaN
        assert x.grad.data[1] == 0.25

    def test_detect_anomaly_blames_sqrt(self):
        x = autograd.tensor(self.x, requires_grad=True, dtype=np.float64)
        with autograd.detect_anomaly(), np.errstate(invalid="ignore"):
            y = autograd.where(x > 0, autograd.sqrt(x), 0.0)
            with pytest.raises(RuntimeError, match="SqrtBackward"):
                y.sum().backward()

    def test_double_where_gives_finite_gradients_without_warnings(self):
        x = autograd.tensor(self.x, requires_grad=True, dtype=np.float64)
        with warnings.catch_warnings(), autograd.detect_anomaly():
            warnings.simplefilter("error")
            safe = autograd.where(x > 0, x, 1.0)
            y = autograd.where(x > 0, autograd.sqrt(safe), 0.0)
            y.sum().backward()
        np.testing.assert_array_equal(y.data, [0.0, 2.0])
        np.testing.assert_array_equal(x.grad.data, [0.0, 0.25])
