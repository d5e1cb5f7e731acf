"""Training checkpoints: everything ``fit`` needs to continue exactly, saved and restored as one transaction.

``save_checkpoint`` writes the states of the model, optimizer, scheduler, loader, early stopping, the
library's random generator, the epoch count and the history, with the classes they came from.
``load_checkpoint`` checks all of it against the objects it is given (classes, parameter groups, keys,
shapes, dtypes, finiteness) before it changes any of them: on an error nothing has changed.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

import autograd

from .callbacks import EarlyStopping, History
from .module import Module
from .serialization import CheckpointError, load, save

__all__ = ["load_checkpoint", "save_checkpoint"]

# the objects a checkpoint restores besides the model, in the order they are loaded
_PARTS = ("optimizer", "scheduler", "train_loader", "early_stopping", "history")


def save_checkpoint(path: str | os.PathLike[str], model: Module, optimizer: Any, *, epoch: int,
                    scheduler: Any = None, train_loader: Any = None, early_stopping: EarlyStopping | None = None,
                    history: History | None = None) -> None:
    """Save everything training needs to continue exactly: states of the model, optimizer, scheduler,
    loader (its shuffling generator), early stopping, the library's random generator (dropout,
    init), the epoch count and the history. ``fit(checkpoint=path)`` calls this after every epoch.

    Refuses (``FloatingPointError``, nothing written) a model whose parameters or buffers are not finite,
    so the last good checkpoint at ``path`` survives a run that diverged.
    """
    check_finite(model, path)
    loader = train_loader.state_dict() if train_loader is not None and hasattr(train_loader, "state_dict") else None
    save(checkpoint_state(model, optimizer, epoch, scheduler, early_stopping, history, loader,
                          autograd.get_rng_state()), path)


def check_finite(model: Module, path: str | os.PathLike[str]) -> None:
    """Raise ``FloatingPointError`` naming the first parameter or buffer of ``model`` that is NaN or Inf."""
    for name, value in model.state_dict().items():
        if np.asarray(value).dtype.kind in "fc" and not np.isfinite(value).all():
            raise FloatingPointError(f"the model's {name} holds NaN or Inf: checkpoint {os.fspath(path)!r} was not "
                                     "overwritten, so it still holds the last good state")


def checkpoint_state(model: Module, optimizer: Any, epoch: int, scheduler: Any, early_stopping: Any,
                     history: History | None, loader: dict[str, Any] | None, rng_state: dict[str, Any],
                     in_progress: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a checkpoint holds; ``in_progress`` is fit's interrupted epoch (batches done, running means)."""
    state: dict[str, Any] = {
        "epoch": int(epoch),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "rng_state": rng_state,
        "classes": {"model": type(model).__name__, "optimizer": type(optimizer).__name__},
    }
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
        state["classes"]["scheduler"] = type(scheduler).__name__
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
    rest of the interrupted one first. Everything is checked before anything is loaded: a checkpoint
    from another optimizer or scheduler class, other parameter groups, shapes or dtypes, or with NaN
    or Inf values, raises ``ValueError`` (``CheckpointError`` for a damaged file) and changes nothing.
    """
    objects = {"optimizer": optimizer, "scheduler": scheduler, "train_loader": train_loader,
               "early_stopping": early_stopping, "history": history}
    state = read_checkpoint(path, model, objects)
    apply_checkpoint(state, model, objects)
    return int(state["epoch"])


def read_checkpoint(path: str | os.PathLike[str], model: Module, objects: Mapping[str, Any]) -> dict[str, Any]:
    """Load ``path`` and check it against ``model`` and ``objects`` (``{part: object or None}``); changes nothing."""
    state = load(path)
    where = os.fspath(path)
    if not isinstance(state, dict) or not {"epoch", "model"} <= set(state):
        held = sorted(state) if isinstance(state, dict) else type(state).__name__
        raise CheckpointError(path, f"not a training checkpoint (no 'epoch' and 'model'; it holds {held}); a file of "
                                    "weights loads with model.load_state_dict(nn.load(path)[...])")
    # without these the run would not continue as it was; the others are restored when present
    missing = [k for k in ("optimizer", "scheduler") if objects.get(k) is not None and k not in state]
    if missing:
        raise ValueError(f"checkpoint {where!r} has no {' or '.join(missing)} state to restore "
                         f"(it holds {sorted(state)})")
    classes = state.get("classes", {})
    for part in ("model", "optimizer", "scheduler"):
        obj = model if part == "model" else objects.get(part)
        saved = classes.get(part) if isinstance(classes, dict) else None
        if obj is not None and saved is not None and saved != type(obj).__name__:
            raise ValueError(f"checkpoint {where!r} holds the state of the {part} class {saved}, but this {part} is "
                             f"{type(obj).__name__}: resume with the same {part} class")
    try:
        arrays = model._checked_state(state["model"])  # shapes, dtypes and keys
    except (RuntimeError, TypeError) as e:
        raise ValueError(f"checkpoint {where!r} does not fit the model: {e}") from e
    bad = [k for k, a in arrays.items() if a.dtype.kind in "fc" and not np.isfinite(a).all()]
    if bad:
        raise ValueError(f"checkpoint {where!r} holds NaN or Inf in the model's {', '.join(bad)}: it comes from a run "
                         "that diverged")
    for part, obj in objects.items():
        if obj is not None and part in state and hasattr(obj, "load_state_dict"):
            try:
                _dry_run(obj).load_state_dict(state[part])
            except (KeyError, ValueError, TypeError, IndexError) as e:
                raise ValueError(f"checkpoint {where!r}: its {part} state does not fit this {type(obj).__name__}: "
                                 f"{type(e).__name__}: {e}") from e
    if "rng_state" in state:
        try:
            np.random.default_rng().bit_generator.state = state["rng_state"]
        except (KeyError, ValueError, TypeError) as e:
            raise ValueError(f"checkpoint {where!r} holds a damaged random-generator state: {e}") from e
    return state


def _dry_run(obj: Any) -> Any:
    """A shallow copy of ``obj`` whose ``load_state_dict`` cannot change ``obj`` (its generator is copied too)."""
    twin = copy.copy(obj)
    if isinstance(getattr(obj, "_rng", None), np.random.Generator):
        twin._rng = copy.deepcopy(obj._rng)
    return twin


def apply_checkpoint(state: Mapping[str, Any], model: Module, objects: Mapping[str, Any]) -> None:
    """Load a checked checkpoint; should anything still fail, every object gets its previous state back."""
    targets: dict[str, Any] = {"model": model, **{k: v for k, v in objects.items()
                                                  if v is not None and k in state and hasattr(v, "load_state_dict")}}
    before: dict[str, Callable[[], None]] = {}
    try:
        for part, obj in targets.items():
            previous = obj.state_dict()
            before[part] = lambda obj=obj, previous=previous: obj.load_state_dict(previous)
            obj.load_state_dict(state[part])
        if "rng_state" in state:
            rng = autograd.get_rng_state()
            before["rng_state"] = lambda: autograd.set_rng_state(rng)
            autograd.set_rng_state(state["rng_state"])
    except BaseException:
        for undo in reversed(before.values()):
            undo()
        raise
