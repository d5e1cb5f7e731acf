"""Activations f(z), elementwise, and softmax and log softmax along a dimension."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd import Context, Function, Tensor
from autograd.ops.elementwise import Exp, Sigmoid, Where

from ._arguments import _array, _tensor


def identity(x: Any) -> Tensor:
    """f(z) = z"""
    return _tensor(x)


def sign(x: Any) -> Tensor:
    """f(z) = sign z;  its gradient is 0 everywhere"""
    return autograd.sign(x)


def relu(x: Any) -> Tensor:
    """f(z) = max(0, z);  gradient 0 at z = 0, as PyTorch"""
    return autograd.relu(x)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    """f(z) = z if z > 0 else α·z  (α = negative_slope; gradient α at z = 0, as PyTorch)"""
    x = _tensor(x)
    return autograd.where(x.data > 0, x, x * negative_slope)


def prelu(x: Any, weight: Any) -> Tensor:
    """f(z) = z if z > 0 else a·z, with a learned slope a per channel (dim 1) or one shared a"""
    x, weight = _tensor(x), _tensor(weight)
    if weight.size == 1:
        weight = weight.reshape(())
    elif x.ndim < 2 or x.shape[1] != weight.size:
        raise ValueError(f"prelu: {weight.size} slopes need an input with {weight.size} channels in dim 1, "
                         f"got shape {x.shape}")
    else:
        weight = weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return autograd.where(x.data > 0, x, weight * x)


def sigmoid(x: Any) -> Tensor:
    """σ(z) = 1/(1 + e⁻ᶻ)"""
    return autograd.sigmoid(x)


def tanh(x: Any) -> Tensor:
    """f(z) = tanh z = (eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)"""
    return autograd.tanh(x)


def hardtanh(x: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """f(z) = min(max(z, a), b);  gradient 1 strictly inside (a, b), 0 at and beyond the bounds (as PyTorch)"""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
    x = _tensor(x)
    # where, not clip: clip passes the gradient at the bounds, PyTorch's hardtanh does not
    inside = (x.data > min_val) & (x.data < max_val)
    return autograd.where(inside, x, np.clip(x.data, min_val, max_val))


def softsign(x: Any) -> Tensor:
    """f(z) = z/(1 + |z|)"""
    x = _tensor(x)
    return x / (1 + autograd.abs(x))


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """f(z) = z if z > 0 else α(eᶻ − 1)"""
    x = _tensor(x)
    # exp only of the non-positive part: e¹⁰⁰⁰ in the branch not taken would overflow
    return autograd.where(x.data > 0, x, alpha * autograd.expm1(autograd.clip(x, max=0.0)))


class Erf(Function):
    """y = erf x = (2/√π)∫₀ˣ e^(−t²) dt;  ∂y/∂x = (2/√π)·e^(−x²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return _erf_float64()(x.astype(np.float64, copy=False)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * (2 / math.sqrt(math.pi)) * Exp.apply_in_backward(-(x * x))


@functools.cache
def _erf_float64() -> Callable[[np.ndarray], np.ndarray]:
    """NumPy has no erf: SciPy's when it is installed (within 2 ulp of ``math.erf``, 6× faster), else
    ``math.erf`` element by element. Imported on first use, so ``import nn`` does not load SciPy."""
    try:
        from scipy.special import erf
    except ImportError:
        return np.vectorize(math.erf, otypes=[np.float64])
    return erf


def erf(x: Any) -> Tensor:
    """The error function, elementwise, exact to float64 precision."""
    return Erf.apply(x)


def gelu(x: Any, approximate: str = "none") -> Tensor:
    """f(z) = z·Φ(z) = ½z(1 + erf(z/√2));  approximate='tanh': ½z(1 + tanh(√(2/π)(z + 0.044715z³)))"""
    x = _tensor(x)
    if approximate == "none":
        return 0.5 * x * (1 + erf(x * (1 / math.sqrt(2))))
    if approximate == "tanh":
        return 0.5 * x * (1 + autograd.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x: Any) -> Tensor:
    """f(z) = z·σ(z)  (also called swish)"""
    x = _tensor(x)
    return x * autograd.sigmoid(x)


swish = silu


class Softplus(Function):
    """y = ln(1 + e^(βx))/β, or x where βx > threshold;  ∂y/∂x = σ(βx), or 1 where βx > threshold"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, beta: float, threshold: float) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        z = x * beta
        # logaddexp(0, βx) = ln(1 + e^(βx)) without overflow at βx = 1000
        return np.where(z > threshold, x, np.logaddexp(0, z) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        z = x * ctx.beta
        one = np.ones((), dtype=z.dtype)
        return grad * Where.apply_in_backward(one, Sigmoid.apply_in_backward(z), cond=_array(z) > ctx.threshold)


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """f(z) = (1/β)·ln(1 + e^(βz)), linear (f(z) = z) where βz > threshold, as PyTorch"""
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta}")
    return Softplus.apply(x, beta=float(beta), threshold=float(threshold))


def logsigmoid(x: Any) -> Tensor:
    """f(z) = ln σ(z) = −ln(1 + e⁻ᶻ) = −softplus(−z);  f′(z) = 1 − σ(z).  Finite at z = −1000, where ln(σ(z)) is −inf"""
    return -softplus(-_tensor(x), threshold=math.inf)


def _shifted(x: np.ndarray, axis: int | None) -> np.ndarray:
    """x minus its max along ``axis`` (nothing where that max is ±inf), so that exp never overflows."""
    m = np.max(x, axis=axis, keepdims=True)
    return x - np.where(np.isfinite(m), m, 0)


def _log_softmax(x: np.ndarray, axis: int | None) -> np.ndarray:
    shifted = _shifted(x, axis)
    # an all −inf (or a +inf) slice gives NaN, as in PyTorch; it is not a bug in this op
    with np.errstate(divide="ignore", invalid="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


class LogSoftmax(Function):
    """yᵢ = (zᵢ − m) − ln Σⱼ e^(zⱼ − m), m = max z;  ∂ℓ/∂z = G − softmax(z)·Σ G"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int | None) -> np.ndarray:
        y = _log_softmax(x, axis)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad - Exp.apply_in_backward(y) * grad.sum(axis=ctx.axis, keepdims=True)


def log_softmax(x: Any, dim: int = -1) -> Tensor:
    """log softmax(z)ᵢ = (zᵢ − m) − ln Σⱼ e^(zⱼ − m) with m = max z: stable for logits like 1e8"""
    x = _tensor(x)
    return LogSoftmax.apply(x, axis=_axis(dim, x.ndim))


class Softmax(Function):
    """yᵢ = e^(zᵢ − m)/Σⱼ e^(zⱼ − m), m = max z;  ∂ℓ/∂z = y ⊙ (G − Σ G ⊙ y)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axis: int | None, cached: np.ndarray | None = None) -> np.ndarray:
        if cached is not None:  # softmax(x) already computed by a fused op (cross_entropy's backward)
            y = cached
        else:
            e = np.exp(_shifted(x, axis))
            with np.errstate(invalid="ignore"):  # an all −inf slice gives NaN, as in PyTorch
                y = e / np.sum(e, axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(axis=ctx.axis, keepdims=True))


def softmax(x: Any, dim: int = -1) -> Tensor:
    """softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ), computed shifted by max z so it never overflows

    >>> import autograd, nn
    >>> nn.functional.softmax(autograd.tensor([1000.0, 1000.0]))
    tensor([0.5, 0.5], dtype=float32)
    """
    x = _tensor(x)
    return Softmax.apply(x, axis=_axis(dim, x.ndim))


def _axis(dim: int, ndim: int) -> int | None:
    """``dim`` as a non-negative axis; None for a 0-d tensor, which is one slice of one element."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise ValueError(f"dim {dim} is out of range for a tensor with {ndim} dimensions")
    return dim % ndim if ndim else None
