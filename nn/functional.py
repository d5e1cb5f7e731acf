"""The math of ``nn``: activations, layer forward passes and losses, as functions of Tensors.

The Modules in ``nn.activations``, ``nn.layers`` and ``nn.losses`` are thin wrappers over these.
Most functions compose autograd's ops and need no backward rule of their own. A few are
``Function``s because numerics or cost ask for it (``linear``, ``softmax``, ``log_softmax``,
``cross_entropy``, ``softplus``, ``binary_cross_entropy``, ``erf``); each is tested against the
composed version. Symbols follow the lecture notes: z a pre-activation, σ an activation, ŷ a
prediction, y a target, ℓ a loss.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Function, Tensor
from autograd.function import Context
from autograd.ops.elementwise import Exp, Maximum, Sigmoid, Where

REDUCTIONS = ("mean", "sum", "none")

__all__ = [
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "elu",
    "erf", "gaussian_noise", "gelu", "hardtanh", "huber_loss", "identity", "kl_div", "l1_loss", "layer_norm",
    "leaky_relu", "linear", "log_softmax", "logsigmoid", "mse_loss", "nll_loss", "prelu", "relu", "sigmoid", "sign", "silu",
    "softmax", "softplus", "softsign", "swish", "tanh",
]


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else autograd.tensor(x)


def _array(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def _constant(x: Any, like: Tensor) -> np.ndarray:
    """A weight that is not trained (class or element weights), in the input's float dtype."""
    return _array(x).astype(like.dtype if like.dtype.kind == "f" else autograd.get_default_dtype(), copy=False)


class Linear(Function):
    """z = x·Wᵀ + b;  with G = ∂ℓ/∂z: ∂ℓ/∂x = G·W, ∂ℓ/∂W = Gᵀ·x, ∂ℓ/∂b = Σ G over the batch"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, weight: np.ndarray, *bias: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x, weight)
        y = x @ weight.T
        return y + bias[0] if bias else y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = ctx.saved_tensors
        # a data batch needs no gradient: skip its (batch × out × in) product
        grad_x = grad @ weight if ctx.needs_input_grad[0] else None
        grad_2d = grad.reshape(-1, weight.shape[0])
        grad_w = grad_2d.T @ x.reshape(-1, weight.shape[1])
        if len(ctx.needs_input_grad) == 2:
            return grad_x, grad_w
        return grad_x, grad_w, grad_2d.sum(axis=0)


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """Affine map z = x·Wᵀ + b with W of shape (out_features, in_features), over any leading dims.

    >>> import autograd, nn
    >>> w = autograd.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> nn.functional.linear(autograd.tensor([[1.0, 1.0]]), w, autograd.tensor([0.0, 0.0, 1.0]))
    tensor([[ 3.,  7., 12.]], dtype=float32)
    """
    x, weight = _tensor(x), _tensor(weight)
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d (out_features, in_features), got shape {weight.shape}")
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {x.shape} cannot be multiplied by weight of shape {weight.shape}: "
                         f"the input's last dimension must be in_features={weight.shape[1]}")
    if bias is None:
        return Linear.apply(x, weight)
    bias = _tensor(bias)
    if bias.shape != (weight.shape[0],):
        raise ValueError(f"linear: bias must have shape ({weight.shape[0]},) for weight {weight.shape}, "
                         f"got {bias.shape}")
    return Linear.apply(x, weight, bias)


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


def dropout(x: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: h̃ = m ⊙ h/(1 − p) with mᵢ ~ Bernoulli(1 − p) in training, h unchanged otherwise"""
    _check_probability(p)
    x = _tensor(x)
    if not training or p == 0:
        return x
    if p == 1:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = autograd.default_generator().random(x.shape) >= p
    return x * (keep * (1.0 / (1.0 - p))).astype(x.dtype)


