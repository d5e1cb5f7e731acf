"""Activations: values and gradients against PyTorch, extremes without warnings, fused ops against composed ones."""

import math
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.testing import assert_gradients_match, shapes, tensors

# name → (our function, torch's function given the torch module, our Module, its torch repr-twin)
ACTIVATIONS = {
    "identity": (F.identity, lambda torch, t: t * 1, nn.Identity, "Identity"),
    "sign": (F.sign, lambda torch, t: torch.sign(t), nn.Sign, None),
    "relu": (F.relu, lambda torch, t: torch.relu(t), nn.ReLU, "ReLU"),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1),
                   lambda torch, t: torch.nn.functional.leaky_relu(t, 0.1), lambda: nn.LeakyReLU(0.1), "LeakyReLU"),
    "sigmoid": (F.sigmoid, lambda torch, t: torch.sigmoid(t), nn.Sigmoid, "Sigmoid"),
    "tanh": (F.tanh, lambda torch, t: torch.tanh(t), nn.Tanh, "Tanh"),
    "hardtanh": (lambda x: F.hardtanh(x, -1.0, 2.0), lambda torch, t: torch.nn.functional.hardtanh(t, -1.0, 2.0),
                 lambda: nn.Hardtanh(-1.0, 2.0), "Hardtanh"),
    "softsign": (F.softsign, lambda torch, t: torch.nn.functional.softsign(t), nn.Softsign, "Softsign"),
    "elu": (lambda x: F.elu(x, 0.7), lambda torch, t: torch.nn.functional.elu(t, 0.7), lambda: nn.ELU(0.7), "ELU"),
    "gelu": (F.gelu, lambda torch, t: torch.nn.functional.gelu(t), nn.GELU, "GELU"),
    "gelu_tanh": (lambda x: F.gelu(x, "tanh"), lambda torch, t: torch.nn.functional.gelu(t, approximate="tanh"),
                  lambda: nn.GELU("tanh"), "GELU"),
    "silu": (F.silu, lambda torch, t: torch.nn.functional.silu(t), nn.SiLU, "SiLU"),
    "softplus": (F.softplus, lambda torch, t: torch.nn.functional.softplus(t), nn.Softplus, "Softplus"),
    "softplus_beta": (lambda x: F.softplus(x, 2.0, 5.0), lambda torch, t: torch.nn.functional.softplus(t, 2.0, 5.0),
                      lambda: nn.Softplus(2.0, 5.0), "Softplus"),
    "logsigmoid": (F.logsigmoid, lambda torch, t: torch.nn.functional.logsigmoid(t), nn.LogSigmoid, "LogSigmoid"),
    "softmax": (F.softmax, lambda torch, t: torch.softmax(t, -1), nn.Softmax, None),
    "log_softmax": (F.log_softmax, lambda torch, t: torch.log_softmax(t, -1), nn.LogSoftmax, None),
    "softmin": (F.softmin, lambda torch, t: torch.nn.functional.softmin(t, -1), nn.Softmin, None),
    "relu6": (F.relu6, lambda torch, t: torch.nn.functional.relu6(t), nn.ReLU6, "ReLU6"),
    "hardsigmoid": (F.hardsigmoid, lambda torch, t: torch.nn.functional.hardsigmoid(t), nn.Hardsigmoid,
                    "Hardsigmoid"),
    "hardswish": (F.hardswish, lambda torch, t: torch.nn.functional.hardswish(t), nn.Hardswish, "Hardswish"),
    "selu": (F.selu, lambda torch, t: torch.nn.functional.selu(t), nn.SELU, "SELU"),
    "celu": (lambda x: F.celu(x, 0.7), lambda torch, t: torch.nn.functional.celu(t, 0.7), lambda: nn.CELU(0.7),
             "CELU"),
    "mish": (F.mish, lambda torch, t: torch.nn.functional.mish(t), nn.Mish, "Mish"),
    "threshold": (lambda x: F.threshold(x, 1.0, 20.0), lambda torch, t: torch.nn.functional.threshold(t, 1.0, 20.0),
                  lambda: nn.Threshold(1.0, 20.0), "Threshold"),
}
SMOOTH = ["sigmoid", "tanh", "softsign", "gelu", "gelu_tanh", "silu", "softplus", "softplus_beta", "logsigmoid",
          "softmax", "log_softmax", "softmin", "mish"]
