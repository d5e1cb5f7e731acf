"""Cumulative ops against PyTorch: cumprod through zeros (first and second derivatives), cummax/cummin indices
with ties and NaN, logcumsumexp at large magnitudes, dtypes and the dim argument."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd
from autograd.gradcheck import gradcheck, gradgradcheck


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


WITH_ZEROS = [[2.0, 0.0, 3.0, 4.0], [0.0, 5.0, 0.0, 2.0], [1.5, 2.0, -1.0, 0.0], [0.0, 0.0, 0.0, 0.0],
              [[0.5, 0.0], [2.0, 3.0], [0.0, -1.0]]]


def _first_and_second(lib: Any, value: Any, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """∂⟨w, cumprod(x)⟩/∂x and the Hessian-vector product with v, for fixed w and v."""
    a = np.array(value)
    w, v = np.linspace(-1.0, 2.0, a.size).reshape(a.shape), np.linspace(0.5, -1.5, a.size).reshape(a.shape)
    x = lib.tensor(a, requires_grad=True)
    out = (lib.cumprod(x, dim) * lib.tensor(w)).sum()
    if lib is autograd:
        (g,) = autograd.grad(out, [x], create_graph=True)
        (h,) = autograd.grad((g * autograd.tensor(v)).sum(), [x])
        return g.data, h.data
    (g,) = lib.autograd.grad(out, [x], create_graph=True)
    (h,) = lib.autograd.grad((g * lib.tensor(v)).sum(), [x])
    return g.detach().numpy(), h.numpy()


@pytest.mark.parametrize("value", WITH_ZEROS)
@pytest.mark.parametrize("dim", [0, -1])
def test_cumprod_with_zeros_first_and_second_derivatives_match_torch(torch: Any, value: Any, dim: int) -> None:
    for ours, theirs in zip(_first_and_second(autograd, value, dim), _first_and_second(torch, value, dim), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("value", WITH_ZEROS)
def test_cumprod_with_zeros_passes_gradcheck_and_gradgradcheck(value: Any) -> None:
    x = autograd.tensor(np.array(value), requires_grad=True)
    assert gradcheck(lambda t: autograd.cumprod(t, 0), [x])
    assert gradgradcheck(lambda t: autograd.cumprod(t, 0), [x])


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("value", [[1.0, 1.0, 3.0, np.nan, 2.0, np.nan], [3.0, 1.0, 3.0, 0.0, 3.0],
                                   [[1.0, 2.0, 2.0], [0.0, -1.0, 5.0]], 4.0])
def test_cummax_cummin_values_indices_and_gradients_match_torch(torch: Any, name: str, value: Any) -> None:
    a = np.array(value)
    x, t = autograd.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    for dim in range(-1, max(a.ndim, 1)):
        ours, theirs = getattr(x, name)(dim), getattr(torch, name)(t, dim)
        values, indices = ours
        assert values is ours.values and indices is ours.indices
        np.testing.assert_array_equal(values.data, theirs.values.detach().numpy())
        assert indices.dtype == np.int64 and not indices.requires_grad
        np.testing.assert_array_equal(indices.data, theirs.indices.numpy())
        upstream = np.arange(1.0, a.size + 1).reshape(a.shape)
        x.grad, t.grad = None, None
        values.backward(upstream)
        theirs.values.backward(torch.tensor(upstream))
        np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


@pytest.mark.parametrize("value", [[-1000.0, 0.0, 1000.0], [800.0, -800.0, 3.0], [-np.inf, 0.0, 1.0], [np.inf, 1.0]])
def test_logcumsumexp_at_large_magnitudes_matches_torch(torch: Any, value: list[float]) -> None:
    a = np.array(value)
    x, t = autograd.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = autograd.logcumsumexp(x, 0), torch.logcumsumexp(t, 0)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-15)
    upstream = np.array([0.5, -2.0, 1.0][: a.size])
    ours.backward(upstream)
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("dtype", ["bool", "int32", "int64", "uint8"])
def test_integer_cumsum_and_cumprod_give_int64_as_torch(torch: Any, dtype: str) -> None:
    a = np.array([[1, 0, 1], [1, 1, 0]]).astype(dtype)
    for name in ["cumsum", "cumprod"]:
        ours, theirs = getattr(autograd, name)(autograd.tensor(a), 1), getattr(torch, name)(torch.tensor(a), 1)
        assert ours.dtype == theirs.numpy().dtype
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    assert autograd.cumsum(autograd.tensor(a), 0, dtype=np.float64).dtype == np.float64


def test_dim_spellings_and_a_missing_dim() -> None:
    x = autograd.tensor(np.arange(6.0).reshape(2, 3))
    for name in ["cumsum", "cumprod", "logcumsumexp"]:
        np.testing.assert_array_equal(getattr(x, name)(axis=1).data, getattr(x, name)(dim=1).data)
        with pytest.raises(TypeError, match="missing the dimension"):
            getattr(x, name)()
        with pytest.raises(np.exceptions.AxisError):
            getattr(x, name)(2)
    np.testing.assert_array_equal(x.cummax(axis=0).indices.data, x.cummax(0).indices.data)
