"""Input preprocessing as a layer, so that a saved model carries it: ``Standardize(mean, std)``."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .module import Module

__all__ = ["Standardize"]


class Standardize(Module):
    """y = (x − mean) / std, feature by feature, with ``mean`` and ``std`` as buffers (saved, not trained).

    Put it first in a ``Sequential`` to train on raw inputs: ``state_dict`` then holds the statistics,
    and a reloaded model predicts on raw inputs without the user having to know them.

    >>> import numpy as np
    >>> layer = Standardize(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    >>> layer(Tensor(np.array([[3.0, 2.0]]))).data
    array([[1., 0.]])
    >>> sorted(layer.state_dict())
    ['mean', 'std']
    """

    def __init__(self, mean: Any, std: Any) -> None:
        super().__init__()
        mean, std = np.asarray(mean), np.asarray(std)
        if mean.shape != std.shape:
            raise ValueError(f"mean has shape {mean.shape} but std has shape {std.shape}")
        if not (np.isfinite(mean).all() and np.isfinite(std).all() and (std > 0).all()):
            raise ValueError("mean must be finite and std finite and positive (replace a zero std by 1)")
        self.register_buffer("mean", Tensor(mean))
        self.register_buffer("std", Tensor(std))

    def forward(self, x: Any) -> Tensor:
        return (x - self.mean) / self.std

    def extra_repr(self) -> str:
        return f"features={self.mean.numel()}"
