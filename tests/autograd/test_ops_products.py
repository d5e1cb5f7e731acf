"""mm, bmm, t, einsum, norm and cdist against PyTorch at the edges: zeros, ties, repeated subscripts, bad shapes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd
from autograd.gradcheck import gradgradcheck


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


def _grad(fn: Any, value: np.ndarray, lib: Any) -> np.ndarray:
    x = lib.tensor(value, requires_grad=True)
    fn(x).sum().backward()
    if x.grad is None:  # torch leaves it unset where the gradient is zero (p = 0)
        return np.zeros(value.shape)
    return x.grad.numpy() if lib is not autograd else x.grad.data


INF = float("inf")
P_VALUES = [2, "fro", 1, 3, 1.5, 0.5, 0, -1, INF, -INF]
AT_ZERO = [np.zeros(3), np.array([0.0, -2.0, 2.0]), np.array([[0.0, 3.0], [0.0, 0.0]]), np.array(0.0)]


@pytest.mark.parametrize("p", P_VALUES)
@pytest.mark.parametrize("value", AT_ZERO, ids=["zeros", "one_zero_and_a_tie", "zero_row", "scalar_zero"])
def test_norm_value_and_gradient_at_zero_match_torch(torch: Any, p: Any, value: np.ndarray) -> None:
    ours = autograd.norm(autograd.tensor(value), p)
    np.testing.assert_allclose(ours.data, torch.norm(torch.tensor(value), p).numpy(), rtol=1e-15)
    np.testing.assert_allclose(_grad(lambda x: autograd.norm(x, p), value, autograd),
                               _grad(lambda x: torch.norm(x, p), value, torch), rtol=1e-14)
    if value.ndim == 2:
        np.testing.assert_allclose(_grad(lambda x: x.norm(p, dim=1), value, autograd),
                                   _grad(lambda x: x.norm(p, dim=1), value, torch), rtol=1e-14)


def test_norm_second_derivative_is_finite_where_a_slice_is_zero() -> None:
    # PyTorch's is NaN there (0/0 in the masked branch); the second where keeps ours finite
    x = autograd.tensor(np.array([[0.0, 0.0], [1.0, -2.0]]), requires_grad=True)
    (g,) = autograd.grad(autograd.norm(x, dim=1).sum(), [x], create_graph=True)
    (h,) = autograd.grad(g.sum(), [x])
    assert np.isfinite(h.data).all()


def test_norm_spellings() -> None:
    x = autograd.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(x.norm(dim=0).data, x.norm(axis=0).data)
    np.testing.assert_allclose(x.norm(dim=1, keepdim=True).data, x.norm(2, axis=1, keepdims=True).data)
    assert x.norm(dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="'inf' is not supported"):
        x.norm("inf")
    with pytest.raises(TypeError, match="floating point"):
        autograd.tensor(np.array([1, 2])).norm()


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, INF])
def test_cdist_matches_torch_including_coincident_points(torch: Any, p: float) -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3))
    b[:, 0] = a[:, 1]  # distance exactly 0: torch's gradient there is 0
    x1, x2 = autograd.tensor(a, requires_grad=True), autograd.tensor(b, requires_grad=True)
    t1, t2 = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ours, theirs = autograd.cdist(x1, x2, p), torch.cdist(t1, t2, p)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    upstream = rng.standard_normal(ours.shape)
    ours.backward(upstream)
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x1.grad.data, t1.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x2.grad.data, t2.grad.numpy(), rtol=1e-10, atol=1e-12)


EQUATIONS = {
    "bii->bi": [(2, 3, 3)], "bij,bjk->bik": [(2, 3, 4), (2, 4, 2)], "ij,jk,kl->il": [(2, 3), (3, 4), (4, 2)],
    "ii": [(3, 3)], "i,i": [(4,), (4,)], "ij": [(2, 3)], "ba": [(2, 3)], "...i,...i->...": [(2, 3, 4), (2, 3, 4)],
    "ijj,k->ik": [(2, 3, 3), (4,)], "i->": [(0,)],
    "ij,ij->ij": [(3, 1), (3, 4)], "ij,jk->ik": [(3, 1), (4, 2)], "...ij,...jk->...ik": [(2, 1, 3, 4), (5, 4, 2)],
    "i,i->i": [(1,), (4,)], "bi,bi->b": [(1, 3), (2, 1)],
}


@pytest.mark.parametrize("equation", EQUATIONS)
def test_einsum_matches_torch(torch: Any, equation: str) -> None:
    rng = np.random.default_rng(2)
    values = [rng.standard_normal(s) for s in EQUATIONS[equation]]
    xs = [autograd.tensor(v, requires_grad=True) for v in values]
    ts = [torch.tensor(v, requires_grad=True) for v in values]
    ours, theirs = autograd.einsum(equation, *xs), torch.einsum(equation, *ts)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    upstream = rng.standard_normal(ours.shape)
    ours.backward(upstream)
    theirs.backward(torch.tensor(upstream))
    for x, t in zip(xs, ts, strict=True):
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert gradgradcheck(lambda *a: autograd.einsum(equation, *a) ** 2, xs)


def test_einsum_takes_a_list_and_refuses_bad_shapes() -> None:
    a = autograd.tensor(np.ones((2, 3)))
    np.testing.assert_array_equal(autograd.einsum("ij,jk", [a, a.t()]).data, np.full((2, 2), 3.0))
    with pytest.raises(autograd.ShapeError, match="subscript 'j' has size 3"):
        autograd.einsum("ij,jk->ik", a, a)
    with pytest.raises(autograd.ShapeError, match="do not fit"):
        autograd.einsum("ijk->i", a)
    with pytest.raises(ValueError, match="2 operands but 1"):
        autograd.einsum("ij,jk", a)
    with pytest.raises(autograd.ShapeError, match="do not broadcast"):
        autograd.einsum("ij,ij->ij", a, autograd.tensor(np.ones((2, 2))))
    with pytest.raises(autograd.ShapeError, match="repeated in operand 0"):
        autograd.einsum("ii->i", autograd.tensor(np.ones((1, 3))))
    with pytest.raises(RuntimeError, match="same dtype"):
        autograd.einsum("ij,jk", a, autograd.tensor(np.ones((3, 2), np.float32)))


def test_matrix_product_shape_errors_are_runtime_errors_as_in_torch() -> None:
    m, v, b = autograd.tensor(np.ones((2, 3))), autograd.tensor(np.ones(3)), autograd.tensor(np.ones((2, 3, 4)))
    cases = [(lambda: autograd.mm(v, m), "matrices"), (lambda: m.mm(m), "cannot be multiplied"),
             (lambda: m.bmm(m), "3-d"), (lambda: b.bmm(autograd.tensor(np.ones((3, 4, 2)))), "do not match"),
             (lambda: b.t(), "<= 2 dimensions")]
    for call, message in cases:
        with pytest.raises(RuntimeError, match=message):
            call()
    assert v.t() is v and m.t().shape == (3, 2)


PRODUCTS = {"matmul": lambda m, a, b: a @ b, "mm": lambda m, a, b: m.mm(a, b),
            "bmm": lambda m, a, b: m.bmm(a[None], b[None]), "matrix @ vector": lambda m, a, b: m.matmul(a, b[:, 0]),
            "dot": lambda m, a, b: m.dot(a[0], b[:, 0])}


@pytest.mark.parametrize("name", PRODUCTS)
def test_products_of_different_dtypes_raise_as_in_torch(torch: Any, name: str) -> None:
    product = PRODUCTS[name]
    for da, db in (("float32", "float64"), ("float64", "float32"), ("int64", "float32"), ("int32", "int64")):
        a, b = np.ones((2, 3), da), np.ones((3, 2), db)
        with pytest.raises(RuntimeError):
            product(torch, torch.tensor(a), torch.tensor(b))
        with pytest.raises(RuntimeError, match=f"same dtype, got {da} and {db}"):
            product(autograd, autograd.tensor(a), autograd.tensor(b))


@pytest.mark.parametrize("name", PRODUCTS)
@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_products_as_in_torch(torch: Any, name: str, dtype: str) -> None:
    a, b = np.arange(6).reshape(2, 3).astype(dtype), np.arange(6).reshape(3, 2).astype(dtype) - 2
    ours, theirs = PRODUCTS[name](autograd, autograd.tensor(a), autograd.tensor(b)), PRODUCTS[name](
        torch, torch.tensor(a), torch.tensor(b))
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_bool_products_raise() -> None:
    m = autograd.tensor(np.ones((2, 2), bool))
    with pytest.raises(RuntimeError, match="bool"):
        m @ m


def test_product_backward_casts_a_promoted_gradient_back() -> None:
    # (a @ b) · x64 hands a float64 gradient to a float32 product: it is cast back, not refused, even in Tensor mode
    a = autograd.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    b = autograd.tensor(np.full((3, 2), 2.0, np.float32))
    y = (a @ b) * autograd.tensor(np.ones((2, 2)))
    (g,) = autograd.grad(y.sum(), [a], create_graph=True)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g.data, np.full((2, 3), 4.0))


def test_nuclear_norm_matches_torch_and_refuses_what_torch_refuses(torch: Any) -> None:
    rng = np.random.default_rng(3)
    value = rng.standard_normal((2, 3, 4))
    for kw in ({"dim": (0, 2)}, {"dim": (-1, 1), "keepdim": True}, {"dim": [1, 2]}):
        x, t = autograd.tensor(value, requires_grad=True), torch.tensor(value, requires_grad=True)
        ours, theirs = x.norm("nuc", **kw), torch.norm(t, p="nuc", **kw)
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
        upstream = rng.standard_normal(ours.shape)
        ours.backward(upstream)
        theirs.backward(torch.tensor(upstream))
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-10, atol=1e-12)
    x = autograd.tensor(value, requires_grad=True)
    for kw in ({}, {"dim": 1}, {"dim": (1, 1)}, {"dim": (0, 1, 2)}):
        with pytest.raises(RuntimeError, match="'nuc'"):
            x.norm("nuc", **kw)
        with pytest.raises(RuntimeError):
            torch.norm(torch.tensor(value), p="nuc", **kw)
    (g,) = autograd.grad(autograd.norm(x[0], "nuc"), [x], create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()
