"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .optimizer import Optimizer, ParamsT


class RMSprop(Optimizer):
    """g ← ∇θ + λθ;  v ← αv + (1 − α)g²;  s ← √(v − ḡ²) + ε (centered: ḡ ← αḡ + (1 − α)g) else √v + ε;
    b ← μb + g/s, θ ← θ − η·b (μ > 0) else θ ← θ − η·g/s

    α is ``alpha``, ε ``eps``, λ ``weight_decay``, μ ``momentum``, η ``lr``. Centered RMSprop
    divides by an estimate of the gradient's standard deviation instead of its root mean square.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *,
                 maximize: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p.data)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p.data)
        state["step"] += 1
        alpha = group["alpha"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * grad * grad
        if group["centered"]:
            g_avg = state["grad_avg"]
            g_avg += (1 - alpha) * (grad - g_avg)
            s = np.sqrt(v - g_avg * g_avg) + group["eps"]
        else:
            s = np.sqrt(v) + group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += grad / s
            p.data -= group["lr"] * buf
        else:
            p.data -= group["lr"] * (grad / s)
