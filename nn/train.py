"""The training loop: mini-batch gradient descent over epochs, with validation, early stopping and checkpoints.

One step is the lecture's update on a mini-batch B:  θ ← θ − η·∇_θ (1/|B|) Σ_{i∈B} L(f(x_i; θ), y_i),
written the PyTorch way (``zero_grad(); loss.backward(); optimizer.step()``). The loader shuffles the
training data every epoch; after each epoch the model is evaluated on the validation set under
``no_grad()`` in ``eval()`` mode, the scheduler steps, early stopping decides whether to go on, and a
checkpoint is written if asked for.

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
from functools import partial
from typing import Any

import numpy as np

import autograd
from autograd import Tensor, no_grad

from .data import DataLoader
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss
from .module import Module
from .optim.lr_scheduler import ReduceLROnPlateau
from .serialization import load, save
from .utils import clip_grad_norm_

Metric = Callable[[np.ndarray, np.ndarray], float]

__all__ = ["EarlyStopping", "History", "accuracy", "evaluate", "fit", "load_checkpoint", "save_checkpoint"]


def accuracy(outputs: np.ndarray, targets: np.ndarray, threshold: float = 0.0) -> float:
    """Fraction of correct predictions: argmax over the classes, or ``output > threshold`` for one output.

    Targets are class indices, or one-hot / probability rows (their argmax is the class), or 0/1
    labels for a single output (``threshold`` 0 for logits, 0.5 for probabilities).

    >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0]))
    0.5
    """
    outputs, targets = np.asarray(outputs), np.asarray(targets)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predicted = outputs.argmax(axis=1)
        if targets.ndim == 2:
            targets = targets.argmax(axis=1)
    else:
        predicted = outputs.reshape(len(outputs)) > threshold if outputs.ndim else outputs > threshold
        targets = targets.reshape(predicted.shape) > 0.5 if targets.size == predicted.size else targets
    if predicted.shape != targets.shape:
        raise ValueError(f"accuracy: {predicted.shape[0] if predicted.ndim else 1} predictions from outputs of shape "
                         f"{outputs.shape} do not match targets of shape {targets.shape}")
    return float(np.mean(predicted == targets))


class History:
    """What ``fit`` recorded: one float per epoch for each metric, and the loss of every step.

    ``history["loss"]``, ``history["val_loss"]``, ``history["accuracy"]``, ``history["lr"]``... are
    lists of Python floats (never Tensors, which would keep every step's graph alive);
    ``step_losses`` has one float per optimizer step. ``interrupted`` is True when Ctrl-C stopped
    training, ``stopped_early`` when early stopping did.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.step_losses: list[float] = []
        self.interrupted = False
        self.stopped_early = False

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.history.get("loss", []))

    @property
    def steps(self) -> int:
        """Number of completed optimizer steps."""
        return len(self.step_losses)

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.history:
            raise KeyError(f"History has no {key!r}; it recorded {sorted(self.history)}")
        return self.history[key]

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def keys(self) -> list[str]:
        return list(self.history)

    def append(self, logs: Mapping[str, float]) -> None:
        """Record one epoch's values."""
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def state_dict(self) -> dict[str, Any]:
        return {"history": {k: np.array(v, dtype=np.float64) for k, v in self.history.items()},
                "step_losses": np.array(self.step_losses, dtype=np.float64)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.history = {k: [float(x) for x in np.asarray(v).ravel()] for k, v in state["history"].items()}
        self.step_losses = [float(x) for x in np.asarray(state["step_losses"]).ravel()]

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items() if v)
        flags = "".join(f", {f}=True" for f in ("interrupted", "stopped_early") if getattr(self, f))
        return f"History(epochs={self.epochs}, steps={self.steps}{', ' if last else ''}{last}{flags})"


