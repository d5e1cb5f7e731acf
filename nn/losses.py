"""Loss Modules: thin wrappers over ``nn.functional``; ``reduction`` is 'mean', 'sum' or 'none'.

Class weights (``weight``, ``pos_weight``) are buffers, as in PyTorch, so they travel in ``state_dict``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean", allowed: tuple[str, ...] = F.REDUCTIONS) -> None:
        super().__init__()
        self.reduction = F._check_reduction(reduction, allowed)


def _buffer(value: Any) -> Tensor | None:
    if value is None:
        return None
    return autograd.tensor(np.asarray(value.data if isinstance(value, Tensor) else value))


class MSELoss(_Loss):
    """ℓ = (ŷ − y)²  (mean squared error); input and target must have the same shape"""

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """ℓ = |ŷ − y|  (mean absolute error)"""

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """ℓ = ½(ŷ − y)² if |ŷ − y| < δ else δ(|ŷ − y| − ½δ)"""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if delta <= 0:
            raise ValueError(f"HuberLoss: delta must be positive, got {delta}")
        self.delta = delta

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class BCELoss(_Loss):
    """ℓ = −w[y·ln ŷ + (1 − y)·ln(1 − ŷ)] on probabilities ŷ ∈ [0, 1] (logs clamped at −100)"""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """ℓ = −w[p·y·ln σ(z) + (1 − y)·ln(1 − σ(z))] on logits z: sigmoid and BCE in one stable step"""

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)


class CrossEntropyLoss(_Loss):
    """ℓ = −Σ_c w_c·y_c·log softmax(z)_c from logits z; targets are class indices or class probabilities"""

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
        self.register_buffer("weight", _buffer(weight))
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)


class NLLLoss(_Loss):
    """ℓ = −w_y·log ŷ_y from log-probabilities (pair it with LogSoftmax)"""

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))
        self.ignore_index = ignore_index

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class KLDivLoss(_Loss):
    """ℓ = y·(ln y − ln ŷ) from log-probabilities ln ŷ; use reduction='batchmean' for the true KL divergence"""

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction, F.REDUCTIONS + ("batchmean",))
        self.log_target = log_target

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.kl_div(input, target, self.reduction, self.log_target)


class SmoothL1Loss(_Loss):
    """ℓ = ½(ŷ − y)²/β if |ŷ − y| < β else |ŷ − y| − ½β  (HuberLoss divided by β)"""

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class SoftMarginLoss(_Loss):
    """ℓ = ln(1 + e^(−y·ŷ)) for labels y = ±1 (the logistic loss of a two-class margin)"""

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.soft_margin_loss(input, target, self.reduction)


class MarginRankingLoss(_Loss):
    """ℓ = max(0, −y·(x₁ − x₂) + margin): y = 1 asks for x₁ ranked above x₂, y = −1 for below"""

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: Any, input2: Any, target: Any) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class PoissonNLLLoss(_Loss):
    """ℓ = e^ŷ − y·ŷ for a log-rate ŷ (or ŷ − y·ln(ŷ + ε) for a rate, ``log_input=False``): Poisson counts y"""

    def __init__(self, log_input: bool = True, full: bool = False, eps: float = 1e-8, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Any, target: Any) -> Tensor:
        return F.poisson_nll_loss(log_input, target, self.log_input, self.full, self.eps, self.reduction)


class GaussianNLLLoss(_Loss):
    """ℓ = ½(ln σ² + (ŷ − y)²/σ²) with σ² clamped at ε: a mean ŷ and variance σ² predicted for each target y"""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Any, target: Any, var: Any) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)
