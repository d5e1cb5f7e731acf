"""SmoothL1Loss, SoftMarginLoss, MarginRankingLoss, PoissonNLLLoss and GaussianNLLLoss: values and gradients against
PyTorch for every reduction, central differences, the Modules, and torch's errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn
import nn.functional as F
from autograd.testing import assert_gradients_match, shapes

from .torch_reference import assert_same_error, compare

REDUCTIONS = ["mean", "sum", "none"]


def _floats(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _arrays(data, shape, low, high):
    return data.draw(hnp.arrays(np.float64, shape, elements=_floats(low, high)))


def _signs(data, shape):
    return data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), beta=st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_smooth_l1_loss_matches_torch(reduction, data, beta):
    torch = pytest.importorskip("torch")
    shape = data.draw(shapes(max_dims=3))
    x, y = _arrays(data, shape, -4, 4), _arrays(data, shape, -4, 4)
    compare(lambda a, b: F.smooth_l1_loss(a, b, reduction, beta),
            lambda a, b: torch.nn.functional.smooth_l1_loss(a, b, reduction=reduction, beta=beta), [x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data())
def test_soft_margin_loss_matches_torch(reduction, data):
    torch = pytest.importorskip("torch")
    shape = data.draw(shapes(max_dims=3))
    compare(lambda a, b: F.soft_margin_loss(a, b, reduction),
            lambda a, b: torch.nn.functional.soft_margin_loss(a, b, reduction=reduction),
            [_arrays(data, shape, -20, 20), _signs(data, shape)], grad=[True, False])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), margin=st.sampled_from([0.0, 0.5]))
def test_margin_ranking_loss_matches_torch(reduction, data, margin):
    torch = pytest.importorskip("torch")
    shape = data.draw(shapes(max_dims=3))
    x1, x2 = _arrays(data, shape, -3, 3), _arrays(data, shape, -3, 3)
    compare(lambda a, b, y: F.margin_ranking_loss(a, b, y, margin, reduction),
            lambda a, b, y: torch.nn.functional.margin_ranking_loss(a, b, y, margin, reduction=reduction),
            [x1, x2, _signs(data, shape)], grad=[True, True, False])


def test_margin_ranking_loss_broadcasts_inputs_of_equal_ndim_as_torch(rng):
    torch = pytest.importorskip("torch")
    x1, x2, y = rng.normal(size=(4, 1)), rng.normal(size=(1, 3)), np.sign(rng.normal(size=(4, 3)))
    compare(lambda a, b, t: F.margin_ranking_loss(a, b, t, 0.2),
            lambda a, b, t: torch.nn.functional.margin_ranking_loss(a, b, t, 0.2), [x1, x2, y], grad=[True, True, False])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("log_input", [True, False])
@given(data=st.data())
def test_poisson_nll_loss_matches_torch(reduction, full, log_input, data):
    torch = pytest.importorskip("torch")
    shape = data.draw(shapes(max_dims=3))
    x = _arrays(data, shape, -3, 3) if log_input else _arrays(data, shape, 0.01, 5)
    counts = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0, 2.0, 3.5, 7.0])))
    compare(lambda a, y: F.poisson_nll_loss(a, y, log_input, full, reduction=reduction),
            lambda a, y: torch.nn.functional.poisson_nll_loss(a, y, log_input, full, reduction=reduction),
            [x, counts], grad=[True, False])


def _var_shape(data, shape):
    """The shapes of σ² that torch's gaussian_nll_loss takes for an input of this shape."""
    choices = [shape, shape[:-1]] + [shape[:i] + (1,) + shape[i + 1:] for i in range(len(shape))]
    return data.draw(st.sampled_from(choices))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@given(data=st.data())
def test_gaussian_nll_loss_matches_torch(reduction, full, data):
    torch = pytest.importorskip("torch")
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    x, y = _arrays(data, shape, -3, 3), _arrays(data, shape, -3, 3)
    # some variances below ε = 1e-3: clamped in value, not in gradient
    var = data.draw(hnp.arrays(np.float64, _var_shape(data, shape),
                               elements=st.one_of(_floats(0.0, 1e-3), _floats(1e-3, 4.0))))
    compare(lambda a, b, v: F.gaussian_nll_loss(a, b, v, full, 1e-3, reduction),
            lambda a, b, v: torch.nn.functional.gaussian_nll_loss(a, b, v, full, 1e-3, reduction), [x, y, var])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_nll_loss_with_a_number_for_var_matches_torch(reduction, rng):
    torch = pytest.importorskip("torch")
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    compare(lambda a, b: F.gaussian_nll_loss(a, b, 0.7, reduction=reduction),
            lambda a, b: torch.nn.functional.gaussian_nll_loss(a, b, 0.7, reduction=reduction), [x, y])


