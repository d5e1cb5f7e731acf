"""Distances and similarities between two batches of vectors: cosine similarity and the pairwise p-norm distance."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Context, DTypeError, Function, Tensor
from autograd.dtypes import result_type

from ._arguments import _tensor


class ClampMinValue(Function):
    """y = max(x, m);  ∂y/∂x = 1 everywhere: only the value is clamped, as PyTorch's in-place clamp under no_grad"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, low: float) -> np.ndarray:
        return np.maximum(x, low).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return grad


def _floats(x1: Any, x2: Any, fn: str) -> tuple[Tensor, Tensor]:
    """Both inputs in their common floating-point dtype, by PyTorch's promotion (an integer one is converted)."""
    a, b = _tensor(x1), _tensor(x2)
    dtype = result_type(a.data, b.data)
    if dtype.kind != "f":
        raise DTypeError(f"{fn}: expected common dtype to be floating point, yet common dtype is {dtype}")
    return (a if a.dtype == dtype else autograd.cast(a, dtype)), (b if b.dtype == dtype else autograd.cast(b, dtype))


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x₁·x₂ / (max(‖x₁‖, ε)·max(‖x₂‖, ε)) along ``dim`` of the broadcast inputs, which the result drops.

    As PyTorch, each vector is divided by its norm before the product (the result stays in [−1, 1]), and the
    clamp to ε changes the norm's value but not its gradient.
    """
    a, b = autograd.broadcast_tensors(*_floats(x1, x2, "cosine_similarity"))
    unit_a = a / ClampMinValue.apply(autograd.norm(a, 2, dim, keepdim=True), low=eps)
    unit_b = b / ClampMinValue.apply(autograd.norm(b, 2, dim, keepdim=True), low=eps)
    return (unit_a * unit_b).sum(axis=dim)


def pairwise_distance(x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """‖x₁ − x₂ + ε‖_p over the last dim of the broadcast inputs (ε keeps the gradient finite where x₁ = x₂)"""
    a, b = _floats(x1, x2, "pairwise_distance")
    diff = a - b + eps
    if diff.ndim == 0:  # two scalars: a distance between 1-vectors, as PyTorch
        return autograd.norm(diff.reshape(1), p, 0, keepdim=False)
    return autograd.norm(diff, p, -1, keepdim=keepdim)