TORCH_ARGS = {"leaky_relu": (0.1,), "hardtanh": (-1.0, 2.0), "elu": (0.7,), "gelu_tanh": ("tanh",),
              "softplus_beta": (2.0, 5.0), "celu": (0.7,), "threshold": (1.0, 20.0)}
# PyTorch's backward rounds a constant to float32 also for float64 tensors: hardsigmoid's 1/6, celu's 1/α
# (ours are within 1e-15 of the exact derivatives, checked by the central differences below)
GRAD_RTOL = {"hardsigmoid": 1e-7, "celu": 1e-6}
KINKS = (-3.0, -1.0, 0.0, 1.0, 3.0, 6.0)  # of relu, hardtanh, hardsigmoid, hardswish, relu6, threshold


def _inputs(rng):
    """Random values, the kinks, the softplus threshold and the extremes ±1000."""
    specials = [*KINKS, 2.0, 2.5, 25.0, -25.0, 1000.0, -1000.0]
    return np.concatenate([rng.normal(size=20) * 3, specials]).reshape(4, 8)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_value_and_gradient_match_torch(name, rng):
    torch = pytest.importorskip("torch")
    ours, theirs, _, _ = ACTIVATIONS[name]
    x = _inputs(rng)
    upstream = rng.normal(size=x.shape)
    a = autograd.tensor(x, requires_grad=True)
    ours(a).backward(upstream)
    t = torch.tensor(x, requires_grad=True)
    expected = theirs(torch, t)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours(autograd.tensor(x)).data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=GRAD_RTOL.get(name, 1e-12), atol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_extremes_are_finite_and_silent(name):
    ours = ACTIVATIONS[name][0]
    x = autograd.tensor([[-1000.0, -100.0, 0.0, 100.0, 1000.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ours(x)
        y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_gradcheck_away_from_kinks(name, rng):
    ours = ACTIVATIONS[name][0]
    x = rng.uniform(-3, 3, size=(2, 5))
    near_kink = np.min(np.abs(x[..., None] - np.array(KINKS)), axis=-1) < 0.05
    x = np.where(near_kink, 0.5, x)
    assert gradcheck(ours, autograd.tensor(x, requires_grad=True))


@pytest.mark.parametrize("name", SMOOTH)
def test_second_derivatives(name, rng):
    ours = ACTIVATIONS[name][0]
    assert gradgradcheck(ours, autograd.tensor(rng.uniform(-3, 3, size=(2, 4)), requires_grad=True))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_module_is_the_functional_form(name, rng):
    ours, _, module, _ = ACTIVATIONS[name]
    x = autograd.tensor(_inputs(rng))
    np.testing.assert_array_equal(module()(x).data, ours(x).data)


@pytest.mark.parametrize("name", [n for n, row in ACTIVATIONS.items() if row[3]])
def test_module_repr_matches_torch(name):
    torch = pytest.importorskip("torch")
    _, _, module, torch_name = ACTIVATIONS[name]
    assert repr(module()) == repr(getattr(torch.nn, torch_name)(*TORCH_ARGS.get(name, ())))


def test_softmax_modules_print_their_dim():
    torch = pytest.importorskip("torch")
    assert repr(nn.Softmax(dim=1)) == repr(torch.nn.Softmax(dim=1))
    assert repr(nn.LogSoftmax(dim=0)) == repr(torch.nn.LogSoftmax(dim=0))


@pytest.mark.parametrize("dim", [0, 1, -1, 2])
def test_fused_softmax_matches_composed(dim, rng):
    x = rng.normal(size=(3, 4, 5)) * 4
    upstream = rng.normal(size=x.shape)

    def composed_softmax(t):
        e = autograd.exp(t - t.data.max(axis=dim, keepdims=True))
        return e / e.sum(axis=dim, keepdims=True)

    def composed_log_softmax(t):
        return t - autograd.logsumexp(t, axis=dim, keepdims=True)

    for fused, composed in ((F.softmax, composed_softmax), (F.log_softmax, composed_log_softmax)):
        a, b = autograd.tensor(x, requires_grad=True), autograd.tensor(x, requires_grad=True)
        y_fused, y_composed = fused(a, dim), composed(b)
        np.testing.assert_allclose(y_fused.data, y_composed.data, rtol=1e-12, atol=1e-14)
        y_fused.backward(upstream)
        y_composed.backward(upstream)
        np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-10, atol=1e-12)


@given(tensors(shape=shapes(max_dims=3, max_side=4), elements=(-20, 20), requires_grad=True), st.data())
def test_fused_softmax_gradients_over_shapes(x, data):
    dim = data.draw(st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1))
    assert_gradients_match(lambda t: F.softmax(t, dim), x)
    assert_gradients_match(lambda t: F.log_softmax(t, dim), x)
    np.testing.assert_allclose(F.softmax(x, dim).data.sum(axis=dim if x.ndim else None), 1.0, rtol=1e-12)


def test_softmax_of_large_equal_logits_is_uniform():
    for x in ([1000.0, 1000.0], [1e8, 1e8]):
        np.testing.assert_array_equal(F.softmax(autograd.tensor(x)).data, [0.5, 0.5])
        np.testing.assert_allclose(F.log_softmax(autograd.tensor(x)).data, [-math.log(2)] * 2, rtol=1e-6)


def test_log_softmax_keeps_masked_entries_at_minus_inf():
    y = F.log_softmax(autograd.tensor([0.0, -np.inf, 0.0], dtype=np.float64))
    np.testing.assert_array_equal(y.data, [-math.log(2), -np.inf, -math.log(2)])


def test_softmax_bad_dim_names_it():
    with pytest.raises(ValueError, match=r"dim 2 is out of range.*2 dimensions"):
        F.softmax(autograd.tensor(np.ones((2, 3))), dim=2)


@pytest.fixture(params=["scipy", "math.erf"])
def erf_implementation(request, monkeypatch):
    """Run a test with SciPy's erf and again with the math.erf fallback used without SciPy."""
    if request.param == "scipy":
        pytest.importorskip("scipy.special")
    else:
        monkeypatch.setitem(sys.modules, "scipy.special", None)  # import fails as if SciPy were absent
    F.special_float64.cache_clear()
    yield request.param
    F.special_float64.cache_clear()


def test_erf_is_exact_and_differentiable(rng, erf_implementation):
    assert isinstance(F.special_float64("erf"), np.vectorize) == (erf_implementation == "math.erf")
    x = rng.normal(size=7) * 2
    np.testing.assert_allclose(F.erf(autograd.tensor(x)).data, [math.erf(v) for v in x], rtol=1e-15, atol=0)
    assert gradcheck(F.erf, autograd.tensor(x, requires_grad=True))
    assert gradgradcheck(F.erf, autograd.tensor(x, requires_grad=True))
    np.testing.assert_allclose(autograd.erfc(autograd.tensor(x * 3)).data, [math.erfc(v) for v in x * 3], rtol=1e-14)


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        F.gelu(autograd.tensor([1.0]), approximate="fast")
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        nn.GELU("fast")


def test_prelu_per_channel_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(4, 3, 5))
    upstream = rng.normal(size=x.shape)
    slopes = np.array([0.1, -0.2, 0.3])
    ours = nn.PReLU(3, dtype=np.float64)
    ours.load_state_dict({"weight": slopes})
    theirs = torch.nn.PReLU(3).double()
    theirs.load_state_dict({"weight": torch.tensor(slopes)})
    a, t = autograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours(a).backward(upstream)
    theirs(t).backward(torch.tensor(upstream))
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_prelu_channel_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"3 slopes.*3 channels.*\(2, 4\)"):
        nn.PReLU(3)(autograd.tensor(np.ones((2, 4))))


