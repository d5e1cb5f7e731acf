"""The training loop: mini-batch gradient descent over epochs, with validation, early stopping and checkpoints.

One step is the lecture's update on a mini-batch B:  θ ← θ − η·∇_θ (1/|B|) Σ_{i∈B} L(f(x_i; θ), y_i),
written the PyTorch way (``zero_grad(); loss.backward(); optimizer.step()``). The loader shuffles the
training data every epoch; after each epoch the model is evaluated on the validation set under
``no_grad()`` in ``eval()`` mode, the scheduler steps, early stopping decides whether to go on, and a
checkpoint is written if asked for. Callbacks, checkpoints and metrics live in ``nn.callbacks``,
``nn.checkpoint`` and ``nn.metrics``; their names are importable from here too.

>>> import numpy as np
>>> import nn
>>> from nn.data import DataLoader, TensorDataset
>>> X = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
>>> y = (X[:, 0] > 0).astype(np.int64)
>>> model = nn.Linear(2, 2)
>>> history = nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.5),
...                  DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True, seed=0), epochs=5,
...                  progress=False)
>>> len(history["loss"]), history.steps, type(history["loss"][-1]).__name__
(5, 20, 'float')
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd
from autograd import Tensor, no_grad

from .callbacks import EarlyStopping, History, monitored
from .checkpoint import apply_checkpoint, checkpoint_state, load_checkpoint, read_checkpoint, save_checkpoint
from .data import DataLoader
from .diagnostics import Diagnostics
from .metrics import Averages, Metric, accuracy, resolve_metrics
from .module import Module
from .optim.lr_scheduler import ReduceLROnPlateau
from .progress import progress_bar
from .serialization import save
from .utils import clip_grad_norm_

__all__ = ["EarlyStopping", "History", "accuracy", "evaluate", "fit", "load_checkpoint", "save_checkpoint"]


def _unpack(batch: Any) -> tuple[Tensor, Any]:
    if not isinstance(batch, tuple | list) or len(batch) != 2:
        raise ValueError("each batch must be a pair (inputs, targets), got "
                         f"{type(batch).__name__}{f' of length {len(batch)}' if isinstance(batch, tuple | list) else ''}")
    inputs, targets = batch
    return (inputs if isinstance(inputs, Tensor) else Tensor(inputs)), targets


def _loss_value(loss: Any) -> float:
    if not isinstance(loss, Tensor):
        raise TypeError(f"loss_fn must return a Tensor, got {type(loss).__name__}")
    if loss.numel() != 1:
        raise ValueError(f"loss_fn must return a scalar to call backward() on, got shape {loss.shape} "
                         "(use reduction='mean' or 'sum')")
    return float(loss.data)


def evaluate(model: Module, loss_fn: Callable[[Any, Any], Tensor], loader: Iterable[Any],
             metrics: Sequence[str | Metric] | Mapping[str, Metric] | None = None) -> dict[str, float]:
    """Mean loss (weighted by batch size) and metrics over ``loader``, under ``no_grad()`` in ``eval()`` mode.

    The model's training/eval mode is restored afterwards. ``metrics`` as for ``fit``.
    """
    averages = Averages(resolve_metrics(metrics, loss_fn))
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for batch in loader:
                inputs, targets = _unpack(batch)
                outputs = model(inputs)
                averages.add(_loss_value(loss_fn(outputs, targets)), outputs, targets)
    finally:
        model.train(was_training)
    if averages.count == 0:
        raise ValueError("evaluate: the loader yielded no batches (empty dataset, or drop_last with a batch "
                         "larger than the dataset)")
    return averages.means()


class _InterruptGuard:
    """Hold a Ctrl-C that arrives during an update until the update is complete.

    Elsewhere the previous SIGINT handler runs as usual (normally it raises KeyboardInterrupt at
    once): only ``optimizer.step()`` and the end-of-epoch bookkeeping must not be cut in half.
    Signal handlers can only be installed from the main thread; elsewhere this does nothing.
    """

    def __init__(self) -> None:
        self._previous: Any = None
        self._depth = 0
        self._pending: tuple[int, Any] | None = None

    def __enter__(self) -> _InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if callable(previous):
                self._previous = previous
                signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _handle(self, signum: int, frame: Any) -> None:
        if self._depth:
            self._pending = (signum, frame)
        else:
            self._previous(signum, frame)

    @contextmanager
    def atomic(self) -> Any:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._pending is not None and not self._depth:
            pending, self._pending = self._pending, None
            self._previous(*pending)


def _postfix(logs: Mapping[str, float]) -> dict[str, str]:
    """Short names and four digits, so the bar fits a terminal line."""
    return {k.replace("accuracy", "acc"): f"{v:.4g}" for k, v in logs.items() if k != "lr"}


@dataclass
class _Run:
    """What one ``fit`` call works with, shared by its steps."""

    model: Module
    loss_fn: Callable[[Any, Any], Tensor]
    optimizer: Any
    train_loader: Iterable[Any]
    val_loader: Iterable[Any] | None
    epochs: int
    scheduler: Any
    early_stopping: EarlyStopping | None
    metrics: dict[str, Metric]
    monitor: str
    clip_grad_norm: float | None
    on_step: Callable[[int, float], None] | None
    on_epoch_end: Callable[[int, dict[str, float]], None] | None
    checkpoint: str | os.PathLike[str] | None
    on_nonfinite: str
    history: History = field(default_factory=History)
    guard: _InterruptGuard = field(default_factory=lambda: _InterruptGuard())
    bar: Any = None
    diagnostics: Diagnostics | None = None
    names: dict[int, str] = field(default_factory=dict)
    epoch: int = 0
    batch_in_epoch: int = 0  # batches taken from the loader this epoch, skipped ones included
    averages: Averages | None = None
    mid_epoch: bool = False  # whether an interrupted epoch can be saved: the loader's position is known
    loader_at_start: dict[str, Any] = field(default_factory=dict)
    rng_now: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # the bar's postfix: this step's loss, last epoch's metrics


def fit(model: Module, loss_fn: Callable[[Any, Any], Tensor], optimizer: Any, train_loader: Iterable[Any],
        val_loader: Iterable[Any] | None = None, *, epochs: int = 10, scheduler: Any = None,
        early_stopping: EarlyStopping | None = None,
        metrics: Sequence[str | Metric] | Mapping[str, Metric] | None = None,
        clip_grad_norm: float | None = None, progress: bool = True,
        on_step: Callable[[int, float], None] | None = None,
        on_epoch_end: Callable[[int, dict[str, float]], None] | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        resume: str | os.PathLike[str] | None = None, on_nonfinite: str = "stop",
        diagnostics: bool = False) -> History:
    """Train ``model`` for ``epochs`` epochs of mini-batch steps; returns the ``History``.

    Parameters
    ----------
    loss_fn : called as ``loss_fn(model(inputs), targets)``; must return a scalar Tensor.
    train_loader, val_loader : iterables of ``(inputs, targets)`` batches (``nn.data.DataLoader``;
        shuffling each epoch is the loader's job). Validation runs after every epoch.
    epochs : the total number of epochs; when resuming, training continues up to this number.
    scheduler : stepped once per epoch; ``ReduceLROnPlateau`` gets the validation loss (the
        training loss when there is no validation set).
    early_stopping : an ``EarlyStopping``; ``history.stopped_early`` says whether it fired.
    metrics : ``None`` gives accuracy for classification losses (CrossEntropy, NLL, BCE); else a
        list of ``"accuracy"`` or functions ``(outputs, targets) -> float`` on NumPy arrays, or a
        ``{name: function}`` dict. Each is recorded as ``name`` and ``val_name``.
    clip_grad_norm : if given, ``nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)``
        before each update.
    progress : a ``tqdm.auto`` bar (a widget in Jupyter; off when stderr is not a terminal); without
        tqdm, a plain line on a terminal.
    on_step : called as ``on_step(step, loss)`` after each update (``step`` counts from 1).
    on_epoch_end : called as ``on_epoch_end(epoch, logs)`` after each epoch (``epoch`` from 1).
    checkpoint : a path; after every epoch the model, optimizer, scheduler, loader, early-stopping
        and random-generator states, the epoch and the history are saved there with ``nn.save``.
        Weights that are not finite are never saved: the last good checkpoint stays.
    resume : a checkpoint path to restore all of that from before training (into the objects
        passed here); training then continues from the saved epoch, exactly as if it had not
        stopped. Everything is checked before anything is restored (``load_checkpoint``).
    on_nonfinite : what a step whose loss or gradients hold NaN or Inf does; it is never applied.
        ``"stop"`` (default): raise ``FloatingPointError`` naming the epoch, the step and the first
        parameter whose gradient is not finite (``error.history`` holds the history so far).
        ``"skip"``: leave that step out with a warning, count it in ``history.skipped_steps``, go on.
    diagnostics : record per layer and epoch the mean gradient norm, the fraction of saturated
        Sigmoid/Tanh units and of dead ReLUs in ``history.diagnostics`` (see ``nn.diagnostics``); an
        epoch resumed mid-way records its remaining steps only.

    Ctrl-C (KeyboardInterrupt) stops training after the last completed step (an update in progress
    is finished first), says so on stderr, and returns the history with ``interrupted=True``. With
    ``checkpoint`` and an ``nn.data.DataLoader``, that step is saved too, with the loader's position
    and the epoch's running means, and ``resume`` finishes the epoch.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ValueError(f"clip_grad_norm must be a positive number, got {clip_grad_norm!r}")
    if on_nonfinite not in ("stop", "skip"):
        raise ValueError(f"on_nonfinite must be 'stop' or 'skip', got {on_nonfinite!r}")
    metric_fns = resolve_metrics(metrics, loss_fn)
    run = _Run(model, loss_fn, optimizer, train_loader, val_loader, epochs, scheduler, early_stopping, metric_fns,
               monitored(early_stopping, metric_fns, val_loader is not None), clip_grad_norm, on_step, on_epoch_end,
               checkpoint, on_nonfinite)
    run.names = {id(p): name for name, p in model.named_parameters()}
    if early_stopping is not None:
        early_stopping.reset(run.monitor)
    in_progress = None if resume is None else _resume(run, resume)
    run.mid_epoch = checkpoint is not None and isinstance(train_loader, DataLoader)
    try:
        steps_per_epoch: int | None = len(train_loader)  # type: ignore[arg-type]
    except TypeError:
        steps_per_epoch = None
    if steps_per_epoch == 0:
        raise ValueError("fit: train_loader yields no batches (empty dataset, or drop_last=True with a "
                         "batch_size larger than the dataset)")
    total = None if steps_per_epoch is None else steps_per_epoch * max(epochs, run.epoch)
    run.bar = progress_bar(progress, total, run.history.steps) if epochs > run.epoch else None
    if diagnostics:
        run.diagnostics = Diagnostics(model, run.history.diagnostics)
    start = run.epoch
    model.train()
    try:
        with run.guard:
            while run.epoch < epochs:
                _train_epoch(run, in_progress)
                in_progress = None
                if _end_epoch(run):
                    run.history.stopped_early = True
                    break
    except KeyboardInterrupt:
        _interrupted(run)
    finally:
        if run.bar is not None:
            run.bar.close()
        if run.diagnostics is not None:
            run.diagnostics.close()
        model.train()
    if run.history.interrupted:
        _report_interrupt(run, start)
    elif early_stopping is not None:
        early_stopping.restore(model)
    return run.history