class EarlyStopping:
    """Stop when the monitored value has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``monitor`` defaults to ``"val_loss"`` when ``fit`` has a validation loader and ``"loss"``
    otherwise; ``mode`` is ``"min"`` (``"max"`` is the default for accuracies). With
    ``restore_best=True`` the model gets the parameters of its best epoch back when training ends
    (not when it is interrupted).

    >>> stopper = EarlyStopping(patience=2)
    >>> [stopper.step(v) for v in (1.0, 0.5, 0.6, 0.7)]
    [False, False, False, True]
    >>> stopper.best, stopper.best_epoch
    (0.5, 2)
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best: bool = True,
                 monitor: str | None = None, mode: str | None = None) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be a non-negative integer, got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta!r}")
        if mode not in (None, "min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.patience, self.min_delta, self.restore_best = patience, float(min_delta), restore_best
        self.monitor, self.mode = monitor, mode
        self.reset()

    def reset(self, monitor: str | None = None) -> None:
        """Forget the best value seen; ``fit`` calls this with the name it will monitor."""
        self.watching = self.monitor or monitor or "loss"
        self.best = math.nan
        self.best_epoch = 0
        self.epoch = 0
        self.wait = 0
        self.best_state: dict[str, np.ndarray] | None = None

    def _mode(self) -> str:
        return self.mode or ("max" if "acc" in self.watching else "min")

    def _improved(self, value: float) -> bool:
        if math.isnan(self.best):
            return not math.isnan(value)
        if self._mode() == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value: float, model: Module | None = None) -> bool:
        """Record one epoch's value (keeping the model's parameters if best); True means stop now."""
        self.epoch += 1
        value = float(value)
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            if self.restore_best and model is not None:
                self.best_state = model.state_dict()
            return False
        self.wait += 1
        return self.wait >= self.patience

    def restore(self, model: Module) -> None:
        """Load the best epoch's parameters into ``model`` (if ``restore_best`` and one was seen)."""
        if self.restore_best and self.best_state is not None:
            model.load_state_dict(self.best_state)

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {"best": self.best, "best_epoch": self.best_epoch, "epoch": self.epoch,
                                 "wait": self.wait}
        if self.best_state is not None:
            state["best_state"] = self.best_state
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.best = float(state["best"])
        self.best_epoch, self.epoch, self.wait = int(state["best_epoch"]), int(state["epoch"]), int(state["wait"])
        best_state = state.get("best_state")
        self.best_state = None if best_state is None else {k: np.asarray(v) for k, v in best_state.items()}

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best={self.restore_best}, monitor={self.monitor!r})")


def _is_classification(loss_fn: Any) -> bool:
    if isinstance(loss_fn, CrossEntropyLoss | NLLLoss | BCELoss | BCEWithLogitsLoss):
        return True
    return getattr(loss_fn, "__name__", "") in {"cross_entropy", "nll_loss", "binary_cross_entropy",
                                                 "binary_cross_entropy_with_logits"}


def _resolve_metrics(metrics: Any, loss_fn: Any) -> dict[str, Metric]:
    """``None``: accuracy for classification losses; otherwise names, callables or ``{name: fn}``."""
    if metrics is None:
        if not _is_classification(loss_fn):
            return {}
        probabilities = isinstance(loss_fn, BCELoss) or getattr(loss_fn, "__name__", "") == "binary_cross_entropy"
        return {"accuracy": partial(accuracy, threshold=0.5) if probabilities else accuracy}
    if isinstance(metrics, Mapping):
        items = list(metrics.items())
    elif isinstance(metrics, str) or callable(metrics):
        raise TypeError("metrics must be a list of names or functions, or a {name: function} dict; "
                        f"got {metrics!r} (wrap a single metric in a list)")
    else:
        items = [(m, m) if isinstance(m, str) else (getattr(m, "__name__", repr(m)), m) for m in metrics]
    resolved = {}
    for name, fn in items:
        if fn == "accuracy":
            fn = accuracy
        if not callable(fn):
            raise ValueError(f"unknown metric {fn!r}: use 'accuracy' or a function (outputs, targets) -> float")
        if name == "loss" or name.startswith("val_") or name == "lr":
            raise ValueError(f"metric name {name!r} is reserved for what fit records itself")
        resolved[name] = fn
    return resolved


def _unpack(batch: Any) -> tuple[Tensor, Any]:
    if not isinstance(batch, tuple | list) or len(batch) != 2:
        raise ValueError("each batch must be a pair (inputs, targets), got "
                         f"{type(batch).__name__}{f' of length {len(batch)}' if isinstance(batch, tuple | list) else ''}")
    inputs, targets = batch
    return (inputs if isinstance(inputs, Tensor) else Tensor(inputs)), targets


def _as_array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


