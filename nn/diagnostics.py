"""What to watch in a deep net while it trains (``fit(diagnostics=True)``): per layer and epoch, the mean
gradient norm of each layer with parameters, the fraction of saturated Sigmoid/Tanh units and of dead ReLUs.

A unit is saturated when its output lies within 1 % of the activation's range from a bound (σ < 0.01 or
σ > 0.99; |tanh| > 0.98), where its local gradient is nearly zero. A ReLU unit is dead when it is zero
on every example of the epoch's batches: no gradient reaches its weights any more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .activations import ReLU, Sigmoid, Tanh
from .module import Module

SATURATION = 0.01  # the fraction of the activation's range next to a bound that counts as saturated


def _saturated(kind: type[Module]) -> Callable[[np.ndarray], np.ndarray]:
    if kind is Sigmoid:
        return lambda y: (y < SATURATION) | (y > 1 - SATURATION)
    return lambda y: np.abs(y) > 1 - 2 * SATURATION


class Diagnostics:
    """Watches ``model`` during training steps; ``end_epoch`` appends one value per layer and kind to ``into``.

    Activation modules are watched by shadowing their ``forward`` on the instance while ``active`` is
    True (set by ``fit`` around the training forward pass, so validation passes are not counted);
    ``close`` removes the shadows.
    """

    def __init__(self, model: Module, into: dict[str, dict[str, list[float]]]) -> None:
        self.into = into
        self.active = False
        self.layers: dict[str, list[Any]] = {}
        self.watched: list[Module] = []
        for name, module in model.named_modules():
            name = name or type(module).__name__
            params = [p for p in module._parameters.values() if p is not None]
            if params:
                self.layers[name] = params
            if isinstance(module, Sigmoid | Tanh | ReLU):
                self._watch(name, module)
        self._reset()

    def _watch(self, name: str, module: Module) -> None:
        forward = module.forward
        test = None if isinstance(module, ReLU) else _saturated(type(module))

        def watched(*args: Any, **kwargs: Any) -> Any:
            out = forward(*args, **kwargs)
            if self.active:
                y = np.asarray(out.data).reshape(len(out.data) if out.ndim else 1, -1)
                if test is None:
                    alive = (y > 0).any(axis=0)
                    seen = self.alive.get(name)
                    self.alive[name] = alive if seen is None or seen.shape != alive.shape else seen | alive
                else:
                    counts = self.saturated.setdefault(name, [0, 0])
                    counts[0] += int(test(y).sum())
                    counts[1] += y.size
            return out

        module.__dict__["forward"] = watched
        self.watched.append(module)

    def _reset(self) -> None:
        self.norms = dict.fromkeys(self.layers, 0.0)
        self.steps = 0
        self.saturated: dict[str, list[int]] = {}
        self.alive: dict[str, np.ndarray] = {}

    def after_backward(self) -> None:
        """Add this step's gradient norm of each layer (the norm over all of its parameters' gradients)."""
        self.steps += 1
        for name, params in self.layers.items():
            squares = sum(float(np.sum(np.square(p.grad.data, dtype=np.float64))) for p in params if p.grad is not None)
            self.norms[name] += squares ** 0.5

    def end_epoch(self) -> None:
        """Append the epoch's means to ``into`` and start counting afresh."""
        values = {"grad_norm": {k: v / max(self.steps, 1) for k, v in self.norms.items()},
                  "saturated": {k: hits / max(total, 1) for k, (hits, total) in self.saturated.items()},
                  "dead": {k: float(np.mean(~alive)) for k, alive in self.alive.items()}}
        for kind, layers in values.items():
            for name, value in layers.items():
                self.into.setdefault(kind, {}).setdefault(name, []).append(float(value))
        self._reset()

    def close(self) -> None:
        for module in self.watched:
            module.__dict__.pop("forward", None)
        self.watched = []
