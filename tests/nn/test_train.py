"""The training loop: equal to the hand-written loop, validation mode, metrics, early stopping, schedulers,
clipping, non-finite losses, Ctrl-C, progress bars, bitwise checkpoint resume, and digits to 97%."""

import io
import math
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

import autograd
import nn
from nn import datasets
from nn.data import DataLoader, TensorDataset
from nn.optim import SGD, Adam
from nn.optim.lr_scheduler import CosineAnnealingLR, ReduceLROnPlateau, StepLR
from nn.train import EarlyStopping, History, accuracy, evaluate, fit


@pytest.fixture(autouse=True)
def _float64():
    autograd.set_default_dtype(np.float64)  # the conftest restores it


def moons_loaders(n=120, batch_size=16, seed=0):
    X, y = datasets.moons(n, noise=0.1, seed=seed)
    train = DataLoader(TensorDataset(X[: n * 3 // 4], y[: n * 3 // 4]), batch_size=batch_size, shuffle=True, seed=seed)
    val = DataLoader(TensorDataset(X[n * 3 // 4:], y[n * 3 // 4:]), batch_size=64)
    return train, val


def make_model(seed=0, dropout=0.0):
    autograd.manual_seed(seed)
    return nn.MLP(2, [8], 2, activation=nn.Tanh, dropout=dropout)


def params(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def manual_steps(model, optimizer, loader, steps, clip=None):
    """The loop fit is meant to be: zero_grad, forward, loss, backward, (clip), step."""
    loss_fn = nn.CrossEntropyLoss()
    done = 0
    while done < steps:
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            done += 1
            if done == steps:
                break


def test_fit_equals_the_hand_written_loop():
    train_a, _ = moons_loaders()
    train_b, _ = moons_loaders()
    a, b = make_model(), make_model()
    history = fit(a, nn.CrossEntropyLoss(), SGD(a.parameters(), lr=0.1, momentum=0.9), train_a, epochs=3,
                  progress=False)
    manual_steps(b, SGD(b.parameters(), lr=0.1, momentum=0.9), train_b, 3 * len(train_b))
    assert_same(params(a), params(b))
    assert history.steps == 3 * len(train_a) and history.epochs == 3


def test_history_holds_python_floats_and_the_loss_goes_down():
    train, val = moons_loaders(n=200)
    model = make_model()
    history = fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.05), train, val, epochs=15,
                  progress=False)
    assert set(history.keys()) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    for key in history.keys():
        assert len(history[key]) == 15
        assert all(type(v) is float for v in history[key]), key
    assert all(type(v) is float for v in history.step_losses)
    assert history["loss"][-1] < history["loss"][0] / 2
    assert history["val_accuracy"][-1] > 0.8
    # the epoch loss is the batch-size-weighted mean of that epoch's step losses
    sizes = [len(yb) for _, yb in DataLoader(train.dataset, batch_size=16)]
    first = np.dot(history.step_losses[: len(sizes)], sizes) / sum(sizes)
    assert history["loss"][0] == pytest.approx(first, rel=1e-12)
    with pytest.raises(KeyError, match="val_acc"):
        history["val_acc"]
    assert "epochs=15" in repr(history)


class Recorder(nn.Module):
    """Wraps a model and records (training flag, grad mode) of every forward call."""

    def __init__(self, model):
        super().__init__()
        self.model, self.calls = model, []

    def forward(self, x):
        self.calls.append((self.training, autograd.is_grad_enabled(), len(x)))
        return self.model(x)


def test_validation_runs_in_eval_mode_without_grad_then_training_resumes():
    train, val = moons_loaders()
    model = Recorder(make_model())
    fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, val, epochs=2, progress=False)
    per_epoch = len(train) + len(val)
    assert len(model.calls) == 2 * per_epoch
    for epoch in range(2):
        calls = model.calls[epoch * per_epoch:(epoch + 1) * per_epoch]
        assert all(c[:2] == (True, True) for c in calls[: len(train)])
        assert all(c[:2] == (False, False) for c in calls[len(train):])
    assert model.training and autograd.is_grad_enabled()


def test_evaluate_matches_a_direct_computation_and_restores_the_mode():
    _, val = moons_loaders(n=200)
    model = make_model()
    model.eval()
    result = evaluate(model, nn.CrossEntropyLoss(), DataLoader(val.dataset, batch_size=7))
    X, y = val.dataset.arrays
    with autograd.no_grad():
        logits = model(autograd.tensor(X))
        loss = nn.CrossEntropyLoss()(logits, autograd.tensor(y))
    assert result["loss"] == pytest.approx(float(loss), rel=1e-12)
    assert result["accuracy"] == np.mean(logits.data.argmax(1) == y)
    assert not model.training
    assert evaluate(model, nn.MSELoss(), DataLoader(TensorDataset(X, X), batch_size=8)).keys() == {"loss"}


def test_accuracy_for_class_scores_one_hot_targets_and_single_logits():
    scores = np.array([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0], [0.0, 0.0, 5.0], [1.0, 2.0, 0.0]])
    labels = np.array([1, 0, 1, 0])
    assert accuracy(scores, labels) == 0.5
    assert accuracy(scores, np.eye(3)[labels]) == 0.5
    logits = np.array([[2.0], [-1.0], [0.5], [-3.0]])
    assert accuracy(logits, np.array([[1.0], [0.0], [0.0], [0.0]])) == 0.75
    assert accuracy(np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0]), threshold=0.5) == 2 / 3
    with pytest.raises(ValueError, match="do not match targets of shape"):
        accuracy(scores, labels[:3])


def test_custom_metrics_by_function_and_by_name():
    train, val = moons_loaders()
    model = make_model()

    def error_rate(outputs, targets):
        return 1.0 - accuracy(outputs, targets)

    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, val, epochs=2,
                  metrics=["accuracy", error_rate], progress=False)
    for prefix in ("", "val_"):
        np.testing.assert_allclose(history[prefix + "error_rate"], 1 - np.array(history[prefix + "accuracy"]))
    with pytest.raises(TypeError, match="wrap a single metric in a list"):
        fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, metrics="accuracy",
            progress=False)
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, metrics=["f1"], progress=False)


