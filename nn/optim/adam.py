"""Adam: momentum on the gradient and on its square, with bias correction."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .optimizer import Optimizer, ParamsT


def check_adam_hyperparameters(lr: float, betas: tuple[float, float], eps: float, weight_decay: float) -> None:
    """PyTorch's checks and messages for Adam and AdamW."""
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (β₁, β₂), got {betas!r}")
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def adam_moments(p: Tensor, grad: np.ndarray, state: dict[str, Any],
                 group: dict[str, Any]) -> tuple[int, np.ndarray]:
    """The Adam family's shared first half of a step: count it, apply the weight decay (added to the gradient, or
    decoupled: θ ← θ − ηλθ), and update the moments m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g² in place in
    ``state``; returns the step count t and the gradient g used."""
    state.setdefault("step", 0)
    if "exp_avg" not in state:
        state["exp_avg"] = np.zeros_like(p.data)
        state["exp_avg_sq"] = np.zeros_like(p.data)
    state["step"] += 1
    lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
    if wd != 0:
        if group["decoupled_weight_decay"]:
            p.data *= 1 - lr * wd
        else:
            grad = grad + wd * p.data
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m += (1 - beta1) * (grad - m)
    v *= beta2
    v += (1 - beta2) * grad * grad
    return state["step"], grad


class Adam(Optimizer):
    """g ← ∇θ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  m̂ ← m/(1 − β₁ᵗ);  v̂ ← v/(1 − β₂ᵗ);
    θ ← θ − η·m̂ / (√v̂ + ε)

    η is ``lr``, (β₁, β₂) ``betas``, ε ``eps``, λ ``weight_decay``, t the step count. With
    ``amsgrad=True`` the denominator uses v_max ← max(v_max, v) so the step size never grows.
    With ``decoupled_weight_decay=True`` the decay is θ ← θ − ηλθ instead of being added to g: that is AdamW.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        check_adam_hyperparameters(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t, _ = adam_moments(p, grad, state, group)
        lr, (beta1, beta2) = group["lr"], group["betas"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        if group["amsgrad"]:
            if "max_exp_avg_sq" not in state:
                state["max_exp_avg_sq"] = np.zeros_like(p.data)
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        step_size = lr / (1 - beta1**t)
        denom = np.sqrt(v) / (1 - beta2**t) ** 0.5 + group["eps"]
        p.data -= step_size * (m / denom)
