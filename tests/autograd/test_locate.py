"""locate: each node's rule checked where it stood in the graph, and the first wrong one named with its line."""

from __future__ import annotations

import linecache
import re
from typing import Any

import numpy as np
import pytest

import autograd
import nn
from autograd import viz
from autograd.engine import topological_order
from autograd.gradcheck import GradcheckError, gradcheck, locate


class WrongCube(autograd.Function):
    """y = x³;  ∂y/∂x = 3x², written wrongly as 2x²."""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * 2 * x * x


class WrongSecondFactor(autograd.Function):
    """y = a·b;  ∂y/∂a = b right, ∂y/∂b = a wrongly negated."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        a, b = ctx.saved_tensors
        return grad * b, -(grad * a)


class WrongShape(autograd.Function):
    """y = 2x;  ∂y/∂x = 2, but the rule returns a gradient of the wrong shape."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return 2 * x

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return (2 * grad).reshape(-1)[:1]


class NoBackward(autograd.Function):
    """y = x, with no backward: nothing to check."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        return x.copy()


def created_on(site: str, text: str) -> bool:
    """Whether ``file:line`` points at a line of source containing ``text``."""
    path, line = site.rsplit(":", 1)
    return text in linecache.getline(path, int(line))


def models() -> tuple[nn.Module, nn.Module, autograd.Tensor, autograd.Tensor]:
    autograd.manual_seed(0)
    rng = np.random.default_rng(0)
    x = autograd.tensor(rng.standard_normal((5, 3)))
    y = autograd.tensor(rng.standard_normal((5, 2)))
    # float64 throughout, as central differences need (a float32 model refuses float64 inputs, as in PyTorch)
    return nn.MLP(3, [4, 4], 4, activation=nn.Tanh).double(), nn.MLP(4, [4], 2, activation=nn.Sigmoid).double(), x, y


def test_a_wrong_rule_deep_inside_a_model_is_named_with_the_line_that_made_it():
    before, after, x, y = models()

    def loss(x):
        h = before(x)
        h = WrongCube.apply(h)  # the planted bug
        return nn.MSELoss()(after(h), y)

    with pytest.raises(GradcheckError):  # the whole-function check only says that something is wrong
        gradcheck(loss, autograd.tensor(x.data, dtype="float64", requires_grad=True))
    found = locate(loss, x)
    assert not found.ok
    assert found.op == "WrongCubeBackward" and found.node.fn is WrongCube and found.input == 0
    assert created_on(found.site, "WrongCube.apply(h)")
    # 2x² against 3x²: the relative error of g·2x² against g·3x² is (3 − 2) / (3 + 2) = 0.2
    assert found.error == pytest.approx(0.2, rel=1e-4)
    assert found.checked == 1 + sum(1 for t in _graph(before(x)))  # every op of `before`, then the bad one
    text = str(found)
    assert text.startswith("WrongCubeBackward, created at ") and "relative error" in text and "0.2" in text


def _graph(out: autograd.Tensor) -> list[autograd.Tensor]:
    return topological_order([out])


def test_a_correct_model_reports_that_all_rules_agree():
    before, after, x, y = models()

    def loss(x):
        return nn.MSELoss()(after(autograd.relu(before(x)) * 0.5), y)

    found = locate(loss, x)
    assert found.ok and found.node is None and found.op is None
    assert found.checked == len(_graph(loss(x))) and not found.skipped
    assert found.worst < 1e-6
    assert str(found).startswith(f"all {found.checked} checked nodes' backward rules agree")


def test_the_first_wrong_node_in_forward_order_is_reported():
    x = autograd.tensor([0.3, -0.7, 1.1], dtype="float64", requires_grad=True)

    def fn(x):
        a = WrongSecondFactor.apply(x, x + 1)
        return WrongCube.apply(a).sum()

    found = locate(fn, x)
    assert found.op == "WrongSecondFactorBackward" and found.input == 1
    assert created_on(found.site, "WrongSecondFactor.apply(x, x + 1)")


def test_a_rule_that_returns_the_wrong_shape_is_located_with_its_error():
    x = autograd.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    found = locate(lambda x: (WrongShape.apply(x * 3) + 1).sum(), x)
    assert found.op == "WrongShapeBackward" and found.error is None and found.input is None
    assert "invalid gradient" in found.problem and "WrongShapeBackward" in str(found)


def test_integer_and_bool_inputs_and_nodes_without_a_rule_are_skipped_not_flagged():
    x = autograd.tensor([0.5, -1.5, 2.0, -0.25], dtype="float64", requires_grad=True)
    counts = autograd.tensor(np.array([1, 2, 3, 4]))
    picks = np.array([0, 2, 2])

    def fn(x):
        a = x * counts + counts                        # an int64 input beside a float one
        b = autograd.where(x > 0, a, 0.1 * a)          # a bool mask
        c = b[picks]                                   # integer indices
        d = autograd.cast(x, "int64")                  # an integer output
        e = NoBackward.apply(x)                        # no rule at all
        return c.sum() + d.sum() * 0 + (e * 0).sum()

    found = locate(fn, x)
    assert found.ok, str(found)
    skipped = dict(found.skipped)
    assert "NoBackwardBackward" in skipped and "no backward" in skipped["NoBackwardBackward"]
    assert all(op not in skipped for op in ("MulBackward", "WhereBackward", "GetItemBackward"))


def test_kinks_at_the_values_seen_are_skipped_not_flagged():
    x = autograd.tensor([0.0, 1.5, -2.0], dtype="float64", requires_grad=True)
    found = locate(lambda x: (autograd.relu(x) + autograd.abs(x * 2)).sum(), x)  # relu and |·| both at 0
    assert found.ok, str(found)
    # relu's rule says 0 at 0 where central differences say ½: a kink, skipped; |·|'s sign(0) = 0 matches them
    assert [op for op, _ in found.skipped] == ["ReluBackward"] and "kink" in found.skipped[0][1]
    # away from the kink the same ops are checked
    assert locate(lambda x: autograd.relu(x).sum(), autograd.tensor([0.5, -1.0], requires_grad=True)).checked == 2


def test_a_wrong_rule_of_a_steep_smooth_op_is_not_mistaken_for_a_kink():
    x = autograd.tensor([3.0, -2.5], dtype="float64", requires_grad=True)  # x³ curves steeply here
    found = locate(lambda x: WrongCube.apply(x * 4).sum(), x)
    assert found.op == "WrongCubeBackward"


def test_float32_models_are_checked_in_float64_at_the_values_they_saw():
    x = autograd.tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    found = locate(lambda x: (autograd.tanh(x) @ autograd.ones(3, 2)).sum(), x)
    assert found.ok and found.worst < 1e-6


def test_a_function_that_builds_no_graph_is_refused():
    with pytest.raises(ValueError, match="no graph"):
        locate(lambda x: x * 2, autograd.tensor([1.0]))


def test_draw_highlights_the_located_node_in_the_graph_locate_ran():
    x = autograd.tensor([0.3, -0.7], dtype="float64", requires_grad=True)
    found = locate(lambda x: WrongCube.apply(autograd.tanh(x)).sum(), x)
    dot = viz.to_dot(found.outputs, highlight=found.node)
    marked = [line for line in dot.splitlines() if "color=red" in line]
    assert len(marked) == 1 and re.search(r'label="WrongCubeBackward".*penwidth=3', marked[0])
    assert "color=red" not in viz.to_dot(found.outputs)
