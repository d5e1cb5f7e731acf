"""Adafactor: a second-moment estimate stored as row and column factors, and a relative step size."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .optimizer import Optimizer, ParamsT


def _rms(a: np.ndarray) -> float:
    return float(np.linalg.norm(a.ravel())) / a.size**0.5


class Adafactor(Optimizer):
    """β̂₂ ← 1 − t^τ;  ρ ← min(η, 1/√t);  α ← max(ε₂, RMS(θ))·ρ;  θ ← θ − ηλθ;
    R ← β̂₂R + (1 − β̂₂)·mean_cols(g²);  C ← β̂₂C + (1 − β̂₂)·mean_rows(g²);  v̂ ← R·C / max(mean(R), ε₁)
    (for a vector: v̂ ← β̂₂v̂ + (1 − β̂₂)g²);  u ← g / max(√v̂, ε₁);  θ ← θ − α·u / max(1, RMS(u)/d)

    τ is ``beta2_decay``, η ``lr`` (only a cap on the relative step ρ and the weight decay's scale),
    (ε₁, ε₂) ``eps`` (ε₁ = None means the dtype's machine epsilon), d the clipping threshold,
    λ ``weight_decay``. A matrix (or the last two axes of a higher-rank tensor) keeps only a row
    and a column of second moments instead of one per entry.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 maximize: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": tuple(eps), "d": d, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            state["step"] = 0
            if grad.ndim > 1:
                state["row_var"] = np.zeros((*grad.shape[:-1], 1), dtype=p.dtype)
                state["col_var"] = np.zeros((*grad.shape[:-2], 1, grad.shape[-1]), dtype=p.dtype)
            else:
                state["variance"] = np.zeros_like(p.data)
        state["step"] += 1
        t = state["step"]
        lr, (eps1, eps2) = group["lr"], group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        beta2_t = 1 - t ** group["beta2_decay"]
        rho = min(lr, 1 / t**0.5)
        alpha = max(eps2, _rms(p.data)) * rho
        if group["weight_decay"] != 0:
            p.data *= 1 - lr * group["weight_decay"]
        g2 = grad * grad
        if grad.ndim > 1:
            row, col = state["row_var"], state["col_var"]
            row += (1 - beta2_t) * (g2.mean(axis=-1, keepdims=True) - row)
            col += (1 - beta2_t) * (g2.mean(axis=-2, keepdims=True) - col)
            v_hat = row @ col / np.maximum(row.mean(axis=-2, keepdims=True), eps1)
        else:
            v = state["variance"]
            v += (1 - beta2_t) * (g2 - v)
            v_hat = v
        u = grad / np.sqrt(np.maximum(v_hat, eps1 * eps1))
        p.data -= alpha / max(1.0, _rms(u) / group["d"]) * u
