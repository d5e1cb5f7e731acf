"""Activations f(z), elementwise (softmax, log softmax and softmin along a dim are autograd ops)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import ArgumentError, Context, Function, Tensor
from autograd.ops.elementwise import Exp, Sigmoid, Where

from ._arguments import _array, _tensor


def identity(input: Any) -> Tensor:
    """f(z) = z"""
    return _tensor(input)


def sign(input: Any) -> Tensor:
    """f(z) = sign z;  its gradient is 0 everywhere"""
    return autograd.sign(input)


def relu(input: Any) -> Tensor:
    """f(z) = max(0, z);  gradient 0 at z = 0, as PyTorch"""
    return autograd.relu(input)


def leaky_relu(input: Any, negative_slope: float = 0.01) -> Tensor:
    """f(z) = z if z > 0 else α·z  (α = negative_slope; gradient α at z = 0, as PyTorch)"""
    x = _tensor(input)
    return autograd.where(x.data > 0, x, x * negative_slope)


def prelu(input: Any, weight: Any) -> Tensor:
    """f(z) = z if z > 0 else a·z, with a learned slope a per channel (dim 1) or one shared a"""
    x, weight = _tensor(input), _tensor(weight)
    if weight.numel() == 1:
        weight = weight.reshape(())
    elif x.ndim < 2 or x.shape[1] != weight.numel():
        raise ValueError(f"prelu: {weight.numel()} slopes need an input with {weight.numel()} channels in dim 1, "
                         f"got shape {x.shape}")
    else:
        weight = weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return autograd.where(x.data > 0, x, weight * x)


def sigmoid(input: Any) -> Tensor:
    """σ(z) = 1/(1 + e⁻ᶻ)"""
    return autograd.sigmoid(input)


def tanh(input: Any) -> Tensor:
    """f(z) = tanh z = (eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)"""
    return autograd.tanh(input)


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """f(z) = min(max(z, a), b);  gradient 1 strictly inside (a, b), 0 at and beyond the bounds (as PyTorch)"""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
    x = _tensor(input)
    # where, not clip: clip passes the gradient at the bounds, PyTorch's hardtanh does not
    inside = (x.data > min_val) & (x.data < max_val)
    return autograd.where(inside, x, np.clip(x.data, min_val, max_val))


def relu6(input: Any) -> Tensor:
    """f(z) = min(max(0, z), 6);  gradient 1 strictly inside (0, 6), as PyTorch"""
    return hardtanh(input, 0.0, 6.0)


def hardsigmoid(input: Any) -> Tensor:
    """f(z) = relu6(z + 3)/6: 0 up to −3, 1 from 3, linear between;  gradient 1/6 strictly inside (−3, 3)"""
    x = _tensor(input)
    inside = (x.data > -3) & (x.data < 3)
    return autograd.where(inside, (x + 3.0) / 6.0, (x.data >= 3).astype(x.dtype))


def hardswish(input: Any) -> Tensor:
    """f(z) = z·relu6(z + 3)/6;  f′(z) = 0 up to −3, z/3 + ½ strictly inside (−3, 3), 1 from 3 (as PyTorch)"""
    x = _tensor(input)
    inside = (x.data > -3) & (x.data < 3)
    # the quadratic only of the inside part: z² for z = 1e30 would overflow in the branch not taken
    x_in = autograd.where(inside, x, np.zeros((), dtype=x.dtype))
    return autograd.where(inside, x_in * (x_in + 3.0) / 6.0, autograd.where(x.data >= 3, x, np.zeros((), x.dtype)))


def softsign(input: Any) -> Tensor:
    """f(z) = z/(1 + |z|)"""
    x = _tensor(input)
    return x / (1 + autograd.abs(x))


class ELU(Function):
    """y = s·z if z > 0 else s·α(e^(c·z) − 1);  ∂y/∂z = s if z > 0 else s·α·c·e^(c·z)  (elu, selu, celu)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, alpha: float, scale: float, input_scale: float) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        # exp only of the non-positive part: e¹⁰⁰⁰ in the branch not taken would overflow
        below = (alpha * scale) * np.expm1(np.minimum(x, 0) * input_scale)
        return np.where(x > 0, x * scale, below).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        c, zero = ctx.input_scale, np.zeros((), dtype=x.dtype)
        # the slope at 0 is the exponential side's, but its own slope there is 0, as PyTorch's second derivative
        negative = Where.apply_in_backward(x, zero, cond=_array(x) < 0)
        exp_side = (ctx.alpha * ctx.scale * c) * Exp.apply_in_backward(negative * c)
        return grad * Where.apply_in_backward(np.asarray(ctx.scale, dtype=x.dtype), exp_side, cond=_array(x) > 0)


def elu(input: Any, alpha: float = 1.0) -> Tensor:
    """f(z) = z if z > 0 else α(eᶻ − 1)"""
    return ELU.apply(input, alpha=float(alpha), scale=1.0, input_scale=1.0)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Any) -> Tensor:
    """f(z) = λz if z > 0 else λα(eᶻ − 1), with λ ≈ 1.0507 and α ≈ 1.6733 (self-normalising)"""
    return ELU.apply(input, alpha=SELU_ALPHA, scale=SELU_SCALE, input_scale=1.0)


def celu(input: Any, alpha: float = 1.0) -> Tensor:
    """f(z) = z if z > 0 else α(e^(z/α) − 1): continuously differentiable at 0 for every α"""
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (it divides z)")
    return ELU.apply(input, alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha)