def test_early_stopping_counts_patience_and_respects_min_delta():
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    decisions = [stopper.step(v) for v in (1.0, 0.95, 0.85, 0.8, 0.79)]
    assert decisions == [False, False, False, False, True]  # 0.95 and 0.8 improve by less than 0.1
    assert (stopper.best, stopper.best_epoch) == (0.85, 3)
    maximise = EarlyStopping(patience=1, monitor="val_accuracy")
    maximise.reset()
    assert [maximise.step(v) for v in (0.5, 0.7, 0.6)] == [False, False, True]
    for bad in ({"patience": -1}, {"patience": 1.5}, {"min_delta": -0.1}, {"mode": "up"}):
        with pytest.raises(ValueError):
            EarlyStopping(**bad)


def test_early_stopping_stops_and_restores_the_best_epoch():
    """Validation labels are flipped, so learning the training set makes the validation loss worse."""
    X, y = datasets.moons(160, noise=0.1, seed=1)
    train = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    val = DataLoader(TensorDataset(X, 1 - y), batch_size=160)
    model = make_model()
    snapshots = []
    stopper = EarlyStopping(patience=3)
    history = fit(model, nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.05), train, val, epochs=50,
                  early_stopping=stopper, on_epoch_end=lambda epoch, logs: snapshots.append(params(model)),
                  progress=False)
    assert history.stopped_early and not history.interrupted
    best = int(np.argmin(history["val_loss"]))
    assert history.epochs == best + 1 + 3 < 50
    assert stopper.best_epoch == best + 1 and stopper.best == history["val_loss"][best]
    assert_same(params(model), snapshots[best])


def test_early_stopping_monitor_must_be_recorded():
    train, _ = moons_loaders()
    model = make_model()
    with pytest.raises(ValueError, match=r"'val_loss'.*no val_loader"):
        fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, epochs=1,
            early_stopping=EarlyStopping(monitor="val_loss"), progress=False)
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.0), train, epochs=10,
                  early_stopping=EarlyStopping(patience=2, min_delta=1e-9, restore_best=False), progress=False)
    assert history.stopped_early and history.epochs == 3  # lr 0: the loss changes only by rounding


def test_schedulers_step_once_per_epoch_and_plateau_gets_the_validation_loss():
    train, val = moons_loaders()
    model = make_model()
    optimizer = SGD(model.parameters(), lr=0.4)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=4,
                  scheduler=StepLR(optimizer, step_size=1, gamma=0.5), progress=False)
    assert history["lr"] == [0.4, 0.2, 0.1, 0.05]
    assert optimizer.param_groups[0]["lr"] == 0.025

    class Watched(ReduceLROnPlateau):
        def step(self, metrics):
            seen.append(metrics)
            super().step(metrics)

    seen = []
    optimizer = SGD(model.parameters(), lr=0.1)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=3, scheduler=Watched(optimizer),
                  progress=False)
    assert seen == history["val_loss"]
    seen.clear()
    history = fit(model, nn.CrossEntropyLoss(), optimizer, train, epochs=2, scheduler=Watched(optimizer),
                  progress=False)
    assert seen == history["loss"]


