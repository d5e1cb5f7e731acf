"""Losses ℓ(ŷ, y) with PyTorch's reductions; the fused ones stable for extreme logits and probabilities."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import ArgumentError, Context, Function, ShapeError, Tensor, log_softmax
from autograd.ops.elementwise import Maximum, Where
from autograd.ops.softmax import Softmax, _shifted, quiet

from ._arguments import _array, _constant, _tensor
from .activations import Softplus
from .distance import ClampMinValue

REDUCTIONS = ("mean", "sum", "none")


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
        raise ShapeError(f"{fn}: input shape {x.shape} and target shape {t.shape} differ; they must be equal "
                         f"(broadcasting them would compare every prediction with every target). "
                         f"Reshape one of them, e.g. target.reshape({x.shape}) or input.squeeze(-1)")
    return t


def _weighted(loss: Tensor, weight: Any, x: Tensor, reduction: str, mean_by_weight: bool = True) -> Tensor:
    """The pointwise ``loss`` times a per-element ``weight`` (PyTorch 2.13's ``weight=``), then reduced; PyTorch's
    weighted mean divides by the weights' sum for the MSE and L1 losses and by the count for the Huber loss."""
    if weight is None:
        return _reduce(loss, reduction)
    w = weight if isinstance(weight, Tensor) else autograd.tensor(_array(weight), dtype=x.dtype)
    if w.shape != x.shape:
        raise ValueError(f"Weights and input must have the same size, got {w.shape} and {x.shape}")
    weighted = loss * w
    if reduction == "mean" and mean_by_weight:
        return weighted.sum() / w.sum()
    return _reduce(weighted, reduction)


def mse_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> Tensor:
    """ℓ = (ŷ − y)², averaged (or summed) over all elements; with ``weight``, w·(ŷ − y)² and a mean of Σw."""
    _check_reduction(reduction)
    x = _tensor(input)
    d = x - _target_like(target, x, "mse_loss")
    return _weighted(d * d, weight, x, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> Tensor:
    """ℓ = |ŷ − y|, averaged (or summed) over all elements; with ``weight``, w·|ŷ − y| and a mean of Σw."""
    _check_reduction(reduction)
    x = _tensor(input)
    return _weighted(autograd.abs(x - _target_like(target, x, "l1_loss")), weight, x, reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None) -> Tensor:
    """ℓ = ½(ŷ − y)² if |ŷ − y| < δ else δ(|ŷ − y| − ½δ); with ``weight``, w·ℓ (its mean over the elements)"""
    _check_reduction(reduction)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    x = _tensor(input)
    d = x - _target_like(target, x, "huber_loss")
    small = np.abs(d.data) < delta
    loss = autograd.where(small, 0.5 * d * d, delta * (autograd.abs(d) - 0.5 * delta))
    return _weighted(loss, weight, x, reduction, mean_by_weight=False)


def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """ℓ = ½(ŷ − y)²/β if |ŷ − y| < β else |ŷ − y| − ½β  (β = 0: the L1 loss); huber_loss with δ = β, divided by β"""
    _check_reduction(reduction)
    if beta < 0:
        raise ArgumentError(f"smooth_l1_loss does not support negative values for beta, got {beta}.")
    x = _tensor(input)
    d = x - _target_like(target, x, "smooth_l1_loss")
    if beta == 0:
        return _reduce(autograd.abs(d), reduction)
    small = np.abs(d.data) < beta
    return _reduce(autograd.where(small, 0.5 * d * d / beta, autograd.abs(d) - 0.5 * beta), reduction)


def soft_margin_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """ℓ = ln(1 + e^(−y·ŷ)) for labels y = ±1 (logistic loss), computed without overflow for any −y·ŷ"""
    _check_reduction(reduction)
    x = _tensor(input)
    margin = -_target_like(target, x, "soft_margin_loss") * x
    return _reduce(Softplus.apply(margin, beta=1.0, threshold=math.inf), reduction)


def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0.0, reduction: str = "mean") -> Tensor:
    """ℓ = max(0, −y·(x₁ − x₂) + margin): y = 1 asks for x₁ ranked above x₂, y = −1 for below (inputs broadcast)"""
    _check_reduction(reduction)
    x1, x2, y = _tensor(input1), _tensor(input2), _tensor(target)
    if not x1.ndim == x2.ndim == y.ndim:
        raise ShapeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                         f"input1: {x1.shape}, input2: {x2.shape}, target: {y.shape}")
    return _reduce(autograd.clamp_min(-y * (x1 - x2) + margin, 0.0), reduction)


