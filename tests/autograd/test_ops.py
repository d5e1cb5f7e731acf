"""Every row of the op registry through the same checks, plus the documented sub-gradients at kinks and ties.

For each op, hypothesis draws float64 inputs (0-d and size-1 dimensions included, broadcasting
pairs for binary ops) with ``autograd.testing``'s strategies and checks: the forward against
NumPy; gradients for a random upstream gradient against central differences (each ``.grad``
shaped like its input, inputs and upstream untouched); dtype (float32 in, float32 out) and the
graph freed after backward; second derivatives (gradgradcheck); and forward and gradients against
PyTorch when installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd.gradcheck import gradgradcheck
from autograd.testing import assert_gradients_match

from .op_cases import OPS, OpCase, examples

NOT_DIFFERENTIABLE = {"argmax", "argmin", "eq", "ne", "lt", "le", "gt", "ge"}
NOT_DIFFERENTIABLE |= {"argsort"}  # int64 indices
NOT_DIFFERENTIABLE |= {"greater", "greater_equal", "less", "less_equal", "not_equal", "equal", "bitwise_and",
                       "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "signbit", "isposinf",
                       "isneginf", "heaviside", "count_nonzero", "broadcast_shapes", "unique", "bincount",
                       "searchsorted", "bucketize"}  # tested in test_torch_names.py
NOT_DIFFERENTIABLE |= {"all", "allclose", "any", "bitwise_not", "isclose", "isfinite", "isinf", "isnan", "logical_and",
                       "logical_not", "logical_or", "logical_xor", "nonzero"}  # tested in test_ops_logical.py
# Tensor members that are not differentiable ops, or (float) only cast to the float32 default, where
# central differences cannot resolve the gradient
NOT_OPS = {
    "__array__", "__bool__", "__deepcopy__", "__eq__", "__float__", "__ge__", "__gt__", "__hash__", "__init__",
    "__int__", "__le__", "__len__", "__lt__", "__ne__", "__reduce_ex__", "__repr__", "argmax", "argmin",
    "backward", "detach", "dtype", "float", "grad", "is_leaf", "item", "ndim", "numel", "numpy", "register_hook",
    "requires_grad_", "retain_grad", "shape", "size", "tolist", "zero_grad",
    # in-place updates: recorded as add/sub/mul/div (which have rows) when a gradient is needed
    "__iadd__", "__isub__", "__imul__", "__itruediv__", "_in_place", "_bump_version",
    # conversions to float16 (central differences cannot resolve it) or to integers (no gradient), in-place
    # fills, dimension queries, and NumPy's hook (its ops have rows as the reflected operators)
    "__array_ufunc__", "bool", "detach_", "dim", "fill_", "half", "int", "long", "zero_",
    "__new__",  # the compiled class (an extension type) lists its constructor
    # in-place methods: the out-of-place ops they write back have rows (test_in_place_methods.py)
    "_update", "add_", "clamp_", "div_", "masked_fill_", "mul_", "scatter_", "scatter_add_", "sub_",
}
NOT_OPS |= {"argsort"}  # int64 indices
# comparisons, bitwise ops and tests as methods, and what PyTorch code asks of a tensor: test_torch_names.py
NOT_OPS |= {"eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal", "not_equal", "equal",
            "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__lshift__", "__rlshift__",
            "__rshift__", "__rrshift__", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
            "bitwise_right_shift", "signbit", "isposinf", "isneginf", "heaviside", "count_nonzero",
            "is_floating_point", "is_complex", "is_signed", "ndimension", "nelement", "element_size", "itemsize",
            "nbytes", "is_contiguous", "cpu", "device", "is_cpu", "is_cuda", "new_zeros", "new_ones", "new_empty",
            "new_full", "new_tensor", "multinomial", "bernoulli", "unique", "bincount",
            "index_add_", "index_fill_", "index_copy_"}
NOT_OPS |= {"__invert__", "bitwise_not", "all", "allclose", "any", "isclose", "isfinite", "isinf", "isnan", "logical_and",
            "logical_not", "logical_or", "logical_xor", "nonzero"}  # masks and checks: test_ops_logical.py


def _tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, tuple | list) else (x,)


def _ids(cases: list[OpCase]) -> list[str]:
    return [c.name for c in cases]


TWICE = [c for c in OPS if c.differentiable_twice]
WITH_TORCH = [c for c in OPS if c.torch_fn is not None]


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


def test_registry_names_are_unique() -> None:
    names = _ids(OPS)
    assert len(names) == len(set(names))


def test_every_differentiable_op_has_a_row() -> None:
    ops = set(autograd.ops.__all__) - NOT_DIFFERENTIABLE
    missing = ops - {c.op for c in OPS}
    assert not missing, f"no OpCase row for {sorted(missing)}"


def test_every_differentiable_tensor_method_has_a_row() -> None:
    members = {k for k, v in vars(autograd.Tensor).items() if callable(v) or isinstance(v, property)}
    missing = {f"Tensor.{m}" for m in members - NOT_OPS} - {c.op for c in OPS}
    assert not missing, f"no OpCase row for {sorted(missing)}"


@pytest.mark.parametrize("case", OPS, ids=_ids(OPS))
@examples(0.5)
@given(data=st.data())
def test_forward_matches_numpy(case: OpCase, data: st.DataObject) -> None:
    xs = data.draw(case.inputs())
    out = _tuple(case.fn(*xs))
    ref = _tuple(case.numpy_ref(*(x.data for x in xs)))
    assert len(out) == len(ref)
    for o, r in zip(out, ref, strict=True):
        assert isinstance(o, autograd.Tensor)
        assert o.shape == np.shape(r)
        np.testing.assert_allclose(o.data, r, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", OPS, ids=_ids(OPS))
@examples(1.0)
@given(data=st.data())
def test_gradients_match_central_differences(case: OpCase, data: st.DataObject) -> None:
    xs = data.draw(case.inputs())
    assert_gradients_match(case.fn, *xs, name=case.name)


@pytest.mark.parametrize("case", OPS, ids=_ids(OPS))
@examples(0.2)
@given(data=st.data())
def test_float32_in_float32_out_and_graph_freed(case: OpCase, data: st.DataObject) -> None:
    xs = data.draw(case.inputs(np.float32))
    expected = np.dtype(case.out_dtype or np.float32)
    outs = _tuple(case.fn(*xs))
    for o, r in zip(outs, _tuple(case.numpy_ref(*(x.data for x in xs))), strict=True):
        assert o.dtype == expected == np.asarray(r).dtype
    upstream = [np.ones(o.shape, o.dtype) for o in outs]
    autograd.backward(list(outs), upstream)
    for x in xs:
        assert x.grad is None or x.grad.dtype == np.float32
    for o, u in zip(outs, upstream, strict=True):  # the graph was freed
        if o.grad_fn is not None:
            with pytest.raises(RuntimeError, match="backward through the graph a second time"):
                o.backward(u)


@pytest.mark.parametrize("case", OPS, ids=_ids(OPS))
@examples(0.2)
@given(data=st.data())
def test_backward_on_arrays_equals_backward_on_tensors(case: OpCase, data: st.DataObject) -> None:
    # without create_graph the rules run on bare arrays (Function.arrays_ok); with it, on Tensors
    xs = data.draw(case.inputs())
    rng = np.random.default_rng(0)
    outs = _tuple(case.fn(*xs))
    upstream = [rng.standard_normal(o.shape) for o in outs]
    on_arrays = autograd.grad(list(outs), xs, upstream, retain_graph=True, allow_unused=True)
    on_tensors = autograd.grad(list(outs), xs, upstream, create_graph=True, allow_unused=True)
    for a, t in zip(on_arrays, on_tensors, strict=True):
        assert (a is None) == (t is None)
        if a is not None:
            _assert_same_gradient(a, t)


def _assert_same_gradient(a: autograd.Tensor, t: autograd.Tensor) -> None:
    """One gradient computed on arrays and on Tensors: same type, dtype and shape, and equal to rounding.

    An entry that cancels to near 0 carries the rounding of the terms it came from, which are as large as the
    largest entry or larger, so the absolute tolerance is in units of the largest entry."""
    assert type(a.data) is np.ndarray and a.dtype == t.dtype and a.shape == t.shape
    atol = 1e-13 * max(1.0, float(np.abs(t.data).max(initial=0.0)))
    np.testing.assert_allclose(a.data, t.data, rtol=1e-12, atol=atol)


def test_det_gradient_entries_that_cancel_agree_to_rounding_on_arrays_and_tensors() -> None:
    # found by hypothesis: A ≈ 3·I, det ≈ 27; the off-diagonal gradient entries cancel to ~1.8e-13, and the
    # two paths' A⁻¹ leave 1.68e-13 against 1.79e-13 there (a difference of 1.1e-14: rounding of terms near 9)
    a = np.full((2, 3, 3), 4.90801808e-13)
    a[1, 2, 0] = 0.234375
    x = autograd.tensor(a, dtype=np.float64, requires_grad=True)
    out = (x + x.new_tensor(3.0 * np.eye(3))).det()
    upstream = [np.random.default_rng(0).standard_normal(out.shape)]
    (on_arrays,) = autograd.grad([out], [x], upstream, retain_graph=True)
    (on_tensors,) = autograd.grad([out], [x], upstream, create_graph=True)
    _assert_same_gradient(on_arrays, on_tensors)
    np.testing.assert_allclose(on_arrays.data, np.linalg.det(a + 3 * np.eye(3))[:, None, None]
                               * np.swapaxes(np.linalg.inv(a + 3 * np.eye(3)), -1, -2)
                               * upstream[0][:, None, None], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", TWICE, ids=_ids(TWICE))
@examples(0.2)
@given(data=st.data())
def test_second_derivatives(case: OpCase, data: st.DataObject) -> None:
    xs = data.draw(case.inputs())
    assert gradgradcheck(case.fn, xs)


@pytest.mark.parametrize("case", WITH_TORCH, ids=_ids(WITH_TORCH))
@examples(0.3)
@given(data=st.data())
def test_matches_torch(torch: Any, case: OpCase, data: st.DataObject) -> None:
    xs = data.draw(case.inputs())
    txs = [torch.tensor(x.data, requires_grad=True) for x in xs]
    ours, theirs = _tuple(case.fn(*xs)), _tuple(case.torch_fn(*txs))
    assert len(ours) == len(theirs)
    rng = np.random.default_rng(0)
    upstream = [rng.standard_normal(o.shape) for o in ours]
    for o, t in zip(ours, theirs, strict=True):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-10, atol=1e-10)
    autograd.backward(list(ours), upstream)
    torch.autograd.backward(list(theirs), [torch.tensor(u) for u in upstream])
    for x, tx in zip(xs, txs, strict=True):
        expected = np.zeros(x.shape) if tx.grad is None else tx.grad.numpy(force=True)  # force: a ZeroTensor (sgn)
        got = np.zeros(x.shape) if x.grad is None else x.grad.data
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def _grads(fn: Any, *values: Any) -> list[np.ndarray]:
    xs = [autograd.tensor(np.array(v, dtype=np.float64), requires_grad=True) for v in values]
    fn(*xs).sum().backward()
    return [x.grad.data for x in xs]


def _torch_grads(torch: Any, fn: Any, *values: Any) -> list[np.ndarray]:
    xs = [torch.tensor(np.array(v, dtype=np.float64), requires_grad=True) for v in values]
    fn(*xs).sum().backward()
    return [x.grad.numpy() for x in xs]


KINKS = {  # name: (op, its derivative away from 0, the torch op)
    "relu": (autograd.relu, lambda x: (x > 0).astype(float), lambda t, x: t.relu(x)),
    "abs": (autograd.abs, np.sign, lambda t, x: t.abs(x)),
    "sign": (autograd.sign, np.zeros_like, lambda t, x: t.sign(x)),
}


@pytest.mark.parametrize("name", KINKS)
def test_gradient_at_zero_is_zero(name: str) -> None:
    x = np.array([-2.0, 0.0, 3.0])
    (g,) = _grads(KINKS[name][0], x)
    assert g[1] == 0.0
    np.testing.assert_array_equal(g[[0, 2]], KINKS[name][1](x[[0, 2]]))


@pytest.mark.parametrize("name", KINKS)
def test_gradient_at_zero_matches_torch(torch: Any, name: str) -> None:
    ours, _, theirs = KINKS[name]
    np.testing.assert_array_equal(_grads(ours, [-2.0, 0.0, 3.0])[0],
                                  _torch_grads(torch, lambda x: theirs(torch, x), [-2.0, 0.0, 3.0])[0])


TIES = {
    "maximum": (autograd.maximum, lambda t, a, b: t.maximum(a, b)),
    "minimum": (autograd.minimum, lambda t, a, b: t.minimum(a, b)),
}


@pytest.mark.parametrize("name", TIES)
def test_elementwise_ties_split_the_gradient_in_half(name: str) -> None:
    a, b = [1.0, 2.0, 5.0], [1.0, 3.0, 4.0]
    ga, gb = _grads(TIES[name][0], a, b)
    assert ga[0] == gb[0] == 0.5
    np.testing.assert_array_equal(ga + gb, np.ones(3))


@pytest.mark.parametrize("name", TIES)
def test_elementwise_ties_match_torch(torch: Any, name: str) -> None:
    ours, theirs = TIES[name]
    a, b = [1.0, 2.0, 5.0], [1.0, 3.0, 4.0]
    for g, tg in zip(_grads(ours, a, b), _torch_grads(torch, lambda x, y: theirs(torch, x, y), a, b), strict=True):
        np.testing.assert_array_equal(g, tg)


def test_full_max_ties_share_the_gradient_evenly() -> None:
    (g,) = _grads(autograd.max, [3.0, 3.0, 1.0])
    np.testing.assert_array_equal(g, [0.5, 0.5, 0.0])
    (g,) = _grads(autograd.min, [1.0, 4.0, 1.0, 1.0])
    np.testing.assert_allclose(g, [1 / 3, 0.0, 1 / 3, 1 / 3], rtol=1e-15)


def test_reduction_ties_match_torch_amax_amin(torch: Any) -> None:
    x = [[3.0, 3.0, 1.0], [0.0, 2.0, 2.0]]
    for ours, theirs in [(lambda t: autograd.max(t), lambda t: t.amax()),
                         (lambda t: autograd.amax(t, axis=1), lambda t: t.amax(1)),
                         (lambda t: autograd.amin(t, axis=0), lambda t: t.amin(0))]:
        np.testing.assert_array_equal(_grads(ours, x)[0], _torch_grads(torch, theirs, x)[0])


def test_repeated_integer_indices_accumulate() -> None:
    (g,) = _grads(lambda x: x[[0, 0, 1]], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(g, [2.0, 1.0, 0.0])
    (g,) = _grads(lambda x: x[[0, 0], [1, 1]], [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(g, [[0.0, 2.0], [0.0, 0.0]])


def test_clip_bounds_are_inside(torch: Any) -> None:
    x = [-1.0, -0.5, 1.0, 2.0]
    (g,) = _grads(lambda t: autograd.clip(t, -1.0, 1.0), x)
    np.testing.assert_array_equal(g, _torch_grads(torch, lambda t: t.clamp(-1.0, 1.0), x)[0])
    assert g[0] == g[2] == 1.0


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0], [0.0, 5.0, 0.0], [[1.5, 0.0], [2.0, -3.0]]])
def test_prod_with_zeros_is_exact(torch: Any, values: list[Any]) -> None:
    for ours, theirs in [(autograd.prod, lambda t: t.prod()), (lambda t: autograd.prod(t, axis=-1),
                                                             lambda t: t.prod(-1))]:
        np.testing.assert_allclose(_grads(ours, values)[0], _torch_grads(torch, theirs, values)[0], rtol=1e-15)