def test_gradient_clipping_bounds_the_update_and_equals_clip_grad_norm():
    train_a, _ = moons_loaders()
    train_b, _ = moons_loaders()
    a, b = make_model(), make_model()
    before = params(a)
    one_batch = DataLoader(TensorDataset(*train_a.dataset.arrays), batch_size=90)
    fit(a, nn.CrossEntropyLoss(), SGD(a.parameters(), lr=1.0), one_batch, epochs=1, clip_grad_norm=1e-3,
        progress=False)
    moved = math.sqrt(sum(np.sum((params(a)[k] - before[k]) ** 2) for k in before))
    assert moved == pytest.approx(1e-3, rel=1e-4)  # the raw gradient is far larger than 1e-3
    a = make_model()
    fit(a, nn.CrossEntropyLoss(), SGD(a.parameters(), lr=0.5), train_a, epochs=2, clip_grad_norm=0.05,
        progress=False)
    manual_steps(b, SGD(b.parameters(), lr=0.5), train_b, 2 * len(train_b), clip=0.05)
    assert_same(params(a), params(b))
    with pytest.raises(ValueError, match="clip_grad_norm"):
        fit(a, nn.CrossEntropyLoss(), SGD(a.parameters(), lr=0.5), train_a, clip_grad_norm=0, progress=False)


class FailingLoss:
    """Cross-entropy that goes wrong on its ``n``-th call: returns NaN or raises."""

    def __init__(self, n, error=None):
        self.n, self.error, self.calls = n, error, 0
        self.inner = nn.CrossEntropyLoss()

    def __call__(self, outputs, targets):
        self.calls += 1
        loss = self.inner(outputs, targets)
        if self.calls == self.n:
            if self.error is not None:
                raise self.error
            return loss * float("nan")
        return loss


def test_a_non_finite_loss_stops_before_the_update_naming_epoch_and_step():
    train_a, _ = moons_loaders()  # 6 batches per epoch
    train_b, _ = moons_loaders()
    a, b = make_model(), make_model()
    with pytest.raises(FloatingPointError, match=r"nan at epoch 2, step 3 of the epoch \(step 9 overall\)") as info:
        fit(a, FailingLoss(9), SGD(a.parameters(), lr=0.1), train_a, epochs=3, progress=False)
    assert "autograd.detect_anomaly()" in str(info.value)
    assert info.value.history.steps == 8 and info.value.history.epochs == 1
    manual_steps(b, SGD(b.parameters(), lr=0.1), train_b, 8)
    assert_same(params(a), params(b))


def test_keyboard_interrupt_stops_after_the_last_completed_step(capsys):
    train_a, _ = moons_loaders()
    train_b, _ = moons_loaders()
    a, b = make_model(), make_model()
    history = fit(a, FailingLoss(10, KeyboardInterrupt()), Adam(a.parameters(), lr=0.01), train_a, epochs=5,
                  progress=False)
    assert history.interrupted and history.steps == 9 and history.epochs == 1
    assert "interrupted (KeyboardInterrupt) during epoch 2, after step 3" in capsys.readouterr().err
    manual_steps(b, Adam(b.parameters(), lr=0.01), train_b, 9)
    assert_same(params(a), params(b))
    assert a.training


class InterruptingSGD:
    """Plain SGD, one parameter at a time, that sends itself SIGINT after updating the first parameter of
    its ``at``-th step: without a guard the KeyboardInterrupt would leave the others un-updated."""

    def __init__(self, params, lr, at):
        self.params, self.lr, self.at, self.count = list(params), lr, at, 0
        self.param_groups = [{"params": self.params, "lr": lr}]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        self.count += 1
        for i, p in enumerate(self.params):
            p.data = p.data - self.lr * p.grad.data
            if i == 0 and self.count == self.at:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.01)  # the handler runs here, between parameter updates


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGINT"),
                    reason="signals reach the main thread only")
