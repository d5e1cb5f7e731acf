"""NAdam, RAdam and Adamax: long trajectories against PyTorch, state round trips, skipped parameters, bad input."""

import re

import numpy as np
import pytest

import autograd
import nn
from nn import Parameter, optim

STEPS = 300

# (optimizer class name, keyword arguments); every name is the same in torch.optim. The problem below is convex
# and its optimum far away, so over STEPS steps rounding differences shrink instead of growing: trajectories agree
# to float64 rounding. (On the MLP of test_optim.py, NAdam is chaotic after ~100 steps: PyTorch against itself,
# with the data changed by one part in 10¹⁵, disagrees by 1e-2.)
CONFIGS = [
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True, "betas": (0.8, 0.995), "eps": 1e-6}),
    ("NAdam", {"lr": 0.01, "maximize": True}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.02, "weight_decay": 0.1, "eps": 1e-6}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True, "betas": (0.8, 0.995)}),
    ("RAdam", {"lr": 0.01, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.02, "weight_decay": 0.1, "betas": (0.8, 0.99), "eps": 1e-4}),
    ("Adamax", {"lr": 0.01, "maximize": True}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw in CONFIGS]


def make_problem(dtype=np.float64):
    """Least squares, y ≈ x·wᵀ + b + shift (a 0-d parameter), an unused parameter, and data far from the start."""
    rng = np.random.default_rng(1)
    init = {"w": 0.5 * rng.standard_normal((4, 3)), "b": 0.5 * rng.standard_normal(4), "shift": np.array(1.0),
            "unused": rng.standard_normal(2)}
    x = rng.standard_normal((16, 3))
    y = x @ (3 * rng.standard_normal((4, 3))).T + 2.0 + 0.1 * rng.standard_normal((16, 4))
    return {k: v.astype(dtype) for k, v in init.items()}, x.astype(dtype), y.astype(dtype)


def groups(params, lr):
    """The weights, shift and unused parameter in one group, the bias in another with half the learning rate."""
    return [{"params": [params["w"], params["shift"], params["unused"]]}, {"params": [params["b"]], "lr": lr / 2}]


def loss(p, x, y):
    return ((x @ p["w"].T + p["b"] + p["shift"] - y) ** 2).mean()


def run_ours(name, kwargs, steps, dtype=np.float64, init=None):
    start, x, y = make_problem(dtype)
    params = {k: Parameter(v) for k, v in (init or start).items()}
    opt = getattr(optim, name)(groups(params, kwargs["lr"]), **kwargs)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss(params, x, y).backward()
        opt.step()
        history.append({k: p.data.copy() for k, p in params.items()})
    return params, opt, history


def run_torch(torch, name, kwargs, steps):
    init, x, y = make_problem()
    params = {k: torch.tensor(v, requires_grad=True) for k, v in init.items()}
    opt = getattr(torch.optim, name)(groups(params, kwargs["lr"]), foreach=False, **kwargs)
    xt, yt = torch.tensor(x), torch.tensor(y)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss(params, xt, yt).backward()
        opt.step()
        history.append({k: p.detach().numpy().copy() for k, p in params.items()})
    return opt, history


