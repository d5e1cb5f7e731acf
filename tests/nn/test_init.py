"""Initialisers: PyTorch's gains and fans, the documented distributions, in place, dtype kept, seeded draws."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import init

DRAWS = {
    "uniform_": lambda t: init.uniform_(t, -2.0, 3.0),
    "normal_": lambda t: init.normal_(t, 1.0, 2.0),
    "xavier_uniform_": lambda t: init.xavier_uniform_(t, gain=2.0),
    "xavier_normal_": init.xavier_normal_,
    "kaiming_uniform_": lambda t: init.kaiming_uniform_(t, nonlinearity="relu"),
    "kaiming_normal_": lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
    "lecun_normal_": init.lecun_normal_,
}


@pytest.mark.parametrize(("nonlinearity", "param"), [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("selu", None),
])
def test_calculate_gain_matches_torch(nonlinearity, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-15)


def test_calculate_gain_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", "steep")


@pytest.mark.parametrize("name", DRAWS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fills_in_place_and_keeps_dtype(name, dtype):
    p = nn.Parameter(np.zeros((30, 20), dtype=dtype))
    array = p.data
    assert DRAWS[name](p) is p
    assert p.data is array and p.dtype == dtype and p.requires_grad
    assert np.unique(p.data).size > 500


@pytest.mark.parametrize("name", DRAWS)
def test_draws_come_from_the_library_generator(name):
    p, q = nn.Parameter(np.zeros((5, 4))), nn.Parameter(np.zeros((5, 4)))
    autograd.manual_seed(11)
    DRAWS[name](p)
    autograd.manual_seed(11)
    DRAWS[name](q)
    np.testing.assert_array_equal(p.data, q.data)
    DRAWS[name](q)
    assert not np.array_equal(p.data, q.data)


def _fans(shape):
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3)])
def test_distributions_have_the_documented_spread(shape):
    autograd.manual_seed(0)
    fan_in, fan_out = _fans(shape)
    uniform_bounds = {
        "xavier_uniform_": 2.0 * math.sqrt(6 / (fan_in + fan_out)),
        "kaiming_uniform_": math.sqrt(2) * math.sqrt(3 / fan_in),
    }
    normal_stds = {
        "xavier_normal_": math.sqrt(2 / (fan_in + fan_out)),
        "kaiming_normal_": math.sqrt(2) / math.sqrt(fan_out),
        "lecun_normal_": 1 / math.sqrt(fan_in),
    }
    for name, bound in uniform_bounds.items():
        w = DRAWS[name](nn.Parameter(np.zeros(shape)))
        assert np.abs(w.data).max() <= bound
        assert w.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)
    for name, std in normal_stds.items():
        w = DRAWS[name](nn.Parameter(np.zeros(shape)))
        assert w.data.std() == pytest.approx(std, rel=0.03)
        assert abs(w.data.mean()) < 0.05 * std


def test_fans_match_torch():
    torch = pytest.importorskip("torch")
    for shape in [(7, 3), (8, 4, 5), (6, 2, 3, 3)]:
        assert _fans(shape) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
        p = nn.Parameter(np.zeros(shape))
        autograd.manual_seed(0)
        init.kaiming_uniform_(p, a=0.3, mode="fan_out")
        bound = init.calculate_gain("leaky_relu", 0.3) * math.sqrt(3 / _fans(shape)[1])
        assert np.abs(p.data).max() <= bound


def test_uniform_and_normal_parameters():
    autograd.manual_seed(0)
    u = init.uniform_(nn.Parameter(np.zeros(10_000)), -2.0, 3.0)
    assert u.data.min() >= -2.0 and u.data.max() < 3.0 and u.data.mean() == pytest.approx(0.5, abs=0.05)
    n = init.normal_(nn.Parameter(np.zeros(10_000)), 1.0, 2.0)
    assert n.data.mean() == pytest.approx(1.0, abs=0.06) and n.data.std() == pytest.approx(2.0, rel=0.03)


def test_constant_fills():
    p = nn.Parameter(np.full((2, 3), 5.0, dtype=np.float32))
    np.testing.assert_array_equal(init.zeros_(p).data, 0)
    np.testing.assert_array_equal(init.ones_(p).data, 1)
    np.testing.assert_array_equal(init.constant_(p, 0.25).data, 0.25)
    assert p.dtype == np.float32


def test_fan_errors():
    with pytest.raises(ValueError, match=r"fewer than 2 dimensions \(shape \(5,\)\)"):
        init.xavier_uniform_(nn.Parameter(np.zeros(5)))
    with pytest.raises(ValueError, match="mode 'fan_avg' not supported"):
        init.kaiming_normal_(nn.Parameter(np.zeros((2, 2))), mode="fan_avg")
    with pytest.raises(TypeError, match="got ndarray"):
        init.zeros_(np.zeros(3))


def test_zero_element_tensors_are_left_alone():
    p = nn.Parameter(np.zeros((3, 0)))
    assert init.kaiming_uniform_(p) is p and init.xavier_normal_(p) is p
    assert nn.Linear(0, 3).weight.shape == (3, 0)


def test_module_apply_reinitialises_every_linear():
    model = nn.MLP(3, [5], 2)

    def reset(m):
        if isinstance(m, nn.Linear):
            init.zeros_(m.weight)
            init.ones_(m.bias)

    model.apply(reset)
    assert all((p.data == 0).all() for n, p in model.named_parameters() if n.endswith("weight"))
    assert all((p.data == 1).all() for n, p in model.named_parameters() if n.endswith("bias"))