def test_prelu_weight_is_a_parameter_in_default_dtype():
    autograd.set_default_dtype(np.float64)
    (weight,) = nn.PReLU().parameters()
    assert weight.dtype == np.float64 and weight.shape == (1,) and weight.item() == 0.25


def test_hardtanh_gradient_is_zero_at_the_bounds():
    x = autograd.tensor([-1.0, -0.5, 1.0, 1.5], requires_grad=True)
    F.hardtanh(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 1, 0, 0])
    with pytest.raises(ValueError, match="min_val 2 is greater than max_val 1"):
        F.hardtanh(x, 2, 1)


def test_swish_is_silu():
    assert nn.Swish is nn.SiLU and F.swish is F.silu


def test_fused_softplus_matches_composed_below_the_threshold(rng):
    x = rng.uniform(-15, 15, size=(3, 5))
    upstream = rng.normal(size=x.shape)
    a, b = autograd.tensor(x, requires_grad=True), autograd.tensor(x, requires_grad=True)
    fused, composed = F.softplus(a, beta=1.5, threshold=30.0), autograd.log1p(autograd.exp(1.5 * b)) / 1.5
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    fused.backward(upstream)
    composed.backward(upstream)
    np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-12)


def test_softplus_is_linear_past_the_threshold():
    x = autograd.tensor([30.0, 1000.0], dtype=np.float64, requires_grad=True)
    y = F.softplus(x)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [30.0, 1000.0])
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    with pytest.raises(ValueError, match="beta must be positive"):
        F.softplus(x, beta=0)


