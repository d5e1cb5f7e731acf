"""Grad mode: whether ops record a graph. Thread-local, like PyTorch's."""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    enabled: bool = True
    anomaly: bool = False
    arrays: bool = False  # the engine is running backward rules on NumPy arrays (Context.saved_tensors)


state = _State()


class _Clock:
    """Counts in-place changes, process-wide (tensors are shared between threads).

    A node notes ``now`` when it saves values; a saved tensor changed later has a later tick.
    """

    def __init__(self) -> None:
        self._ticks = itertools.count(1)
        self.now = 0

    def tick(self) -> int:
        self.now = now = next(self._ticks)
        return now


clock = _Clock()


def is_grad_enabled() -> bool:
    """True when differentiable ops record the graph in this thread."""
    return state.enabled


class _Scope:
    """Sets grad mode on enter and restores the previous mode on exit (also on error)."""

    def __init__(self, mode: bool) -> None:
        self._mode = mode

    def __enter__(self) -> None:
        self._prev = state.enabled
        state.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        state.enabled = self._prev

    def __call__(self, fn: F) -> F:
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _Scope(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_Scope):
    """Ops inside record no graph: for evaluation and optimizer updates.

    >>> import autograd
    >>> x = autograd.tensor([1.0], requires_grad=True)
    >>> with autograd.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_Scope):
    """Turn recording back on inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)


class set_grad_enabled(_Scope):
    """Set grad mode to ``mode``: at once when called, until exit when used with ``with``."""

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self._prev = state.enabled
        state.enabled = self._mode

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: F) -> F:
        state.enabled = self._prev  # as a decorator it must not switch the mode now
        return super().__call__(fn)
