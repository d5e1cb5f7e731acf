"""Grad mode: whether ops record a graph. Thread-local, like PyTorch's."""

from __future__ import annotations

import functools
import itertools
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    _enabled: bool = True
    anomaly: bool = False
    arrays: bool = False  # the engine is running backward rules on NumPy arrays (Context.saved_tensors)

    @property
    def enabled(self) -> bool:
        """Whether ops record a graph in this thread."""
        return self._enabled

    @enabled.setter
    def enabled(self, mode: bool) -> None:
        mode = bool(mode)
        if mode != self._enabled:  # keep the count of threads with grad mode off exact (see _Open)
            with opened.lock:
                opened.disabled += -1 if mode else 1
            self._enabled = mode


state = _State()


class _Open:
    """What is open process-wide, read by every op: how many threads have grad mode off and how many
    ``detect_anomaly`` blocks are open (in all threads together: an op reads its own thread's flag, a slow
    thread-local lookup, only while one is), and the observers told of each node as it is recorded
    (``gradcheck.locate``'s)."""

    def __init__(self) -> None:
        self.anomaly = 0
        self.disabled = 0  # threads whose grad mode is off (_State.enabled keeps it in step)
        self.lock = threading.Lock()
        self.observers: list[Callable[[Any, dict[str, Any]], None]] = []  # called with (output, attributes)


opened = _Open()


class _Clock:
    """Counts in-place changes, process-wide (tensors are shared between threads), and remembers
    when each block of memory last changed.

    A node notes ``now`` when it saves arrays; a saved array whose memory changed at a later tick
    was overwritten. Memory, not Tensors, is what is tracked, so a change made through a view or a
    ``detach()``-ed tensor is seen too (PyTorch shares one version counter among them).
    """

    def __init__(self) -> None:
        self._ticks = itertools.count(1)
        self.now = 0
        self.steps = 0  # optimizer steps taken (graph.note_optimizer_step); nodes are stamped with it
        self._changed: dict[int, list[Any]] = {}  # id(owner) → [weak reference to owner, tick]
        self._prune_at = 1024

    def tick(self, *arrays: np.ndarray) -> None:
        """Note that each array's memory was just changed in place (at one tick: an optimizer's parameters)."""
        self.now = now = next(self._ticks)
        changed = self._changed
        for array in arrays:
            owner = _owner(array)
            entry = changed.get(id(owner))
            if entry is not None and entry[0]() is owner:
                entry[1] = now  # changed before (a parameter, every step): its record takes the new tick
            else:
                changed[id(owner)] = [weakref.ref(owner), now]
        if len(self._changed) > self._prune_at:  # forget memory that has been freed
            self._changed = {k: v for k, v in self._changed.items() if v[0]() is not None}
            self._prune_at = max(1024, 2 * len(self._changed))

    def changed_since(self, array: Any, tick: float) -> bool:
        """True if ``array``'s memory was changed in place after ``tick``."""
        if not isinstance(array, np.ndarray):
            return False
        owner = _owner(array)
        entry = self._changed.get(id(owner))
        return entry is not None and entry[0]() is owner and entry[1] > tick


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``array`` looks into (itself unless it is a view)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


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

    def __new__(cls, fn: F | None = None) -> Any:
        """``@no_grad`` without parentheses decorates ``fn`` at once, as PyTorch's does."""
        return super().__new__(cls) if fn is None else cls()(fn)

    def __init__(self, fn: F | None = None) -> None:
        super().__init__(False)


class enable_grad(_Scope):
    """Turn recording back on inside a ``no_grad`` block."""

    def __new__(cls, fn: F | None = None) -> Any:
        return super().__new__(cls) if fn is None else cls()(fn)

    def __init__(self, fn: F | None = None) -> None:
        super().__init__(True)


class inference_mode(_Scope):
    """PyTorch's ``inference_mode``: here the same as ``no_grad`` (``mode=False`` leaves recording on)."""

    def __new__(cls, mode: Any = True) -> Any:
        return cls(True)(mode) if callable(mode) else super().__new__(cls)

    def __init__(self, mode: Any = True) -> None:
        super().__init__(not mode)


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
