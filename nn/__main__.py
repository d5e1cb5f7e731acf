"""``python -m nn train --dataset moons``: train an MLP on a built-in dataset and keep what it made.

Writes, under ``--out`` (default ``runs/<dataset>``): ``checkpoint.npz`` (``nn.save``: the model's
and optimizer's states, the configuration, the input standardisation and the final metrics),
``loss.png`` (loss and accuracy curves), ``decision_boundary.png`` (2-d datasets) and
``graph.dot`` — the computation graph of one forward pass — with ``graph.svg`` when Graphviz is
installed. The ``chainrule`` command runs ``main``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import datasets, optim
from .activations import ELU, GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softplus, Tanh
from .data import DataLoader, TensorDataset
from .layers import MLP
from .losses import CrossEntropyLoss
from .module import Module
from .serialization import save
from .train import evaluate, fit

DATASETS = ("moons", "spirals", "xor", "circles", "digits")
# optimizer name → (class, default learning rate η)
OPTIMIZERS: dict[str, tuple[type, float]] = {
    "sgd": (optim.SGD, 0.1), "adam": (optim.Adam, 0.01), "adamw": (optim.AdamW, 0.01),
    "rmsprop": (optim.RMSprop, 0.01), "adagrad": (optim.Adagrad, 0.1), "adadelta": (optim.Adadelta, 1.0),
    "adafactor": (optim.Adafactor, 0.01),
}
ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "gelu": GELU, "silu": SiLU, "elu": ELU, "leaky_relu": LeakyReLU,
    "softplus": Softplus,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nn", description="chainrule's neural-network command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train", help="train an MLP on a built-in dataset",
        description="Train an MLP classifier on a built-in dataset with a progress bar; write the checkpoint, "
                    "the loss curve, the decision boundary (2-d data) and the graph of one forward pass.")
    train.add_argument("--dataset", choices=DATASETS, default="moons", help="built-in dataset (default: moons)")
    train.add_argument("--samples", type=int, default=1000, help="examples to generate (not for digits; default 1000)")
    train.add_argument("--noise", type=float, default=0.1, help="noise of the generated datasets (default 0.1)")
    train.add_argument("--hidden", type=int, nargs="*", default=[32, 32], metavar="N",
                       help="hidden layer widths (default: 32 32)")
    train.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu", help="hidden activation (default relu)")
    train.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="optimizer (default adam)")
    train.add_argument("--lr", type=float, default=None,
                       help="learning rate (default: " + ", ".join(f"{k} {v[1]}" for k, v in OPTIMIZERS.items()) + ")")
    train.add_argument("--weight-decay", type=float, default=0.0, help="weight decay (default 0)")
    train.add_argument("--epochs", type=int, default=50, help="epochs (default 50)")
    train.add_argument("--batch-size", type=int, default=32, help="mini-batch size (default 32)")
    train.add_argument("--val-fraction", type=float, default=0.25,
                       help="fraction held out for validation (default 0.25)")
    train.add_argument("--seed", type=int, default=0, help="seed for data, initialisation and shuffling (default 0)")
    train.add_argument("--dtype", choices=("float32", "float64"), default="float32", help="float dtype (default float32)")
    train.add_argument("--out", default=None, help="output folder (default: runs/<dataset>)")
    train.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    return parser


def load_data(dataset: str, samples: int = 1000, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of a built-in dataset, in the default float dtype with int64 labels."""
    if dataset == "digits":
        return datasets.digits()
    generate = getattr(datasets, dataset)
    return generate(samples, noise=noise, seed=seed)


