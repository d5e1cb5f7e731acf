"""Adadelta: Adagrad's idea with decaying averages, and steps whose units match θ."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .optimizer import Optimizer, ParamsT


class Adadelta(Optimizer):
    """g ← ∇θ + λθ;  v ← ρv + (1 − ρ)g²;  Δ ← √(u + ε) / √(v + ε) · g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − η·Δ

    ρ is ``rho``, ε ``eps``, λ ``weight_decay``, η ``lr`` (1.0 in the original method). v averages
    squared gradients, u squared updates; their ratio gives each coordinate its own step size.
    """

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p.data)
            state["acc_delta"] = np.zeros_like(p.data)
        state["step"] += 1
        rho, eps = group["rho"], group["eps"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * grad * grad
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * grad
        u *= rho
        u += (1 - rho) * delta * delta
        p.data -= group["lr"] * delta
