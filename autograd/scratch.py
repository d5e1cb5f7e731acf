"""Gradient buffers that a backward rule may overwrite, because nothing else can see them.

The engine hands each rule an upstream gradient that it no longer holds itself. When that array has
no other reference, no view (a view holds a reference to its base) and its own memory, writing the
rule's result into it is unobservable and saves an allocation the size of the gradient. PyTorch's
AccumulateGrad steals a gradient on the same condition (``use_count() == 1``); here the count is
CPython's reference count.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

# The counts below are CPython 3.11's to 3.13's. 3.10 keeps the caller's reference to an argument during the
# call (one more count: the check just never passes); from 3.14 references on the evaluation stack may go
# uncounted, so a count could hide a holder
_COUNTS_EXACT = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info < (3, 14)


held_by_engine = 0  # references the engine keeps to the gradient it hands a rule, during the call (engine.py sets it)
handed = 0  # id() of the gradient the engine last handed a rule (an id holds no reference)


def unshared(a: Any) -> bool:
    """True if ``a`` is a writeable ndarray owning its memory whose only reference is the caller's argument.

    Call it with a backward rule's own parameter: ``unshared(grad)``.
    """
    # 3 = the caller's parameter, this function's parameter and getrefcount's argument
    return (_COUNTS_EXACT and type(a) is np.ndarray and sys.getrefcount(a) == 3 + (held_by_engine if id(a) == handed else 0)
            and a.flags.owndata and a.flags.writeable)