@pytest.fixture(params=["float32", "float64"])
def default_dtype(request):
    """Both libraries' default dtype (that of NAdam's ``mu_product``), restored afterwards."""
    torch = pytest.importorskip("torch")
    before = torch.get_default_dtype()
    torch.set_default_dtype(getattr(torch, request.param))
    autograd.set_default_dtype(request.param)  # the conftest restores autograd's
    yield request.param
    torch.set_default_dtype(before)


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_trajectory_matches_torch(name, kwargs, default_dtype):
    torch = pytest.importorskip("torch")
    _, opt, ours = run_ours(name, kwargs, STEPS)
    topt, theirs = run_torch(torch, name, kwargs, STEPS)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for k in a:
            np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-14, err_msg=f"{k} after step {step + 1}")
    start = make_problem()[0]
    assert np.abs(ours[-1]["w"] - start["w"]).max() > 0.5, "the parameters hardly moved"
    np.testing.assert_array_equal(ours[-1]["unused"], start["unused"])

    mine, their_sd = opt.state_dict(), topt.state_dict()
    assert [g["params"] for g in mine["param_groups"]] == [g["params"] for g in their_sd["param_groups"]]
    for g, tg in zip(mine["param_groups"], their_sd["param_groups"]):
        assert set(g) <= set(tg)
        for key in set(g) - {"params"}:
            assert g[key] == (list(tg[key]) if isinstance(tg[key], tuple) else tg[key]), key
    assert mine["state"].keys() == their_sd["state"].keys()
    for index, tstate in their_sd["state"].items():
        state = mine["state"][index]
        assert set(state) == set(tstate)
        for key, value in tstate.items():
            if key == "step":
                assert state[key] == int(value) == STEPS
            elif key == "mu_product":  # a scalar in the default dtype, exactly PyTorch's
                assert state[key].dtype == np.dtype(default_dtype)
                np.testing.assert_array_equal(state[key], value.numpy())
            else:
                np.testing.assert_allclose(state[key], value.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_resume_from_a_checkpoint_is_bitwise_identical(name, kwargs, tmp_path):
    params_ref, opt_ref, _ = run_ours(name, kwargs, 40)
    params, opt, _ = run_ours(name, kwargs, 15)
    nn.save(opt.state_dict(), tmp_path / "opt.npz")
    snapshot = {k: p.data.copy() for k, p in params.items()}
    opt.step()  # the saved state is a copy: stepping on does not change it

    resumed, opt2, _ = run_ours(name, kwargs, 0, init=snapshot)
    for group in opt2.param_groups:
        group["lr"] = 123.0  # load_state_dict restores the saved hyper-parameters
    opt2.load_state_dict(nn.load(tmp_path / "opt.npz"))
    _, x, y = make_problem()
    for _ in range(40 - 15):
        opt2.zero_grad()
        loss(resumed, x, y).backward()
        opt2.step()
    for k in params_ref:
        assert np.array_equal(resumed[k].data, params_ref[k].data), k
    ref_state, new_state = opt_ref.state_dict()["state"], opt2.state_dict()["state"]
    assert ref_state.keys() == new_state.keys() and ref_state
    for index in ref_state:
        for key, value in ref_state[index].items():
            assert np.array_equal(new_state[index][key], value), (index, key)
            assert np.asarray(new_state[index][key]).dtype == np.asarray(value).dtype, (index, key)
    assert opt2.state_dict()["param_groups"] == opt_ref.state_dict()["param_groups"]


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_parameter_without_gradient_is_skipped(name, kwargs):
    a, b = Parameter(np.array([1.0, -2.0])), Parameter(np.array([0.5, 3.0]))
    opt = getattr(optim, name)([a, b], **kwargs)
    (a * a + b * b).sum().backward()
    opt.step()
    opt.zero_grad()
    b_before = b.data.copy()
    b_state = {k: np.copy(v) for k, v in opt.state[b].items()}
    (a * a).sum().backward()
    a_before = a.data.copy()
    opt.step()
    assert not np.array_equal(a.data, a_before)
    np.testing.assert_array_equal(b.data, b_before)
    assert opt.state[b].keys() == b_state.keys()
    for k, v in b_state.items():
        np.testing.assert_array_equal(opt.state[b][k], v)


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_float32_stays_float32_with_numpy_float64_hyperparameters(name, kwargs):
    kw64 = {k: v if isinstance(v, bool) else tuple(map(np.float64, v)) if isinstance(v, tuple) else np.float64(v)
            for k, v in kwargs.items()}
    params, opt, _ = run_ours(name, kw64, 30, dtype=np.float32)
    for p in params.values():
        assert p.dtype == np.float32
        for value in opt.state.get(p, {}).values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32
    assert all(np.isfinite(p.data).all() for p in params.values())


BAD = [
    lambda o, p: o.NAdam(p, lr=-0.1),
    lambda o, p: o.NAdam(p, eps=-1e-8),
    lambda o, p: o.NAdam(p, betas=(1.0, 0.999)),
    lambda o, p: o.NAdam(p, betas=(0.9, -0.1)),
    lambda o, p: o.NAdam(p, weight_decay=-1),
    lambda o, p: o.NAdam(p, momentum_decay=-0.5),
    lambda o, p: o.RAdam(p, lr=-1),
    lambda o, p: o.RAdam(p, betas=(0.9, 1.5)),
    lambda o, p: o.RAdam(p, weight_decay=-0.1),
    lambda o, p: o.Adamax(p, eps=-1.0),
    lambda o, p: o.Adamax(p, betas=(-0.5, 0.9)),
    lambda o, p: o.Adamax(p, weight_decay=-2),
    lambda o, p: o.Adamax([], lr=0.1),
]


@pytest.mark.parametrize("make", BAD)
def test_bad_arguments_raise_torchs_error(make):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        make(torch.optim, [torch.ones(2, requires_grad=True)])
    with pytest.raises(ValueError, match=re.escape(str(theirs.value))):
        make(optim, [Parameter(np.ones(2))])


def test_defaults_are_torchs():
    torch = pytest.importorskip("torch")
    for name in ("NAdam", "RAdam", "Adamax"):
        ours = getattr(optim, name)([Parameter(np.ones(2))]).defaults
        theirs = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)]).defaults
        assert ours == {k: v for k, v in theirs.items() if k in ours}, name
        assert set(ours) - set(theirs) == set()


def test_mu_product_survives_a_json_checkpoint_as_a_python_float():
    w = Parameter(np.ones(2, dtype=np.float32))
    opt = optim.NAdam([w])
    (w * w).sum().backward()
    opt.step()
    saved = opt.state_dict()
    saved["state"][0]["mu_product"] = float(saved["state"][0]["mu_product"])  # what a text checkpoint gives back
    opt.load_state_dict(saved)
    assert isinstance(opt.state[w]["mu_product"], np.ndarray) and opt.state[w]["mu_product"].shape == ()
    opt.step()
    assert w.dtype == np.float32 and opt.state[w]["exp_avg"].dtype == np.float32
