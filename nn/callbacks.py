"""Callbacks of ``fit``: the ``History`` it returns and ``EarlyStopping``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .module import Module

__all__ = ["EarlyStopping", "History"]


class History:
    """What ``fit`` recorded: one float per epoch for each metric, and the loss of every step.

    ``history["loss"]``, ``history["val_loss"]``, ``history["accuracy"]``, ``history["lr"]``... are
    lists of Python floats (never Tensors, which would keep every step's graph alive);
    ``step_losses`` has one float per optimizer step. ``interrupted`` is True when Ctrl-C stopped
    training, ``stopped_early`` when early stopping did; ``skipped_steps`` counts the batches whose
    update ``fit(on_nonfinite="skip")`` left out. With ``fit(diagnostics=True)``, ``diagnostics`` maps
    a kind (``"grad_norm"``, ``"saturated"``, ``"dead"``) to ``{module name: [value per epoch]}``.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.step_losses: list[float] = []
        self.diagnostics: dict[str, dict[str, list[float]]] = {}
        self.skipped_steps = 0
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
                "step_losses": np.array(self.step_losses, dtype=np.float64),
                "diagnostics": {kind: {name: np.array(v, dtype=np.float64) for name, v in layers.items()}
                                for kind, layers in self.diagnostics.items()},
                "skipped_steps": self.skipped_steps}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        if not isinstance(state, Mapping) or not {"history", "step_losses"} <= set(state):
            raise ValueError("History.load_state_dict expects the dict History.state_dict() gives, with 'history' "
                             f"and 'step_losses'; got {type(state).__name__}")
        self.history = {k: _floats(v) for k, v in state["history"].items()}
        self.step_losses = _floats(state["step_losses"])
        self.diagnostics = {kind: {name: _floats(v) for name, v in layers.items()}
                            for kind, layers in state.get("diagnostics", {}).items()}
        self.skipped_steps = int(state.get("skipped_steps", 0))

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items() if v)
        flags = "".join(f", {f}=True" for f in ("interrupted", "stopped_early") if getattr(self, f))
        return f"History(epochs={self.epochs}, steps={self.steps}{', ' if last else ''}{last}{flags})"


def _floats(values: Any) -> list[float]:
    return [float(x) for x in np.asarray(values).ravel()]


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
        if not isinstance(state, Mapping) or not {"best", "best_epoch", "epoch", "wait"} <= set(state):
            raise ValueError("EarlyStopping.load_state_dict expects the dict EarlyStopping.state_dict() gives; "
                             f"got {type(state).__name__} {sorted(state) if isinstance(state, Mapping) else ''}")
        self.best = float(state["best"])
        self.best_epoch, self.epoch, self.wait = int(state["best_epoch"]), int(state["epoch"]), int(state["wait"])
        best_state = state.get("best_state")
        self.best_state = None if best_state is None else {k: np.asarray(v) for k, v in best_state.items()}

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best={self.restore_best}, monitor={self.monitor!r})")


def monitored(early_stopping: EarlyStopping | None, metrics: Mapping[str, Any], has_val: bool) -> str:
    if early_stopping is None:
        return ""
    monitor = early_stopping.monitor or ("val_loss" if has_val else "loss")
    recorded = ["loss", *metrics]
    recorded += [f"val_{k}" for k in recorded] if has_val else []
    if monitor not in recorded:
        hint = "; fit has no val_loader" if monitor.startswith("val_") and not has_val else ""
        raise ValueError(f"EarlyStopping monitors {monitor!r}, which fit does not record{hint}; it records {recorded}")
    return monitor
