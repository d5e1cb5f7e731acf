"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .optimizer import Optimizer, ParamsT


class SGD(Optimizer):
    """g ← ∇θ + λθ;  b ← μ·b + (1 − τ)·g  (b ← g at the first step);  g ← g + μ·b (Nesterov) or b;  θ ← θ − η·g

    η is ``lr``, μ ``momentum``, τ ``dampening``, λ ``weight_decay``. With μ = 0 this is the plain
    update θ ← θ − η·∇θ of the lecture. PyTorch's formula: the velocity b holds gradients, not
    steps, so changing η mid-run rescales the whole step.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        mu = group["momentum"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data
        if mu != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = np.array(grad, dtype=p.dtype)  # a copy, and an array even for 0-d θ
            else:
                buf = state["momentum_buffer"]
                buf *= mu
                buf += (1 - group["dampening"]) * grad
            buf = state["momentum_buffer"]
            grad = grad + mu * buf if group["nesterov"] else buf
        p.data -= group["lr"] * grad
