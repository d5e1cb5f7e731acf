"""Training to a fixed accuracy: a 64-128-10 ReLU MLP on scikit-learn's bundled 8×8 digits.

chainrule and PyTorch start from the same weights and see the same batches in the same order
(batch 32, SGD η = 0.1, float32); after every epoch each evaluates the held-out 297 images and stops
at 95 % accuracy. The wall time covers the whole run (batching, steps, evaluations).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import timing
from .mlp import ChainruleMLP, TorchMLP, initial_parameters

SIZES = (64, 128, 10)
BATCH = 32
LR = 0.1
TARGET = 0.95
MAX_EPOCHS = 50


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    order = np.random.default_rng(0).permutation(len(bunch.target))
    x, y = (bunch.data[order] / 16).astype(np.float32), bunch.target[order].astype(np.int64)
    return x[:1500], y[:1500], x[1500:], y[1500:]


def _train(lib: str, data: tuple[np.ndarray, ...]) -> tuple[float, int, float]:
    """Seconds and epochs to reach the target accuracy, and the accuracy reached."""
    import torch

    import autograd

    x_train, y_train, x_test, y_test = data
    weights, biases = initial_parameters(SIZES, seed=0)
    if lib == "chainrule":
        model: Any = ChainruleMLP(weights, biases, LR)
        wrap, labels = autograd.tensor, (lambda y: y)

        def predict(x: np.ndarray) -> np.ndarray:
            with autograd.no_grad():
                return model.model(autograd.tensor(x)).data.argmax(axis=1)
    else:
        model = TorchMLP(weights, biases, LR)
        wrap, labels = torch.from_numpy, torch.from_numpy

        def predict(x: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return model.model(torch.from_numpy(x)).numpy().argmax(axis=1)

    rng = np.random.default_rng(1)
    start = timing.clock()
    accuracy, epochs = 0.0, 0
    while accuracy < TARGET and epochs < MAX_EPOCHS:
        order = rng.permutation(len(y_train))
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            model.step(wrap(x_train[idx]), labels(y_train[idx]))
        accuracy = float((predict(x_test) == y_test).mean())
        epochs += 1
    return timing.clock() - start, epochs, accuracy


def digits_training(quick: bool) -> dict[str, Any]:
    data = _data()
    runs: dict[str, list[tuple[float, int, float]]] = {"chainrule": [], "torch": []}
    for _ in range(1 if quick else 3):
        for lib in runs:
            runs[lib].append(_train(lib, data))
    results = {lib: float(np.median([r[0] for r in rs])) for lib, rs in runs.items()}
    notes = {lib: f"{rs[0][1]} epochs to {rs[0][2]:.1%}" for lib, rs in runs.items()}
    return {"name": f"digits MLP to {TARGET:.0%} test accuracy", "unit": "s", "results": results, "notes": notes}
