"""``python -m nn train --dataset moons``: train an MLP on a built-in dataset and keep what it made.

Writes, under ``--out`` (default ``runs/<dataset>``): ``checkpoint.npz`` (a training checkpoint,
saved after every epoch, that ``--resume`` continues exactly; at the end it also holds the
configuration and the final metrics), ``loss.png`` (loss and accuracy curves), ``diagnostics.png``
(gradient norms, saturated and dead units per layer), ``decision_boundary.png`` (2-d datasets) and
``graph.dot`` — the computation graph of one forward pass — with ``graph.svg`` when Graphviz is
installed. The model's first layer is an ``nn.Standardize`` holding the training set's mean and
standard deviation, so the saved model takes raw inputs. Every bad option is a usage error (exit 2)
found before training. The ``chainrule`` command runs ``main``.
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import datasets, optim
from .activations import ELU, GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softplus, Tanh
from .callbacks import History
from .checkpoint import read_checkpoint, save_checkpoint
from .data import DataLoader, TensorDataset
from .layers import MLP
from .losses import CrossEntropyLoss
from .module import Module, Sequential
from .preprocessing import Standardize
from .serialization import CheckpointError, load, save
from .train import evaluate, fit

DATASETS = ("moons", "spirals", "xor", "circles", "digits")
OPTIMIZERS: dict[str, type] = {
    "sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop, "adagrad": optim.Adagrad,
    "adadelta": optim.Adadelta, "adafactor": optim.Adafactor,
}
MIN_SAMPLES = 10  # enough for a training and a validation split
ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "gelu": GELU, "silu": SiLU, "elu": ELU, "leaky_relu": LeakyReLU,
    "softplus": Softplus,
}


def default_lr(name: str) -> float:
    """The learning rate the optimizer class itself defaults to: the command line has no defaults of its own."""
    return float(inspect.signature(OPTIMIZERS[name]).parameters["lr"].default)


def _number(kind: Callable[[str], Any], test: Callable[[Any], bool], wanted: str) -> Callable[[str], Any]:
    """An argparse ``type`` that also checks the value, so argparse names the flag in its usage error."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        if not test(value):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text}")
        return value

    parse.__name__ = wanted  # argparse's message for a value it cannot convert
    return parse


POSITIVE_INT = _number(int, lambda v: v > 0, "a positive integer")
NON_NEGATIVE_INT = _number(int, lambda v: v >= 0, "a non-negative integer")
POSITIVE_FLOAT = _number(float, lambda v: math.isfinite(v) and v > 0, "a finite positive number")
NON_NEGATIVE_FLOAT = _number(float, lambda v: math.isfinite(v) and v >= 0, "a finite number ≥ 0")
FRACTION = _number(float, lambda v: 0 < v < 1, "a number between 0 and 1")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nn", description="chainrule's neural-network command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train", help="train an MLP on a built-in dataset",
        description="Train an MLP classifier on a built-in dataset with a progress bar; write the checkpoint, "
                    "the loss curve, the decision boundary (2-d data) and the graph of one forward pass.")
    train.add_argument("--dataset", choices=DATASETS, default="moons", help="built-in dataset (default: moons)")
    train.add_argument("--samples", type=POSITIVE_INT, default=1000,
                       help=f"examples to generate, at least {MIN_SAMPLES} (not for digits; default 1000)")
    train.add_argument("--noise", type=NON_NEGATIVE_FLOAT, default=0.1, help="noise of the generated datasets (default 0.1)")
    train.add_argument("--hidden", type=POSITIVE_INT, nargs="*", default=[32, 32], metavar="N",
                       help="hidden layer widths (default: 32 32)")
    train.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu", help="hidden activation (default relu)")
    train.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="optimizer (default adam)")
    train.add_argument("--lr", type=POSITIVE_FLOAT, default=None,
                       help="learning rate (default: the optimizer's own, " +
                            ", ".join(f"{k} {default_lr(k):g}" for k in OPTIMIZERS) + ")")
    train.add_argument("--weight-decay", type=NON_NEGATIVE_FLOAT, default=0.0, help="weight decay (default 0)")
    train.add_argument("--epochs", type=POSITIVE_INT, default=50,
                       help="epochs in all, counting those of a resumed run (default 50)")
    train.add_argument("--batch-size", type=POSITIVE_INT, default=32, help="mini-batch size (default 32)")
    train.add_argument("--val-fraction", type=FRACTION, default=0.25,
                       help="fraction held out for validation (default 0.25)")
    train.add_argument("--seed", type=NON_NEGATIVE_INT, default=0,
                       help="seed for data, initialisation and shuffling (default 0)")
    train.add_argument("--dtype", choices=("float32", "float64"), default="float32", help="float dtype (default float32)")
    train.add_argument("--out", default=None, help="output folder (default: runs/<dataset>)")
    train.add_argument("--resume", default=None, metavar="PATH",
                       help="continue, exactly, the run saved in this checkpoint (the same options; a larger --epochs)")
    train.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    return parser


