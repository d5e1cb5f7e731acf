"""GLU, Softshrink, Hardshrink, Tanhshrink, RReLU and Softmax2d: values and gradients against PyTorch, the modules,
RReLU's random slopes, and torch's errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.testing import assert_gradients_match, shapes

from .torch_reference import assert_same_error, compare

LAMBDA = 0.7
# name → (ours, theirs given torch, our Module, torch's Module given torch); GLU halves dim 1
ACTIVATIONS = {
    "glu": (lambda x: F.glu(x, 1), lambda torch, t: torch.nn.functional.glu(t, 1), lambda: nn.GLU(1),
            lambda torch: torch.nn.GLU(1)),
    "softshrink": (lambda x: F.softshrink(x, LAMBDA), lambda torch, t: torch.nn.functional.softshrink(t, LAMBDA),
                   lambda: nn.Softshrink(LAMBDA), lambda torch: torch.nn.Softshrink(LAMBDA)),
    "hardshrink": (lambda x: F.hardshrink(x, LAMBDA), lambda torch, t: torch.nn.functional.hardshrink(t, LAMBDA),
                   lambda: nn.Hardshrink(LAMBDA), lambda torch: torch.nn.Hardshrink(LAMBDA)),
    "tanhshrink": (F.tanhshrink, lambda torch, t: torch.nn.functional.tanhshrink(t), nn.Tanhshrink,
                   lambda torch: torch.nn.Tanhshrink()),
    "rrelu_eval": (lambda x: F.rrelu(x, 0.1, 0.3), lambda torch, t: torch.nn.functional.rrelu(t, 0.1, 0.3),
                   lambda: nn.RReLU(0.1, 0.3).eval(), lambda torch: torch.nn.RReLU(0.1, 0.3).eval()),
}
KINKS = (-LAMBDA, 0.0, LAMBDA)
VALUES = st.one_of(st.sampled_from(KINKS), st.floats(-4, 4, allow_subnormal=False))


def _even_dim_1(shape):
    return (shape[0], 2 * shape[1], *shape[2:])


@pytest.mark.parametrize("name", ACTIVATIONS)
@given(data=st.data())
def test_value_and_gradient_match_torch(name, data):
    torch = pytest.importorskip("torch")
    shape = _even_dim_1(data.draw(shapes(min_dims=2, max_dims=4, max_side=4)))
    x = np.array(data.draw(st.lists(VALUES, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))).reshape(shape)
    ours, theirs, _, _ = ACTIVATIONS[name]
    compare(ours, lambda t: theirs(torch, t), [x], rtol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_module_is_the_functional_form_and_prints_as_torch(name, rng):
    torch = pytest.importorskip("torch")
    ours, _, module, torch_module = ACTIVATIONS[name]
    x = autograd.tensor(rng.normal(size=(3, 4, 2)))
    np.testing.assert_array_equal(module()(x).data, ours(x).data)
    assert repr(module()) == repr(torch_module(torch))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_stays_float32(name):
    torch = pytest.importorskip("torch")
    ours, theirs, _, _ = ACTIVATIONS[name]
    x = np.linspace(-2, 2, 8, dtype=np.float32).reshape(2, 4)
    assert ours(autograd.tensor(x)).dtype == np.float32
    assert theirs(torch, torch.tensor(x)).dtype == torch.float32


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_gradcheck_away_from_kinks(name, rng):
    x = rng.uniform(-3, 3, size=(2, 4, 3))
    near_kink = np.min(np.abs(x[..., None] - np.array(KINKS)), axis=-1) < 0.05
    assert gradcheck(ACTIVATIONS[name][0], autograd.tensor(np.where(near_kink, 1.5, x), requires_grad=True))


@given(x=st.lists(st.floats(-3, 3), min_size=2, max_size=8).filter(lambda v: len(v) % 2 == 0))
def test_glu_gradients_match_central_differences(x):
    assert_gradients_match(F.glu, autograd.tensor(np.array(x), requires_grad=True))


@pytest.mark.parametrize("name", ["glu", "tanhshrink"])
def test_smooth_ones_have_second_derivatives(name, rng):
    assert gradgradcheck(ACTIVATIONS[name][0], autograd.tensor(rng.uniform(-3, 3, size=(2, 4)), requires_grad=True))


def test_glu_along_each_dim_matches_torch(rng):
    torch = pytest.importorskip("torch")
    x = rng.normal(size=(2, 4, 6))
    for dim in (0, 1, 2, -1, -3):
        compare(lambda t, dim=dim: F.glu(t, dim), lambda t, dim=dim: torch.nn.functional.glu(t, dim), [x])


def test_glu_errors_are_torchs():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    assert_same_error(lambda: F.glu(autograd.ones(2, 3), 1), lambda: tf.glu(torch.ones(2, 3), 1), RuntimeError,
                      "Halving dimension must be even, but dimension 1 is size 3")
    assert_same_error(lambda: F.glu(autograd.tensor(1.0)), lambda: tf.glu(torch.tensor(1.0)), RuntimeError,
                      "does not support scalars")
    assert_same_error(lambda: F.glu(autograd.ones(2, 4), 2), lambda: tf.glu(torch.ones(2, 4), 2), IndexError,
                      "Dimension out of range")


def test_softshrink_refuses_a_negative_lambda_as_torch():
    torch = pytest.importorskip("torch")
    assert_same_error(lambda: F.softshrink(autograd.ones(3), -0.5),
                      lambda: torch.nn.functional.softshrink(torch.ones(3), -0.5), RuntimeError, "lambda must be")


@pytest.mark.parametrize("name", ["softshrink", "hardshrink", "tanhshrink"])
def test_nan_and_infinities_give_torchs_values(name):
    torch = pytest.importorskip("torch")
    ours, theirs, _, _ = ACTIVATIONS[name]
    x = np.array([np.nan, np.inf, -np.inf, 0.1, -2.0])
    np.testing.assert_array_equal(ours(autograd.tensor(x)).data, theirs(torch, torch.tensor(x)).numpy())


def test_rrelu_training_draws_each_slope_from_the_interval():
    lower, upper = 0.1, 0.3
    autograd.manual_seed(0)
    x = autograd.tensor(-np.abs(np.random.default_rng(1).normal(size=(200, 100))) - 0.1, requires_grad=True)
    y = F.rrelu(x, lower, upper, training=True)
    slopes = y.data / x.data
    assert slopes.min() >= lower and slopes.max() <= upper
    assert slopes.mean() == pytest.approx((lower + upper) / 2, abs=0.002)
    assert slopes.std() == pytest.approx((upper - lower) / np.sqrt(12), rel=0.03)  # U(l, u)
    y.backward(np.ones(y.shape))
    np.testing.assert_allclose(x.grad.data, slopes, rtol=1e-12)  # the gradient is the slope drawn


def test_rrelu_training_keeps_positive_inputs_and_follows_the_seed():
    layer = nn.RReLU()
    x = autograd.tensor(np.linspace(-3, 3, 60).reshape(6, 10))
    autograd.manual_seed(5)
    a = layer(x).data
    autograd.manual_seed(5)
    np.testing.assert_array_equal(a, layer(x).data)
    assert not np.array_equal(a, layer(x).data)
    positive = x.data > 0
    np.testing.assert_array_equal(a[positive], x.data[positive])
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, F.leaky_relu(x, (1 / 8 + 1 / 3) / 2).data)


def test_rrelu_refuses_lower_above_upper_as_torch():
    torch = pytest.importorskip("torch")
    for training in (False, True):
        assert_same_error(lambda training=training: F.rrelu(autograd.ones(3), 0.5, 0.1, training),
                          lambda training=training: torch.nn.functional.rrelu(torch.ones(3), 0.5, 0.1, training),
                          RuntimeError, "Lower bound should be less than or equal to the upper bound")


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)])
def test_softmax2d_matches_torch(shape, rng):
    torch = pytest.importorskip("torch")
    y = compare(nn.Softmax2d(), torch.nn.Softmax2d(), [rng.normal(size=shape) * 3])
    np.testing.assert_allclose(y.data.sum(axis=-3), 1.0, rtol=1e-12)
    assert repr(nn.Softmax2d()) == repr(torch.nn.Softmax2d())


def test_softmax2d_needs_3d_or_4d_input():
    torch = pytest.importorskip("torch")
    assert_same_error(lambda: nn.Softmax2d()(autograd.ones(2, 3)), lambda: torch.nn.Softmax2d()(torch.ones(2, 3)),
                      ValueError, "expected input to be 3D or 4D, got 2D")