class _Averages:
    """Batch-size-weighted means of the loss and the metrics over one pass."""

    def __init__(self, metrics: dict[str, Metric]) -> None:
        self.metrics = metrics
        self.sums = dict.fromkeys(["loss", *metrics], 0.0)
        self.count = 0

    def add(self, loss: float, outputs: Any, targets: Any) -> None:
        outputs, targets = _as_array(outputs), _as_array(targets)
        n = len(outputs) if outputs.ndim else 1
        self.count += n
        self.sums["loss"] += loss * n
        for name, fn in self.metrics.items():
            self.sums[name] += float(fn(outputs, targets)) * n

    def means(self) -> dict[str, float]:
        return {k: s / self.count for k, s in self.sums.items()}

    def state_dict(self) -> dict[str, Any]:
        return {"count": self.count, "sums": dict(self.sums)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        if set(state["sums"]) != set(self.sums):
            raise ValueError(f"the checkpoint's epoch in progress recorded {sorted(state['sums'])}, but this fit "
                             f"records {sorted(self.sums)}: resume with the same metrics")
        self.count = int(state["count"])
        self.sums = {k: float(v) for k, v in state["sums"].items()}


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
    averages = _Averages(_resolve_metrics(metrics, loss_fn))
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


def _progress_bar(enabled: bool, total: int | None, initial: int) -> Any:
    """A ``tqdm.auto`` bar on stderr, or None (``progress=False``, or tqdm not installed).

    ``disable=None`` lets tqdm switch itself off when stderr is not a terminal (CI logs, pipes).
    """
    if not enabled:
        return None
    try:
        with warnings.catch_warnings():
            # in Jupyter without ipywidgets tqdm.auto warns and falls back to a text bar, which
            # disable=None then turns off: no bar, and no warning in every notebook that trains
            warnings.simplefilter("ignore")
            from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, initial=initial, unit="step", disable=None, dynamic_ncols=True, leave=True)


def _postfix(logs: Mapping[str, float]) -> dict[str, str]:
    """Short names and four digits, so the bar fits a terminal line."""
    return {k.replace("accuracy", "acc"): f"{v:.4g}" for k, v in logs.items() if k != "lr"}


