"""Optimizers: trajectories against PyTorch, state round trips, skipped parameters, dtypes and bad input."""

import json
import re

import numpy as np
import pytest

import autograd
from nn import Parameter, optim

STEPS = 25

# (optimizer class name, keyword arguments); every name is the same in torch.optim.
CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.02}),
    ("SGD", {"lr": 0.005, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.01, "initial_accumulator_value": 0.2, "eps": 1e-6}),
    ("Adadelta", {"lr": 1.0}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.05, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "alpha": 0.9, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True, "eps": 1e-4}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "betas": (0.8, 0.99)}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "eps": 1e-6}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "amsgrad": True}),
    ("Adam", {"lr": 0.02, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.2, "amsgrad": True}),
    ("Adafactor", {"lr": 0.01}),
    ("Adafactor", {"lr": 0.05, "weight_decay": 0.1, "d": 2.0, "beta2_decay": -0.5, "eps": (1e-20, 1e-2)}),
    ("Adafactor", {"lr": 0.05, "maximize": True}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw in CONFIGS]


def make_problem(dtype=np.float64, seed=0):
    """A small MLP's initial parameters (2-d, 1-d and a 0-d scale), an unused parameter, and data."""
    rng = np.random.default_rng(seed)
    shapes = {"w1": (5, 3), "b1": (5,), "w2": (2, 5), "b2": (2,), "scale": (), "unused": (3,)}
    init = {k: (0.5 * rng.standard_normal(s) + (1.0 if k == "scale" else 0.0)).astype(dtype) for k, s in shapes.items()}
    x = rng.standard_normal((8, 3)).astype(dtype)
    y = rng.standard_normal((8, 2)).astype(dtype)
    return init, x, y


def groups(params, lr):
    """Weights in one group, biases in another with half the learning rate."""
    return [{"params": [params["w1"], params["w2"], params["scale"], params["unused"]]},
            {"params": [params["b1"], params["b2"]], "lr": lr / 2}]


def ours_loss(p, x, y):
    h = autograd.tanh(x @ p["w1"].T + p["b1"])
    out = (h @ p["w2"].T + p["b2"]) * p["scale"]
    return ((out - y) ** 2).mean()


def run_ours(name, kwargs, steps, dtype=np.float64):
    init, x, y = make_problem(dtype)
    params = {k: Parameter(v) for k, v in init.items()}
    opt = getattr(optim, name)(groups(params, kwargs["lr"]), **kwargs)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        ours_loss(params, x, y).backward()
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
        h = torch.tanh(xt @ params["w1"].T + params["b1"])
        out = (h @ params["w2"].T + params["b2"]) * params["scale"]
        ((out - yt) ** 2).mean().backward()
        opt.step()
        history.append({k: p.detach().numpy().copy() for k, p in params.items()})
    return params, opt, history


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_trajectory_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    _, opt, ours = run_ours(name, kwargs, STEPS)
    _, topt, theirs = run_torch(torch, name, kwargs, STEPS)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for k in a:
            np.testing.assert_allclose(a[k], b[k], rtol=0, atol=1e-6, err_msg=f"{k} after step {step + 1}")
    assert not np.array_equal(ours[-1]["w1"], make_problem()[0]["w1"]), "the parameters did not move"
    np.testing.assert_array_equal(ours[-1]["unused"], make_problem()[0]["unused"])

    mine, their_sd = opt.state_dict(), topt.state_dict()
    assert [g["params"] for g in mine["param_groups"]] == [g["params"] for g in their_sd["param_groups"]]
    for g, tg in zip(mine["param_groups"], their_sd["param_groups"]):
        assert set(g) <= set(tg)
        for key in set(g) - {"params"}:
            assert g[key] == (list(tg[key]) if isinstance(tg[key], tuple) else tg[key]), key
    for index, tstate in their_sd["state"].items():
        if index not in mine["state"]:  # torch's Adagrad creates state for every parameter up front
            assert float(tstate["step"]) == 0
            continue
        state = mine["state"][index]
        assert set(state) == set(tstate)
        for key, value in tstate.items():
            if key == "step":
                assert state[key] == int(value)
            else:
                np.testing.assert_allclose(state[key], value.numpy(), rtol=0, atol=1e-6)


@pytest.mark.parametrize("kwargs", [{"lr": 0.01}, {"lr": 0.05, "weight_decay": 0.1, "eps": (None, 1e-2)}])
def test_adafactor_factors_the_last_two_axes_like_torch(kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    p0, c, target = (rng.standard_normal((2, 3, 4)) for _ in range(3))
    p = Parameter(p0)
    opt = optim.Adafactor([p], **kwargs)
    tp = torch.tensor(p0, requires_grad=True)
    topt = torch.optim.Adafactor([tp], foreach=False, **kwargs)
    for _ in range(STEPS):
        opt.zero_grad()
        ((autograd.tanh(p * c) - target) ** 2).sum().backward()
        opt.step()
        topt.zero_grad()
        ((torch.tanh(tp * torch.tensor(c)) - torch.tensor(target)) ** 2).sum().backward()
        topt.step()
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=0, atol=1e-6)
    assert opt.state[p]["row_var"].shape == (2, 3, 1)
    assert opt.state[p]["col_var"].shape == (2, 1, 4)