def poisson_nll_loss(input: Any, target: Any, log_input: bool = True, full: bool = False, eps: float = 1e-8,
                     reduction: str = "mean") -> Tensor:
    """ℓ = e^ŷ − y·ŷ for a log-rate ŷ (``log_input``), else ŷ − y·ln(ŷ + ε) for a rate ŷ: the Poisson negative
    log-likelihood without ln y!; ``full`` adds Stirling's y·ln y − y + ½ln(2πy) for it where y > 1"""
    _check_reduction(reduction)
    x = _tensor(input)
    y = _target_like(target, x, "poisson_nll_loss")
    loss = autograd.exp(x) - y * x if log_input else x - y * autograd.log(x + eps)
    if full:
        above = y.data > 1
        safe = autograd.where(above, y, np.ones((), dtype=y.dtype))  # no ln 0 where the term is masked anyway
        stirling = safe * autograd.log(safe) - safe + 0.5 * autograd.log(2 * math.pi * safe)
        loss = loss + autograd.where(above, stirling, np.zeros((), dtype=y.dtype))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Any, target: Any, var: Any, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """ℓ = ½(ln max(σ², ε) + (ŷ − y)²/max(σ², ε)) (+ ½ln 2π with ``full``): the Gaussian negative log-likelihood.

    ``var`` is σ² per prediction (the input's shape), or with one dim of size 1 or the last dim missing (one σ²
    shared along it), or a number. As PyTorch, clamping σ² at ε changes its value, not its gradient.
    """
    _check_reduction(reduction)
    x = _tensor(input)
    y = _tensor(target)
    if y.dtype.kind != "f":
        y = autograd.cast(y, x.dtype)
    if y.ndim != x.ndim or np.broadcast_shapes(x.shape, y.shape) != x.shape:
        raise ShapeError(f"gaussian_nll_loss: target shape {y.shape} must be the input's {x.shape}, or that with "
                         f"some dims of size 1")
    if isinstance(var, int | float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        v = autograd.full(x.shape, float(var), dtype=x.dtype)
    else:
        v = _tensor(var)
        if v.dtype.kind != "f":
            v = autograd.cast(v, x.dtype)
        if (v.data < 0).any():
            raise ValueError("var has negative entry/entries")
        if v.shape != x.shape:
            if v.shape == x.shape[:-1]:
                v = v.unsqueeze(-1)
            elif not (v.ndim == x.ndim and sum(s for a, s in zip(x.shape, v.shape) if a != s) == 1):
                raise ValueError(f"var is of incorrect size: {v.shape} for input {x.shape} (expected the input's "
                                 f"shape, that with one dim of size 1, or that without its last dim)")
    v = ClampMinValue.apply(v, low=eps)
    d = x - y
    loss = 0.5 * (autograd.log(v) + d * d / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


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
                   fn: str) -> tuple[int, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Check class-index targets; return (class axis, targets with ignored ones set to 0, wᵧ per target,
    which are ignored). wᵧ is None when every target counts once (no weight, none ignored); the last is None
    when none is ignored."""
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
    if weight is not None:
        w = _array(weight)
        if w.shape != (n_classes,):
            raise ValueError(f"{fn}: weight must have one entry per class, shape ({n_classes},), got {w.shape}")
    if (t.size and 0 <= np.minimum.reduce(t, axis=None) and np.maximum.reduce(t, axis=None) < n_classes
            and not 0 <= ignore_index < n_classes):
        # the usual batch: every target a class, none ignored (two reductions instead of a dozen passes)
        safe = t.copy()  # kept for backward: later changes to the caller's array must not reach it
        return axis, safe, None if weight is None else w[safe].astype(x.dtype), None
    ignored = t == ignore_index
    bad = ~ignored & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"{fn}: Target {t[bad].flat[0]} is out of bounds for {n_classes} classes "
                         f"(valid targets are 0..{n_classes - 1}, or ignore_index={ignore_index})")
    safe = np.where(ignored, 0, t)
    w = np.ones(n_classes, dtype=x.dtype) if weight is None else w
    return axis, safe, np.where(ignored, 0, w[safe]).astype(x.dtype), ignored


def _scale(weight_t: np.ndarray | None, count: int, reduction: str) -> float | None:
    """The factor that turns a sum of per-sample losses into the reduction (None: keep them per sample);
    ``count`` targets, weighted by ``weight_t`` (None: each once)."""
    if reduction == "none":
        return None
    if reduction == "sum":
        return 1.0
    total = float(count if weight_t is None else weight_t.sum())
    return 1.0 / total if total != 0 else math.nan  # every target ignored: PyTorch's 0/0 = NaN


def _weighted_mean(loss: Tensor, weight_t: np.ndarray | None, reduction: str) -> Tensor:
    if reduction != "mean":
        return _reduce(loss, reduction)
    return loss.sum() * _scale(weight_t, loss.data.size, reduction)


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """ℓ = −w_y·log ŷ_y: the negative log-likelihood of class y, given log-probabilities (e.g. log_softmax)"""
    _check_reduction(reduction)
    x = _tensor(input)
    axis, safe, weight_t, _ = _class_targets(x, target, weight, ignore_index, "nll_loss")
    index = list(np.indices(safe.shape, sparse=True))
    index.insert(axis, safe)
    loss = -x[tuple(index)] if weight_t is None else -x[tuple(index)] * weight_t
    return _weighted_mean(loss, weight_t, reduction)


class CrossEntropy(Function):
    """ℓ = −s·Σᵢ w_yᵢ·log softmax(zᵢ)_yᵢ (s = 1/Σw for the mean, 1 for the sum; per sample for 'none');
    ∂ℓ/∂z = s·w_y·(softmax(z) − onehot(y))"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, z: np.ndarray, target: np.ndarray, weight_t: np.ndarray | None, axis: int,
                scale: float | None) -> np.ndarray:
        # computed with the classes along the first axis, in a contiguous copy: NumPy reduces along memory's
        # outer axis several times faster than along a short inner one (10 classes). The log is taken of the
        # sums alone: log softmax(z)_y = (z_y − m) − ln Σ e^(z − m), and the full log softmax is never made.
        shifted, finite = _shifted(np.ascontiguousarray(_classes_first(z, axis)), 0)
        exp = np.exp(shifted)
        total = np.add.reduce(exp, axis=0)
        # each target's entry in the flattened classes-first array
        flat = target.reshape(-1) * total.size + np.arange(total.size)
        with quiet(finite):  # an all −inf row gives NaN, as in PyTorch
            picked = np.log(total) - shifted.reshape(-1)[flat].reshape(target.shape)
        ctx.save_for_backward(z)
        ctx.axis, ctx.exp, ctx.total, ctx.flat, ctx.finite = axis, exp, total, flat, finite
        ctx.coef = _coefficient(weight_t, scale)
        if weight_t is not None:
            picked *= weight_t
        return picked if scale is None else np.asarray(picked.sum() * scale, dtype=z.dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (z,) = ctx.saved_tensors
        with quiet(ctx.finite):
            p = ctx.exp / ctx.total  # softmax(z), classes first
        if type(z) is np.ndarray:  # on arrays: softmax − onehot made in that new array, then scaled, in place
            p.reshape(-1)[ctx.flat] -= 1
            p *= grad * ctx.coef  # a per-sample gradient or weight has the classes-first array's trailing shape
            return _classes_back(p, ctx.axis)
        # with Tensors: the forward's probabilities as a node, so the gradient is differentiable with respect to z
        p = Softmax.apply(z, axis=ctx.axis, cached=_classes_back(p, ctx.axis))
        onehot = np.zeros(ctx.exp.shape, z.dtype)
        onehot.reshape(-1)[ctx.flat] = 1
        upstream = grad * ctx.coef
        if upstream.ndim:  # per-sample losses: give the gradient back its class axis
            upstream = upstream.reshape(upstream.shape[:ctx.axis] + (1,) + upstream.shape[ctx.axis:])
        return (p - _classes_back(onehot, ctx.axis)) * upstream


def _coefficient(weight_t: np.ndarray | None, scale: float | None) -> Any:
    """What each sample's ∂ℓ/∂z is multiplied by: s·w_y (a number when every target counts once)."""
    coef = 1.0 if scale is None else scale
    return coef if weight_t is None else weight_t * coef


def _classes_first(a: np.ndarray, axis: int) -> np.ndarray:
    """A view of ``a`` with its class axis moved to the front."""
    return a.transpose((axis, *range(axis), *range(axis + 1, a.ndim)))


def _classes_back(a: np.ndarray, axis: int) -> np.ndarray:
    """The inverse of ``_classes_first``: a view with the first axis moved back to ``axis``."""
    return a.transpose((*range(1, axis + 1), 0, *range(axis + 1, a.ndim)))


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """ℓ = −Σ_c w_c·y_c·log softmax(z)_c, from logits z (class dim 1, or 0 for a single sample).

    ``target`` holds class indices (integers; ``ignore_index`` entries are skipped, and ``mean``
    divides by the sum of their weights) or class probabilities (floats, the input's shape).
    ``label_smoothing`` ε mixes the target with the uniform distribution: (1 − ε)·y + ε/C.

    >>> import autograd, nn
    >>> round(nn.functional.cross_entropy(autograd.tensor([[1e8, 1e8]]), autograd.tensor([1])).item(), 4)  # log 2
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
    nll = CrossEntropy.apply(x, target=safe, weight_t=weight_t, axis=axis,
                             scale=_scale(weight_t, safe.size, reduction))
    if not label_smoothing:
        return nll
    log_p = log_softmax(x, axis)
    if weight is not None:
        log_p = log_p * _constant(weight, x).reshape(w_shape)
    smooth = -log_p.sum(axis=axis)
    if ignored is not None:
        smooth = smooth * (~ignored).astype(x.dtype)
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
