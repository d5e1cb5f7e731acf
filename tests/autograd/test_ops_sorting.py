"""Sorting and selection at their edges, against PyTorch: ties and stability, NaN, even-length medians,
named results, int64 indices, and gradients that reach exactly the selected elements."""

from __future__ import annotations

import numpy as np
import pytest

import autograd

torch = pytest.importorskip("torch")

TIES = np.array([[2.0, 1.0, 2.0, 3.0, 1.0, 2.0], [0.0, 0.0, 5.0, -1.0, 5.0, 0.0]])


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sort_with_ties_is_stable_as_torch_stable(descending: bool, dim: int) -> None:
    ours = autograd.sort(autograd.tensor(TIES), dim=dim, descending=descending)
    theirs = torch.sort(torch.tensor(TIES), dim=dim, descending=descending, stable=True)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert ours.indices.dtype == np.int64
    np.testing.assert_array_equal(autograd.argsort(autograd.tensor(TIES), dim=dim, descending=descending).data,
                                  theirs.indices.numpy())


@pytest.mark.parametrize("descending", [False, True])
def test_sort_puts_nan_where_torch_does(descending: bool) -> None:
    a = np.array([1.0, np.nan, -np.inf, np.inf, 0.0, np.nan])
    ours = autograd.tensor(a).sort(descending=descending)
    theirs = torch.tensor(a).sort(descending=descending, stable=True)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())


def test_sort_of_integers_including_extremes() -> None:
    a = np.array([np.iinfo(np.int64).min, 3, np.iinfo(np.int64).max, 3, 0])
    ours, theirs = autograd.sort(autograd.tensor(a), descending=True), torch.sort(torch.tensor(a), descending=True,
                                                                                   stable=True)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())


def test_results_are_named_tuples() -> None:
    x = autograd.tensor(TIES)
    values, indices = x.sort()
    assert values is not None and indices.dtype == np.int64
    for result in [x.sort(), x.topk(2), x.kthvalue(1), x.median(1)]:
        assert result._fields == ("values", "indices")


@pytest.mark.parametrize("n", [1, 2, 4, 5])
def test_median_is_the_lower_median_as_torch(n: int) -> None:
    a = np.arange(float(n))[::-1] * 1.5
    np.testing.assert_array_equal(autograd.median(autograd.tensor(a)).data, torch.median(torch.tensor(a)).numpy())
    ours, theirs = autograd.tensor(a).median(0), torch.tensor(a).median(0)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())


def test_median_with_nan_is_nan_as_torch() -> None:
    a = np.array([[1.0, np.nan, 0.0, 2.0], [3.0, 1.0, 2.0, 0.0]])
    ours, theirs = autograd.tensor(a).median(1), torch.tensor(a).median(1)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert np.isnan(autograd.median(autograd.tensor(a)).item())
    assert np.isnan(autograd.median(autograd.tensor(np.zeros(0))).item())


def test_keepdim_and_zero_dimensional_inputs_match_torch() -> None:
    a = np.array([[4.0, 1.0, 3.0], [0.5, 2.0, 9.0]])
    for call in [lambda t: t.median(1, keepdim=True), lambda t: t.kthvalue(2, 0, keepdim=True),
                 lambda t: t.kthvalue(3), lambda t: t.topk(2, 0, largest=False)]:
        ours, theirs = call(autograd.tensor(a)), call(torch.tensor(a))
        assert ours.values.shape == tuple(theirs.values.shape)
        np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    for call in [lambda t: t.sort(), lambda t: t.topk(1), lambda t: t.kthvalue(1), lambda t: t.median(0)]:
        ours, theirs = call(autograd.tensor(np.array(2.5))), call(torch.tensor(2.5))
        assert ours.values.shape == () == tuple(theirs.values.shape) and ours.indices.item() == 0


@pytest.mark.parametrize("call", [lambda t: t.sort(0, descending=True).values, lambda t: t.topk(2).values,
                                  lambda t: t.kthvalue(2, 0).values, lambda t: t.median(1).values,
                                  lambda t: t.median()])
def test_gradients_reach_the_selected_elements_as_torch(call: object) -> None:
    a = np.array([[0.3, -1.2, 2.5, 0.9], [1.1, 0.4, -0.7, 3.3], [2.2, -2.0, 0.0, 1.7]])
    x, tx = autograd.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, tout = call(x), call(tx)
    upstream = np.arange(1.0, out.numel() + 1).reshape(out.shape)
    out.backward(autograd.tensor(upstream))
    tout.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


def test_tied_selection_sends_the_whole_gradient_to_one_element() -> None:
    x = autograd.tensor(np.array([2.0, 1.0, 2.0, 2.0, 1.0]), requires_grad=True)
    values, indices = x.median(0)
    values.backward()
    assert x.grad.data.sum() == 1.0 and x.grad.data[indices.item()] == 1.0


@pytest.mark.parametrize(("call", "match"), [(lambda t: t.topk(7), "topk"), (lambda t: t.kthvalue(0), "kthvalue"),
                                             (lambda t: t.kthvalue(7), "kthvalue"),
                                             (lambda t: t[:0].median(0), "empty")])
def test_selection_out_of_range_raises(call: object, match: str) -> None:
    with pytest.raises(autograd.ShapeError, match=match):
        call(autograd.tensor(np.arange(6.0)))
    with pytest.raises((RuntimeError, IndexError)):
        call(torch.arange(6.0))


def test_axis_and_keepdims_are_accepted() -> None:
    x = autograd.tensor(TIES)
    np.testing.assert_array_equal(x.sort(axis=0).values.data, x.sort(dim=0).values.data)
    assert x.median(axis=1, keepdims=True).values.shape == (2, 1)
    assert x.kthvalue(1, axis=0, keepdims=True).values.shape == (1, 6)
