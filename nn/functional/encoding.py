"""Class indices as vectors: one_hot."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from ._arguments import _array


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """An int64 tensor of shape (*, C) with a 1 at each class index and 0 elsewhere; C = max + 1 when -1.

    >>> import numpy as np, nn
    >>> nn.functional.one_hot(np.array([0, 2]))
    tensor([[1, 0, 0],
           [0, 0, 1]], dtype=int64)
    """
    index = _array(tensor)
    if index.dtype.kind not in "iu":
        raise TypeError(f"one_hot: class indices must be integers, got dtype {index.dtype} (use .astype(int))")
    if num_classes == -1:
        if index.size == 0:
            raise ValueError("one_hot: cannot infer the number of classes from an empty tensor; pass num_classes")
        num_classes = int(index.max()) + 1
    elif num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be -1 (infer) or non-negative, got {num_classes}")
    if index.size and index.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {index.min()}")
    if index.size and index.max() >= num_classes:
        raise ValueError(f"one_hot: class values must be smaller than num_classes={num_classes}, got {index.max()}")
    return autograd.tensor(np.arange(num_classes) == index[..., None], dtype=np.int64)
