"""Losses: values and gradients against PyTorch for every reduction, stability at extremes, clear errors."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.testing import assert_gradients_match

N, C = 6, 4


@pytest.fixture
def data(rng):
    logits = rng.normal(size=(N, C)) * 3
    logits[0] = [1000.0, -1000.0, 0.0, 5.0]
    classes = rng.integers(0, C, N)
    classes[2] = -100
    probs = rng.uniform(size=(N, C))
    probs[0] = [0.0, 1.0, 1e-13, 1 - 1e-13]
    bits = rng.integers(0, 2, (N, C)).astype(np.float64)
    bits[0] = [1.0, 0.0, 1.0, 0.0]
    return {
        "logits": logits, "classes": classes, "weight": rng.uniform(0.5, 2.0, C),
        "dist": rng.dirichlet(np.ones(C), N), "log_probs": np.log(rng.dirichlet(np.ones(C), N)),
        "probs": probs, "bits": bits, "soft_bits": rng.uniform(size=(N, C)), "y": rng.normal(size=(N, C)),
        "logits_3d": rng.normal(size=(2, C, 3)), "classes_3d": rng.integers(0, C, (2, 3)),
    }


def _cases(torch, d):
    """(input key, ours(input, reduction), theirs(input, reduction), relative tolerance of the gradient)."""
    tf, T = torch.nn.functional, torch.tensor
    w = d["weight"]
    return {
        "mse": ("logits", lambda x, r: F.mse_loss(x, d["y"], r), lambda t, r: tf.mse_loss(t, T(d["y"]), reduction=r)),
        "l1": ("logits", lambda x, r: F.l1_loss(x, d["y"], r), lambda t, r: tf.l1_loss(t, T(d["y"]), reduction=r)),
        "huber": ("logits", lambda x, r: F.huber_loss(x, d["y"], r, delta=0.7),
                  lambda t, r: tf.huber_loss(t, T(d["y"]), reduction=r, delta=0.7)),
        "bce": ("probs", lambda x, r: F.binary_cross_entropy(x, d["bits"], w, r),
                lambda t, r: tf.binary_cross_entropy(t, T(d["bits"]), T(w), reduction=r)),
        "bce_soft": ("probs", lambda x, r: F.binary_cross_entropy(x, d["soft_bits"], reduction=r),
                     lambda t, r: tf.binary_cross_entropy(t, T(d["soft_bits"]), reduction=r)),
        "bce_logits": ("logits", lambda x, r: F.binary_cross_entropy_with_logits(x, d["soft_bits"], reduction=r),
                       lambda t, r: tf.binary_cross_entropy_with_logits(t, T(d["soft_bits"]), reduction=r)),
        "bce_logits_weights": (
            "logits", lambda x, r: F.binary_cross_entropy_with_logits(x, d["bits"], w, r, pos_weight=2 * w),
            lambda t, r: tf.binary_cross_entropy_with_logits(t, T(d["bits"]), T(w), reduction=r, pos_weight=T(2 * w))),
        "cross_entropy": ("logits", lambda x, r: F.cross_entropy(x, d["classes"], reduction=r),
                          lambda t, r: tf.cross_entropy(t, T(d["classes"]), reduction=r)),
        "cross_entropy_smooth": (
            "logits", lambda x, r: F.cross_entropy(x, d["classes"], w, reduction=r, label_smoothing=0.2),
            lambda t, r: tf.cross_entropy(t, T(d["classes"]), T(w), reduction=r, label_smoothing=0.2)),
        "cross_entropy_probs": (
            "logits", lambda x, r: F.cross_entropy(x, d["dist"], w, reduction=r, label_smoothing=0.1),
            lambda t, r: tf.cross_entropy(t, T(d["dist"]), T(w), reduction=r, label_smoothing=0.1)),
        "cross_entropy_3d": (
            "logits_3d", lambda x, r: F.cross_entropy(x, d["classes_3d"], w, reduction=r, label_smoothing=0.1),
            lambda t, r: tf.cross_entropy(t, T(d["classes_3d"]), T(w), reduction=r, label_smoothing=0.1)),
        "nll": ("log_probs", lambda x, r: F.nll_loss(x, d["classes"], w, reduction=r),
                lambda t, r: tf.nll_loss(t, T(d["classes"]), T(w), reduction=r)),
        "kl_div": ("log_probs", lambda x, r: F.kl_div(x, d["dist"], r),
                   lambda t, r: tf.kl_div(t, T(d["dist"]), reduction=r)),
        "kl_div_log_target": ("log_probs", lambda x, r: F.kl_div(x, np.log(d["dist"]), r, log_target=True),
                              lambda t, r: tf.kl_div(t, T(np.log(d["dist"])), reduction=r, log_target=True)),
    }


CASES = ["mse", "l1", "huber", "bce", "bce_soft", "bce_logits", "bce_logits_weights", "cross_entropy",
         "cross_entropy_smooth", "cross_entropy_probs", "cross_entropy_3d", "nll", "kl_div", "kl_div_log_target"]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", CASES)
def test_value_and_gradient_match_torch(case, reduction, data, rng):
    torch = pytest.importorskip("torch")
    key, ours, theirs = _cases(torch, data)[case]
    x = data[key]
    a = autograd.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's kl_div advice about reduction='mean'
        expected = theirs(t, reduction)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = ours(a, reduction)
    upstream = rng.normal(size=loss.shape)
    loss.backward(upstream)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(loss.data, expected.detach().numpy(), rtol=1e-12, atol=1e-10)
    # BCE's gradient near ŷ = 0 or 1 is (ŷ − y)/10⁻¹², where torch's 10⁻¹² is rounded to float32
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-8 if key == "probs" else 1e-10, atol=1e-12)


def test_kl_div_batchmean_matches_torch(data):
    torch = pytest.importorskip("torch")
    ours = F.kl_div(autograd.tensor(data["log_probs"]), data["dist"], "batchmean")
    theirs = torch.nn.functional.kl_div(torch.tensor(data["log_probs"]), torch.tensor(data["dist"]),
                                        reduction="batchmean")
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)


def test_cross_entropy_of_huge_equal_logits_is_log_2():
    z = autograd.tensor([[1e8, 1e8]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(z, [1])
        loss.backward()
    assert loss.dtype == np.float32
    assert loss.item() == pytest.approx(math.log(2), rel=1e-6)
    np.testing.assert_allclose(z.grad.data, [[0.5, -0.5]])


def test_fused_cross_entropy_matches_composed(rng):
    z = rng.normal(size=(5, 3, 2)) * 5
    target = rng.integers(0, 3, (5, 2))
    target[0, 0] = -100
    weight = np.array([0.5, 1.0, 2.0])
    upstream = rng.normal(size=target.shape)
    a, b = autograd.tensor(z, requires_grad=True), autograd.tensor(z, requires_grad=True)
    fused = F.cross_entropy(a, target, weight, reduction="none")
    composed = F.nll_loss(F.log_softmax(b, dim=1), target, weight, reduction="none")
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    fused.backward(upstream)
    composed.backward(upstream)
    np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-10, atol=1e-14)


@given(st.data())
def test_cross_entropy_gradients_over_shapes(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    z = autograd.tensor(data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30))), requires_grad=True)
    class_dim = 1 if z.ndim >= 2 else 0
    target_shape = shape[:class_dim] + shape[class_dim + 1:]
    target = data.draw(hnp.arrays(np.int64, target_shape, elements=st.integers(0, shape[class_dim] - 1)))
    smoothing = data.draw(st.sampled_from([0.0, 0.25]))
    reduction = data.draw(st.sampled_from(["mean", "sum", "none"]))
    assert_gradients_match(lambda t: F.cross_entropy(t, target, reduction=reduction, label_smoothing=smoothing), z)


def test_cross_entropy_gradcheck_and_second_derivatives(rng):
    target = np.array([0, 2, 1])
    z = autograd.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    for smoothing in (0.0, 0.3):
        def loss(t, smoothing=smoothing):
            return F.cross_entropy(t, target, weight=[1.0, 2.0, 0.5, 1.0], label_smoothing=smoothing)
        assert gradcheck(loss, z)
        assert gradgradcheck(loss, z)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_second_derivatives_with_the_class_axis_inside(rng, reduction):
    # the fused loss works with the classes moved to the front; its gradient must come back in z's layout
    target = np.array([[0, 2], [1, -100]])
    z = autograd.tensor(rng.normal(size=(2, 3, 2)), requires_grad=True)

    def loss(t):
        return F.cross_entropy(t, target, weight=[1.0, 2.0, 0.5], reduction=reduction)

    assert gradcheck(loss, z)
    assert gradgradcheck(loss, z)


def test_cross_entropy_with_infinite_logits_matches_torch():
    torch = pytest.importorskip("torch")
    z = np.array([[-np.inf, 1.0, 2.0], [0.5, -np.inf, -np.inf], [3.0, 1.0, -1.0]])
    target = np.array([1, 0, 2])
    ours = autograd.tensor(z, requires_grad=True)
    theirs = torch.tensor(z, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(ours, target)
        loss.backward()
    expected = torch.nn.functional.cross_entropy(theirs, torch.tensor(target))
    expected.backward()
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert ours.grad.data.flags.c_contiguous  # computed classes-first, stored in the tensor's own layout


def test_fused_bce_matches_composed_away_from_the_clamp(rng):
    p = rng.uniform(0.01, 0.99, size=(3, 4))
    y = rng.uniform(size=(3, 4))
    upstream = rng.normal(size=(3, 4))
    a, b = autograd.tensor(p, requires_grad=True), autograd.tensor(p, requires_grad=True)
    fused = F.binary_cross_entropy(a, y, reduction="none")
    composed = -(y * autograd.log(b) + (1 - y) * autograd.log(1 - b))
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    fused.backward(upstream)
    composed.backward(upstream)
    np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-10)


def test_bce_gradcheck_in_both_arguments(rng):
    p = autograd.tensor(rng.uniform(0.1, 0.9, size=(2, 3)), requires_grad=True)
    y = autograd.tensor(rng.uniform(size=(2, 3)), requires_grad=True)
    assert gradcheck(F.binary_cross_entropy, (p, y))
    assert gradgradcheck(F.binary_cross_entropy, (p, y))
    assert gradcheck(F.binary_cross_entropy_with_logits, (autograd.tensor(rng.normal(size=(2, 3)) * 3,
                                                                          requires_grad=True), y))


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.huber_loss, F.kl_div])
def test_regression_losses_gradcheck_in_both_arguments(fn, rng):
    x = autograd.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    y = autograd.tensor(rng.uniform(0.1, 1.0, size=(2, 3)), requires_grad=True)
    assert gradcheck(fn, (x, y))


def test_bce_clamps_log_at_minus_100_like_torch():
    p = autograd.tensor([0.0, 1.0, 0.0, 1.0], dtype=np.float32, requires_grad=True)
    y = [1.0, 0.0, 0.0, 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.binary_cross_entropy(p, y, reduction="none")
        loss.sum().backward()
    np.testing.assert_array_equal(loss.data, [100.0, 100.0, 0.0, 0.0])
    assert np.isfinite(p.grad.data).all()
    torch = pytest.importorskip("torch")
    t = torch.tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    torch.nn.functional.binary_cross_entropy(t, torch.tensor(y), reduction="none").sum().backward()
    np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-6)


def test_bce_with_logits_is_stable_at_extremes():
    z = autograd.tensor([100.0, -100.0, 1000.0, -1000.0], requires_grad=True)
    y = np.array([0.0, 1.0, 1.0, 0.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.binary_cross_entropy_with_logits(z, y, reduction="none")
        loss.sum().backward()
    np.testing.assert_allclose(loss.data, [100.0, 100.0, 0.0, 0.0])
    np.testing.assert_allclose(z.grad.data, [1.0, -1.0, 0.0, 0.0])  # σ(z) − y


def test_bce_on_logits_says_to_use_the_logits_version():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*-2.0, 3.0.*binary_cross_entropy_with_logits"):
        F.binary_cross_entropy(autograd.tensor([-2.0, 0.5, 3.0]), [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="BCEWithLogitsLoss"):
        nn.BCELoss()(autograd.tensor([np.nan, 0.5]), [0.0, 1.0])


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.huber_loss, F.binary_cross_entropy,
                                F.binary_cross_entropy_with_logits, F.kl_div])
def test_mismatched_shapes_are_refused_not_broadcast(fn):
    pred = autograd.tensor(np.full((5, 1), 0.5))
    with pytest.raises(ValueError, match=r"input shape \(5, 1\) and target shape \(5,\) differ"):
        fn(pred, np.full(5, 0.5))


def test_cross_entropy_target_out_of_range_names_target_and_class_count():
    logits = autograd.tensor(np.zeros((5, 7)))
    with pytest.raises(IndexError, match="Target 7 is out of bounds for 7 classes"):
        F.cross_entropy(logits, [0, 1, 7, 2, 3])
    with pytest.raises(IndexError, match="Target -1 is out of bounds for 7 classes"):
        nn.CrossEntropyLoss()(logits, np.array([0, 1, -1, 2, 3]))
    with pytest.raises(IndexError, match="Target 9 is out of bounds for 7 classes"):
        F.nll_loss(logits, [0, 1, 9, 2, 3])


def test_cross_entropy_target_type_and_shape_errors():
    logits = autograd.tensor(np.zeros((5, 7)))
    with pytest.raises(TypeError, match="class-index targets must be integers, got dtype bool"):
        F.nll_loss(logits, np.zeros(5, dtype=bool))
    with pytest.raises(ValueError, match=r"float target holds class probabilities.*shape \(5, 7\)"):
        F.cross_entropy(logits, [0.0, 1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=r"target shape \(4,\) does not match input shape \(5, 7\)"):
        F.cross_entropy(logits, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="one entry per class"):
        F.cross_entropy(logits, [0, 1, 2, 3, 4], weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="class dimension"):
        F.cross_entropy(autograd.tensor(1.0), [0])


def test_cross_entropy_with_every_target_ignored_is_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(autograd.tensor(np.zeros((2, 3))), [-100, -100])
    assert np.isnan(loss.item())


def test_bad_options_are_refused():
    x = autograd.tensor([0.5])
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none', got 'avg'"):
        F.mse_loss(x, [0.5], reduction="avg")
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="'batchmean'"):
        F.kl_div(x, [0.5], reduction="avg")
    with pytest.raises(ValueError, match=r"label_smoothing must be between 0\.0 and 1\.0"):
        nn.CrossEntropyLoss(label_smoothing=1.5)
    with pytest.raises(ValueError, match="delta must be positive"):
        nn.HuberLoss(delta=0)


def test_targets_take_the_inputs_dtype():
    pred = autograd.tensor([0.5, 0.25], requires_grad=True)
    loss = F.mse_loss(pred, np.array([1, 0]))
    assert loss.dtype == np.float32
    assert loss.item() == pytest.approx((0.25 + 0.0625) / 2)


def test_loss_modules_call_their_functional_form(data):
    logits, classes, w = data["logits"], data["classes"], data["weight"]
    x = autograd.tensor(logits)
    pairs = [
        (nn.MSELoss(reduction="sum"), F.mse_loss(x, data["y"], "sum"), data["y"]),
        (nn.L1Loss(), F.l1_loss(x, data["y"]), data["y"]),
        (nn.HuberLoss(delta=0.5), F.huber_loss(x, data["y"], delta=0.5), data["y"]),
        (nn.BCEWithLogitsLoss(w, pos_weight=w), F.binary_cross_entropy_with_logits(x, data["bits"], w, pos_weight=w),
         data["bits"]),
        (nn.CrossEntropyLoss(w, label_smoothing=0.1), F.cross_entropy(x, classes, w, label_smoothing=0.1), classes),
        (nn.NLLLoss(w), F.nll_loss(x, classes, w), classes),
        (nn.KLDivLoss("batchmean"), F.kl_div(x, data["dist"], "batchmean"), data["dist"]),
    ]
    for module, expected, target in pairs:
        assert module(x, target).item() == expected.item()
    probs = autograd.tensor(data["soft_bits"])
    assert nn.BCELoss(w)(probs, data["bits"]).item() == F.binary_cross_entropy(probs, data["bits"], w).item()


def test_loss_weights_are_buffers_like_torch():
    torch = pytest.importorskip("torch")
    w = np.array([1.0, 2.0, 3.0])
    pairs = [(nn.CrossEntropyLoss(w), torch.nn.CrossEntropyLoss(torch.tensor(w))),
             (nn.NLLLoss(), torch.nn.NLLLoss()),
             (nn.BCEWithLogitsLoss(w, pos_weight=w), torch.nn.BCEWithLogitsLoss(torch.tensor(w),
                                                                                pos_weight=torch.tensor(w)))]
    for ours, theirs in pairs:
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert repr(ours) == repr(theirs)
        assert list(ours.parameters()) == []
