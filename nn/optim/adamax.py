"""Adamax: Adam with the root mean square of gradients replaced by a decaying maximum of their magnitude."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .adam import check_adam_hyperparameters
from .optimizer import Optimizer, ParamsT


class Adamax(Optimizer):
    """g ← ∇θ + λθ;  m ← β₁m + (1 − β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − η/(1 − β₁ᵗ)·m/u

    η is ``lr``, (β₁, β₂) ``betas``, ε ``eps``, λ ``weight_decay``, t the step count. The ∞-norm
    variant of Adam: u needs no bias correction and a single large gradient bounds the step at once.
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, *, maximize: bool = False) -> None:
        check_adam_hyperparameters(lr, betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_inf"] = np.zeros_like(p.data)
        state["step"] += 1
        beta1, beta2 = group["betas"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data
        m, u = state["exp_avg"], state["exp_inf"]
        m += (1 - beta1) * (grad - m)
        u *= beta2
        np.maximum(u, np.abs(grad) + group["eps"], out=u)
        p.data += -(group["lr"] / (1 - beta1 ** state["step"])) * m / u
