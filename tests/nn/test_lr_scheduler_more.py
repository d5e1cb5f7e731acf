"""More learning-rate schedulers: rates (and cycled momenta) against PyTorch's, resuming, composites, bad input."""

import json

import numpy as np
import pytest

from nn import Parameter, optim
from nn.optim import lr_scheduler

LRS = (0.1, 0.03)
STEPS = 60


class Warmup:
    """A callable object: its attributes go into the scheduler's state dict."""

    def __init__(self, steps):
        self.steps = steps

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.steps)


def shrink(epoch):
    return 0.95


def wobble(epoch):
    return 1.1 if epoch % 3 == 0 else 0.9


def inverse(epoch):
    return 1 / (1 + epoch)


def harmonic(x):
    return 1 / (1 + x)


# (id, optimizer class, make(scheduler module, optimizer)); every name is the same in torch.optim.lr_scheduler.
SCHEDULERS = [
    ("Multiplicative", "SGD", lambda m, o: m.MultiplicativeLR(o, shrink)),
    ("Multiplicative-per-group", "SGD", lambda m, o: m.MultiplicativeLR(o, [wobble, shrink])),
    ("MultiStep", "SGD", lambda m, o: m.MultiStepLR(o, milestones=[3, 7, 7, 16, 20, 16], gamma=0.5)),
    ("MultiStep-at-0", "SGD", lambda m, o: m.MultiStepLR(o, milestones=[0, 5])),
    ("Constant", "SGD", lambda m, o: m.ConstantLR(o)),
    ("Constant-long", "SGD", lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=9)),
    ("Linear", "SGD", lambda m, o: m.LinearLR(o)),
    ("Linear-decay", "SGD", lambda m, o: m.LinearLR(o, start_factor=0.9, end_factor=0.05, total_iters=17)),
    ("Polynomial", "SGD", lambda m, o: m.PolynomialLR(o)),
    ("Polynomial-squared", "SGD", lambda m, o: m.PolynomialLR(o, total_iters=20, power=2.5)),
    ("WarmRestarts", "SGD", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=7)),
    ("WarmRestarts-mult", "SGD", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)),
    ("OneCycle", "SGD-momentum", lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=STEPS)),
    ("OneCycle-three-phase-linear", "Adam", lambda m, o: m.OneCycleLR(
        o, max_lr=[0.5, 0.2], epochs=6, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear", three_phase=True,
        div_factor=10.0, final_div_factor=100.0, base_momentum=[0.8, 0.7], max_momentum=0.9)),
    ("OneCycle-three-phase-cos", "RMSprop", lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=STEPS + 5,
                                                                       three_phase=True)),
    ("OneCycle-no-momentum", "Adagrad", lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=STEPS,
                                                                  cycle_momentum=False)),
    ("Cyclic", "SGD-momentum", lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("Cyclic-triangular2", "Adam", lambda m, o: m.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2", base_momentum=0.7,
        max_momentum=[0.9, 0.95])),
    ("Cyclic-exp-range", "RMSprop", lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5,
                                                            mode="exp_range", gamma=0.97)),
    ("Cyclic-scale-fn", "SGD", lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5, scale_fn=harmonic,
                                                       scale_mode="iterations", cycle_momentum=False)),
    ("Sequential", "SGD", lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, 0.9)], milestones=[5])),
    ("Sequential-three", "SGD", lambda m, o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.5, total_iters=2), m.CosineAnnealingLR(o, T_max=8, eta_min=0.01),
            m.StepLR(o, 4, 0.5)], milestones=[3, 12])),
    ("Sequential-closed-forms", "SGD", lambda m, o: m.SequentialLR(
        o, [m.MultiStepLR(o, [2, 4]), m.PolynomialLR(o, 10, 2.0), m.LambdaLR(o, inverse)], milestones=[6, 14])),
    ("Chained", "SGD", lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.5, total_iters=4),
                                                        m.ExponentialLR(o, 0.9)])),
    ("Chained-three", "SGD", lambda m, o: m.ChainedScheduler(
        [m.LinearLR(o, 0.2, total_iters=6), m.CosineAnnealingWarmRestarts(o, 5, 2), m.MultiStepLR(o, [10, 20])],
        optimizer=o)),
]
IDS = [case[0] for case in SCHEDULERS]


