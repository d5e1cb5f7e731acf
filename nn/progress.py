"""Progress display for ``fit``: a tqdm bar (a widget in Jupyter), or a plain line on a terminal without tqdm."""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Mapping
from typing import Any

_MISSING_TQDM = 'note: no progress bar: tqdm is not installed (pip install "chainrule[progress]"); showing a plain line'


class TextProgress:
    """The part of tqdm's interface ``fit`` uses, as one line rewritten on stderr at most 10 times a second."""

    def __init__(self, total: int | None, initial: int) -> None:
        self.total, self.n, self.description, self.postfix = total, initial, "", ""
        self._last = 0.0

    def set_description(self, description: str) -> None:
        self.description = description

    def set_postfix(self, postfix: Mapping[str, str], refresh: bool = True) -> None:
        self.postfix = ", ".join(f"{k}={v}" for k, v in postfix.items())
        if refresh:
            self._draw()

    def update(self, n: int = 1) -> None:
        self.n += n
        if time.monotonic() - self._last >= 0.1 or self.n == self.total:
            self._draw()

    def _draw(self) -> None:
        self._last = time.monotonic()
        count = f"{self.n}/{self.total}" if self.total is not None else f"{self.n}"
        sys.stderr.write(f"\r{self.description}: {count} steps{', ' if self.postfix else ''}{self.postfix}\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        self._draw()
        sys.stderr.write("\n")
        sys.stderr.flush()


def _in_jupyter() -> bool:
    """Whether this runs in a Jupyter kernel, whose stderr is no terminal but shows a bar all the same."""
    return "ipykernel.zmqshell" in sys.modules


def progress_bar(enabled: bool, total: int | None, initial: int) -> Any:
    """A ``tqdm.auto`` bar, a ``TextProgress`` line when tqdm is missing, or None.

    None when ``enabled`` is False, or stderr is not a terminal outside Jupyter (CI logs, pipes). In
    Jupyter ``tqdm.auto`` gives a widget (the ``notebooks`` extra installs ipywidgets for it).
    """
    if not enabled:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tqdm.auto's notices (no ipywidgets, experimental notebook mode)
            from tqdm.auto import tqdm
    except ImportError:
        if not sys.stderr.isatty():
            return None
        print(_MISSING_TQDM, file=sys.stderr)
        return TextProgress(total, initial)
    # in Jupyter without ipywidgets tqdm.auto falls back to its text bar, which is shown too
    return tqdm(total=total, initial=initial, unit="step", disable=False if _in_jupyter() else None,
                dynamic_ncols=True, leave=True)
