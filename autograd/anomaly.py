"""Anomaly detection: find the op whose backward first produced NaN or Inf, and where it was created."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from .grad_mode import opened, state

_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(p)) + os.sep
    for p in (__file__, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "nn", "x"))
)


def creation_site() -> str:
    """``file:line`` of the innermost caller outside the library (the user's line that made the op)."""
    frame = sys._getframe(1)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(_LIBRARY_DIRS):
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


class detect_anomaly:
    """Inside this block, backward raises at the first NaN/Inf gradient, naming the op and its creating line.

    Ops record where they were created only while the block is active, so wrap the forward pass
    too. It slows every op down: use it to debug, not to train. NumPy still warns about the
    division by zero in ``log(0)`` (silenced here with ``np.errstate``).

    >>> import autograd
    >>> import numpy as np
    >>> x = autograd.tensor(0.0, requires_grad=True)
    >>> with autograd.detect_anomaly(), np.errstate(divide="ignore"):
    ...     y = autograd.log(x)
    ...     y.backward()
    Traceback (most recent call last):
    RuntimeError: Function 'LogBackward' returned nan or inf values in its 0th output, created at ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        self._mode = bool(check_nan)

    def __enter__(self) -> None:
        self._prev = state.anomaly
        state.anomaly = self._mode
        with opened.lock:
            opened.anomaly += 1

    def __exit__(self, *exc: object) -> None:
        state.anomaly = self._prev
        with opened.lock:
            opened.anomaly -= 1

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self._mode):
                return fn(*args, **kwargs)

        return wrapper


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()``."""
    return state.anomaly