def split(X: np.ndarray, y: np.ndarray, val_fraction: float, seed: int) -> tuple[np.ndarray, ...]:
    """``X_train, y_train, X_val, y_val``: a seeded random ``val_fraction`` of the examples is held out."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"--val-fraction must be between 0 and 1, got {val_fraction}")
    order = np.random.default_rng(seed).permutation(len(X))
    n_val = max(1, round(len(X) * val_fraction))
    val, train = order[:n_val], order[n_val:]
    return X[train], y[train], X[val], y[val]


class Standardized(Module):
    """``model((x − μ) / σ)``: the trained model as a function of raw inputs (for pictures)."""

    def __init__(self, model: Module, mean: np.ndarray, std: np.ndarray) -> None:
        super().__init__()
        self.model, self.mean, self.std = model, mean, std

    def forward(self, x: Tensor) -> Tensor:
        return self.model((x - self.mean) / self.std)


def _write_graph(model: Module, loss_fn: Any, X: np.ndarray, y: np.ndarray, out: str) -> list[str]:
    """The graph of the loss of a 4-example batch as DOT, and as SVG when Graphviz exists.

    The parameters' gradients shown are those of this loss (backward keeps the graph to draw it).
    """
    try:
        from autograd import viz
    except ImportError:
        print("note: autograd.viz is not available, so no graph drawing was written", file=sys.stderr)
        return []
    model.zero_grad()
    loss = loss_fn(model(Tensor(X[:4])), Tensor(y[:4]))
    loss.backward(retain_graph=True)
    written = [os.path.join(out, "graph.dot")]
    with open(written[0], "w", encoding="utf-8") as f:
        f.write(viz.to_dot(loss, model))
    try:
        svg = viz.draw(loss, model).pipe(format="svg")
    except viz.GraphvizMissingError:
        print("note: Graphviz is not installed, so graph.svg was not rendered (graph.dot was)", file=sys.stderr)
        return written
    written.append(os.path.join(out, "graph.svg"))
    with open(written[1], "wb") as f:
        f.write(svg)
    return written


def _write_plots(history: Any, model: Module, X: np.ndarray, y: np.ndarray, out: str) -> list[str]:
    try:
        import matplotlib
    except ImportError:
        print('note: matplotlib is not installed (pip install "chainrule[plot]"), so no plots were written',
              file=sys.stderr)
        return []
    matplotlib.use("Agg")  # files only: never open a window
    import matplotlib.pyplot as plt

    from .plot import plot_decision_boundary, plot_history

    written = []
    fig, _ = plot_history(history)
    written.append(os.path.join(out, "loss.png"))
    fig.savefig(written[-1], dpi=100, bbox_inches="tight")
    plt.close(fig)
    if X.shape[1] == 2:
        fig, _ = plot_decision_boundary(model, X, y)
        written.append(os.path.join(out, "decision_boundary.png"))
        fig.savefig(written[-1], dpi=100, bbox_inches="tight")
        plt.close(fig)
    return written


def train(args: argparse.Namespace) -> int:
    """The ``train`` command; returns the exit status."""
    for name in ("samples", "epochs", "batch_size"):
        if getattr(args, name) <= 0:
            raise SystemExit(f"error: --{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
    if not 0 < args.val_fraction < 1:
        raise SystemExit(f"error: --val-fraction must be between 0 and 1, got {args.val_fraction}")
    if any(h <= 0 for h in args.hidden):
        raise SystemExit(f"error: --hidden widths must be positive, got {args.hidden}")
    autograd.set_default_dtype(args.dtype)
    autograd.manual_seed(args.seed)
    out = args.out or os.path.join("runs", args.dataset)
    os.makedirs(out, exist_ok=True)

    X, y = load_data(args.dataset, args.samples, args.noise, args.seed)
    X_train, y_train, X_val, y_val = split(X, y, args.val_fraction, args.seed)
    # standardise with the training split's statistics; constant pixels (σ = 0) are left unscaled
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1).astype(X.dtype)
    train_loader = DataLoader(TensorDataset((X_train - mean) / std, y_train), batch_size=args.batch_size,
                              shuffle=True, seed=args.seed)
    val_loader = DataLoader(TensorDataset((X_val - mean) / std, y_val), batch_size=max(args.batch_size, 256))

    n_classes = int(y.max()) + 1
    model = MLP(X.shape[1], list(args.hidden), n_classes, activation=ACTIVATIONS[args.activation])
    optimizer_class, default_lr = OPTIMIZERS[args.optimizer]
    lr = default_lr if args.lr is None else args.lr
    optimizer = optimizer_class(model.parameters(), lr=lr, weight_decay=args.weight_decay)
    loss_fn = CrossEntropyLoss()
    n_params = sum(p.numel() for p in model.parameters())
    widths = " → ".join(str(w) for w in [X.shape[1], *args.hidden, n_classes])
    print(f"{args.dataset}: {len(X_train)} training and {len(X_val)} validation examples; MLP {widths} "
          f"({n_params:,} parameters, {args.activation}); {args.optimizer} lr={lr:g}; {args.epochs} epochs of "
          f"{len(train_loader)} steps")

    start = time.perf_counter()
    history = fit(model, loss_fn, optimizer, train_loader, val_loader, epochs=args.epochs, progress=args.progress)
    seconds = time.perf_counter() - start
    final = {**evaluate(model, loss_fn, train_loader), **{f"val_{k}": v
                                                             for k, v in evaluate(model, loss_fn, val_loader).items()}}
    status = " (interrupted)" if history.interrupted else ""
    print(f"after {history.epochs} epochs, {history.steps} steps, {seconds:.1f} s{status}: "
          f"loss {final['loss']:.4g}, accuracy {final['accuracy']:.1%}; "
          f"validation loss {final['val_loss']:.4g}, accuracy {final['val_accuracy']:.1%}")

    config = {"dataset": args.dataset, "samples": args.samples, "noise": args.noise, "seed": args.seed,
              "val_fraction": args.val_fraction, "in_features": int(X.shape[1]), "hidden": list(args.hidden),
              "out_features": n_classes, "activation": args.activation, "optimizer": args.optimizer, "lr": lr,
              "weight_decay": args.weight_decay, "epochs": args.epochs, "batch_size": args.batch_size,
              "dtype": args.dtype}
    checkpoint = os.path.join(out, "checkpoint.npz")
    save({"model": model, "optimizer": optimizer, "config": config, "mean": mean, "std": std,
          "metrics": final, "history": history.state_dict()}, checkpoint)
    written = [checkpoint]
    written += _write_plots(history, Standardized(model, mean, std), X, y, out)
    written += _write_graph(model, loss_fn, (X_val - mean) / std, y_val, out)
    for path in written:
        print(f"wrote {path}")
    return 130 if history.interrupted else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m nn`` and of the ``chainrule`` command."""
    args = build_parser().parse_args(argv)
    return train(args)  # the one command so far


if __name__ == "__main__":
    sys.exit(main())