def fit(model: Module, loss_fn: Callable[[Any, Any], Tensor], optimizer: Any, train_loader: Iterable[Any],
        val_loader: Iterable[Any] | None = None, *, epochs: int = 10, scheduler: Any = None,
        early_stopping: EarlyStopping | None = None,
        metrics: Sequence[str | Metric] | Mapping[str, Metric] | None = None,
        clip_grad_norm: float | None = None, progress: bool = True,
        on_step: Callable[[int, float], None] | None = None,
        on_epoch_end: Callable[[int, dict[str, float]], None] | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        resume: str | os.PathLike[str] | None = None) -> History:
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
    progress : a ``tqdm.auto`` bar (off when stderr is not a terminal, or tqdm is not installed).
    on_step : called as ``on_step(step, loss)`` after each update (``step`` counts from 1).
    on_epoch_end : called as ``on_epoch_end(epoch, logs)`` after each epoch (``epoch`` from 1).
    checkpoint : a path; after every epoch the model, optimizer, scheduler, loader, early-stopping
        and random-generator states, the epoch and the history are saved there with ``nn.save``.
    resume : a checkpoint path to restore all of that from before training (into the objects
        passed here); training then continues from the saved epoch, exactly as if it had not
        stopped.

    A non-finite loss stops training with ``FloatingPointError`` before the update, naming the
    epoch and step. Ctrl-C (KeyboardInterrupt) stops training after the last completed step (an
    update in progress is finished first), says so on stderr, and returns the history with
    ``interrupted=True``. With ``checkpoint`` and an ``nn.data.DataLoader``, that step is saved too,
    with the loader's position and the epoch's running means, and ``resume`` finishes the epoch.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ValueError(f"clip_grad_norm must be a positive number, got {clip_grad_norm!r}")
    metric_fns = _resolve_metrics(metrics, loss_fn)
    monitor = _monitor(early_stopping, metric_fns, val_loader is not None)
    plateau = isinstance(scheduler, ReduceLROnPlateau)
    history = History()
    start, in_progress = 0, None
    if early_stopping is not None:
        early_stopping.reset(monitor)
    if resume is not None:
        start, in_progress = _restore(resume, model, optimizer, scheduler=scheduler, train_loader=train_loader,
                                      early_stopping=early_stopping, history=history)
    # an interrupted epoch can be saved and finished later only where the loader's position is known
    mid_epoch = checkpoint is not None and isinstance(train_loader, DataLoader)
    loader_at_start: dict[str, Any] = {}
    rng_now: dict[str, Any] = {}
    try:
        steps_per_epoch: int | None = len(train_loader)  # type: ignore[arg-type]
    except TypeError:
        steps_per_epoch = None
    if steps_per_epoch == 0:
        raise ValueError("fit: train_loader yields no batches (empty dataset, or drop_last=True with a "
                         "batch_size larger than the dataset)")
    total = None if steps_per_epoch is None else steps_per_epoch * max(epochs, start)
    bar = _progress_bar(progress, total, history.steps) if epochs > start else None
    guard = _InterruptGuard()
    shown: dict[str, str] = {}  # the progress bar's postfix: this step's loss, last epoch's metrics
    epoch, step_in_epoch = start, 0
    model.train()
    try:
        with guard:
            while epoch < epochs:
                averages, step_in_epoch = _Averages(metric_fns), 0
                if in_progress is not None:  # resuming an epoch that was interrupted
                    averages.load_state_dict(in_progress["means"])
                    step_in_epoch, in_progress = int(in_progress["steps"]), None
                if mid_epoch:
                    loader_at_start, rng_now = train_loader.state_dict(), autograd.get_rng_state()
                if bar is not None:
                    bar.set_description(f"epoch {epoch + 1}/{epochs}")
                for batch in train_loader:
                    inputs, targets = _unpack(batch)
                    optimizer.zero_grad()
                    outputs = model(inputs)
                    loss = loss_fn(outputs, targets)
                    value = _loss_value(loss)
                    if not math.isfinite(value):
                        error = FloatingPointError(
                            f"fit: the loss is {value} at epoch {epoch + 1}, step {step_in_epoch + 1} of the epoch "
                            f"(step {history.steps + 1} overall); training stopped before that update. Run the "
                            "forward and backward pass under `with autograd.detect_anomaly():` to find the op that "
                            "produced it, or try a lower learning rate / gradient clipping.")
                        error.history = history  # type: ignore[attr-defined]
                        raise error
                    loss.backward()
                    if clip_grad_norm is not None:
                        clip_grad_norm_(model.parameters(), clip_grad_norm)
                    with guard.atomic():
                        optimizer.step()
                        history.step_losses.append(value)
                        step_in_epoch += 1
                        averages.add(value, outputs, targets)
                        if mid_epoch:
                            rng_now = autograd.get_rng_state()  # dropout's draws so far, for a save mid-epoch
                    del inputs, targets, outputs, loss  # the last step's graph need not outlive it
                    if bar is not None:
                        shown["loss"] = f"{value:.4g}"
                        bar.set_postfix(shown, refresh=False)
                        bar.update(1)
                    if on_step is not None:
                        on_step(history.steps, value)
                if averages.count == 0:
                    raise ValueError("fit: train_loader yielded no batches in epoch "
                                     f"{epoch + 1} (empty dataset, or drop_last with a batch larger than the data)")
                logs = averages.means()
                if val_loader is not None:
                    logs.update((f"val_{k}", v) for k, v in evaluate(model, loss_fn, val_loader, metric_fns).items())
                logs["lr"] = float(optimizer.param_groups[0]["lr"])
                with guard.atomic():
                    history.append(logs)
                    if scheduler is not None:
                        if plateau:
                            scheduler.step(logs["val_loss" if val_loader is not None else "loss"])
                        else:
                            scheduler.step()
                    stop = early_stopping is not None and early_stopping.step(logs[monitor], model)
                    epoch, step_in_epoch = epoch + 1, 0
                    if checkpoint is not None:
                        save_checkpoint(checkpoint, model, optimizer, epoch=epoch, scheduler=scheduler,
                                        train_loader=train_loader, early_stopping=early_stopping,
                                        history=history)
                if bar is not None:
                    shown = _postfix(logs)
                    bar.set_postfix(shown)
                if on_epoch_end is not None:
                    on_epoch_end(epoch, logs)
                if stop:
                    history.stopped_early = True
                    break
    except KeyboardInterrupt:
        history.interrupted = True
        if mid_epoch and step_in_epoch:
            # the loader may have handed out the next batch already: its position is counted in steps
            progress = {"steps": step_in_epoch, "means": averages.state_dict()}
            save(_checkpoint_state(model, optimizer, epoch, scheduler, early_stopping, history,
                                   dict(loader_at_start, batch=step_in_epoch), rng_now, progress), checkpoint)
    finally:
        if bar is not None:
            bar.close()
        model.train()
    if history.interrupted:
        if step_in_epoch:
            where = f"during epoch {epoch + 1}, after step {step_in_epoch} of the epoch"
        else:
            where = f"after epoch {epoch}" if epoch > start else "before the first step"
        saved = f"; {os.fspath(checkpoint)} resumes from here" if mid_epoch and step_in_epoch else ""
        print(f"fit: interrupted (KeyboardInterrupt) {where}; the parameters are those after step "
              f"{history.steps}, and the history holds {history.epochs} complete epoch(s){saved}.", file=sys.stderr)
    elif early_stopping is not None:
        early_stopping.restore(model)
    return history