def test_gaussian_nll_loss_target_may_have_a_dim_of_one(rng):
    torch = pytest.importorskip("torch")
    x, y, v = rng.normal(size=(4, 3)), rng.normal(size=(4, 1)), rng.uniform(0.5, 2, size=(4, 3))
    compare(F.gaussian_nll_loss, torch.nn.functional.gaussian_nll_loss, [x, y, v])
    with pytest.raises(ValueError, match="target shape"):
        F.gaussian_nll_loss(x, rng.normal(size=(3,)), v)


LOSSES = {  # our Module, torch's, the functional form, and the number of arrays forward takes
    "SmoothL1Loss": (lambda: nn.SmoothL1Loss("sum", beta=0.3), lambda t: t.nn.SmoothL1Loss(reduction="sum", beta=0.3),
                     lambda a, b: F.smooth_l1_loss(a, b, "sum", 0.3), 2),
    "SoftMarginLoss": (lambda: nn.SoftMarginLoss("none"), lambda t: t.nn.SoftMarginLoss(reduction="none"),
                       lambda a, b: F.soft_margin_loss(a, b, "none"), 2),
    "MarginRankingLoss": (lambda: nn.MarginRankingLoss(0.4), lambda t: t.nn.MarginRankingLoss(0.4),
                          lambda a, b, c: F.margin_ranking_loss(a, b, c, 0.4), 3),
    "PoissonNLLLoss": (lambda: nn.PoissonNLLLoss(full=True), lambda t: t.nn.PoissonNLLLoss(full=True),
                       lambda a, b: F.poisson_nll_loss(a, b, full=True), 2),
    "GaussianNLLLoss": (lambda: nn.GaussianNLLLoss(full=True, eps=0.01), lambda t: t.nn.GaussianNLLLoss(full=True, eps=0.01),
                        lambda a, b, c: F.gaussian_nll_loss(a, b, c, True, 0.01), 3),
}


@pytest.mark.parametrize("name", LOSSES)
def test_module_is_the_functional_form_and_matches_torch(name, rng):
    torch = pytest.importorskip("torch")
    ours, theirs, functional, arity = LOSSES[name]
    arrays = [rng.uniform(0.5, 3, size=(4, 3)) for _ in range(arity)]
    arrays[-1] = np.abs(arrays[-1]) if name == "GaussianNLLLoss" else np.sign(arrays[-1] - 1.5)
    tensors = [autograd.tensor(a) for a in arrays]
    np.testing.assert_array_equal(ours()(*tensors).data, functional(*tensors).data)
    compare(ours(), theirs(torch), arrays, grad=[True] * (arity - 1) + [name == "GaussianNLLLoss"])
    assert repr(ours()) == repr(theirs(torch)) == f"{name}()"
    assert list(ours().state_dict()) == list(theirs(torch).state_dict()) == []


SMOOTH = {  # each loss where it is differentiable, for central differences: (loss, whether y is differentiated)
    "smooth_l1_loss": (lambda x, y: F.smooth_l1_loss(x, y, beta=100.0), True),
    "smooth_l1_loss linear part": (lambda x, y: F.smooth_l1_loss(x, y + 100.0, reduction="sum", beta=0.5), True),
    "soft_margin_loss": (lambda x, y: F.soft_margin_loss(x, np.where(y.data < 0, -1.0, 1.0)), False),
    "margin_ranking_loss": (lambda x, y: F.margin_ranking_loss(x, y, np.ones(x.shape), margin=100.0), True),
    "poisson_nll_loss": (lambda x, y: F.poisson_nll_loss(x, np.abs(y.data) + 2, full=True, reduction="none"), False),
    "poisson_nll_loss rates": (lambda x, y: F.poisson_nll_loss(x * x + 1, np.abs(y.data), log_input=False), False),
    "gaussian_nll_loss": (lambda x, y: F.gaussian_nll_loss(x, np.full(x.shape, 0.3), y * y + 0.1, reduction="sum"),
                          True),
}


@pytest.mark.parametrize("name", SMOOTH)
@given(data=st.data())
def test_gradients_match_central_differences(name, data):
    loss, y_differentiated = SMOOTH[name]
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=4))
    x = autograd.tensor(_arrays(data, shape, -3, 3), requires_grad=True)
    y = autograd.tensor(_arrays(data, shape, -3, 3), requires_grad=y_differentiated)
    assert_gradients_match(loss, x, y)