def is_plain(value):
    if isinstance(value, dict):
        return all(isinstance(k, int | str) and is_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(is_plain(v) for v in value)
    return value is None or isinstance(value, bool | int | float | str | np.ndarray)


def through_npz_and_json(state_dict, tmp_path):
    """What a non-pickle checkpoint does to a state dict: arrays to .npz, the rest to JSON (int keys become str)."""
    arrays = {}

    def split(value):
        if isinstance(value, np.ndarray):
            arrays[f"a{len(arrays)}"] = value
            return {"__array__": f"a{len(arrays) - 1}"}
        if isinstance(value, dict):
            return {k: split(v) for k, v in value.items()}
        if isinstance(value, list):
            return [split(v) for v in value]
        return value

    text = json.dumps(split(state_dict))
    np.savez(tmp_path / "opt.npz", **arrays)
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as stored:
        loaded = {k: stored[k] for k in stored.files}

    def join(value):
        if isinstance(value, dict):
            return loaded[value["__array__"]] if "__array__" in value else {k: join(v) for k, v in value.items()}
        if isinstance(value, list):
            return [join(v) for v in value]
        return value

    return join(json.loads(text))


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_resume_from_state_dict_is_bitwise_identical(name, kwargs, tmp_path):
    params_ref, opt_ref, _ = run_ours(name, kwargs, STEPS)
    params, opt, _ = run_ours(name, kwargs, 10)
    saved = opt.state_dict()
    assert is_plain(saved)
    assert saved["state"] or (name == "SGD" and not kwargs.get("momentum")), "no state was saved"
    snapshot = {k: p.data.copy() for k, p in params.items()}
    frozen = json.dumps(saved, default=lambda a: a.tolist())
    opt.step()  # the saved dict is a copy: stepping on does not change it
    assert json.dumps(saved, default=lambda a: a.tolist()) == frozen

    _, x, y = make_problem()
    resumed = {k: Parameter(v) for k, v in snapshot.items()}
    opt2 = getattr(optim, name)(groups(resumed, kwargs["lr"]), **kwargs)
    for group in opt2.param_groups:
        group["lr"] = 123.0  # load_state_dict restores the saved hyper-parameters
    opt2.load_state_dict(through_npz_and_json(saved, tmp_path))
    for _ in range(STEPS - 10):
        opt2.zero_grad()
        ours_loss(resumed, x, y).backward()
        opt2.step()
    for k in params_ref:
        assert np.array_equal(resumed[k].data, params_ref[k].data), k
    ref_state, new_state = opt_ref.state_dict()["state"], opt2.state_dict()["state"]
    assert ref_state.keys() == new_state.keys()
    for index in ref_state:
        for key, value in ref_state[index].items():
            assert np.array_equal(new_state[index][key], value), (index, key)
    assert opt2.state_dict()["param_groups"] == opt_ref.state_dict()["param_groups"]


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_parameter_without_gradient_is_skipped(name, kwargs):
    a, b = Parameter(np.array([1.0, -2.0])), Parameter(np.array([0.5, 3.0]))
    opt = getattr(optim, name)([a, b], **{**kwargs, "weight_decay": 0.1} if name != "SGD" or "nesterov" not in kwargs
                               else kwargs)
    (a * a + b * b).sum().backward()
    opt.step()
    opt.zero_grad()
    assert a.grad is None and b.grad is None
    b_before = b.data.copy()
    b_state = {k: np.copy(v) for k, v in opt.state[b].items()}
    (a * a).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b.data, b_before)
    assert opt.state[b].keys() == b_state.keys()
    for k, v in b_state.items():
        np.testing.assert_array_equal(opt.state[b][k], v)


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_float32_stays_float32_with_numpy_float64_hyperparameters(name, kwargs):
    def as_f64(v):
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, tuple):
            return tuple(as_f64(e) for e in v)
        return np.float64(v)

    kw64 = {k: as_f64(v) for k, v in kwargs.items()}
    params, opt, _ = run_ours(name, kw64, STEPS, dtype=np.float32)
    for p in params.values():
        assert p.dtype == np.float32
        assert p.grad is None or p.grad.dtype == np.float32
        for value in opt.state.get(p, {}).values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32
    assert all(np.isfinite(p.data).all() for p in params.values())


def test_zero_grad_sets_none_or_zeros():
    w = Parameter(np.array([1.0, 2.0]))
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad.data, np.zeros(2))
    opt.zero_grad()
    assert w.grad is None


def test_step_runs_the_closure_with_grad_enabled():
    w = Parameter(np.array([1.0, -2.0]))
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with autograd.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(w.data, np.array([1.0, -2.0]) * (1 - 2 * 0.25))