def test_ctrl_c_during_an_update_finishes_the_update_first(capsys):
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by someone else here")
    train_a, _ = moons_loaders()
    train_b, _ = moons_loaders()
    a, b = make_model(), make_model()
    history = fit(a, nn.CrossEntropyLoss(), InterruptingSGD(a.parameters(), 0.1, at=4), train_a, epochs=3,
                  progress=False)
    assert history.interrupted and history.steps == 4
    manual_steps(b, SGD(b.parameters(), lr=0.1), train_b, 4)
    assert_same(params(a), params(b))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert "parameters are those after step 4" in capsys.readouterr().err


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_only_and_fit_works_without_tqdm(monkeypatch, capsys):
    pytest.importorskip("tqdm")
    train, _ = moons_loaders()
    model = make_model()
    fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, epochs=2)
    assert capsys.readouterr().err == ""  # stderr is not a terminal here: tqdm turns itself off
    terminal = FakeTTY()
    monkeypatch.setattr(sys, "stderr", terminal)
    fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, epochs=2)
    assert "epoch 2/2" in terminal.getvalue() and f"{2 * len(train)}/{2 * len(train)}" in terminal.getvalue()
    terminal.truncate(0)
    fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, epochs=1, progress=False)
    assert terminal.getvalue() == ""
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, epochs=1)
    # without tqdm a terminal still gets a plain progress line, and one note on what to install
    shown = terminal.getvalue()
    assert history.epochs == 1 and shown.count('chainrule[progress]') == 1
    assert f"epoch 1/1: {len(train)}/{len(train)} steps, loss=" in shown
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: nothing at all
    fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, epochs=1)
    assert sys.stderr.getvalue() == ""


def test_in_jupyter_the_bar_shows_although_stderr_is_no_terminal(monkeypatch):
    tqdm_auto = pytest.importorskip("tqdm.auto")
    from nn.progress import progress_bar

    assert progress_bar(True, 10, 0).disable  # a pipe: tqdm switches itself off
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", object())  # what a Jupyter kernel has imported
    bar = progress_bar(True, 10, 0)
    try:
        assert isinstance(bar, tqdm_auto.tqdm) and not bar.disable
    finally:
        bar.close()


def test_callbacks_see_every_step_and_epoch():
    train, val = moons_loaders()
    model = make_model()
    steps, epochs = [], []
    history = fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), train, val, epochs=2,
                  on_step=lambda step, loss: steps.append((step, loss)),
                  on_epoch_end=lambda epoch, logs: epochs.append((epoch, dict(logs))), progress=False)
    assert steps == list(enumerate(history.step_losses, start=1))
    assert [e for e, _ in epochs] == [1, 2]
    assert epochs[1][1]["val_loss"] == history["val_loss"][1]


def test_bad_arguments_and_empty_loaders_are_clear_errors():
    train, _ = moons_loaders()
    model = make_model()
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be a non-negative integer"):
        fit(model, nn.CrossEntropyLoss(), opt, train, epochs=-1)
    empty = DataLoader(TensorDataset(np.zeros((3, 2)), np.zeros(3, dtype=np.int64)), batch_size=4, drop_last=True)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, nn.CrossEntropyLoss(), opt, empty, epochs=1)
    with pytest.raises(ValueError, match="no batches"):
        evaluate(model, nn.CrossEntropyLoss(), empty)
    with pytest.raises(ValueError, match="scalar"):
        fit(model, nn.CrossEntropyLoss(reduction="none"), opt, train, epochs=1, progress=False)
    triples = [(np.zeros((2, 2)), np.zeros(2, dtype=np.int64), np.zeros(2))]
    with pytest.raises(ValueError, match=r"pair \(inputs, targets\).*length 3"):
        fit(model, nn.CrossEntropyLoss(), opt, triples, epochs=1, progress=False)


def build_run(seed):
    """Fresh objects for the resume test: an MLP with dropout, Adam, a step schedule, a shuffled loader."""
    model = make_model(seed, dropout=0.2)
    X, y = datasets.moons(100, noise=0.2, seed=3)
    train = DataLoader(TensorDataset(X[:80], y[:80]), batch_size=16, shuffle=True, seed=seed)
    val = DataLoader(TensorDataset(X[80:], y[80:]), batch_size=32)
    optimizer = Adam(model.parameters(), lr=0.02)
    return model, optimizer, StepLR(optimizer, step_size=2, gamma=0.5), train, val


