"""NAdam: Adam with Nesterov momentum, looking one step ahead along the momentum direction."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, get_default_dtype

from .adam import adam_moments, check_adam_hyperparameters
from .optimizer import Optimizer, ParamsT


class NAdam(Optimizer):
    """g ← ∇θ + λθ;  μₜ ← β₁(1 − ½·0.96^(tψ));  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂ ← v/(1 − β₂ᵗ);
    θ ← θ − η(1 − μₜ)/(1 − Πᵢ≤ₜ μᵢ)·g/(√v̂ + ε) − η·μₜ₊₁/(1 − Πᵢ≤ₜ₊₁ μᵢ)·m/(√v̂ + ε)

    η is ``lr``, (β₁, β₂) ``betas``, ε ``eps``, λ ``weight_decay``, ψ ``momentum_decay``, t the step count.
    The momentum warms up over the first steps, and the step looks ahead along it (Nesterov). The product of
    the μᵢ is ``state["mu_product"]``, a 0-d array in the default dtype (``autograd.get_default_dtype()``) as
    in PyTorch. With ``decoupled_weight_decay=True`` the decay is θ ← θ − ηλθ instead of being added to g.
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        check_adam_hyperparameters(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:  # PyTorch's order of the state's entries: step, mu_product, exp_avg, exp_avg_sq
            state["step"] = 0
            state["mu_product"] = np.ones((), dtype=get_default_dtype())
        t, grad = adam_moments(p, grad, state, group)
        lr, (beta1, beta2), psi = group["lr"], group["betas"], group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu
        mu_product = float(state["mu_product"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        denom = np.sqrt(v / (1 - beta2**t)) + group["eps"]
        p.data += -lr * (1.0 - mu) / (1.0 - mu_product) * grad / denom
        p.data += -lr * mu_next / (1.0 - mu_product * mu_next) * m / denom

    @staticmethod
    def _restore(p: Tensor, where: str, name: str, value: Any) -> Any:
        if name == "mu_product":  # a scalar in its own dtype, not the parameter's
            value = np.asarray(value)
            return np.array(value, dtype=value.dtype if value.dtype.kind == "f" else get_default_dtype())
        return Optimizer._restore(p, where, name, value)
