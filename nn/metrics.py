"""Metrics for ``fit`` and ``evaluate``: accuracy, how metric arguments are read, and running means."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np

from autograd import Tensor

from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss

Metric = Callable[[np.ndarray, np.ndarray], float]

__all__ = ["Metric", "accuracy"]


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


def _is_classification(loss_fn: Any) -> bool:
    if isinstance(loss_fn, CrossEntropyLoss | NLLLoss | BCELoss | BCEWithLogitsLoss):
        return True
    return getattr(loss_fn, "__name__", "") in {"cross_entropy", "nll_loss", "binary_cross_entropy",
                                                 "binary_cross_entropy_with_logits"}


def resolve_metrics(metrics: Any, loss_fn: Any) -> dict[str, Metric]:
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


def as_array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


class Averages:
    """Batch-size-weighted means of the loss and the metrics over one pass."""

    def __init__(self, metrics: dict[str, Metric]) -> None:
        self.metrics = metrics
        self.sums = dict.fromkeys(["loss", *metrics], 0.0)
        self.count = 0

    def add(self, loss: float, outputs: Any, targets: Any) -> None:
        outputs, targets = as_array(outputs), as_array(targets)
        n = len(outputs) if outputs.ndim else 1
        self.count += n
        self.sums["loss"] += loss * n
        for name, fn in self.metrics.items():
            self.sums[name] += float(fn(outputs, targets)) * n

    def means(self) -> dict[str, float]:
        return {k: s / self.count for k, s in self.sums.items()}

    def state_dict(self) -> dict[str, Any]:
        return {"count": self.count, "sums": dict(self.sums)}

    def check_state_dict(self, state: Mapping[str, Any]) -> None:
        """Raise ``ValueError`` unless ``state`` is the running means of these same metrics."""
        if set(state["sums"]) != set(self.sums):
            raise ValueError(f"the checkpoint's epoch in progress recorded {sorted(state['sums'])}, but this fit "
                             f"records {sorted(self.sums)}: resume with the same metrics")

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.check_state_dict(state)
        self.count = int(state["count"])
        self.sums = {k: float(v) for k, v in state["sums"].items()}