def _monitor(early_stopping: EarlyStopping | None, metrics: Mapping[str, Metric], has_val: bool) -> str:
    if early_stopping is None:
        return ""
    monitor = early_stopping.monitor or ("val_loss" if has_val else "loss")
    recorded = ["loss", *metrics]
    recorded += [f"val_{k}" for k in recorded] if has_val else []
    if monitor not in recorded:
        hint = "; fit has no val_loader" if monitor.startswith("val_") and not has_val else ""
        raise ValueError(f"EarlyStopping monitors {monitor!r}, which fit does not record{hint}; it records {recorded}")
    return monitor


def save_checkpoint(path: str | os.PathLike[str], model: Module, optimizer: Any, *, epoch: int,
                    scheduler: Any = None, train_loader: Any = None, early_stopping: EarlyStopping | None = None,
                    history: History | None = None) -> None:
    """Save everything training needs to continue exactly: states of the model, optimizer, scheduler,
    loader (its shuffling generator), early stopping, the library's random generator (dropout,
    init), the epoch count and the history. ``fit(checkpoint=path)`` calls this after every epoch."""
    loader = train_loader.state_dict() if train_loader is not None and hasattr(train_loader, "state_dict") else None
    save(_checkpoint_state(model, optimizer, epoch, scheduler, early_stopping, history, loader,
                           autograd.get_rng_state()), path)


def _checkpoint_state(model: Module, optimizer: Any, epoch: int, scheduler: Any, early_stopping: Any,
                      history: History | None, loader: dict[str, Any] | None, rng_state: dict[str, Any],
                      in_progress: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a checkpoint holds; ``in_progress`` is fit's interrupted epoch (steps done, running means)."""
    state: dict[str, Any] = {
        "epoch": int(epoch),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "rng_state": rng_state,
    }
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    if loader is not None:
        state["train_loader"] = loader
    if early_stopping is not None:
        state["early_stopping"] = early_stopping.state_dict()
    if history is not None:
        state["history"] = history.state_dict()
    if in_progress is not None:
        state["in_progress"] = in_progress
    return state


def load_checkpoint(path: str | os.PathLike[str], model: Module, optimizer: Any = None, *, scheduler: Any = None,
                    train_loader: Any = None, early_stopping: EarlyStopping | None = None,
                    history: History | None = None) -> int:
    """Restore what ``save_checkpoint`` saved into the given objects; returns the saved epoch.

    The pattern for a loop of your own::

        start = load_checkpoint(path, model, optimizer, scheduler=scheduler, train_loader=loader)
        for epoch in range(start, epochs): ...

    A checkpoint that ``fit`` saved mid-epoch returns the completed epochs, and the loader yields the
    rest of the interrupted one first.
    """
    return _restore(path, model, optimizer, scheduler=scheduler, train_loader=train_loader,
                    early_stopping=early_stopping, history=history)[0]


def _restore(path: str | os.PathLike[str], model: Module, optimizer: Any = None, *, scheduler: Any = None,
             train_loader: Any = None, early_stopping: EarlyStopping | None = None,
             history: History | None = None) -> tuple[int, dict[str, Any] | None]:
    """``load_checkpoint``, also returning fit's interrupted epoch (None if it was saved between epochs)."""
    state = load(path)
    wanted = {"optimizer": optimizer, "scheduler": scheduler, "train_loader": train_loader,
              "early_stopping": early_stopping, "history": history}
    # without these the run would not continue as it was; the others are restored when present
    missing = [k for k in ("optimizer", "scheduler") if wanted[k] is not None and k not in state]
    if missing:
        raise ValueError(f"checkpoint {os.fspath(path)!r} has no {' or '.join(missing)} state to restore "
                         f"(it holds {sorted(state)})")
    model.load_state_dict(state["model"])
    for key, obj in wanted.items():
        if obj is not None and key in state and hasattr(obj, "load_state_dict"):
            obj.load_state_dict(state[key])
    if "rng_state" in state:
        autograd.set_rng_state(state["rng_state"])
    return int(state["epoch"]), state.get("in_progress")
