"""AdamW: Adam with weight decay taken out of the gradient and applied to θ directly."""

from __future__ import annotations

from .adam import Adam
from .optimizer import ParamsT


class AdamW(Adam):
    """θ ← θ − ηλθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η·m̂ / (√v̂ + ε)

    m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), as in Adam. η is ``lr``, (β₁, β₂) ``betas``, ε ``eps``,
    λ ``weight_decay`` (0.01 by default). Decoupling keeps the decay out of the moment estimates,
    so a coordinate with large gradients is decayed as much as one with small gradients.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
