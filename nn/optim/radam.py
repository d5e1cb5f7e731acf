"""RAdam: Adam whose adaptive step is switched on only once the variance of v̂ is tractable, then rectified."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .adam import adam_moments, check_adam_hyperparameters
from .optimizer import Optimizer, ParamsT


class RAdam(Optimizer):
    """g ← ∇θ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  m̂ ← m/(1 − β₁ᵗ);
    ρ∞ = 2/(1 − β₂) − 1;  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ);  θ ← θ − η·m̂·rₜ·√(1 − β₂ᵗ)/(√v + ε) if ρₜ > 5 else θ ← θ − η·m̂

    rₜ = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)). η is ``lr``, (β₁, β₂) ``betas``, ε ``eps``, λ
    ``weight_decay``, t the step count. Early on, when v is averaged over too few steps, this is SGD with
    momentum instead of a warm-up. With ``decoupled_weight_decay=True`` the decay is θ ← θ − ηλθ instead.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False) -> None:
        check_adam_hyperparameters(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t, _ = adam_moments(p, grad, state, group)
        lr, (beta1, beta2) = group["lr"], group["betas"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        bias_correction2 = 1 - beta2**t
        m_hat = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            p.data -= m_hat * lr * (bias_correction2**0.5 / (np.sqrt(v) + group["eps"])) * rect
        else:
            p.data -= m_hat * lr