def make_optimizer(lib, kind, tensor):
    """Two param groups with their own rates; ``lib`` is nn.optim or torch.optim."""
    name, _, extra = kind.partition("-")
    kwargs = {"momentum": 0.9} if extra == "momentum" or name == "RMSprop" else {}
    return getattr(lib, name)([{"params": [tensor(2)], "lr": LRS[0]}, {"params": [tensor(3)], "lr": LRS[1]}],
                              lr=1.0, **kwargs)


def ours(kind):
    return make_optimizer(optim, kind, lambda n: Parameter(np.zeros(n)))


def theirs(torch, kind):
    return make_optimizer(torch.optim, kind, lambda n: torch.zeros(n, requires_grad=True))


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum", 0.0) for g in opt.param_groups]


def sequence(opt, sched, steps):
    """Per step: each group's rate, then each group's momentum (or β₁)."""
    rows = [list(sched.get_last_lr()) + momenta(opt)]
    for _ in range(steps):
        opt.step()
        sched.step()
        assert list(sched.get_last_lr()) == [g["lr"] for g in opt.param_groups]
        rows.append(list(sched.get_last_lr()) + momenta(opt))
    return np.array(rows)


@pytest.mark.parametrize(("kind", "make"), [case[1:] for case in SCHEDULERS], ids=IDS)
def test_sequence_matches_torch(kind, make):
    torch = pytest.importorskip("torch")
    opt = ours(kind)
    mine = sequence(opt, make(lr_scheduler, opt), STEPS)
    topt = theirs(torch, kind)
    reference = sequence(topt, make(torch.optim.lr_scheduler, topt), STEPS)
    np.testing.assert_allclose(mine, reference, rtol=1e-12, atol=0)
    assert len(np.unique(mine[:, 0])) > 1, "the schedule did not change the learning rate"


@pytest.mark.parametrize("id_", ["OneCycle", "OneCycle-three-phase-linear", "Cyclic", "Cyclic-triangular2"])
def test_momentum_is_cycled(id_):
    _, kind, make = SCHEDULERS[IDS.index(id_)]
    opt = ours(kind)
    rows = sequence(opt, make(lr_scheduler, opt), STEPS)
    lrs, moms = rows[:, 0], rows[:, 2]
    assert len(np.unique(moms)) > 2
    assert np.argmax(lrs[:20]) == np.argmin(moms[:20])  # the momentum is lowest where the rate peaks


@pytest.mark.parametrize(("kind", "make"), [case[1:] for case in SCHEDULERS], ids=IDS)
def test_resume_from_state_dicts_continues_the_same_sequence(kind, make):
    opt = ours(kind)
    reference = sequence(opt, make(lr_scheduler, opt), 30)

    opt = ours(kind)
    sched = make(lr_scheduler, opt)
    sequence(opt, sched, 12)
    sched_state, opt_state = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in sched_state
    sched_state = json.loads(json.dumps(sched_state))  # plain data: survives a text checkpoint

    opt2 = ours(kind)
    sched2 = make(lr_scheduler, opt2)  # scheduler first, then the saved states
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    np.testing.assert_array_equal(sequence(opt2, sched2, 18), reference[12:])


def test_callable_objects_keep_their_state():
    opt = ours("SGD")
    sched = lr_scheduler.MultiplicativeLR(opt, [Warmup(4), shrink])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"steps": 4}, None]
    other = Warmup(100)
    lr_scheduler.MultiplicativeLR(ours("SGD"), [other, shrink]).load_state_dict(state)
    assert other.steps == 4

    class Halving:
        def __init__(self):
            self.base = 2.0

        def __call__(self, x):
            return 1 / self.base ** (x - 1)

    saved_fn = Halving()
    sched = lr_scheduler.CyclicLR(ours("SGD"), 0.01, 0.1, scale_fn=saved_fn, cycle_momentum=False)
    saved_fn.base = 3.0
    fn = Halving()
    lr_scheduler.CyclicLR(ours("SGD"), 0.01, 0.1, scale_fn=fn, cycle_momentum=False).load_state_dict(sched.state_dict())
    assert fn.base == 3.0
    plain = lr_scheduler.CyclicLR(ours("SGD"), 0.01, 0.1, scale_fn=harmonic, cycle_momentum=False).state_dict()
    assert plain["_scale_fn_custom"] is None


