"""gather, scatter, scatter_add and index_select against PyTorch where indices repeat, and their index checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd.gradcheck import gradgradcheck

from .op_cases import examples


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


X = np.arange(12.0).reshape(3, 4) / 7 - 0.5
REPEATED = np.array([[0, 0, 2], [1, 1, 1], [3, 0, 3]])  # int64 on Linux; built from NumPy, so it stays int
UPSTREAM = np.linspace(-1.0, 2.0, 9).reshape(3, 3)


def _pair(value: np.ndarray, torch: Any) -> tuple[autograd.Tensor, Any]:
    return autograd.tensor(value, requires_grad=True), torch.tensor(value, requires_grad=True)


def test_gather_gradient_accumulates_over_repeated_indices(torch: Any) -> None:
    x, tx = _pair(X, torch)
    index = autograd.tensor(REPEATED.astype(np.int64))
    out = x.gather(1, index)
    expected = torch.gather(tx, 1, torch.tensor(REPEATED))
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    out.backward(UPSTREAM)
    expected.backward(torch.tensor(UPSTREAM))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-15)
    assert x.grad.data[0, 0] == UPSTREAM[0, 0] + UPSTREAM[0, 1]  # the two reads of x[0, 0] add up


def test_scatter_add_with_repeated_indices_matches_torch(torch: Any) -> None:
    (x, tx), (src, tsrc) = _pair(X, torch), _pair(UPSTREAM, torch)
    out = autograd.scatter_add(x, 1, REPEATED, src)
    expected = torch.scatter_add(tx, 1, torch.tensor(REPEATED), tsrc)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-15)
    weights = np.arange(12.0).reshape(3, 4)
    (out * autograd.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
    np.testing.assert_array_equal(src.grad.data, tsrc.grad.numpy())


def test_scatter_gradients_match_torch(torch: Any) -> None:
    index = np.array([[3, 1], [0, 2], [1, 1]])  # unique within each row
    (x, tx), (src, tsrc) = _pair(X, torch), _pair(UPSTREAM[:, :2].copy(), torch)
    out = x.scatter(1, index, src)
    expected = tx.scatter(1, torch.tensor(index), tsrc)
    np.testing.assert_array_equal(out.data[:2], expected.detach().numpy()[:2])
    weights = np.arange(12.0).reshape(3, 4)
    (out * autograd.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())  # zero where written
    np.testing.assert_array_equal(src.grad.data, tsrc.grad.numpy())
    np.testing.assert_array_equal(autograd.scatter(x, 1, index, value=2.0).data,
                                  torch.scatter(tx, 1, torch.tensor(index), 2.0).detach().numpy())


def test_index_select_repeated_indices_match_torch(torch: Any) -> None:
    x, tx = _pair(X, torch)
    index = np.array([2, 0, 2, 2])
    out, expected = x.index_select(1, index), tx.index_select(1, torch.tensor(index))
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    out.backward(np.ones((3, 4)))
    expected.backward(torch.ones(3, 4, dtype=torch.float64))
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
    np.testing.assert_array_equal(autograd.index_select(x, 0, np.array(1)).data,
                                  torch.index_select(tx, 0, torch.tensor(1)).detach().numpy())


def test_second_derivatives_through_gather_and_scatter_add() -> None:
    x = autograd.tensor(X, requires_grad=True)
    src = autograd.tensor(UPSTREAM, requires_grad=True)
    assert gradgradcheck(lambda t: autograd.gather(t * t, 1, REPEATED).exp(), [x])
    assert gradgradcheck(lambda t, s: autograd.scatter_add(t, 1, REPEATED, s * t[:, :3]) ** 2, [x, src])


def test_dim_may_be_spelled_axis() -> None:
    x = autograd.tensor(X)
    np.testing.assert_array_equal(x.gather(axis=1, index=REPEATED).data, x.gather(1, REPEATED).data)
    np.testing.assert_array_equal(autograd.index_select(x, axis=0, index=np.array([1])).data, X[[1]])
    with pytest.raises(TypeError, match="either dim or axis"):
        x.gather(1, REPEATED, axis=1)


@pytest.mark.parametrize("op", [
    lambda x, i: x.gather(1, i), lambda x, i: x.scatter_add(1, i, x[:, :3]), lambda x, i: x.scatter(1, i, 0.0),
    lambda x, i: x.index_select(1, i[0])])
def test_a_float_index_raises_naming_the_fix(op: Any) -> None:
    with pytest.raises(TypeError, match=r"integer tensor.*int64"):
        op(autograd.tensor(X), autograd.tensor(REPEATED.astype(np.float32)))


def test_bad_indices_raise_like_torch(torch: Any) -> None:
    x = autograd.tensor(X)
    for bad in [np.array([[4]]), np.array([[-1]])]:  # torch's error classes: RuntimeError, IndexError
        with pytest.raises(RuntimeError, match="out of bounds for dimension 1 with size 4"):
            x.gather(1, bad)
        with pytest.raises(RuntimeError, match="out of bounds"):
            x.scatter_add(1, bad, x)
        with pytest.raises(IndexError, match="out of range"):
            x.index_select(1, bad[0])
    with pytest.raises(autograd.ShapeError, match="same number of dimensions"):
        x.gather(1, np.array([0, 1]))
    with pytest.raises(autograd.ShapeError, match="exceeds input shape"):
        x.gather(1, np.zeros((4, 1), np.int64))
    with pytest.raises(autograd.ShapeError, match="0-d or 1-d"):
        x.index_select(0, REPEATED)
    with pytest.raises(TypeError, match="dtype"):
        x.scatter_add(1, REPEATED, autograd.tensor(UPSTREAM.astype(np.float32)))


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")  # torch's deprecation, not ours
@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_reduce_matches_torch_and_has_no_gradient_as_in_torch(torch: Any, reduce: str) -> None:
    x, src, index = np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[5.0, 6.0, 7.0]]), np.array([[0, 0, 2]])
    for s, ts in ((autograd.tensor(src), torch.tensor(src)), (2.5, 2.5)):
        ours = autograd.tensor(x).scatter(1, index, s, reduce=reduce)
        np.testing.assert_array_equal(ours.data, torch.tensor(x).scatter(1, torch.tensor(index), ts, reduce=reduce))
    x_ = autograd.tensor(x, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative of scatter with reduce= is not implemented"):
        x_.scatter(1, index, autograd.tensor(src), reduce=reduce).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    with pytest.raises(RuntimeError, match="not implemented"):
        tx.scatter(1, torch.tensor(index), torch.tensor(src), reduce=reduce).sum().backward()
    with pytest.raises(ValueError, match="'add' or 'multiply'"):
        autograd.tensor(x).scatter(1, index, autograd.tensor(src), reduce="sum")


@pytest.mark.parametrize("reduce", ["amax", "amin", "mean", "sum"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_ties_and_integers_match_torch(torch: Any, reduce: str, include_self: bool) -> None:
    # ties between x and src and within src share an extreme's gradient, as torch's do
    x, src, index = np.array([3.0, 2.0, 3.0, 1.0]), np.array([3.0, 3.0, 5.0, 0.5]), np.array([0, 0, 3, 3])
    upstream = np.array([1.0, 2.0, 3.0, 4.0])
    ours_x, ours_s = autograd.tensor(x, requires_grad=True), autograd.tensor(src, requires_grad=True)
    tx, ts = torch.tensor(x, requires_grad=True), torch.tensor(src, requires_grad=True)
    ours = ours_x.scatter_reduce(0, index, ours_s, reduce, include_self=include_self)
    theirs = tx.scatter_reduce(0, torch.tensor(index), ts, reduce, include_self=include_self)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy())
    ours.backward(upstream)
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours_x.grad.data, tx.grad.numpy())
    np.testing.assert_allclose(ours_s.grad.data, ts.grad.numpy())
    xi, si = np.array([7, 2, 9, 1]), np.array([4, 5, -3, 8])
    ours_int = autograd.tensor(xi).scatter_reduce(0, index, autograd.tensor(si), reduce, include_self=include_self)
    theirs_int = torch.tensor(xi).scatter_reduce(0, torch.tensor(index), torch.tensor(si), reduce,
                                                 include_self=include_self)
    assert ours_int.dtype == np.int64
    np.testing.assert_array_equal(ours_int.data, theirs_int.numpy())


def test_scatter_reduce_refuses_unknown_modes() -> None:
    x = autograd.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="must be one of"):
        x.scatter_reduce(0, np.array([0]), autograd.tensor([3.0]), "max")


@pytest.mark.parametrize("include_self", [True, False])
@examples(1.0)
@given(data=st.data())
def test_scatter_reduce_prod_with_zeros_matches_torch(include_self: bool, data: st.DataObject) -> None:
    """Zeros among the factors (one, several, in x or in src): each factor's gradient is the product of the others."""
    torch = pytest.importorskip("torch")
    n, m, k = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3)), data.draw(st.integers(1, 5))
    values = st.sampled_from([0.0, -1.5, 0.5, 2.0, 3.0])
    x = np.array(data.draw(st.lists(values, min_size=n * m, max_size=n * m))).reshape(n, m)
    src = np.array(data.draw(st.lists(values, min_size=k * m, max_size=k * m))).reshape(k, m)
    index = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=k * m, max_size=k * m))).reshape(k, m)
    upstream = np.random.default_rng(0).standard_normal((n, m))
    ours_x, ours_s = autograd.tensor(x, requires_grad=True), autograd.tensor(src, requires_grad=True)
    ours = ours_x.scatter_reduce(0, index, ours_s, "prod", include_self=include_self)
    tx, ts = torch.tensor(x, requires_grad=True), torch.tensor(src, requires_grad=True)
    theirs = tx.scatter_reduce(0, torch.tensor(index), ts, "prod", include_self=include_self)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy())
    ours.backward(upstream)
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours_x.grad.data, tx.grad.numpy())
    np.testing.assert_allclose(ours_s.grad.data, ts.grad.numpy())
    ints = autograd.tensor(x.astype(np.int64)).scatter_reduce(0, index, autograd.tensor(src.astype(np.int64)), "prod",
                                                               include_self=include_self)
    theirs_int = torch.tensor(x.astype(np.int64)).scatter_reduce(0, torch.tensor(index),
                                                                torch.tensor(src.astype(np.int64)), "prod",
                                                                include_self=include_self)
    np.testing.assert_array_equal(ints.data, theirs_int.numpy())


def test_scatter_reduce_prod_refuses_a_second_derivative() -> None:
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad(x.scatter_reduce(0, np.array([0, 0]), x * 3, "prod").sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="ScatterProdBackward is not implemented: its backward is once_differentiable"):
        g.sum().backward()
