"""Normalisation: batch, layer, group and RMS norm (the layers' forward passes), and normalize to unit p-norm."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd
from autograd import ArgumentError, DTypeError, ShapeError, Tensor
from autograd.graph import increment_version

from ._arguments import _array, _tensor


def batch_norm(input: Any, running_mean: Tensor | None, running_var: Tensor | None, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """x̂ = (x − μ)/√(σ² + ε), ŷ = γ·x̂ + β per channel (dim 1), over the batch (and length) dims.

    In training μ, σ² are the batch's (biased σ²), and ``running_mean``/``running_var`` are updated
    in place: r ← (1 − momentum)·r + momentum·batch value, with the unbiased variance. Otherwise
    the running statistics are used.
    """
    x = _tensor(input)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C) or (N, C, L), got {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    n = x.numel() // x.shape[1] if x.shape[1] else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and tuple(np.shape(_array(t))) != (x.shape[1],):
            raise ValueError(f"batch_norm: {name} has shape {np.shape(_array(t))}, but the input {x.shape} has "
                             f"{x.shape[1]} channels in dim 1")
    if training or running_mean is None or running_var is None:
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {x.shape}")
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True, correction=0)
        if training and running_mean is not None and running_var is not None:
            _update(running_mean, mean.data.reshape(-1), momentum)
            _update(running_var, var.data.reshape(-1) * (n / (n - 1)), momentum)
    else:
        mean = _array(running_mean).reshape(shape)
        var = _array(running_var).reshape(shape)
    x_hat = (x - mean) / autograd.sqrt(var + eps)
    if weight is not None:
        x_hat = x_hat * _tensor(weight).reshape(shape)
    if bias is not None:
        x_hat = x_hat + _tensor(bias).reshape(shape)
    return x_hat


def _update(running: Tensor, batch_value: np.ndarray, momentum: float) -> None:
    running.data = ((1 - momentum) * running.data + momentum * batch_value).astype(running.dtype)
    increment_version(running)


def _normalized_axes(x: Tensor, normalized_shape: int | Sequence[int], affine: dict[str, Any],
                     fn: str) -> tuple[int, ...]:
    """The last len(normalized_shape) axes, after checking that x and the affine parameters end in that shape."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int | np.integer) else tuple(normalized_shape)
    shape = tuple(int(s) for s in shape)
    k = len(shape)
    if k == 0 or x.ndim < k or x.shape[x.ndim - k:] != shape:
        raise ShapeError(f"{fn}: given normalized_shape={list(shape)}, expected input with shape "
                         f"[*, {', '.join(map(str, shape))}], but got input of size {x.shape}")
    for name, t in affine.items():
        if t is not None and tuple(np.shape(_array(t))) != shape:
            raise ShapeError(f"{fn}: expected {name} to be of same shape as normalized_shape, but got {name} of "
                             f"shape {np.shape(_array(t))} and normalized_shape={list(shape)}")
    return tuple(range(x.ndim - k, x.ndim))


def layer_norm(input: Any, normalized_shape: int | Sequence[int], weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """x̂ = (x − μ)/√(σ² + ε), ŷ = γ·x̂ + β, with μ, σ² (biased) over the last len(normalized_shape) dims"""
    x = _tensor(input)
    axes = _normalized_axes(x, normalized_shape, {"weight": weight, "bias": bias}, "layer_norm")
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, correction=0)
    x_hat = (x - mean) / autograd.sqrt(var + eps)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat


def rms_norm(input: Any, normalized_shape: int | Sequence[int], weight: Any = None, eps: float | None = None) -> Tensor:
    """ŷ = γ·x/√(mean(x²) + ε), the mean over the last dims (``normalized_shape``); ε = eps, or the dtype's
    machine epsilon when None (as PyTorch)"""
    x = _tensor(input)
    if x.dtype.kind != "f":
        raise DTypeError(f"rms_norm: expected a floating-point input, got dtype {x.dtype}")
    axes = _normalized_axes(x, normalized_shape, {"weight": weight}, "rms_norm")
    eps = float(np.finfo(x.dtype).eps) if eps is None else eps
    y = x * autograd.rsqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight


def group_norm(input: Any, num_groups: int, weight: Any = None, bias: Any = None, eps: float = 1e-5) -> Tensor:
    """x̂ = (x − μ)/√(σ² + ε) with μ, σ² (biased) over each group of C/G channels of a sample (and all their
    positions), then ŷ = γ·x̂ + β per channel; the input is (N, C, *)"""
    x = _tensor(input)
    if x.ndim < 2:
        raise ShapeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    n, c = x.shape[:2]
    if num_groups <= 0:
        raise ArgumentError(f"Expected num groups to be greater than 0, got {num_groups}")
    if c % num_groups:
        raise ShapeError(f"Expected number of channels in input to be divisible by num_groups, but got input of shape "
                         f"{list(x.shape)} and num_groups={num_groups}")
    positions = math.prod(x.shape[2:])
    if n * c // num_groups * positions == 1:  # PyTorch's guard: one sample whose groups hold one value each
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{[n * c // num_groups, num_groups, *x.shape[2:]]}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(np.shape(_array(t))) != (c,):
            raise ShapeError(f"group_norm: expected {name} to be a vector of size equal to the number of channels in "
                             f"input, but got {name} of shape {np.shape(_array(t))} and input of shape {x.shape}")
    groups = x.reshape(n, num_groups, c // num_groups * positions)
    mean = groups.mean(axis=-1, keepdims=True)
    var = groups.var(axis=-1, keepdims=True, correction=0)
    x_hat = ((groups - mean) / autograd.sqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    if weight is not None:
        x_hat = x_hat * _tensor(weight).reshape(shape)
    if bias is not None:
        x_hat = x_hat + _tensor(bias).reshape(shape)
    return x_hat


def normalize(input: Any, p: float = 2.0, dim: int | Sequence[int] = 1, eps: float = 1e-12) -> Tensor:
    """v / max(‖v‖_p, ε) for each slice v along ``dim``: unit p-norm (p > 0 or inf); a zero slice stays zero.

    As in PyTorch, no gradient reaches the norm where ε is taken, so an all-zero slice has a finite gradient.

    >>> import autograd, nn
    >>> nn.functional.normalize(autograd.tensor([[3.0, 4.0], [0.0, 0.0]]))
    tensor([[0.6, 0.8],
           [0. , 0. ]], dtype=float32)
    """
    x = _tensor(input)
    if not p > 0:
        raise ValueError(f"normalize: p must be positive or inf, got {p}")
    axis = tuple(dim) if isinstance(dim, Sequence) else dim
    a = autograd.abs(x)
    if p == math.inf:
        m = np.max(a.data, axis=axis, keepdims=True)
        top = a.data == m
        # ties share the gradient evenly, as PyTorch's inf-norm; the sum adds exact zeros, so the value is m
        norm = ((a - m) * (top / top.sum(axis=axis, keepdims=True)).astype(x.dtype)).sum(axis=axis, keepdims=True) + m
        kept = norm.data >= eps
    else:
        if p == 1:
            powers = a
        elif p == 2:
            powers = x * x
        else:  # |x|ᵖ⁻¹ is infinite at 0 for p < 1: keep the zeros out of the power (double where)
            nonzero = a.data > 0
            safe = autograd.where(nonzero, a, np.ones((), dtype=x.dtype))
            powers = autograd.where(nonzero, safe ** p, np.zeros((), dtype=x.dtype))
        total = powers.sum(axis=axis, keepdims=True)
        kept = total.data ** (1 / p) >= eps
        # where ε is taken, the root's infinite slope at 0 must not be reached: take the root of 1 there
        norm = autograd.where(kept, total, np.ones((), dtype=x.dtype)) ** (1 / p)
    return x / autograd.where(kept, norm, np.asarray(eps, dtype=x.dtype))
