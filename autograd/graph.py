"""What code outside the engine tells the graph: a tensor changed in place, an optimizer took a step.

>>> import autograd
>>> w = autograd.tensor([1.0, 2.0], requires_grad=True)
>>> with autograd.no_grad():
...     w.data *= 0.5  # changed behind the engine's back: say so
...     autograd.graph.increment_version(w)
>>> w._version
1
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .grad_mode import clock

if TYPE_CHECKING:
    from .tensor import Tensor

STALE_GRAPH = (
    "an op extends a graph recorded before the last optimizer step, so every step's graph stays alive and memory "
    "grows step after step (the classic `total_loss += loss`): use loss.item() to accumulate a number, "
    "or .detach()")


class GraphAcrossStepsWarning(UserWarning):
    """An op was recorded on top of nodes made before the last ``optimizer.step()``."""


_warned = False  # warn_across_steps has warned in this process


def warn_across_steps() -> None:
    """Warn, once per process, that an op extended a graph recorded before the last optimizer step."""
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(GraphAcrossStepsWarning(STALE_GRAPH), stacklevel=5)


def increment_version(tensor: Tensor | Iterable[Tensor]) -> None:
    """Note that ``tensor``'s data (or each tensor's, given several) was changed in place, as PyTorch's
    ``torch.autograd.graph.increment_version``: a node that saved the old values refuses to backward
    instead of using the new ones."""
    bump = getattr(tensor, "_bump_version", None)
    if bump is not None:
        bump()
        return
    if not (type(tensor) is list or isinstance(tensor, Iterable)):
        raise TypeError(f"increment_version() takes a Tensor or an iterable of Tensors, got {type(tensor).__name__}")
    tensors = tuple(tensor)  # an optimizer's parameters, at once; all checked before any is bumped
    for t in tensors:
        if not hasattr(t, "_bump_version"):
            raise TypeError(f"increment_version() takes a Tensor or an iterable of Tensors, got a "
                            f"{type(tensor).__name__} holding a {type(t).__name__}")
    for t in tensors:
        t._version += 1
    if tensors:  # one tick for all: what _bump_version does, without a tick each
        clock.tick(*[t.data for t in tensors])


def note_optimizer_step() -> None:
    """Called by ``Optimizer.step``: ops recorded from now on warn (``GraphAcrossStepsWarning``) if they
    extend a graph recorded before this call."""
    clock.steps += 1
