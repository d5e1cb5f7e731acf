"""The command line (``python -m nn train``) and the pictures it draws (``nn.plot``)."""

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import autograd
import nn
from nn import __main__ as cli
from nn.data import DataLoader, TensorDataset
from nn.train import History, evaluate

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nn.plot import plot_decision_boundary, plot_history  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "nn", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(autouse=True)
def _no_show(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("plt.show() must never be called")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


def rebuild(checkpoint_path):
    """A fresh model from the checkpoint's configuration and weights, and the raw validation data it saw.

    The model standardises its inputs itself: nothing but the checkpoint is needed to use it.
    """
    ckpt = nn.load(checkpoint_path)
    cfg = ckpt["config"]
    autograd.set_default_dtype(cfg["dtype"])
    model = cli.build_model(cfg)
    model.load_state_dict(ckpt["model"])
    X, y = cli.load_data(cfg["dataset"], cfg["samples"], cfg["noise"], cfg["seed"])
    _, _, X_val, y_val = cli.split(X, y, cfg["val_fraction"], cfg["seed"])
    return ckpt, model, X_val, y_val


def test_help_works():
    result = run_cli("--help", cwd=ROOT)
    assert result.returncode == 0 and "train" in result.stdout
    result = run_cli("train", "--help", cwd=ROOT)
    assert result.returncode == 0
    for option in ("--dataset", "--hidden", "--activation", "--optimizer", "--lr", "--epochs", "--batch-size",
                   "--seed", "--out"):
        assert option in result.stdout
    script = shutil.which("chainrule", path=os.path.dirname(sys.executable))
    if script is not None:  # the console script of an installed chainrule runs the same main()
        result = subprocess.run([script, "train", "--help"], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0 and "--dataset" in result.stdout


def test_train_writes_checkpoint_plots_and_graph_that_load_back(tmp_path):
    out = tmp_path / "moons"
    result = run_cli("train", "--dataset", "moons", "--epochs", "30", "--hidden", "16", "16", "--seed", "1",
                     "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "validation loss" in result.stdout and "wrote" in result.stdout
    # not a terminal: no progress bar in logs; at most a note that the drawing was not rendered
    assert [line for line in result.stderr.splitlines() if not line.startswith("note: graph.svg was not rendered")] == []
    for name in ("loss.png", "decision_boundary.png", "diagnostics.png"):
        data = (out / name).read_bytes()
        assert data.startswith(PNG_MAGIC)
        image = matplotlib.image.imread(out / name)
        assert image.ndim == 3 and min(image.shape[:2]) > 100
    assert (out / "graph.dot").read_text().startswith("digraph")
    page = (out / "backward.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and not re.search(r"(src|href)=[\"']?https?:", page)  # self-contained
    if shutil.which("dot") and pytest.importorskip("graphviz"):
        assert b"<svg" in (out / "graph.svg").read_bytes()

    ckpt, model, X_val, y_val = rebuild(out / "checkpoint.npz")
    assert ckpt["config"]["hidden"] == [16, 16] and ckpt["config"]["epochs"] == 30
    again = evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(X_val, y_val), batch_size=64))
    assert again["accuracy"] == ckpt["metrics"]["val_accuracy"]
    assert again["loss"] == pytest.approx(ckpt["metrics"]["val_loss"], rel=1e-5)
    assert again["accuracy"] >= 0.95
    assert f"accuracy {again['accuracy']:.1%}" in result.stdout
    assert len(ckpt["history"]["history"]["loss"]) == 30


def test_default_run_is_quick_and_accurate(tmp_path):
    result = run_cli("train", "--out", str(tmp_path / "run"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ckpt = nn.load(tmp_path / "run" / "checkpoint.npz")
    assert ckpt["config"]["dataset"] == "moons"
    assert ckpt["metrics"]["val_accuracy"] >= 0.98


@pytest.mark.parametrize("dataset", ["spirals", "xor", "circles", "digits"])
def test_every_dataset_trains_in_process(dataset, tmp_path, capsys):
    if dataset == "digits":
        pytest.importorskip("sklearn")
    out = tmp_path / dataset
    status = cli.main(["train", "--dataset", dataset, "--epochs", "2", "--samples", "200", "--hidden", "8",
                       "--activation", "tanh", "--optimizer", "sgd", "--no-progress", "--dtype", "float64",
                       "--out", str(out)])
    assert status == 0
    assert (out / "checkpoint.npz").exists() and (out / "loss.png").exists()
    assert (out / "decision_boundary.png").exists() == (dataset != "digits")
    ckpt, model, X_val, y_val = rebuild(out / "checkpoint.npz")
    again = evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(X_val, y_val), batch_size=64))
    assert again["accuracy"] == ckpt["metrics"]["val_accuracy"]
    assert "after 2 epochs" in capsys.readouterr().out


def test_bad_arguments_exit_with_a_message(tmp_path):
    result = run_cli("train", "--dataset", "mnist", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice: 'mnist'" in result.stderr
    with pytest.raises(SystemExit):
        cli.main([])


BAD_VALUES = [
    (["--lr", "-1"], "argument --lr: expected a finite positive number, got -1"),
    (["--lr", "nan"], "argument --lr: expected a finite positive number, got nan"),
    (["--lr", "fast"], "argument --lr: expected a finite positive number, got 'fast'"),
    (["--weight-decay", "-1"], "argument --weight-decay: expected a finite number ≥ 0, got -1"),
    (["--noise", "-5"], "argument --noise: expected a finite number ≥ 0, got -5"),
    (["--samples", "1"], "argument --samples: expected at least 10, got 1"),
    (["--seed", "-1"], "argument --seed: expected a non-negative integer, got -1"),
    (["--epochs", "0"], "argument --epochs: expected a positive integer, got 0"),
    (["--batch-size", "0"], "argument --batch-size: expected a positive integer, got 0"),
    (["--hidden", "8", "0"], "argument --hidden: expected a positive integer, got 0"),
    (["--val-fraction", "1.5"], "argument --val-fraction: expected a number between 0 and 1, got 1.5"),
    (["--out", "FILE"], "exists and is not a folder"),
    (["--out", "/dev/null"], "argument --out: /dev/null exists and is not a folder"),
    (["--out", "/proc/chainrule-run"], "argument --out: cannot write in /proc/chainrule-run"),
    (["--out", "/proc/self"], "argument --out: cannot write in /proc/self"),
    (["--resume", "MISSING"], "argument --resume: "),
]


@pytest.mark.parametrize(("options", "message"), BAD_VALUES, ids=[" ".join(o) for o, _ in BAD_VALUES])
def test_every_bad_value_is_a_usage_error_naming_the_flag_before_training(options, message, tmp_path, capsys,
                                                                          monkeypatch):
    if any(o.startswith(("/proc", "/dev")) for o in options) and not os.path.isdir("/proc/self"):
        pytest.skip("no /proc here")
    options = [str(tmp_path / "a-file") if o == "FILE" else str(tmp_path / "none.npz") if o == "MISSING" else o
               for o in options]
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setattr(cli, "fit", lambda *a, **k: pytest.fail("training started"))
    with pytest.raises(SystemExit) as exit_:
        cli.main(["train", *options] if "--out" in options else ["train", *options, "--out", str(tmp_path / "run")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "usage: python -m nn train" in err and "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write in any folder")
def test_an_unwritable_output_folder_is_found_before_training(tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setattr(cli, "fit", lambda *a, **k: pytest.fail("training started"))
    try:
        with pytest.raises(SystemExit) as exit_:
            cli.main(["train", "--out", str(locked / "run")])
    finally:
        locked.chmod(0o700)
    assert exit_.value.code == 2 and "argument --out: cannot write in" in capsys.readouterr().err


def test_resume_continues_exactly_and_the_saved_model_takes_raw_inputs(tmp_path, capsys):
    common = ["train", "--samples", "200", "--hidden", "8", "--no-progress", "--dtype", "float64"]
    assert cli.main([*common, "--epochs", "4", "--out", str(tmp_path / "full")]) == 0
    assert cli.main([*common, "--epochs", "2", "--out", str(tmp_path / "half")]) == 0
    half = tmp_path / "half" / "checkpoint.npz"
    assert cli.main([*common, "--epochs", "4", "--out", str(tmp_path / "half"), "--resume", str(half)]) == 0
    full, resumed = nn.load(tmp_path / "full" / "checkpoint.npz"), nn.load(half)
    assert resumed["epoch"] == full["epoch"] == 4
    for key, value in full["model"].items():
        np.testing.assert_array_equal(resumed["model"][key], value, err_msg=key)  # bitwise
    np.testing.assert_array_equal(resumed["history"]["step_losses"], full["history"]["step_losses"])
    # a CLI checkpoint is a training checkpoint that fit resumes, and its model standardises raw inputs
    ckpt, model, X_val, y_val = rebuild(half)
    assert isinstance(model[0], nn.preprocessing.Standardize) and "0.mean" in ckpt["model"]
    again = evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(X_val, y_val), batch_size=64))
    assert again["accuracy"] == ckpt["metrics"]["val_accuracy"]
    # resuming with other options is refused, naming them
    with pytest.raises(SystemExit):
        cli.main([*common, "--epochs", "5", "--lr", "0.5", "--out", str(tmp_path / "half"), "--resume", str(half)])
    assert "trained with --lr 0.001; pass the same options" in capsys.readouterr().err


def test_the_default_learning_rate_is_the_optimizers_own():
    for name, cls in cli.OPTIMIZERS.items():
        model = nn.Linear(1, 1)
        assert cli.default_lr(name) == cls(model.parameters()).param_groups[0]["lr"]


def test_a_graphviz_failure_is_a_note_not_a_traceback(tmp_path, capsys, monkeypatch):
    from autograd import viz

    def missing(*args, **kwargs):
        raise viz.GraphvizMissingError("the graphviz Python package is not installed",
                                       'install it with pip install "chainrule[viz]"', "digraph {}")

    monkeypatch.setattr(viz, "draw", missing)
    status = cli.main(["train", "--epochs", "1", "--samples", "50", "--no-progress", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 0 and "the graphviz Python package is not installed" in err and "Traceback" not in err
    assert (tmp_path / "graph.dot").exists() and not (tmp_path / "graph.svg").exists()


def test_plot_history_draws_the_recorded_values():
    history = History()
    for loss, acc, val_loss in ((1.0, 0.5, 1.2), (0.5, 0.8, 0.7), (0.25, 0.9, 0.6)):
        history.append({"loss": loss, "accuracy": acc, "val_loss": val_loss, "lr": 0.1})
    fig, axes = plot_history(history)
    assert len(axes) == 2 and axes[1].figure is fig
    train_line, val_line = axes[0].get_lines()
    np.testing.assert_array_equal(train_line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(train_line.get_ydata(), history["loss"])
    np.testing.assert_array_equal(val_line.get_ydata(), history["val_loss"])
    np.testing.assert_array_equal(axes[1].get_lines()[0].get_ydata(), history["accuracy"])
    _, axes = plot_history({"loss": [3.0, 2.0]})
    assert len(axes) == 1 and len(axes[0].get_lines()) == 1
    with pytest.raises(ValueError, match="'loss'"):
        plot_history({"accuracy": [0.5]})


def test_plot_decision_boundary_colours_the_model_prediction():
    autograd.set_default_dtype(np.float64)

    class LeftRight(nn.Module):
        """Class 1 exactly where x > 0."""

        def forward(self, x):
            return x[:, :1] * 10.0

    X = np.array([[-1.0, 0.0], [1.0, 0.5], [0.5, -1.0]])
    model = LeftRight()
    model.eval()
    _, ax = plt.subplots()
    drawn = {}
    contourf = ax.contourf
    ax.contourf = lambda gx, gy, regions, **kw: drawn.update(gx=gx, regions=regions) or contourf(gx, gy, regions, **kw)
    _, ax = plot_decision_boundary(model, X, np.array([0, 1, 1]), ax=ax, resolution=50)
    assert not model.training
    assert drawn["regions"].shape == (50, 50)
    np.testing.assert_array_equal(drawn["regions"], drawn["gx"] > 0)
    assert len(ax.collections) >= 2  # the filled regions and the scatter of the points
    offsets = ax.collections[-1].get_offsets()
    np.testing.assert_array_equal(np.asarray(offsets), X)
    x0, x1 = ax.get_xlim()
    assert x0 == pytest.approx(-1.5) and x1 == pytest.approx(1.5)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plot_decision_boundary(model, np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="3 points but y has 2"):
        plot_decision_boundary(model, X, np.zeros(2))


def test_plot_needs_matplotlib_and_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "chainrule\[plot\]"'):
        plot_history({"loss": [1.0]})
