"""Pictures of training: loss and accuracy curves, per-layer diagnostics, a classifier's decision regions.

Needs matplotlib (``pip install "chainrule[plot]"``), imported only when a function is called.
Functions return ``(fig, ax)`` and never call ``plt.show()``: a notebook shows the figure itself,
a script saves it (``fig.savefig("loss.png")``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograd import Tensor, no_grad

from .module import Module


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError('nn.plot needs matplotlib: pip install "chainrule[plot]"') from e
    return plt


def plot_history(history: Any, ax: Any = None) -> tuple[Any, Any]:
    """Loss curves (training and validation) and, when recorded, accuracy curves, by epoch.

    ``history`` is a ``History`` from ``fit`` or a ``{name: [values per epoch]}`` dict. Returns
    ``(fig, axes)``: a NumPy array of one Axes (loss) or two (loss, accuracy); pass ``ax`` (one
    Axes, or one per panel) to draw into an existing figure.
    """
    curves: Mapping[str, Sequence[float]] = getattr(history, "history", history)
    if not isinstance(curves, Mapping) or "loss" not in curves:
        raise ValueError("plot_history needs a History from fit, or a dict with at least a 'loss' list; "
                         f"got {type(history).__name__}")
    panels = ["loss"] + (["accuracy"] if "accuracy" in curves or "val_accuracy" in curves else [])
    if ax is None:
        fig, axes = _pyplot().subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
        axes = axes.ravel()
    else:
        axes = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
        if len(axes) < len(panels):
            raise ValueError(f"plot_history draws {len(panels)} panels ({', '.join(panels)}) but got {len(axes)} Axes")
        fig = axes[0].figure
    for axis, name in zip(axes, panels):
        for key, label, style in ((name, "train", "-"), (f"val_{name}", "validation", "--")):
            if key in curves and len(curves[key]):
                epochs = np.arange(1, len(curves[key]) + 1)
                axis.plot(epochs, np.asarray(curves[key], dtype=float), style, label=label)
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.grid(True, alpha=0.3)
        axis.legend()
    axes[0].set_title("loss")
    if len(panels) > 1:
        axes[1].set_title("accuracy")
    return fig, axes


def _predict_classes(model: Module, points: np.ndarray) -> np.ndarray:
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = model(Tensor(points))
    finally:
        model.train(was_training)
    scores = outputs.data if isinstance(outputs, Tensor) else np.asarray(outputs)
    if scores.ndim == 2 and scores.shape[1] > 1:
        return scores.argmax(axis=1)
    return (scores.reshape(len(points)) > 0).astype(np.int64)


def plot_decision_boundary(model: Module, X: Any, y: Any, ax: Any = None, resolution: int = 200,
                           margin: float = 0.5) -> tuple[Any, Any]:
    """The class ``model`` predicts at every point of the plane around ``X`` (filled), with the data on top.

    ``X`` has shape ``(n, 2)``; ``y`` holds class labels. The model runs under ``no_grad()`` in
    ``eval()`` mode on a ``resolution × resolution`` grid that extends ``margin`` past the data; its
    outputs are class scores (argmax) or one logit (class 1 where it is > 0). Returns ``(fig, ax)``.
    """
    X = np.asarray(X.data if isinstance(X, Tensor) else X)
    y = np.asarray(y.data if isinstance(y, Tensor) else y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs 2-D points, X of shape (n, 2); got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} points but y has {len(y)} labels")
    if int(resolution) < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    plt = _pyplot()
    dtype = next((p.dtype for p in model.parameters()), X.dtype if X.dtype.kind == "f" else np.float32)
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(dtype)
    regions = _predict_classes(model, grid).reshape(gx.shape)
    classes = np.unique(np.concatenate([np.unique(y).astype(np.int64), np.unique(regions)]))
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 5))
    else:
        fig = ax.figure
    cmap = plt.get_cmap("coolwarm" if len(classes) <= 2 else "viridis")
    levels = np.append(classes - 0.5, classes[-1] + 0.5)
    ax.contourf(gx, gy, regions, levels=levels, cmap=cmap, alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=levels[0], vmax=levels[-1], s=14, edgecolors="k",
               linewidths=0.3)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_title("decision boundary")
    return fig, ax


DIAGNOSTICS = {"grad_norm": "gradient norm (mean over the epoch's steps)", "saturated": "saturated units (fraction)",
               "dead": "dead ReLUs (fraction)"}


def diagnostics(history: Any, path: str | None = None) -> Any:
    """What ``fit(diagnostics=True)`` recorded, one panel per kind, one curve per layer; returns the Figure.

    Gradient norms are drawn on a log scale, so that a gradient vanishing layer by layer shows as
    curves spread over decades. ``history`` is a ``History`` or its ``diagnostics`` dict
    (``{kind: {layer: [value per epoch]}}``); with ``path`` the figure is also saved there.
    """
    recorded: Mapping[str, Mapping[str, Sequence[float]]] = getattr(history, "diagnostics", history)
    if not isinstance(recorded, Mapping) or not any(recorded.get(kind) for kind in DIAGNOSTICS):
        raise ValueError("nothing to draw: train with fit(..., diagnostics=True) to record gradient norms, "
                         "saturated and dead units")
    kinds = [kind for kind in DIAGNOSTICS if recorded.get(kind)]
    fig, axes = _pyplot().subplots(1, len(kinds), figsize=(5 * len(kinds), 3.6), squeeze=False)
    for axis, kind in zip(axes.ravel(), kinds):
        for layer, values in recorded[kind].items():
            axis.plot(np.arange(1, len(values) + 1), np.asarray(values, dtype=float), marker=".", label=layer)
        if kind == "grad_norm":
            axis.set_yscale("log")
        else:
            axis.set_ylim(-0.02, 1.02)
        axis.set_title(DIAGNOSTICS[kind])
        axis.set_xlabel("epoch")
        axis.grid(True, alpha=0.3)
        axis.legend(title="layer", fontsize="small", ncol=2 if len(recorded[kind]) > 6 else 1, loc="upper left",
                    bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")
    return fig