def _resume(run: _Run, path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Restore ``run``'s objects from ``path`` (all checked first); returns fit's interrupted epoch, if any."""
    objects = {"optimizer": run.optimizer, "scheduler": run.scheduler, "train_loader": run.train_loader,
               "early_stopping": run.early_stopping, "history": run.history}
    state = read_checkpoint(path, run.model, objects)
    in_progress = state.get("in_progress")
    if in_progress is not None:
        Averages(run.metrics).check_state_dict(in_progress["means"])
    apply_checkpoint(state, run.model, objects)
    run.epoch = int(state["epoch"])
    return in_progress


def _train_epoch(run: _Run, in_progress: Mapping[str, Any] | None) -> None:
    """One pass over the training loader: a step per batch, unless the loss or a gradient is not finite."""
    run.averages, run.batch_in_epoch = Averages(run.metrics), 0
    if in_progress is not None:  # resuming an epoch that was interrupted
        run.averages.load_state_dict(in_progress["means"])
        run.batch_in_epoch = int(in_progress["steps"])
    if run.mid_epoch:
        run.loader_at_start, run.rng_now = run.train_loader.state_dict(), autograd.get_rng_state()  # type: ignore[attr-defined]
    if run.bar is not None:
        run.bar.set_description(f"epoch {run.epoch + 1}/{run.epochs}")
    history, optimizer = run.history, run.optimizer
    for batch in run.train_loader:
        inputs, targets = _unpack(batch)
        optimizer.zero_grad()
        if run.diagnostics is not None:
            run.diagnostics.active = True
        try:
            outputs = run.model(inputs)
        finally:
            if run.diagnostics is not None:
                run.diagnostics.active = False
        loss = run.loss_fn(outputs, targets)
        value = _loss_value(loss)
        problem = None if math.isfinite(value) else f"the loss is {value}"
        if problem is None:
            loss.backward()
            problem = _non_finite_gradient(run)
        if problem is not None:
            _refuse_step(run, problem)
            with run.guard.atomic():
                optimizer.zero_grad()
                run.batch_in_epoch += 1
            continue
        if run.diagnostics is not None:
            run.diagnostics.after_backward()
        if run.clip_grad_norm is not None:
            clip_grad_norm_(run.model.parameters(), run.clip_grad_norm)
        with run.guard.atomic():
            optimizer.step()
            history.step_losses.append(value)
            run.batch_in_epoch += 1
            run.averages.add(value, outputs, targets)
            if run.mid_epoch:
                run.rng_now = autograd.get_rng_state()  # dropout's draws so far, for a save mid-epoch
        del inputs, targets, outputs, loss  # the last step's graph need not outlive it
        if run.bar is not None:
            run.shown["loss"] = f"{value:.4g}"
            run.bar.set_postfix(run.shown, refresh=False)
            run.bar.update(1)
        if run.on_step is not None:
            run.on_step(history.steps, value)
    if run.averages.count == 0:
        raise ValueError(f"fit: train_loader yielded no batches with an update in epoch {run.epoch + 1} (empty dataset, "
                         "drop_last with a batch larger than the data, or every step skipped as not finite)")


def _non_finite_gradient(run: _Run) -> str | None:
    """Names the first parameter (in the optimizer's order) whose gradient holds NaN or Inf, if any."""
    for i, p in enumerate(p for group in run.optimizer.param_groups for p in group["params"]):
        grad = getattr(p, "grad", None)
        if grad is not None and not np.isfinite(grad.data).all():
            name = run.names.get(id(p), f"parameter {i} of the optimizer")
            return f"the gradient of {name} holds NaN or Inf (the loss is finite)"
    return None


def _refuse_step(run: _Run, problem: str) -> None:
    """A step whose loss or gradients are not finite: raise (``on_nonfinite="stop"``) or skip it with a warning."""
    history = run.history
    where = (f"at epoch {run.epoch + 1}, step {run.batch_in_epoch + 1} of the epoch "
             f"(step {history.steps + history.skipped_steps + 1} overall)")
    if run.on_nonfinite == "skip":
        history.skipped_steps += 1
        warnings.warn(f"fit: skipped the update {where}: {problem}", UserWarning, stacklevel=4)
        return
    error = FloatingPointError(
        f"fit: {problem} {where}; training stopped before that update, and no checkpoint holds it. Run the forward "
        "and backward pass under `with autograd.detect_anomaly():` to find the op that produced it, try a lower "
        "learning rate / gradient clipping, or pass on_nonfinite='skip' to leave such steps out.")
    error.history = history  # type: ignore[attr-defined]
    raise error


def _end_epoch(run: _Run) -> bool:
    """Validate, record, step the scheduler and early stopping, save the checkpoint; True means stop now."""
    assert run.averages is not None
    logs = run.averages.means()
    if run.val_loader is not None:
        logs.update((f"val_{k}", v) for k, v in evaluate(run.model, run.loss_fn, run.val_loader, run.metrics).items())
    logs["lr"] = float(run.optimizer.param_groups[0]["lr"])
    with run.guard.atomic():
        run.history.append(logs)
        if run.diagnostics is not None:
            run.diagnostics.end_epoch()
        if run.scheduler is not None:
            if isinstance(run.scheduler, ReduceLROnPlateau):
                run.scheduler.step(logs["val_loss" if run.val_loader is not None else "loss"])
            else:
                run.scheduler.step()
        stop = run.early_stopping is not None and run.early_stopping.step(logs[run.monitor], run.model)
        run.epoch, run.batch_in_epoch = run.epoch + 1, 0
        if run.checkpoint is not None:
            save_checkpoint(run.checkpoint, run.model, run.optimizer, epoch=run.epoch, scheduler=run.scheduler,
                            train_loader=run.train_loader, early_stopping=run.early_stopping, history=run.history)
    if run.bar is not None:
        run.shown = _postfix(logs)
        run.bar.set_postfix(run.shown)
    if run.on_epoch_end is not None:
        run.on_epoch_end(run.epoch, logs)
    return stop


def _interrupted(run: _Run) -> None:
    """Ctrl-C: mark the history, and save the epoch so far when it can be resumed."""
    run.history.interrupted = True
    if run.mid_epoch and run.batch_in_epoch and run.averages is not None:
        # the loader may have handed out the next batch already: its position is counted in batches
        progress = {"steps": run.batch_in_epoch, "means": run.averages.state_dict()}
        save(checkpoint_state(run.model, run.optimizer, run.epoch, run.scheduler, run.early_stopping, run.history,
                              dict(run.loader_at_start, batch=run.batch_in_epoch), run.rng_now, progress),
             run.checkpoint)  # type: ignore[arg-type]


def _report_interrupt(run: _Run, start: int) -> None:
    if run.batch_in_epoch:
        where = f"during epoch {run.epoch + 1}, after step {run.batch_in_epoch} of the epoch"
    else:
        where = f"after epoch {run.epoch}" if run.epoch > start else "before the first step"
    saved = f"; {os.fspath(run.checkpoint)} resumes from here" if run.mid_epoch and run.batch_in_epoch else ""  # type: ignore[arg-type]
    print(f"fit: interrupted (KeyboardInterrupt) {where}; the parameters are those after step "
          f"{run.history.steps}, and the history holds {run.history.epochs} complete epoch(s){saved}.", file=sys.stderr)