def test_training_2n_epochs_equals_n_then_checkpoint_then_n_more_bitwise(tmp_path):
    n = 3
    model, optimizer, scheduler, train, val = build_run(seed=0)
    autograd.manual_seed(7)
    full = fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=2 * n, scheduler=scheduler,
               early_stopping=EarlyStopping(patience=100, restore_best=False), progress=False)

    path = tmp_path / "run.npz"
    first = build_run(seed=0)
    autograd.manual_seed(7)
    fit(first[0], nn.CrossEntropyLoss(), first[1], first[3], first[4], epochs=n, scheduler=first[2],
        early_stopping=EarlyStopping(patience=100, restore_best=False), checkpoint=path, progress=False)
    autograd.manual_seed(12345)  # whatever happens in between is undone by the checkpoint
    fresh = build_run(seed=99)
    stopper = EarlyStopping(patience=100, restore_best=False)
    resumed = fit(fresh[0], nn.CrossEntropyLoss(), fresh[1], fresh[3], fresh[4], epochs=2 * n, scheduler=fresh[2],
                  early_stopping=stopper, resume=path, progress=False)

    assert_same(params(fresh[0]), params(model))
    assert resumed.history == full.history and resumed.step_losses == full.step_losses
    assert fresh[2].get_last_lr() == scheduler.get_last_lr()
    saved, ours = fresh[1].state_dict(), optimizer.state_dict()
    for i, state in ours["state"].items():
        for key, value in state.items():
            np.testing.assert_array_equal(saved["state"][i][key], value)
    assert stopper.best == min(full["val_loss"])
    assert nn.load(path)["epoch"] == n


def test_resume_needs_the_states_it_is_asked_to_restore(tmp_path):
    model, optimizer, scheduler, train, _ = build_run(seed=0)
    path = tmp_path / "run.npz"
    fit(model, nn.CrossEntropyLoss(), optimizer, train, epochs=1, checkpoint=path, progress=False)
    with pytest.raises(ValueError, match="no scheduler state"):
        fit(model, nn.CrossEntropyLoss(), optimizer, train, epochs=2, scheduler=scheduler, resume=path,
            progress=False)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, train, epochs=1, resume=path, progress=False)
    assert history.epochs == 1 and history.steps == len(train)  # nothing left to train


def test_an_epoch_interrupted_with_a_checkpoint_resumes_where_it_stopped(tmp_path):
    model, optimizer, _, train, _ = build_run(seed=0)
    path = tmp_path / "run.npz"

    def stop_after_3(step, loss):
        if step == 3:
            raise KeyboardInterrupt

    history = fit(model, nn.CrossEntropyLoss(), optimizer, train, epochs=2, checkpoint=path, on_step=stop_after_3,
                  progress=False)
    assert history.interrupted and history.steps == 3
    with pytest.raises(ValueError, match="same metrics"):  # its running means would mix two sets of metrics
        fit(model, nn.CrossEntropyLoss(), optimizer, train, epochs=2, resume=path, metrics={"zero": lambda o, t: 0.0},
            progress=False)
    # a loop of your own gets the completed epochs, and the loader the rest of the interrupted one
    model, optimizer, _, train, _ = build_run(seed=1)
    assert nn.train.load_checkpoint(path, model, optimizer, train_loader=train) == 0
    assert len(list(train)) == len(train) - 3


def test_mlp_on_digits_reaches_97_percent_within_a_minute():
    """Standardised inputs, float32, Adam with a cosine schedule, dropout; a fixed 25% test split."""
    pytest.importorskip("sklearn")
    autograd.set_default_dtype(np.float32)
    X, y = datasets.digits()
    order = np.random.default_rng(0).permutation(len(X))
    n_test = len(X) // 4
    test, train = order[:n_test], order[n_test:]
    mean, std = X[train].mean(0), X[train].std(0)
    std[std == 0] = 1
    X = ((X - mean) / std).astype(np.float32)
    autograd.manual_seed(0)
    model = nn.MLP(64, [128], 10, activation=nn.GELU, dropout=0.3)
    optimizer = Adam(model.parameters(), lr=3e-3)
    start = time.perf_counter()
    fit(model, nn.CrossEntropyLoss(), optimizer,
        DataLoader(TensorDataset(X[train], y[train]), batch_size=32, shuffle=True, seed=0), epochs=30,
        scheduler=CosineAnnealingLR(optimizer, T_max=30), progress=False)
    seconds = time.perf_counter() - start
    result = evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(X[test], y[test]), batch_size=512))
    assert result["accuracy"] >= 0.97
    assert seconds < 60
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_history_state_round_trip():
    history = History()
    history.append({"loss": 1.5, "lr": 0.1})
    history.step_losses += [2.0, 1.0]
    other = History()
    other.load_state_dict(history.state_dict())
    assert other.history == history.history and other.step_losses == history.step_losses
