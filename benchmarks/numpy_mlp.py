"""The floor: a multilayer perceptron's training step written by hand in NumPy, no graph, no framework.

Forward z₁ = xW₁ᵀ + b₁, a₁ = max(z₁, 0), …, logits; loss L = mean(logsumexp(logits) − logits[y]);
backward by the chain rule written out (∂L/∂logits = (softmax − onehot)/B, ∂L/∂W = δᵀa, ∂L/∂a = δW,
δ ← δ·[z > 0]); SGD W ← W − η·∂L/∂W in place. Weights are (out, in), as in nn.Linear and torch.
"""

from __future__ import annotations

import numpy as np


class NumpyMLP:
    """A ReLU MLP with cross-entropy loss and plain SGD, trained one batch at a time."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray], lr: float) -> None:
        self.weights = [w.copy() for w in weights]
        self.biases = [b.copy() for b in biases]
        self.lr = lr

    def logits(self, x: np.ndarray) -> np.ndarray:
        a = x
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            a = a @ w.T + b
            if i < len(self.weights) - 1:
                a = np.maximum(a, 0)
        return a

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One SGD step on the batch (x, y); returns the loss before the update."""
        activations = [x]
        a = x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            a = a @ w.T + b
            if i < last:
                a = np.maximum(a, 0)
                activations.append(a)
        n = len(y)
        shifted = a - a.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
        delta = exp / total
        delta[rows, y] -= 1
        delta /= n
        for i in range(last, -1, -1):
            inp = activations[i]
            grad_w = delta.T @ inp
            grad_b = delta.sum(axis=0)
            if i > 0:
                delta = delta @ self.weights[i]
                delta *= inp > 0
            self.weights[i] -= self.lr * grad_w
            self.biases[i] -= self.lr * grad_b
        return loss