NEW = ["relu6", "hardsigmoid", "hardswish", "selu", "celu", "mish", "softmin", "threshold"]
# torch: "derivative for hardsigmoid_backward is not implemented"; elu shares selu and celu's rule
TWICE_IN_TORCH = [*(n for n in NEW if n != "hardsigmoid"), "elu"]
AWAY_FROM_KINKS = st.floats(-8, 8).filter(lambda v: min(abs(v - k) for k in KINKS) > 1e-3)


@pytest.mark.parametrize("name", NEW)
@given(data=st.data())
def test_gradients_match_central_differences_over_shapes(name, data):
    x = data.draw(tensors(shape=shapes(max_dims=3, max_side=4), elements=AWAY_FROM_KINKS, requires_grad=True))
    assert_gradients_match(ACTIVATIONS[name][0], x)


@pytest.mark.parametrize("name", TWICE_IN_TORCH)
def test_second_derivatives_match_torch(name, rng):
    torch = pytest.importorskip("torch")
    ours, theirs, _, _ = ACTIVATIONS[name]
    x = _inputs(rng)
    u, v = rng.normal(size=x.shape), rng.normal(size=x.shape)
    a = autograd.tensor(x, requires_grad=True)
    (g,) = autograd.grad(ours(a), [a], [u], create_graph=True)
    if g.requires_grad:
        (g * v).sum().backward()
    t = torch.tensor(x, requires_grad=True)
    (tg,) = torch.autograd.grad(theirs(torch, t), [t], [torch.tensor(u)], create_graph=True)
    if tg.requires_grad:  # a piecewise-linear activation's gradient is constant: no graph, zero curvature
        (tg * torch.tensor(v)).sum().backward()
    expected = np.zeros(x.shape) if t.grad is None else t.grad.numpy()
    got = np.zeros(x.shape) if a.grad is None else a.grad.data
    assert np.isfinite(got).all()
    finite = np.isfinite(expected)  # torch's mish second derivative overflows to NaN at z = 1000; ours is 0
    assert finite.sum() >= x.size - 1
    np.testing.assert_allclose(got[finite], expected[finite], rtol=GRAD_RTOL.get(name, 1e-10), atol=1e-12)


def test_piecewise_linear_activations_have_zero_second_derivative(rng):
    x = autograd.tensor(_inputs(rng), requires_grad=True)
    for fn in (F.relu6, F.hardsigmoid, lambda t: F.threshold(t, 1.0, 20.0), F.step):
        (g,) = autograd.grad(fn(x), [x], [rng.normal(size=x.shape)], create_graph=True)
        if g.requires_grad:
            (h,) = autograd.grad(g.sum(), [x], allow_unused=True)
            assert h is None or not h.data.any()


def test_new_activation_gradients_are_the_exact_derivatives():
    x = np.array([-2.5, -0.5, 0.5, 2.5])
    a = autograd.tensor(x, requires_grad=True)
    F.celu(a, 0.7).sum().backward()
    np.testing.assert_allclose(a.grad.data, np.where(x > 0, 1.0, np.exp(x / 0.7)), rtol=1e-15)
    b = autograd.tensor(x, requires_grad=True)
    F.hardsigmoid(b).sum().backward()
    np.testing.assert_array_equal(b.grad.data, [1 / 6] * 4)