def erf(input: Any) -> Tensor:
    """The error function, elementwise, exact to float64 precision (``autograd.erf``)."""
    return autograd.erf(input)


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """f(z) = z·Φ(z) = ½z(1 + erf(z/√2));  approximate='tanh': ½z(1 + tanh(√(2/π)(z + 0.044715z³)))"""
    x = _tensor(input)
    if approximate == "none":
        return 0.5 * x * (1 + erf(x * (1 / math.sqrt(2))))
    if approximate == "tanh":
        return 0.5 * x * (1 + autograd.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input: Any) -> Tensor:
    """f(z) = z·σ(z)  (also called swish)"""
    x = _tensor(input)
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


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """f(z) = (1/β)·ln(1 + e^(βz)), linear (f(z) = z) where βz > threshold, as PyTorch"""
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta}")
    return Softplus.apply(input, beta=float(beta), threshold=float(threshold))


def logsigmoid(input: Any) -> Tensor:
    """f(z) = ln σ(z) = −ln(1 + e⁻ᶻ) = −softplus(−z);  f′(z) = 1 − σ(z).  Finite at z = −1000, where ln(σ(z)) is −inf"""
    return -softplus(-_tensor(input), threshold=math.inf)


def mish(input: Any) -> Tensor:
    """f(z) = z·tanh(softplus(z)) = z·tanh(ln(1 + eᶻ))"""
    x = _tensor(input)
    return x * autograd.tanh(softplus(x, threshold=math.inf))


def threshold(input: Any, threshold: float, value: float) -> Tensor:
    """f(z) = z if z > threshold else value (NaN stays NaN, as PyTorch);  gradient 1 where z is kept, else 0"""
    x = _tensor(input)
    replaced = x.data <= threshold
    return autograd.where(replaced, np.asarray(value, dtype=x.dtype), x)


class Step(Function):
    """y = 1 if x > θ else 0 (the threshold unit);  ∂y/∂x = 0: it has no slope"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, threshold: float, dtype: np.dtype) -> np.ndarray:
        return (x > threshold).astype(dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return np.zeros_like(_array(grad))


def step(input: Any, threshold: float = 0.0) -> Tensor:
    """The lecture's threshold unit: f(z) = 1 if z > θ else 0, as floats, with a zero gradient everywhere.

    >>> import autograd, nn
    >>> nn.functional.step(autograd.tensor([-1.0, 0.0, 0.5]))
    tensor([0., 0., 1.], dtype=float32)
    """
    x = _tensor(input)
    dtype = x.dtype if x.dtype.kind == "f" else autograd.get_default_dtype()
    return Step.apply(x, threshold=threshold, dtype=dtype)


def glu(input: Any, dim: int = -1) -> Tensor:
    """GLU(a, b) = a ⊗ σ(b), a and b the first and second halves of the input along ``dim`` (a gated linear unit)"""
    x = _tensor(input)
    if x.ndim == 0:
        raise ArgumentError("glu does not support scalars because halving size must be even")
    if not -x.ndim <= dim < x.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-x.ndim}, {x.ndim - 1}], but got {dim})")
    d = dim % x.ndim
    half, odd = divmod(x.shape[d], 2)
    if odd:
        raise ArgumentError(f"Halving dimension must be even, but dimension {d} is size {x.shape[d]}")
    return x.narrow(d, 0, half) * autograd.sigmoid(x.narrow(d, half, half))


def _check_lambda(lambd: float, fn: str) -> None:
    if not lambd >= 0:
        raise ArgumentError(f"{fn}: lambda must be greater or equal to 0, but found to be {lambd}.")


def softshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """f(z) = z − λ if z > λ, z + λ if z < −λ, else 0;  gradient 1 outside [−λ, λ], 0 inside (as PyTorch)"""
    _check_lambda(lambd, "softshrink")
    x = _tensor(input)
    inside = (x.data >= -lambd) & (x.data <= lambd)
    return autograd.where(inside, np.zeros((), dtype=x.dtype), x - lambd * np.sign(x.data).astype(x.dtype))


def hardshrink(input: Any, lambd: float = 0.5) -> Tensor:
    """f(z) = z if |z| > λ else 0;  gradient 1 outside [−λ, λ], 0 inside (as PyTorch)"""
    x = _tensor(input)
    inside = (x.data >= -lambd) & (x.data <= lambd)
    return autograd.where(inside, np.zeros((), dtype=x.dtype), x)


def tanhshrink(input: Any) -> Tensor:
    """f(z) = z − tanh z"""
    x = _tensor(input)
    return x - autograd.tanh(x)


def rrelu(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    """Randomized leaky ReLU: f(z) = z if z > 0 else a·z, a ~ U(lower, upper) per element in training (drawn from
    ``autograd.default_generator()``), a = (lower + upper)/2 otherwise"""
    if not lower <= upper:
        raise ArgumentError(f"rrelu: Lower bound should be less than or equal to the upper bound, got lower={lower} "
                            f"and upper={upper}")
    if not training:
        return leaky_relu(input, (lower + upper) / 2)
    x = _tensor(input)
    slopes = autograd.default_generator().uniform(lower, upper, x.shape).astype(x.dtype)
    return autograd.where(x.data > 0, x, x * slopes)
