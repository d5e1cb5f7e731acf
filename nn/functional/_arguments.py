"""Arguments as Tensors or arrays: the conversions every family of ``nn.functional`` shares."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else autograd.tensor(x)


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def _constant(x: Any, like: Tensor) -> np.ndarray:
    """A weight that is not trained (class or element weights), in the input's float dtype."""
    return _array(x).astype(like.dtype if like.dtype.kind == "f" else autograd.get_default_dtype(), copy=False)