def test_soft_margin_loss_is_finite_where_torchs_formula_overflows():
    x = autograd.tensor([-1000.0, 1000.0], requires_grad=True)
    loss = F.soft_margin_loss(x, [1.0, 1.0], reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [1000.0, 0.0])
    np.testing.assert_allclose(x.grad.data, [-1.0, 0.0])


def test_smooth_l1_with_beta_zero_is_l1(rng):
    x, y = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    np.testing.assert_array_equal(F.smooth_l1_loss(x, y, beta=0.0).data, F.l1_loss(x, y).data)
    np.testing.assert_allclose(F.smooth_l1_loss(x, y, beta=0.5).data * 0.5, F.huber_loss(x, y, delta=0.5).data)


def test_losses_keep_float32(rng):
    x, y = rng.uniform(0.5, 2, size=(3, 2)).astype(np.float32), rng.uniform(0.5, 2, size=(3, 2)).astype(np.float32)
    signs = np.ones((3, 2), dtype=np.float32)
    for loss in (F.smooth_l1_loss(x, y), F.soft_margin_loss(x, signs), F.margin_ranking_loss(x, y, signs),
                 F.poisson_nll_loss(x, y, full=True), F.gaussian_nll_loss(x, y, y)):
        assert loss.dtype == np.float32


def test_bad_arguments_raise_torchs_errors():
    torch = pytest.importorskip("torch")
    tf, a, t = torch.nn.functional, autograd.ones(3), torch.ones(3)
    assert_same_error(lambda: F.smooth_l1_loss(a, a, beta=-1.0), lambda: tf.smooth_l1_loss(t, t, beta=-1.0),
                      RuntimeError, "negative values for beta")
    assert_same_error(lambda: F.margin_ranking_loss(a, a, autograd.ones(1, 3)),
                      lambda: tf.margin_ranking_loss(t, t, torch.ones(1, 3)), RuntimeError, "same dimension")
    assert_same_error(lambda: F.gaussian_nll_loss(a, a, -a), lambda: tf.gaussian_nll_loss(t, t, -t), ValueError,
                      "var has negative entry")
    assert_same_error(lambda: F.gaussian_nll_loss(a, a, -1.0), lambda: tf.gaussian_nll_loss(t, t, -1.0), ValueError,
                      "var has negative entry")
    two = autograd.ones(3, 2)
    assert_same_error(lambda: F.gaussian_nll_loss(two, two, autograd.ones(2)),
                      lambda: tf.gaussian_nll_loss(torch.ones(3, 2), torch.ones(3, 2), torch.ones(2)), ValueError,
                      "var is of incorrect size")
    for fn in ("smooth_l1_loss", "soft_margin_loss", "poisson_nll_loss"):
        assert_same_error(lambda fn=fn: getattr(F, fn)(a, a, reduction="avg"),
                          lambda fn=fn: getattr(tf, fn)(t, t, reduction="avg"), ValueError, "reduction")
    with pytest.raises(ValueError, match="reduction"):
        nn.GaussianNLLLoss(reduction="avg")


def test_regression_targets_must_have_the_inputs_shape():
    for fn in (F.smooth_l1_loss, F.soft_margin_loss, F.poisson_nll_loss):
        with pytest.raises(RuntimeError, match=r"input shape \(3,\) and target shape \(3, 1\) differ"):
            fn(autograd.ones(3), autograd.ones(3, 1))


def test_poisson_full_adds_stirlings_term_only_above_one(rng):
    x = rng.normal(size=6)
    y = np.array([0.0, 1.0, 2.0, 3.0, 5.0, 10.0])
    extra = F.poisson_nll_loss(x, y, full=True, reduction="none").data - F.poisson_nll_loss(x, y, reduction="none").data
    stirling = y * np.log(np.maximum(y, 1)) - y + 0.5 * np.log(2 * math.pi * np.maximum(y, 1))
    np.testing.assert_allclose(extra, np.where(y > 1, stirling, 0.0), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_per_element_weight_as_pytorch(name: str, reduction: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x, y, w = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)) * 2, rng.uniform(0.1, 2.0, (3, 4))
    compare(lambda a, b: getattr(F, name)(a, autograd.tensor(y), reduction=reduction, weight=b),
            lambda a, b: getattr(torch.nn.functional, name)(a, torch.tensor(y), reduction=reduction, weight=b), [x, w])
    with pytest.raises(ValueError, match="same size"):
        getattr(F, name)(autograd.tensor(x), autograd.tensor(y), weight=autograd.tensor(w[0]))
