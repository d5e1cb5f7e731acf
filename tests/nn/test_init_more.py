"""trunc_normal_, orthogonal_ and eye_ (in place, dtype kept, the library's generator, the documented
distributions), and nn.utils' parameters_to_vector, vector_to_parameters and get_total_norm against PyTorch."""

import math
import warnings
from statistics import NormalDist

import numpy as np
import pytest

import autograd
import nn
from nn import init, utils


def _torch():
    return pytest.importorskip("torch")


# ------------------------------------------------------------------ trunc_normal_
def _truncated_moments(mean, std, a, b):
    """Mean and standard deviation of N(mean, std²) truncated to [a, b]."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    unit = NormalDist()
    mass = unit.cdf(beta) - unit.cdf(alpha)
    shift = (unit.pdf(alpha) - unit.pdf(beta)) / mass
    variance = 1 + (alpha * unit.pdf(alpha) - beta * unit.pdf(beta)) / mass - shift**2
    return mean + std * shift, std * math.sqrt(variance)


@pytest.mark.parametrize(("mean", "std", "a", "b"), [(0.0, 1.0, -2.0, 2.0), (1.0, 0.5, 0.0, 3.0),
                                                     (0.0, 0.02, -0.04, 0.04), (-1.0, 2.0, 0.5, 4.0)])
def test_trunc_normal_draws_the_truncated_distribution(mean, std, a, b):
    autograd.manual_seed(0)
    w = init.trunc_normal_(nn.Parameter(np.zeros((200, 100))), mean, std, a, b)
    assert w.data.min() >= a and w.data.max() <= b
    expected_mean, expected_std = _truncated_moments(mean, std, a, b)
    assert w.data.mean() == pytest.approx(expected_mean, abs=0.02 * expected_std)
    assert w.data.std() == pytest.approx(expected_std, rel=0.02)
    # the empirical CDF against the truncated normal's, at a few points inside [a, b]
    normal = NormalDist(mean, std)
    for x in np.linspace(a, b, 7)[1:-1]:
        expected = (normal.cdf(x) - normal.cdf(a)) / (normal.cdf(b) - normal.cdf(a))
        assert (w.data <= x).mean() == pytest.approx(expected, abs=0.01)


def test_trunc_normal_matches_torchs_distribution():
    torch = _torch()
    torch.manual_seed(0)
    autograd.manual_seed(0)
    theirs = torch.nn.init.trunc_normal_(torch.empty(50_000, dtype=torch.float64), 0.5, 1.5, -1.0, 1.0).numpy()
    ours = init.trunc_normal_(nn.Parameter(np.zeros(50_000)), 0.5, 1.5, -1.0, 1.0).data
    assert ours.mean() == pytest.approx(theirs.mean(), abs=0.01)
    assert ours.std() == pytest.approx(theirs.std(), rel=0.02)
    assert np.quantile(ours, 0.1) == pytest.approx(np.quantile(theirs, 0.1), abs=0.02)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trunc_normal_fills_in_place_keeps_dtype_and_follows_the_seed(dtype):
    p = nn.Parameter(np.zeros((30, 20), dtype=dtype))
    array = p.data
    autograd.manual_seed(3)
    assert init.trunc_normal_(p) is p
    assert p.data is array and p.dtype == dtype and np.unique(p.data).size > 500
    q = nn.Parameter(np.zeros((30, 20), dtype=dtype))
    autograd.manual_seed(3)
    np.testing.assert_array_equal(init.trunc_normal_(q).data, p.data)
    assert not np.array_equal(init.trunc_normal_(q).data, p.data)
    generator = autograd.Generator().manual_seed(3)
    np.testing.assert_array_equal(init.trunc_normal_(q, generator=generator).data, p.data)


def test_trunc_normal_warns_as_torch_when_the_mean_is_far_outside():
    torch = _torch()
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        w = init.trunc_normal_(nn.Parameter(np.zeros(1000)), mean=5.0, std=1.0, a=-1.0, b=1.0)
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        torch.nn.init.trunc_normal_(torch.empty(10), mean=5.0, std=1.0, a=-1.0, b=1.0)
    assert w.data.min() >= -1.0 and w.data.max() <= 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init.trunc_normal_(nn.Parameter(np.zeros(10)), mean=2.5, std=1.0, a=-1.0, b=1.0)


def test_trunc_normal_takes_infinite_bounds():
    autograd.manual_seed(0)
    w = init.trunc_normal_(nn.Parameter(np.zeros(20_000)), 0.0, 1.0, a=0.0, b=math.inf)
    assert w.data.min() >= 0 and np.isfinite(w.data).all()
    assert w.data.mean() == pytest.approx(_truncated_moments(0.0, 1.0, 0.0, 1e9)[0], abs=0.02)


# ------------------------------------------------------------------ orthogonal_ and eye_
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (6, 2, 3), (2, 3, 2, 2)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_rows_or_columns_are_orthonormal(shape, gain):
    w = init.orthogonal_(nn.Parameter(np.zeros(shape)), gain)
    flat = w.data.reshape(shape[0], -1)
    small = min(flat.shape)
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(small), atol=1e-12)


def test_orthogonal_is_uniform_over_orthogonal_matrices():
    """Haar measure: every entry of an n×n draw has mean 0 and variance 1/n (a sign-biased QR would fail this)."""
    autograd.manual_seed(0)
    draws = np.array([init.orthogonal_(nn.Parameter(np.zeros((4, 4)))).data for _ in range(3000)])
    assert np.abs(draws.mean(axis=0)).max() < 0.05
    np.testing.assert_allclose((draws**2).mean(axis=0), 0.25, atol=0.02)


def test_orthogonal_keeps_dtype_follows_the_seed_and_refuses_vectors():
    torch = _torch()
    p = nn.Parameter(np.zeros((6, 4), dtype=np.float32))
    autograd.manual_seed(1)
    init.orthogonal_(p)
    assert p.dtype == np.float32
    np.testing.assert_allclose(p.data.T @ p.data, np.eye(4), atol=1e-6)
    q = nn.Parameter(np.zeros((6, 4), dtype=np.float32))
    autograd.manual_seed(1)
    np.testing.assert_array_equal(init.orthogonal_(q).data, p.data)
    assert init.orthogonal_(nn.Parameter(np.zeros((0, 3)))).shape == (0, 3)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(nn.Parameter(np.zeros(3)))
    with pytest.raises(ValueError):
        torch.nn.init.orthogonal_(torch.empty(3))


@pytest.mark.parametrize("shape", [(3, 3), (3, 5), (4, 2)])
def test_eye_matches_torch(shape):
    torch = _torch()
    p = nn.Parameter(np.full(shape, 7.0, dtype=np.float32))
    assert init.eye_(p) is p and p.dtype == np.float32
    np.testing.assert_array_equal(p.data, torch.nn.init.eye_(torch.empty(shape)).numpy())
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.eye_(nn.Parameter(np.zeros((2, 2, 2))))
    with pytest.raises(ValueError):
        torch.nn.init.eye_(torch.empty(2, 2, 2))


# ------------------------------------------------------------------ nn.utils
def _twins(rng):
    torch = _torch()
    autograd.set_default_dtype(np.float64)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def test_parameters_to_vector_matches_torch_and_is_differentiable(rng):
    torch = _torch()
    ours, theirs = _twins(rng)
    vec = utils.parameters_to_vector(ours.parameters())
    np.testing.assert_array_equal(vec.data, torch.nn.utils.parameters_to_vector(theirs.parameters()).detach().numpy())
    (vec * vec).sum().backward()
    for p in ours.parameters():
        np.testing.assert_allclose(p.grad.data, 2 * p.data)
    with pytest.raises(ValueError, match="non-empty"):
        utils.parameters_to_vector([])
    with pytest.raises(ValueError):
        torch.nn.utils.parameters_to_vector([])


def test_vector_to_parameters_matches_torch(rng):
    torch = _torch()
    ours, theirs = _twins(rng)
    values = rng.normal(size=sum(p.numel() for p in ours.parameters()))
    vec = autograd.tensor(values)
    utils.vector_to_parameters(vec, ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(values), theirs.parameters())
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.detach().numpy(), err_msg=name)
    np.testing.assert_array_equal(utils.parameters_to_vector(ours.parameters()).data, values)
    assert np.shares_memory(ours[0].weight.data, vec.data)  # views of vec, as torch's .data assignment gives
    x = rng.normal(size=(2, 3))
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_vector_to_parameters_errors_are_torchs(rng):
    torch = _torch()
    ours, theirs = _twins(rng)
    with pytest.raises(TypeError, match=r"expected autograd\.Tensor"):
        utils.vector_to_parameters(np.zeros(26), ours.parameters())
    with pytest.raises(TypeError):
        torch.nn.utils.vector_to_parameters(np.zeros(26), theirs.parameters())
    with pytest.raises(RuntimeError, match="has 25 elements, the parameters need 26"):
        utils.vector_to_parameters(autograd.zeros(25), ours.parameters())
    with pytest.raises(RuntimeError):
        torch.nn.utils.vector_to_parameters(torch.zeros(25, dtype=torch.float64), theirs.parameters())


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, 0.5, math.inf])
def test_get_total_norm_matches_torch(norm_type, rng):
    torch = _torch()
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=5), rng.normal(size=())]
    ours = utils.get_total_norm([autograd.tensor(a) for a in arrays], norm_type)
    theirs = torch.nn.utils.get_total_norm([torch.tensor(a) for a in arrays], norm_type)
    assert ours.dtype == np.float64 and not ours.requires_grad
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    single = utils.get_total_norm(autograd.tensor(arrays[0].astype(np.float32)), norm_type)
    assert single.dtype == np.float32
    np.testing.assert_allclose(single.data, torch.nn.utils.get_total_norm(torch.tensor(arrays[0]), norm_type), rtol=1e-6)


def test_get_total_norm_of_nothing_and_of_non_finite_values():
    torch = _torch()
    assert utils.get_total_norm([]).item() == torch.nn.utils.get_total_norm([]).item() == 0.0
    bad = np.array([1.0, np.inf])
    assert utils.get_total_norm([autograd.tensor(bad)]).item() == math.inf
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.get_total_norm([autograd.tensor(bad)], error_if_nonfinite=True)
    with pytest.raises(RuntimeError):
        torch.nn.utils.get_total_norm([torch.tensor(bad)], error_if_nonfinite=True)


@pytest.mark.parametrize("init", ["uniform_", "normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                                  "kaiming_normal_", "trunc_normal_", "orthogonal_"])
def test_a_generator_makes_an_initialiser_repeatable(init: str) -> None:
    draws = []
    for _ in range(2):
        w = autograd.zeros(4, 3)
        getattr(nn.init, init)(w, generator=autograd.Generator().manual_seed(5))
        draws.append(w.data.copy())
    np.testing.assert_array_equal(draws[0], draws[1])
    assert draws[0].std() > 0
