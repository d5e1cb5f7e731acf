"""Masks and checks against PyTorch: logical ops, any/all, NaN/inf tests, closeness, nonzero, ~, masked ops, triangles."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd

from .op_cases import examples


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


SPECIAL = st.sampled_from([0.0, -0.0, 1.0, -2.5, np.nan, np.inf, -np.inf, 1e-9])
ARRAYS = hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=SPECIAL)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3).flatmap(
    lambda s: st.tuples(*(hnp.arrays(np.float64, shape, elements=SPECIAL) for shape in s.input_shapes)))


def _same(ours: Any, theirs: Any) -> None:
    assert isinstance(ours, autograd.Tensor) and not ours.requires_grad
    expected = theirs.numpy()
    assert ours.dtype == expected.dtype and ours.shape == expected.shape
    np.testing.assert_array_equal(ours.data, expected)


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite", "logical_not"])
@examples(0.5)
@given(a=ARRAYS)
def test_unary_checks_match_torch(torch: Any, name: str, a: np.ndarray) -> None:
    _same(getattr(autograd, name)(autograd.tensor(a)), getattr(torch, name)(torch.tensor(a)))
    _same(getattr(autograd.tensor(a), name)(), getattr(torch.tensor(a), name)())


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
@examples(0.5)
@given(ab=PAIRS)
def test_binary_logical_ops_match_torch(torch: Any, name: str, ab: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = ab
    _same(getattr(autograd, name)(autograd.tensor(a), autograd.tensor(b)), getattr(torch, name)(torch.tensor(a),
                                                                                                 torch.tensor(b)))
    _same(getattr(autograd.tensor(a), name)(autograd.tensor(b > 0)), getattr(torch.tensor(a), name)(torch.tensor(b > 0)))


@examples(0.5)
@given(ab=PAIRS, equal_nan=st.booleans())
def test_isclose_and_allclose_match_torch(torch: Any, ab: tuple[np.ndarray, np.ndarray], equal_nan: bool) -> None:
    a, b = ab
    b = np.where(np.isfinite(b), b + 1e-7, b)  # near but not equal
    for kw in [{}, {"rtol": 0.0, "atol": 1e-9}]:
        _same(autograd.isclose(autograd.tensor(a), autograd.tensor(b), equal_nan=equal_nan, **kw),
              torch.isclose(torch.tensor(a), torch.tensor(b), equal_nan=equal_nan, **kw))
        assert (autograd.tensor(a).allclose(autograd.tensor(b), equal_nan=equal_nan, **kw)
                is torch.allclose(torch.tensor(a), torch.tensor(b), equal_nan=equal_nan, **kw))


@pytest.mark.parametrize("name", ["any", "all"])
@pytest.mark.parametrize("dtype", ["float64", "bool", "uint8", "int64"])
def test_any_all_match_torch(torch: Any, name: str, dtype: str) -> None:
    a = np.array([[0, 1, 2], [0, 0, 0], [3, 4, 5]]).astype(dtype)
    t, x = torch.tensor(a), autograd.tensor(a)
    _same(getattr(autograd, name)(x), getattr(torch, name)(t))
    _same(getattr(x, name)(dim=1), getattr(t, name)(dim=1))
    _same(getattr(x, name)(0, keepdim=True), getattr(t, name)(0, keepdim=True))
    _same(getattr(x, name)(axis=-1, keepdims=True), getattr(t, name)(-1, keepdim=True))


@examples(0.5)
@given(a=ARRAYS)
def test_nonzero_matches_torch(torch: Any, a: np.ndarray) -> None:
    _same(autograd.nonzero(autograd.tensor(a)), torch.nonzero(torch.tensor(a)))
    ours, theirs = autograd.tensor(a).nonzero(as_tuple=True), torch.tensor(a).nonzero(as_tuple=True)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs, strict=True):
        _same(o, t)


@pytest.mark.parametrize("dtype", ["bool", "int64", "int32", "uint8"])
def test_invert_matches_torch(torch: Any, dtype: str) -> None:
    a = np.array([0, 1, 5, 0]).astype(dtype)
    _same(~autograd.tensor(a), ~torch.tensor(a))
    _same(autograd.bitwise_not(autograd.tensor(a)), torch.bitwise_not(torch.tensor(a)))
    _same(autograd.tensor(a).bitwise_not(), torch.tensor(a).bitwise_not())


def test_invert_of_a_float_tensor_raises_naming_the_fix() -> None:
    with pytest.raises(TypeError, match="logical_not"):
        ~autograd.tensor(np.array([1.0, 0.0]))


def test_masked_ops_refuse_a_float_mask() -> None:
    x = autograd.tensor(np.ones(3))
    for op in [lambda m: x.masked_fill(m, 0.0), lambda m: x.masked_select(m)]:
        with pytest.raises(TypeError, match="bool"):
            op(np.array([1.0, 0.0, 1.0]))


def test_masked_ops_broadcast_as_torch(torch: Any) -> None:
    a, mask = np.arange(3.0), np.array([[True], [False]])
    _same(autograd.masked_fill(autograd.tensor(a), mask, -1.0).detach(),
          torch.masked_fill(torch.tensor(a), torch.tensor(mask), -1.0))
    _same(autograd.masked_select(autograd.tensor(a), mask).detach(),
          torch.masked_select(torch.tensor(a), torch.tensor(mask)))
    with pytest.raises(autograd.ShapeError, match="does not broadcast"):
        autograd.masked_fill(autograd.tensor(a), np.array([True, False]), 0.0)


def test_masked_fill_with_a_tensor_value_passes_it_the_filled_gradient(torch: Any) -> None:
    a, mask = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([True, False])
    x, v = autograd.tensor(a, requires_grad=True), autograd.tensor(np.array(0.5), requires_grad=True)
    tx, tv = torch.tensor(a, requires_grad=True), torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    (x.masked_fill(mask, v) * autograd.tensor(a)).sum().backward()
    (tx.masked_fill(torch.tensor(mask), tv) * torch.tensor(a)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
    assert v.grad.item() == tv.grad.item() == 4.0
    with pytest.raises(autograd.ShapeError, match="0-dimensional"):
        x.masked_fill(mask, autograd.tensor(np.ones(2)))


@pytest.mark.parametrize("diagonal", [-2, -1, 0, 1, 3])
def test_triangles_match_torch(torch: Any, diagonal: int) -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    for name in ["tril", "triu"]:
        _same(getattr(autograd, name)(autograd.tensor(a), diagonal).detach(), getattr(torch, name)(torch.tensor(a),
                                                                                                   diagonal))
    with pytest.raises(autograd.ShapeError, match="at least 2 dimensions"):
        autograd.tril(autograd.tensor(np.ones(3)))
