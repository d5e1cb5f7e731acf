"""Gradient clipping and norms, weight penalties (regularisers added to the loss), the max-norm weight constraint,
and parameters as one flat vector."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

import autograd
from autograd import ArgumentError, ShapeError, Tensor
from autograd.graph import increment_version

from .module import Module

__all__ = [
    "clip_grad_norm_", "clip_grad_value_", "get_total_norm", "l1_penalty", "l2_penalty", "max_norm_",
    "parameters_to_vector", "vector_to_parameters",
]


def _tensors(parameters: Module | Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Module):
        return list(parameters.parameters())
    if isinstance(parameters, Tensor):
        return [parameters]
    return list(parameters)


def clip_grad_norm_(parameters: Module | Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients by min(1, max_norm/(‖g‖ + 10⁻⁶)), ‖g‖ the norm of all of them joined; returns ‖g‖.

    >>> import autograd, nn
    >>> w = autograd.tensor([3.0, 4.0], requires_grad=True)
    >>> (w * w / 2).sum().backward()
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0).item()
    5.0
    >>> w.grad.numpy().round(4)
    array([0.6, 0.8], dtype=float32)
    """
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    if not grads:
        return autograd.tensor(0.0)
    total = _total_norm(grads, float(norm_type), error_if_nonfinite)
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        # a non-finite norm scales by 0, and inf·0 = NaN: PyTorch's documented outcome, not a bug here
        with np.errstate(invalid="ignore"):
            for g in grads:
                g.data = (g.data * coef).astype(g.dtype, copy=False)
    return autograd.tensor(total, dtype=grads[0].dtype)


def clip_grad_value_(parameters: Module | Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element to [−clip_value, clip_value]."""
    if clip_value < 0:
        raise ValueError(f"clip_value must be non-negative, got {clip_value}")
    for p in _tensors(parameters):
        if p.grad is not None:
            p.grad.data = np.clip(p.grad.data, -clip_value, clip_value)


def l1_penalty(parameters: Module | Tensor | Iterable[Tensor]) -> Tensor:
    """Ω(θ) = Σᵢ |θᵢ| over the given parameters (add λ·Ω to the loss for ℓ₁ regularisation)."""
    tensors = _tensors(parameters)
    if not tensors:
        return autograd.tensor(0.0)
    return sum(autograd.abs(t).sum() for t in tensors)


def l2_penalty(parameters: Module | Tensor | Iterable[Tensor]) -> Tensor:
    """Ω(θ) = Σᵢ θᵢ² = ‖θ‖₂² over the given parameters (add λ·Ω to the loss for ℓ₂ regularisation).

    >>> import autograd, nn
    >>> nn.utils.l2_penalty([autograd.tensor([3.0, 4.0])]).item()
    25.0
    """
    tensors = _tensors(parameters)
    if not tensors:
        return autograd.tensor(0.0)
    return sum((t * t).sum() for t in tensors)


def max_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, dim: int = 0, norm_type: float = 2.0) -> None:
    """Max-norm constraint, in place: rescale each slice ``w.select(dim, i)`` whose norm exceeds ``max_norm`` to it.

    With ``dim=0`` a ``Linear`` weight's slices are its rows, each unit's incoming weights; the rule and the
    factor max_norm/(‖wᵢ‖ + 10⁻⁷) are ``torch.renorm``'s. Call it after each optimizer step.

    >>> import autograd, nn
    >>> w = nn.Parameter(autograd.tensor([[3.0, 4.0], [0.3, 0.4]]))
    >>> nn.utils.max_norm_(w, max_norm=1.0)
    >>> w.numpy().round(4)
    array([[0.6, 0.8],
           [0.3, 0.4]], dtype=float32)
    """
    if isinstance(parameters, Module):
        raise TypeError("max_norm_ takes weight tensors, not a Module: a Module's biases are not constrained "
                        "(pass e.g. [layer.weight for layer in model if isinstance(layer, nn.Linear)])")
    if not max_norm >= 0:
        raise ValueError(f"max_norm_: max_norm must be non-negative, got {max_norm}")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"max_norm_: norm_type must be positive, got {norm_type}")
    for w in _tensors(parameters):
        if w.ndim == 0:
            raise ValueError("max_norm_: a 0-d tensor has no slices to constrain")
        if not -w.ndim <= dim < w.ndim:
            raise IndexError(f"max_norm_: dim {dim} out of range for a {w.ndim}-d tensor")
        d = dim % w.ndim
        rows = np.moveaxis(w.data, d, 0).reshape(w.shape[d], -1).astype(np.float64)
        norms = np.linalg.norm(rows, ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        w.data = (w.data * scale.reshape([-1 if i == d else 1 for i in range(w.ndim)])).astype(w.dtype, copy=False)


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """‖(‖t₁‖, ‖t₂‖, …)‖_p: the p-norm of the given tensors (e.g. the gradients) joined, as clip_grad_norm_ measures
    it; a constant (no gradient), 0 for no tensors. ``foreach`` is accepted for PyTorch's signature and ignored.

    >>> import autograd, nn
    >>> nn.utils.get_total_norm([autograd.tensor([3.0]), autograd.tensor([4.0])]).item()
    5.0
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if not tensors:
        return autograd.tensor(0.0)
    total = _total_norm(tensors, float(norm_type), error_if_nonfinite)
    return autograd.tensor(total, dtype=np.result_type(*(t.dtype for t in tensors)))


def _total_norm(tensors: list[Tensor], norm_type: float, error_if_nonfinite: bool) -> float:
    """The p-norm of the tensors' p-norms, in float64."""
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(t.data), initial=0.0)) for t in tensors)
    else:
        norms = [np.linalg.norm(t.data.ravel().astype(np.float64), ord=norm_type) for t in tensors]
        total = float(np.linalg.norm(np.asarray(norms), ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           f"cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           f"anyway, set `error_if_nonfinite=False`")
    return total


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and joined into one 1-d tensor (differentiable, e.g. for a penalty on all weights).

    >>> import nn
    >>> nn.utils.parameters_to_vector(nn.Linear(3, 2).parameters()).shape
    (8,)
    """
    flat = [p.reshape(-1) for p in parameters]
    if not flat:
        raise ArgumentError("parameters_to_vector: expected a non-empty iterable of parameters")
    return autograd.cat(flat)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-d ``vec`` into the parameters, each reshaped to its parameter's shape (the
    inverse of ``parameters_to_vector``). As PyTorch, each parameter's array becomes a view of ``vec``'s, in its dtype,
    and elements beyond the parameters' total are ignored.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected autograd.Tensor, but got: {type(vec).__name__}")
    if vec.ndim != 1:
        raise ShapeError(f"vector_to_parameters: vec must be 1-d, got shape {vec.shape}")
    params = list(parameters)
    needed = sum(p.numel() for p in params)
    if needed > vec.numel():
        raise ShapeError(f"vector_to_parameters: vec has {vec.numel()} elements, the parameters need {needed}")
    start = 0
    for p in params:
        p.data = vec.data[start:start + p.numel()].reshape(p.shape)
        increment_version(p)
        start += p.numel()