def _check_probability(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def gaussian_noise(x: Any, std: float = 0.1, training: bool = True) -> Tensor:
    """h̃ = h + ε with ε ~ N(0, std²) in training, h unchanged otherwise"""
    if std < 0:
        raise ValueError(f"gaussian_noise: std must be non-negative, got {std}")
    x = _tensor(x)
    if not training or std == 0:
        return x
    return x + (std * autograd.default_generator().standard_normal(x.shape)).astype(x.dtype)


def batch_norm(x: Any, running_mean: Tensor | None, running_var: Tensor | None, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """x̂ = (x − μ)/√(σ² + ε), ŷ = γ·x̂ + β per channel (dim 1), over the batch (and length) dims.

    In training μ, σ² are the batch's (biased σ²), and ``running_mean``/``running_var`` are updated
    in place: r ← (1 − momentum)·r + momentum·batch value, with the unbiased variance. Otherwise
    the running statistics are used.
    """
    x = _tensor(x)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C) or (N, C, L), got {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    n = x.size // x.shape[1] if x.shape[1] else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and tuple(np.shape(_array(t))) != (x.shape[1],):
            raise ValueError(f"batch_norm: {name} has shape {np.shape(_array(t))}, but the input {x.shape} has "
                             f"{x.shape[1]} channels in dim 1")
    if training or running_mean is None or running_var is None:
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {x.shape}")
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
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
    running._bump_version()


def layer_norm(x: Any, normalized_shape: int | Sequence[int], weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """x̂ = (x − μ)/√(σ² + ε), ŷ = γ·x̂ + β, with μ, σ² (biased) over the last len(normalized_shape) dims"""
    x = _tensor(x)
    shape = (normalized_shape,) if isinstance(normalized_shape, int | np.integer) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.ndim < k or x.shape[x.ndim - k:] != shape:
        raise ValueError(f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
                         f"[*, {', '.join(map(str, shape))}], but got input of size {x.shape}")
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    x_hat = (x - mean) / autograd.sqrt(var + eps)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat


def _check_reduction(reduction: str, allowed: tuple[str, ...] = REDUCTIONS) -> str:
    if reduction not in allowed:
        raise ValueError(f"reduction must be one of {', '.join(map(repr, allowed))}, got {reduction!r}")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _target_like(target: Any, x: Tensor, fn: str) -> Tensor:
    """A float target for a regression-style loss, with the input's shape (never broadcast)."""
    if isinstance(target, Tensor) and target.dtype.kind == "f":
        t = target
    else:
        dtype = x.dtype if x.dtype.kind == "f" else autograd.get_default_dtype()
        t = autograd.tensor(_array(target), dtype=dtype)
    if t.shape != x.shape:
        raise ValueError(f"{fn}: input shape {x.shape} and target shape {t.shape} differ; they must be equal "
                         f"(broadcasting them would compare every prediction with every target). "
                         f"Reshape one of them, e.g. target.reshape({x.shape}) or input.squeeze(-1)")
    return t


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """ℓ = (ŷ − y)², averaged (or summed) over all elements"""
    _check_reduction(reduction)
    x = _tensor(input)
    d = x - _target_like(target, x, "mse_loss")
    return _reduce(d * d, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """ℓ = |ŷ − y|, averaged (or summed) over all elements"""
    _check_reduction(reduction)
    x = _tensor(input)
    return _reduce(autograd.abs(x - _target_like(target, x, "l1_loss")), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """ℓ = ½(ŷ − y)² if |ŷ − y| < δ else δ(|ŷ − y| − ½δ)"""
    _check_reduction(reduction)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    x = _tensor(input)
    d = x - _target_like(target, x, "huber_loss")
    small = np.abs(d.data) < delta
    return _reduce(autograd.where(small, 0.5 * d * d, delta * (autograd.abs(d) - 0.5 * delta)), reduction)


def _clamped_log_array(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):  # ln 0 = −inf is clamped to −100 on the next line
        return np.maximum(np.log(x), -100).astype(x.dtype, copy=False)


class ClampedLog(Function):
    """y = max(ln x, −100);  ∂y/∂x = 1/x where ln x > −100, else 0"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return _clamped_log_array(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        unclamped = _clamped_log_array(_array(x)) > -100
        return grad * unclamped / Where.apply_in_backward(x, np.ones((), dtype=x.dtype), cond=unclamped)


class BinaryCrossEntropy(Function):
    """ℓ = −[y·ln ŷ + (1 − y)·ln(1 − ŷ)], logs clamped at −100;  ∂ℓ/∂ŷ = (ŷ − y)/max(ŷ(1 − ŷ), 10⁻¹²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(p, y)
        return -(y * _clamped_log_array(p) + (1 - y) * _clamped_log_array(1 - p))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        p, y = ctx.saved_tensors
        # PyTorch's rule: finite even at ŷ = 0 or 1, where the clamped logs are flat
        grad_p = grad * (p - y) / Maximum.apply_in_backward(p * (1 - p), 1e-12)
        grad_y = grad * (ClampedLog.apply_in_backward(1 - p) - ClampedLog.apply_in_backward(p))
        return grad_p, grad_y


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """ℓ = −w[y·ln ŷ + (1 − y)·ln(1 − ŷ)] on probabilities ŷ ∈ [0, 1]; each log is clamped at −100 (as PyTorch)"""
    _check_reduction(reduction)
    x = _tensor(input)
    if not np.all((x.data >= 0) & (x.data <= 1)):
        low, high = np.nanmin(x.data, initial=np.inf), np.nanmax(x.data, initial=-np.inf)
        raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1], got values in "
                         f"[{low}, {high}]{' and NaN' if np.isnan(x.data).any() else ''}; for logits (raw scores) "
                         f"use binary_cross_entropy_with_logits / nn.BCEWithLogitsLoss, which is also more stable")
    loss = BinaryCrossEntropy.apply(x, _target_like(target, x, "binary_cross_entropy"))
    if weight is not None:
        loss = loss * _constant(weight, x)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None, reduction: str = "mean",
                                     pos_weight: Any = None) -> Tensor:
    """ℓ = −w[p·y·ln σ(z) + (1 − y)·ln(1 − σ(z))] on logits z, as (1 − y)·z + (1 + (p − 1)y)·ln(1 + e⁻ᶻ)"""
    _check_reduction(reduction)
    x = _tensor(input)
    y = _target_like(target, x, "binary_cross_entropy_with_logits")
    # −ln σ(z) = softplus(−z) without overflow; no threshold, so it stays exact for every z
    softplus_neg = Softplus.apply(-x, beta=1.0, threshold=math.inf)
    log_weight = 1 if pos_weight is None else 1 + (_constant(pos_weight, x) - 1) * y
    loss = (1 - y) * x + log_weight * softplus_neg
    if weight is not None:
        loss = loss * _constant(weight, x)
    return _reduce(loss, reduction)


def _class_dim(x: Tensor, fn: str) -> int:
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have a class dimension (shape (C,), (N, C) or (N, C, d1, ...)), "
                         f"got a 0-d tensor")
    return 1 if x.ndim >= 2 else 0


def _class_targets(x: Tensor, target: Any, weight: Any, ignore_index: int,
                   fn: str) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Check class-index targets; return (class axis, targets with ignored ones set to 0, wᵧ per target, ignored)."""
    axis = _class_dim(x, fn)
    n_classes = x.shape[axis]
    t = _array(target)
    expected = x.shape[:axis] + x.shape[axis + 1:]
    if t.dtype.kind not in "iu":
        raise TypeError(f"{fn}: class-index targets must be integers, got dtype {t.dtype} (use .astype(int)); "
                        f"class probabilities must have the input's shape {x.shape}")
    if t.shape != expected:
        raise ValueError(f"{fn}: target shape {t.shape} does not match input shape {x.shape}: class indices "
                         f"need shape {expected} (the input's shape without class dim {axis})")
    ignored = t == ignore_index
    bad = ~ignored & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"{fn}: Target {t[bad].flat[0]} is out of bounds for {n_classes} classes "
                         f"(valid targets are 0..{n_classes - 1}, or ignore_index={ignore_index})")
    safe = np.where(ignored, 0, t)
    if weight is None:
        w = np.ones(n_classes, dtype=x.dtype)
    else:
        w = _array(weight)
        if w.shape != (n_classes,):
            raise ValueError(f"{fn}: weight must have one entry per class, shape ({n_classes},), got {w.shape}")
    return axis, safe, np.where(ignored, 0, w[safe]).astype(x.dtype), ignored


def _scale(weight_t: np.ndarray, reduction: str) -> float | None:
    """The factor that turns a sum of per-sample losses into the reduction (None: keep them per sample)."""
    if reduction == "none":
        return None
    if reduction == "sum":
        return 1.0
    total = float(weight_t.sum())
    return 1.0 / total if total != 0 else math.nan  # every target ignored: PyTorch's 0/0 = NaN


def _weighted_mean(loss: Tensor, weight_t: np.ndarray, reduction: str) -> Tensor:
    if reduction != "mean":
        return _reduce(loss, reduction)
    return loss.sum() * _scale(weight_t, reduction)


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """ℓ = −w_y·log ŷ_y: the negative log-likelihood of class y, given log-probabilities (e.g. log_softmax)"""
    _check_reduction(reduction)
    x = _tensor(input)
    axis, safe, weight_t, _ = _class_targets(x, target, weight, ignore_index, "nll_loss")
    index = list(np.indices(safe.shape, sparse=True))
    index.insert(axis, safe)
    loss = -x[tuple(index)] * weight_t
    return _weighted_mean(loss, weight_t, reduction)


class CrossEntropy(Function):
    """ℓ = −s·Σᵢ w_yᵢ·log softmax(zᵢ)_yᵢ (s = 1/Σw for the mean, 1 for the sum; per sample for 'none');
    ∂ℓ/∂z = s·w_y·(softmax(z) − onehot(y))"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, z: np.ndarray, target: np.ndarray, weight_t: np.ndarray, axis: int,
                scale: float | None) -> np.ndarray:
        log_p = _log_softmax(z, axis)
        ctx.save_for_backward(z)
        ctx.target, ctx.axis = target, axis
        ctx.probabilities = np.exp(log_p)
        ctx.coef = np.expand_dims(weight_t if scale is None else weight_t * scale, axis)
        picked = -weight_t * np.squeeze(np.take_along_axis(log_p, np.expand_dims(target, axis), axis), axis)
        return picked if scale is None else np.asarray(picked.sum() * scale, dtype=z.dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (z,) = ctx.saved_tensors
        # the forward's probabilities, as a node that is still differentiable with respect to z
        p = Softmax.apply_in_backward(z, axis=ctx.axis, cached=ctx.probabilities)
        onehot = np.zeros(z.shape, dtype=z.dtype)
        if z.ndim == 2 and ctx.axis == 1:
            onehot[np.arange(z.shape[0]), ctx.target] = 1
        else:
            np.put_along_axis(onehot, np.expand_dims(ctx.target, ctx.axis), 1, ctx.axis)
        if grad.ndim:  # per-sample losses: give the gradient back its class axis
            grad = grad.reshape(grad.shape[:ctx.axis] + (1,) + grad.shape[ctx.axis:])
        upstream = grad * ctx.coef
        return (p - onehot) * upstream


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """ℓ = −Σ_c w_c·y_c·log softmax(z)_c, from logits z (class dim 1, or 0 for a single sample).

    ``target`` holds class indices (integers; ``ignore_index`` entries are skipped, and ``mean``
    divides by the sum of their weights) or class probabilities (floats, the input's shape).
    ``label_smoothing`` ε mixes the target with the uniform distribution: (1 − ε)·y + ε/C.

    >>> import autograd, nn
    >>> round(nn.functional.cross_entropy(autograd.tensor([[1e8, 1e8]]), [1]).item(), 4)  # log 2
    0.6931
    """
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    x = _tensor(input)
    axis = _class_dim(x, "cross_entropy")
    n_classes = x.shape[axis]
    w_shape = (n_classes,) + (1,) * (x.ndim - axis - 1)
    if _array(target).dtype.kind == "f":
        y = target if isinstance(target, Tensor) else autograd.tensor(_array(target), dtype=x.dtype)
        if y.shape != x.shape:
            raise ValueError(f"cross_entropy: a float target holds class probabilities and must have the input's "
                             f"shape {x.shape}, got {y.shape}; class indices must be integers")
        if label_smoothing:
            y = y * (1 - label_smoothing) + label_smoothing / n_classes
        terms = log_softmax(x, axis) * y
        if weight is not None:
            terms = terms * _constant(weight, x).reshape(w_shape)
        return _reduce(-terms.sum(axis=axis), reduction)
    axis, safe, weight_t, ignored = _class_targets(x, target, weight, ignore_index, "cross_entropy")
    nll = CrossEntropy.apply(x, target=safe, weight_t=weight_t, axis=axis, scale=_scale(weight_t, reduction))
    if not label_smoothing:
        return nll
    log_p = log_softmax(x, axis)
    if weight is not None:
        log_p = log_p * _constant(weight, x).reshape(w_shape)
    smooth = -log_p.sum(axis=axis) * (~ignored).astype(x.dtype)
    return (1 - label_smoothing) * nll + _weighted_mean(smooth, weight_t, reduction) * (label_smoothing / n_classes)


def kl_div(input: Any, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """ℓ = y·(ln y − ln ŷ) from log-probabilities ln ŷ (input) and probabilities y (or ln y with log_target).

    ``reduction='batchmean'`` divides the sum by the batch size, which is the true KL divergence;
    ``'mean'`` (the default, as PyTorch) divides by the number of elements.
    """
    _check_reduction(reduction, REDUCTIONS + ("batchmean",))
    x = _tensor(input)
    y = _target_like(target, x, "kl_div")
    if log_target:
        pointwise = autograd.exp(y) * (y - x)
    else:
        positive = y.data > 0
        # y·ln y is 0 at y = 0; ln of 1 there keeps the gradient finite
        pointwise = y * (autograd.log(autograd.where(positive, y, 1.0)) - x)
    if reduction == "batchmean":
        return pointwise.sum() / (x.shape[0] if x.ndim else 1)
    return _reduce(pointwise, reduction)
