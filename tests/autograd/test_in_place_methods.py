"""PyTorch's in-place methods (add_, mul_, masked_fill_, scatter_, …): values as PyTorch's where no gradient is
recorded, and a clear error where one would be."""

import numpy as np
import pytest

import autograd


def _torch():
    return pytest.importorskip("torch")


def _pair(values, dtype=np.float64):
    torch = _torch()
    return autograd.tensor(np.array(values, dtype=dtype)), torch.tensor(np.array(values, dtype=dtype))


CASES = {
    "add_ alpha": lambda t, lib: t.add_(lib.tensor([1.0, 2.0, 3.0], dtype=t.dtype), alpha=2),
    "sub_ number": lambda t, lib: t.sub_(0.5),
    "mul_": lambda t, lib: t.mul_(lib.tensor([2.0, -1.0, 0.5], dtype=t.dtype)),
    "div_ floor": lambda t, lib: t.div_(0.7, rounding_mode="floor"),
    "clamp_": lambda t, lib: t.clamp_(-0.5, 0.5),
    "clamp_ min only": lambda t, lib: t.clamp_(min=0.0),
    "masked_fill_": lambda t, lib: t.masked_fill_(lib.tensor([True, False, True]), -7.0),
    "scatter_ src": lambda t, lib: t.scatter_(0, lib.tensor([2, 0]), lib.tensor([10.0, 20.0], dtype=t.dtype)),
    "scatter_ value": lambda t, lib: t.scatter_(0, lib.tensor([1]), value=5.0),
    "scatter_add_": lambda t, lib: t.scatter_add_(0, lib.tensor([1, 1]), lib.tensor([1.0, 2.0], dtype=t.dtype)),
}


@pytest.mark.parametrize("name", CASES)
def test_in_place_methods_give_pytorch_values_in_the_same_memory(name):
    torch = _torch()
    ours, theirs = _pair([0.25, -1.5, 2.0])
    view = ours.data[:]
    returned = CASES[name](ours, autograd)
    CASES[name](theirs, torch)
    assert returned is ours
    np.testing.assert_allclose(ours.data, theirs.numpy())
    np.testing.assert_allclose(view, theirs.numpy())  # written into the array, not a new one


def test_an_in_place_change_makes_a_graph_that_saved_the_old_values_refuse_to_backward():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = autograd.tensor([3.0, 4.0])
    z = (x * y).sum()  # Mul saved y
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        z.backward()


def test_a_leaf_that_requires_grad_is_changed_in_place_only_under_no_grad():
    torch = _torch()
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Tensor that requires grad"):
        x.add_(1)
    with pytest.raises(RuntimeError):  # PyTorch raises as well
        torch.tensor([1.0, 2.0], requires_grad=True).add_(1)
    with autograd.no_grad():
        x.mul_(3)
    np.testing.assert_array_equal(x.data, [3.0, 6.0])
    assert x.requires_grad and x.is_leaf


def test_an_in_place_method_on_a_recorded_result_names_the_out_of_place_spelling():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"y = y\.masked_fill|t = t\.masked_fill"):
        y.masked_fill_(autograd.tensor([True, False]), 0.0)
    buffer = autograd.tensor([0.0, 0.0])
    with pytest.raises(RuntimeError, match="add_"):
        buffer.add_(x)  # the result would need a gradient


def test_an_in_place_result_that_cannot_take_the_tensors_dtype_or_shape_raises():
    torch = _torch()
    ints = autograd.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        ints.add_(1.5)
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2, 3]).add_(1.5)
    with pytest.raises(autograd.ShapeError):
        autograd.tensor([1.0, 2.0]).add_(autograd.tensor([[1.0], [2.0]]))
    np.testing.assert_array_equal(ints.data, [1, 2, 3])  # nothing written