# what a checkpoint's configuration must agree on with the options of a run that resumes it
RESUMED = ("dataset", "samples", "noise", "seed", "val_fraction", "hidden", "activation", "optimizer", "lr",
           "weight_decay", "batch_size", "dtype")


def check_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    """Every check that needs more than one option or the file system; returns the output folder, created."""
    if args.dataset != "digits" and args.samples < MIN_SAMPLES:
        parser.error(f"argument --samples: expected at least {MIN_SAMPLES}, got {args.samples}")
    if args.resume is not None:
        if not os.path.isfile(args.resume):
            parser.error(f"argument --resume: {args.resume} is not a checkpoint file")
        saved = _saved_config(args.resume, parser)
        differ = [k for k in RESUMED if k in saved and saved[k] != (default_lr(args.optimizer) if k == "lr" and
                                                                     args.lr is None else getattr(args, k))]
        if differ:
            parser.error("argument --resume: the checkpoint was trained with " +
                         ", ".join(f"--{k.replace('_', '-')} {saved[k]}" for k in differ) + "; pass the same options")
    out = args.out or os.path.join("runs", args.dataset)
    if os.path.exists(out) and not os.path.isdir(out):
        parser.error(f"argument --out: {out} exists and is not a folder")
    try:
        os.makedirs(out, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        parser.error(f"argument --out: cannot write in {out}: {e.strerror or e}")
    return out


def _saved_config(path: str, parser: argparse.ArgumentParser) -> dict[str, Any]:
    try:
        state = load(path)
    except (CheckpointError, OSError) as e:
        parser.error(f"argument --resume: {e}")
    config = state.get("config", {}) if isinstance(state, dict) else {}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in config.items()}


def build_model(config: dict[str, Any], mean: np.ndarray | None = None, std: np.ndarray | None = None) -> Module:
    """The command line's model: ``Standardize`` (the training split's statistics) then the MLP.

    Without ``mean``/``std`` the statistics are placeholders for ``load_state_dict`` to fill in.
    """
    n = config["in_features"]
    dtype = autograd.get_default_dtype()
    standardize = Standardize(np.zeros(n, dtype) if mean is None else mean, np.ones(n, dtype) if std is None else std)
    mlp = MLP(n, list(config["hidden"]), config["out_features"], activation=ACTIVATIONS[config["activation"]])
    return Sequential(standardize, mlp)


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