def test_add_param_group_takes_defaults_and_is_updated():
    a, b = Parameter(np.ones(2)), Parameter(np.ones(3))
    opt = optim.Adam([a], lr=0.1, betas=(0.8, 0.9))
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["betas"] == (0.8, 0.9)
    (b * b).sum().backward()
    opt.step()
    np.testing.assert_allclose(b.data, 1 - 0.5)  # Adam's first step is η·sign(g) up to ε
    assert a.grad is None and a not in opt.state


def test_hyperparameters_are_read_at_each_step():
    w = Parameter(np.array([1.0]))
    opt = optim.SGD([w], lr=0.1)
    opt.param_groups[0]["lr"] = 0.0
    (w * 3).sum().backward()
    opt.step()
    assert w.data[0] == 1.0
    opt.param_groups[0]["lr"] = 0.5
    opt.step()
    assert w.data[0] == 1.0 - 0.5 * 3


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda p: optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda p: optim.SGD(p, lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), ValueError, "Invalid momentum value: -0.5"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: optim.Adam(p, betas=(1.5, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.5"),
    (lambda p: optim.AdamW(p, betas=(0.9, 1.0)), ValueError, "Invalid beta parameter at index 1: 1.0"),
    (lambda p: optim.Adam(p, eps=-1e-8), ValueError, "Invalid epsilon value: -1e-08"),
    (lambda p: optim.Adam(p, lr=-0.001), ValueError, "Invalid learning rate: -0.001"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), ValueError, "Invalid lr_decay value: -1"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), ValueError,
     "Invalid initial_accumulator_value value: -1"),
    (lambda p: optim.Adadelta(p, rho=1.5), ValueError, "Invalid rho value: 1.5"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), ValueError, "Invalid alpha value: -0.1"),
    (lambda p: optim.Adafactor(p, lr=-1), ValueError, "Learning rate should be >= 0 but is: -1"),
    (lambda p: optim.Adafactor(p, beta2_decay=0.5), ValueError, "beta2_decay should be <= 0 but is: 0.5"),
    (lambda p: optim.Adafactor(p, d=0.5), ValueError, "Clipping threshold d should be >= 1 but is: 0.5"),
    (lambda p: optim.SGD(p[0], lr=0.1), TypeError, "should be an iterable of Tensors or dicts"),
    (lambda p: optim.SGD([p[0], np.zeros(2)], lr=0.1), TypeError,
     "optimizer can only optimize Tensors, but one of the params is ndarray"),
    (lambda p: optim.SGD({p[0]}, lr=0.1), TypeError, "ordered collections"),
    (lambda p: optim.SGD([p[0], p[0]], lr=0.1), ValueError, "duplicate parameters"),
    (lambda p: optim.SGD([{"params": p}, {"params": [p[0]]}], lr=0.1), ValueError,
     "some parameters appear in more than one parameter group"),
    (lambda p: optim.SGD([p[0] * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
])
def test_bad_input_is_a_clear_error(make, error, message):
    params = [Parameter(np.ones(2)), Parameter(np.ones(3))]
    with pytest.raises(error, match=re.escape(message)):
        make(params)


def test_validation_messages_are_torchs():
    torch = pytest.importorskip("torch")
    for make in (lambda o, p: o.SGD(p, lr=-1), lambda o, p: o.Adam(p, betas=(1.5, 0.9)),
                 lambda o, p: o.SGD([], lr=0.1), lambda o, p: o.Adadelta(p, rho=1.5)):
        with pytest.raises(ValueError) as ours:
            make(optim, [Parameter(np.ones(2))])
        with pytest.raises(ValueError) as theirs:
            make(torch.optim, [torch.ones(2, requires_grad=True)])
        assert str(ours.value) == str(theirs.value)


def test_load_state_dict_checks_the_layout_before_changing_anything():
    a, b = Parameter(np.ones(2)), Parameter(np.ones(3))
    opt = optim.Adam([a, b], lr=0.1)
    (a * b.sum()).sum().backward()
    opt.step()
    one_group = opt.state_dict()
    two_groups = optim.Adam([{"params": [a]}, {"params": [b]}]).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(two_groups)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.Adam([a]).load_state_dict(one_group)
    bad = opt.state_dict()
    bad["state"][7] = bad["state"][0]
    with pytest.raises(ValueError, match="parameter 7, which is in no parameter group"):
        opt.load_state_dict(bad)
    bad = opt.state_dict()
    bad["state"][1]["exp_avg"] = np.zeros((3, 2))
    bad["param_groups"][0]["lr"] = 7.0
    with pytest.raises(ValueError, match=re.escape("state[1]['exp_avg'] has shape (3, 2), which does not fit")):
        opt.load_state_dict(bad)
    assert opt.state_dict()["state"][0]["step"] == 1 and opt.param_groups[0]["lr"] == 0.1


def test_state_is_keyed_by_parameter_and_repr_lists_groups():
    w = Parameter(np.ones(2))
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    (w * w).sum().backward()
    opt.step()
    assert len(opt.state) == 1 and next(iter(opt.state)) is w
    assert "Parameter Group 0" in repr(opt) and "momentum: 0.9" in repr(opt)