RESUMES = [
    lambda m, o: m.MultiStepLR(o, milestones=[2, 6, 9], gamma=0.5, last_epoch=4),
    lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=7, last_epoch=3),
    lambda m, o: m.LinearLR(o, start_factor=0.2, total_iters=8, last_epoch=3),
    lambda m, o: m.PolynomialLR(o, total_iters=10, power=2.0, last_epoch=4),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, last_epoch=4),
    lambda m, o: m.MultiplicativeLR(o, wobble, last_epoch=4),
]


@pytest.mark.parametrize("make", RESUMES)
def test_resuming_after_construction_matches_torch(make):
    torch = pytest.importorskip("torch")
    opt, topt = ours("SGD"), theirs(torch, "SGD")
    for group in opt.param_groups + topt.param_groups:
        group["initial_lr"] = group["lr"]
    mine = sequence(opt, make(lr_scheduler, opt), 20)
    reference = sequence(topt, make(torch.optim.lr_scheduler, topt), 20)
    np.testing.assert_allclose(mine, reference, rtol=1e-12, atol=0)


@pytest.mark.parametrize("T_mult", [1, 2])
def test_warm_restarts_at_fractional_epochs_match_torch(T_mult):
    torch = pytest.importorskip("torch")
    rows = []
    for lib, opt in ((lr_scheduler, ours("SGD")), (torch.optim.lr_scheduler, theirs(torch, "SGD"))):
        sched = lib.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=T_mult, eta_min=0.005)
        lrs = []
        for epoch in range(9):
            for i in range(4):
                opt.step()
                sched.step(epoch + i / 4)
                lrs.append(list(sched.get_last_lr()))
        rows.append(np.array(lrs))
    np.testing.assert_allclose(rows[0], rows[1], rtol=1e-12, atol=0)
    assert len(np.unique(rows[0][:, 0])) >= 8  # every quarter of an epoch has its own rate


BAD = [
    lambda m, o: m.MultiplicativeLR(o, [shrink]),
    lambda m, o: m.ConstantLR(o, factor=1.5),
    lambda m, o: m.LinearLR(o, start_factor=0),
    lambda m, o: m.LinearLR(o, end_factor=1.5),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=2.5),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, eta_min="0"),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3).step(-1),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=0),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, epochs=0, steps_per_epoch=3),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, epochs=2, steps_per_epoch=1.5),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp"),
    lambda m, o: m.OneCycleLR(o, max_lr=[0.1, 0.2, 0.3], total_steps=10),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10),  # no error: SGD has a momentum (0) to cycle
    lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, mode="sine"),
    lambda m, o: m.CyclicLR(o, base_lr=[0.01], max_lr=0.1),
    lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, base_momentum=[0.8]),
    lambda m, o: m.SequentialLR(o, [], milestones=[]),
    lambda m, o: m.SequentialLR(o, [m.ExponentialLR(o, 0.9), m.ExponentialLR(o, 0.5)], milestones=[]),
    lambda m, o: m.SequentialLR(o, [m.ExponentialLR(o, 0.9), m.ReduceLROnPlateau(o)], milestones=[3]),
    lambda m, o: m.ChainedScheduler([]),
    lambda m, o: m.ChainedScheduler([m.ExponentialLR(o, 0.9)], optimizer=type(o)(o.param_groups[0]["params"])),
]


@pytest.mark.parametrize("make", BAD)
def test_bad_input_raises_torchs_error(make):
    torch = pytest.importorskip("torch")
    outcomes = []
    for lib, opt in ((lr_scheduler, ours("SGD")), (torch.optim.lr_scheduler, theirs(torch, "SGD"))):
        try:
            make(lib, opt)
            outcomes.append(None)
        except (ValueError, TypeError) as error:
            outcomes.append((type(error), str(error).split(" has SGD")[0]))
    assert outcomes[0] == outcomes[1]


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([Parameter(np.zeros(2))]), max_lr=0.1, total_steps=10)
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got int"):
        lr_scheduler.MultiplicativeLR(ours("SGD"), [shrink, 3])
    with pytest.raises(TypeError, match="str is not an Optimizer"):
        lr_scheduler.CyclicLR("SGD", 0.01, 0.1)
    opt = ours("SGD-momentum")
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match=r"Tried to step 4 times\. The specified number of total steps is 3"):
        sched.step()
    with pytest.raises(ValueError, match="expects the dict its state_dict"):
        lr_scheduler.ChainedScheduler([lr_scheduler.ExponentialLR(opt, 0.9)]).load_state_dict({"_schedulers": []})