def _write_graph(model: Module, loss_fn: Any, X: np.ndarray, y: np.ndarray, out: str) -> list[str]:
    """The graph of the loss of a 4-example batch as DOT, as a backward-pass stepper page, and as SVG when Graphviz exists.

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
    written = [os.path.join(out, "graph.dot"), os.path.join(out, "backward.html")]
    with open(written[0], "w", encoding="utf-8") as f:
        f.write(viz.to_dot(loss, model))
    viz.explain_html(loss, written[1], params=model)  # the backward pass, stepped in a browser
    try:
        svg = viz.draw(loss, model).pipe(format="svg")
    except (viz.GraphvizMissingError, ImportError, OSError, RuntimeError) as e:
        reason = str(e).split("\n")[0] or type(e).__name__  # the DOT text that may follow is in graph.dot
        print(f"note: graph.svg was not rendered: {reason}", file=sys.stderr)
        return written
    written.append(os.path.join(out, "graph.svg"))
    with open(written[-1], "wb") as f:
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

    from .plot import diagnostics, plot_decision_boundary, plot_history

    written = []
    fig, _ = plot_history(history)
    written.append(os.path.join(out, "loss.png"))
    fig.savefig(written[-1], dpi=100, bbox_inches="tight")
    plt.close(fig)
    if history.diagnostics:
        written.append(os.path.join(out, "diagnostics.png"))
        plt.close(diagnostics(history, written[-1]))
    if X.shape[1] == 2:
        fig, _ = plot_decision_boundary(model, X, y)
        written.append(os.path.join(out, "decision_boundary.png"))
        fig.savefig(written[-1], dpi=100, bbox_inches="tight")
        plt.close(fig)
    return written


def train(args: argparse.Namespace, out: str, parser: argparse.ArgumentParser) -> int:
    """The ``train`` command, with options already checked by ``check_args``; returns the exit status."""
    autograd.set_default_dtype(args.dtype)
    autograd.manual_seed(args.seed)
    X, y = load_data(args.dataset, args.samples, args.noise, args.seed)
    X_train, y_train, X_val, y_val = split(X, y, args.val_fraction, args.seed)
    # standardise with the training split's statistics; constant pixels (σ = 0) are left unscaled
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1).astype(X.dtype)
    train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=args.batch_size, shuffle=True,
                              seed=args.seed)
    val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=max(args.batch_size, 256))

    lr = default_lr(args.optimizer) if args.lr is None else args.lr
    config = {"dataset": args.dataset, "samples": args.samples, "noise": args.noise, "seed": args.seed,
              "val_fraction": args.val_fraction, "in_features": int(X.shape[1]), "hidden": list(args.hidden),
              "out_features": int(y.max()) + 1, "activation": args.activation, "optimizer": args.optimizer, "lr": lr,
              "weight_decay": args.weight_decay, "epochs": args.epochs, "batch_size": args.batch_size,
              "dtype": args.dtype}
    model = build_model(config, mean, std)
    optimizer = OPTIMIZERS[args.optimizer](model.parameters(), lr=lr, weight_decay=args.weight_decay)
    loss_fn = CrossEntropyLoss()
    checkpoint = os.path.join(out, "checkpoint.npz")
    if args.resume is not None:
        try:  # checked in full before training, so a checkpoint that does not fit is a usage error
            read_checkpoint(args.resume, model, {"optimizer": optimizer, "train_loader": train_loader,
                                                 "history": History()})
        except (CheckpointError, ValueError) as e:
            parser.error(f"argument --resume: {e}")
    n_params = sum(p.numel() for p in model.parameters())
    widths = " → ".join(str(w) for w in [X.shape[1], *args.hidden, config["out_features"]])
    print(f"{args.dataset}: {len(X_train)} training and {len(X_val)} validation examples; MLP {widths} "
          f"({n_params:,} parameters, {args.activation}); {args.optimizer} lr={lr:g}; {args.epochs} epochs of "
          f"{len(train_loader)} steps")

    start = time.perf_counter()
    try:
        history = fit(model, loss_fn, optimizer, train_loader, val_loader, epochs=args.epochs, progress=args.progress,
                      checkpoint=checkpoint, resume=args.resume, diagnostics=True)
    except FloatingPointError as e:
        print(f"error: training diverged: {e}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    final = {**evaluate(model, loss_fn, train_loader), **{f"val_{k}": v
                                                             for k, v in evaluate(model, loss_fn, val_loader).items()}}
    status = " (interrupted)" if history.interrupted else ""
    print(f"after {history.epochs} epochs, {history.steps} steps, {seconds:.1f} s{status}: "
          f"loss {final['loss']:.4g}, accuracy {final['accuracy']:.1%}; "
          f"validation loss {final['val_loss']:.4g}, accuracy {final['val_accuracy']:.1%}")

    if not os.path.exists(checkpoint):  # interrupted before the first epoch ended
        save_checkpoint(checkpoint, model, optimizer, epoch=history.epochs, train_loader=train_loader, history=history)
    save({**load(checkpoint), "config": config, "metrics": final}, checkpoint)  # what fit saved, and what the run was
    written = [checkpoint]
    written += _write_plots(history, model, X, y, out)
    written += _write_graph(model, loss_fn, X_val, y_val, out)
    for path in written:
        print(f"wrote {path}")
    return 130 if history.interrupted else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m nn`` and of the ``chainrule`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    train_parser = _train_parser(parser)  # the one command so far
    return train(args, check_args(args, train_parser), train_parser)


def _train_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``train`` subcommand's parser, whose usage errors name ``python -m nn train``."""
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices["train"]


if __name__ == "__main__":
    sys.exit(main())
