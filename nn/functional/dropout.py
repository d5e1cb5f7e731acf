"""Noise for regularisation in training: dropout and additive Gaussian noise."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from ._arguments import _tensor


def dropout(input: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: h̃ = m ⊙ h/(1 − p) with mᵢ ~ Bernoulli(1 − p) in training, h unchanged otherwise"""
    _check_probability(p)
    x = _tensor(input)
    if not training or p == 0:
        return x
    if p == 1:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = autograd.default_generator().random(x.shape) >= p
    return x * (keep * (1.0 / (1.0 - p))).astype(x.dtype)


def _check_probability(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def gaussian_noise(input: Any, std: float = 0.1, training: bool = True) -> Tensor:
    """h̃ = h + ε with ε ~ N(0, std²) in training, h unchanged otherwise"""
    if std < 0:
        raise ValueError(f"gaussian_noise: std must be non-negative, got {std}")
    x = _tensor(input)
    if not training or std == 0:
        return x
    return x + (std * autograd.default_generator().standard_normal(x.shape)).astype(x.dtype)
