"""Learning-rate schedulers: sequences against PyTorch's, resuming from state_dict, bad input."""

import json

import numpy as np
import pytest

from nn import Parameter, optim
from nn.optim import lr_scheduler

LRS = (0.1, 0.03)


def decay(epoch):
    return 0.95**epoch


def halving(epoch):
    return 0.5 ** (epoch // 2)


def inverse(epoch):
    return 1 / (1 + epoch)


SCHEDULERS = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("StepLR", {"step_size": 1, "gamma": 0.9}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}),
    ("LambdaLR", {"lr_lambda": decay}),
    ("LambdaLR", {"lr_lambda": [inverse, halving]}),
]
SCHEDULER_IDS = [f"{name}-{i}" for i, (name, _) in enumerate(SCHEDULERS)]

# A metric with plateaus, a rise and a fall, so every branch of ReduceLROnPlateau is taken.
METRICS = [1.0, 0.9, 0.9, 0.9, 0.9, 0.95, 0.8, 0.8, 0.79999, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7,
           0.71, 0.72, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5]
PLATEAU = [
    {"patience": 2, "factor": 0.5},
    {"patience": 1, "factor": 0.5, "cooldown": 2, "threshold": 0.01, "threshold_mode": "abs"},
    {"mode": "max", "patience": 0, "factor": 0.3, "min_lr": [0.01, 0.001]},
    {"mode": "max", "patience": 1, "threshold": 0.05, "threshold_mode": "abs", "min_lr": 0.005, "eps": 1e-3},
]


def our_optimizer():
    return optim.SGD([{"params": [Parameter(np.zeros(2))], "lr": LRS[0]},
                      {"params": [Parameter(np.zeros(3))], "lr": LRS[1]}], lr=1.0)


def torch_optimizer(torch):
    return torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": LRS[0]},
                            {"params": [torch.zeros(3, requires_grad=True)], "lr": LRS[1]}], lr=1.0)


def lr_sequence(opt, sched, steps, metrics=None):
    seq = [list(sched.get_last_lr())]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        seq.append(list(sched.get_last_lr()))
    return np.array(seq)


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULERS, ids=SCHEDULER_IDS)
def test_sequence_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    opt = our_optimizer()
    ours = lr_sequence(opt, getattr(lr_scheduler, name)(opt, **kwargs), 30)
    topt = torch_optimizer(torch)
    theirs = lr_sequence(topt, getattr(torch.optim.lr_scheduler, name)(topt, **kwargs), 30)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0)
    assert len(np.unique(ours[:, 0])) > 2, "the schedule did not change the learning rate"


@pytest.mark.parametrize("kwargs", PLATEAU)
def test_reduce_on_plateau_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    opt = our_optimizer()
    ours = lr_sequence(opt, lr_scheduler.ReduceLROnPlateau(opt, **kwargs), len(METRICS), METRICS)
    topt = torch_optimizer(torch)
    theirs = lr_sequence(topt, torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs), len(METRICS), METRICS)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0)
    assert len(np.unique(ours[:, 0])) > 1, "the learning rate was never reduced"


def test_resuming_after_construction_matches_torch():
    torch = pytest.importorskip("torch")
    for make in (lambda m, o: m.ExponentialLR(o, gamma=0.8, last_epoch=4),
                 lambda m, o: m.CosineAnnealingLR(o, T_max=10, eta_min=0.001, last_epoch=4),
                 lambda m, o: m.StepLR(o, step_size=2, gamma=0.5, last_epoch=4)):
        opt, topt = our_optimizer(), torch_optimizer(torch)
        for group in opt.param_groups + topt.param_groups:
            group["initial_lr"] = group["lr"]
        ours = lr_sequence(opt, make(lr_scheduler, opt), 12)
        theirs = lr_sequence(topt, make(torch.optim.lr_scheduler, topt), 12)
        np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0)


def is_plain(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(is_plain(v) for v in value)
    return value is None or isinstance(value, bool | int | float | str)


CASES = [*SCHEDULERS, *(("ReduceLROnPlateau", kw) for kw in PLATEAU)]


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[*SCHEDULER_IDS, *(f"Plateau-{i}" for i in range(len(PLATEAU)))])
def test_resume_from_state_dicts_continues_the_same_sequence(name, kwargs):
    metrics = METRICS if name == "ReduceLROnPlateau" else None
    opt = our_optimizer()
    reference = lr_sequence(opt, getattr(lr_scheduler, name)(opt, **kwargs), 30, metrics)

    opt = our_optimizer()
    sched = getattr(lr_scheduler, name)(opt, **kwargs)
    lr_sequence(opt, sched, 12, metrics)
    sched_state, opt_state = sched.state_dict(), opt.state_dict()
    assert is_plain(sched_state) and "optimizer" not in sched_state
    sched_state = json.loads(json.dumps(sched_state))  # survives a text checkpoint

    opt2 = our_optimizer()
    sched2 = getattr(lr_scheduler, name)(opt2, **kwargs)  # scheduler first, then the saved states
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    rest = lr_sequence(opt2, sched2, 18, metrics[12:] if metrics else None)
    np.testing.assert_array_equal(rest, reference[12:])


def test_lambda_lr_saves_the_state_of_callable_objects():
    class Warmup:
        def __init__(self, steps):
            self.steps = steps

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.steps)

    opt = our_optimizer()
    sched = lr_scheduler.LambdaLR(opt, [Warmup(4), decay])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"steps": 4}, None]
    other = Warmup(100)
    sched2 = lr_scheduler.LambdaLR(our_optimizer(), [other, decay])
    sched2.load_state_dict(state)
    assert other.steps == 4
    assert state["lr_lambdas"] == [{"steps": 4}, None]  # the caller's dict is left as it was


def test_the_learning_rate_reaches_the_update():
    w = Parameter(np.array([0.0]))
    opt = optim.SGD([w], lr=0.5)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    expected = 0.0
    for step in range(4):
        w.grad = np.array([1.0])
        opt.step()
        expected -= 0.5 * 0.5**step
        sched.step()
    assert w.data[0] == expected


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda o: lr_scheduler.StepLR("not an optimizer", step_size=1), TypeError, "str is not an Optimizer"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="median"), ValueError, "mode median is unknown!"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, threshold_mode="log"), ValueError, "threshold mode log is unknown!"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs, got 1"),
    (lambda o: lr_scheduler.LambdaLR(o, [decay]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda o: lr_scheduler.StepLR(o, step_size=2, last_epoch=3), KeyError, "initial_lr"),
])
def test_bad_input_is_a_clear_error(make, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(".", r"\.")):
        make(our_optimizer())
