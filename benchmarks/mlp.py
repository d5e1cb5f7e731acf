"""An MLP training step with ReLU, float32, cross-entropy and plain SGD: 784-512-256-10, and the small
784-64-32-10 where a step's fixed costs (per op, per parameter) weigh most.

Three implementations start from the same weights and see the same batch: chainrule (nn.Linear,
nn.functional.cross_entropy, nn.optim.SGD), PyTorch on the CPU (the same three), and the hand-written NumPy floor
(``numpy_mlp``). A step is forward, loss, backward, update and clearing the gradients. Before timing,
one step of each is compared, so the three are known to compute the same thing.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .numpy_mlp import NumpyMLP
from .timing import median_times, peak_memory

SIZES = (784, 512, 256, 10)
SMALL = (784, 64, 32, 10)
LR = 0.01


def initial_parameters(sizes: tuple[int, ...], seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """PyTorch's default Linear initialisation, U(−1/√fan_in, 1/√fan_in), weights (out, in), float32."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        biases.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return weights, biases


class ChainruleMLP:
    """The same network on chainrule: nn.Linear and nn.ReLU in nn.Sequential, F.cross_entropy, nn.optim.SGD."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray], lr: float) -> None:
        import nn

        layers: list[Any] = []
        for i, (w, b) in enumerate(zip(weights, biases)):
            linear = nn.Linear(w.shape[1], w.shape[0])
            linear.weight.data[...] = w
            linear.bias.data[...] = b
            layers.append(linear)
            if i < len(weights) - 1:
                layers.append(nn.ReLU())
        self.model = nn.Sequential(*layers)
        self.cross_entropy = nn.functional.cross_entropy
        self.optimizer = nn.optim.SGD(self.model.parameters(), lr=lr)

    def step(self, x: Any, y: np.ndarray) -> float:
        loss = self.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad()
        return loss.item()


class TorchMLP:
    """The same network in PyTorch: nn.Linear, F.cross_entropy, torch.optim.SGD."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray], lr: float) -> None:
        import torch

        self.torch = torch
        layers: list[Any] = []
        for i, (w, b) in enumerate(zip(weights, biases)):
            linear = torch.nn.Linear(w.shape[1], w.shape[0])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w))
                linear.bias.copy_(torch.from_numpy(b))
            layers.append(linear)
            if i < len(weights) - 1:
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)

    def step(self, x: Any, y: Any) -> float:
        loss = self.torch.nn.functional.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        self.optimizer.zero_grad()
        return loss.item()


def _batch(n: int, sizes: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, sizes[0]), dtype=np.float32), rng.integers(0, sizes[-1], n)


def _models(batch: int, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """The three step functions on one batch, after checking that their first steps agree."""
    import torch

    import autograd

    weights, biases = initial_parameters(sizes, seed=0)
    x, y = _batch(batch, sizes, seed=1)
    ours, theirs, floor = (ChainruleMLP(weights, biases, LR), TorchMLP(weights, biases, LR),
                           NumpyMLP(weights, biases, LR))
    x_ours, x_theirs, y_theirs = autograd.tensor(x), torch.from_numpy(x), torch.from_numpy(y)
    losses = {"chainrule": ours.step(x_ours, y), "torch": theirs.step(x_theirs, y_theirs),
              "numpy": floor.step(x, y)}
    after = {"chainrule": ours.model[0].weight.data, "torch": theirs.model[0].weight.detach().numpy(),
             "numpy": floor.weights[0]}
    for name in ("chainrule", "torch"):
        if not (np.isclose(losses[name], losses["numpy"], rtol=1e-4)
                and np.allclose(after[name], after["numpy"], rtol=1e-4, atol=1e-6)):
            raise AssertionError(f"{name} and the NumPy floor disagree on the first step: losses {losses}")
    steps = {"chainrule": lambda: ours.step(x_ours, y), "torch": lambda: theirs.step(x_theirs, y_theirs),
             "numpy": lambda: floor.step(x, y)}
    return steps


def mlp_step(batch: int, quick: bool, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    steps = _models(batch, sizes)
    repeat = (5 if quick else 30) if batch <= 256 else (3 if quick else 12)
    seconds = median_times(steps, repeat=repeat)
    return {"name": f"MLP step {'-'.join(map(str, sizes))}, batch {batch}", "unit": "ms",
            "results": {name: s * 1e3 for name, s in seconds.items()}}


def mlp_memory(batch: int) -> dict[str, Any]:
    """Peak memory of one step above what lives between steps (parameters and the batch)."""
    steps = _models(batch)
    return {"name": f"MLP step peak memory, batch {batch}", "unit": "MiB",
            "results": {name: peak_memory(steps[name]) / 2**20 for name in ("chainrule", "numpy")}}