def test_threshold_keeps_nan_and_replaces_up_to_the_threshold():
    torch = pytest.importorskip("torch")
    x = np.array([np.nan, 0.5, 1.0, 1.5])
    expected = torch.nn.functional.threshold(torch.tensor(x), 1.0, -7.0).numpy()
    np.testing.assert_array_equal(F.threshold(autograd.tensor(x), 1.0, -7.0).data, expected)
    assert np.isnan(expected[0])


def test_celu_alpha_zero_is_an_error():
    with pytest.raises(ValueError, match="alpha cannot be 0"):
        F.celu(autograd.tensor([1.0]), 0.0)
    with pytest.raises(ValueError, match="alpha cannot be 0"):
        nn.CELU(0.0)


@pytest.mark.parametrize("theta", [0.0, -0.5, 2.0])
def test_step_is_the_threshold_unit_with_no_slope(theta, rng):
    torch = pytest.importorskip("torch")
    x = np.concatenate([rng.normal(size=9) * 3, [theta, -1000.0, 1000.0]])
    a = autograd.tensor(x, requires_grad=True)
    y = F.step(a, theta)
    expected = torch.heaviside(torch.tensor(x) - theta, torch.tensor(0.0, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(y.data, expected)
    assert y.dtype == np.float64 and y.data[9] == 0.0  # at θ itself: 0, "otherwise, output 0"
    y.backward(rng.normal(size=x.shape))
    np.testing.assert_array_equal(a.grad.data, np.zeros_like(x))
    np.testing.assert_array_equal(nn.Step(theta)(autograd.tensor(x)).data, expected)


def test_step_output_is_float_for_any_input():
    assert F.step(autograd.tensor(np.array([-1, 0, 2]))).dtype == autograd.get_default_dtype()
    assert F.step(autograd.tensor([-1.0, 2.0])).tolist() == [0.0, 1.0]
    assert F.step(autograd.tensor([0.5], dtype=np.float64), threshold=0.5).dtype == np.float64
    assert repr(nn.Step()) == "Step(threshold=0.0)" and repr(nn.Step(0.5)) == "Step(threshold=0.5)"


def test_step_gradient_is_finite_differences_away_from_the_threshold(rng):
    x = rng.uniform(0.1, 3, size=(3, 4)) * rng.choice([-1, 1], size=(3, 4))
    assert gradcheck(F.step, autograd.tensor(x, requires_grad=True))
    assert gradgradcheck(F.step, autograd.tensor(x, requires_grad=True))


def test_softmin_module_prints_its_dim():
    torch = pytest.importorskip("torch")
    assert repr(nn.Softmin(dim=1)) == repr(torch.nn.Softmin(dim=1))


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax, F.softmin])
def test_softmax_family_takes_dim_or_axis(fn, rng):
    x = autograd.tensor(rng.normal(size=(3, 4)))
    np.testing.assert_array_equal(fn(x, axis=0).data, fn(x, dim=0).data)
    np.testing.assert_array_equal(fn(x, 0).data, fn(x, dim=0).data)
    np.testing.assert_array_equal(fn(x).data, fn(x, -1).data)
    np.testing.assert_array_equal(getattr(x, fn.__name__)(axis=0).data, fn(x, 0).data)
    with pytest.raises(TypeError, match="either dim or axis"):
        fn(x, dim=0, axis=1)
    with pytest.raises(IndexError, match="dim 2 is out of range"):  # PyTorch's IndexError (also a ValueError)
        fn(x, dim=2)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family_dtype_matches_torch(name, rng):
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(2, 3)).astype(np.float32)
    a = autograd.tensor(x, requires_grad=True)
    y = getattr(F, name)(a, 1, dtype=np.float64)
    t = torch.tensor(x, requires_grad=True)
    ty = getattr(torch.nn.functional, name)(t, 1, dtype=torch.float64)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    u = rng.normal(size=x.shape)
    y.backward(u)
    ty.backward(torch.tensor(u))
    assert a.grad.dtype == np.float32
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-6)


def test_softmax_of_integers_asks_for_a_float_dtype():
    with pytest.raises(TypeError, match=r"floating-point.*int64.*\.float\(\)"):
        F.softmax(autograd.tensor(np.array([1, 2])), 0)
    np.testing.assert_allclose(F.softmax(autograd.tensor(np.array([0, 0])), 0, dtype=np.float64).data, [0.5, 0.5])
