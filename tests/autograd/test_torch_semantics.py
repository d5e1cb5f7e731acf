"""PyTorch names mean what PyTorch means: values, dtypes, shapes, errors and edge-case gradients, each against torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd.testing import shapes

from .op_cases import examples

torch = pytest.importorskip("torch")


def _dtype(t: Any) -> np.dtype:
    """A torch tensor's dtype as NumPy's."""
    return np.dtype(str(t.dtype).removeprefix("torch."))


def _same(ours: autograd.Tensor, theirs: Any) -> None:
    assert ours.dtype == _dtype(theirs) and ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-6, equal_nan=True)


def _grad_pair(fn: Any, values: Any, dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """∂(Σ fn(x))/∂x from chainrule and from torch, for the same values."""
    x = autograd.tensor(np.array(values, dtype=dtype), requires_grad=True)
    fn(x).sum().backward()
    tx = torch.tensor(np.array(values, dtype=dtype), requires_grad=True)
    fn(tx).sum().backward()
    return x.grad.data, tx.grad.numpy()


def _module(x: Any) -> Any:
    return torch if isinstance(x, torch.Tensor) else autograd


class TestMaxMin:
    @examples(0.5)
    @given(shape=shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
    def test_over_a_dim_values_and_indices(self, shape: tuple[int, ...], data: st.DataObject) -> None:
        a = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=int(np.prod(shape)),
                                        max_size=int(np.prod(shape))))).reshape(shape)  # few distinct values: ties
        dim = data.draw(st.integers(-len(shape), len(shape) - 1))
        keepdim = data.draw(st.booleans())
        for name in ("max", "min"):
            ours = getattr(autograd.tensor(a), name)(dim, keepdim=keepdim)
            theirs = getattr(torch.tensor(a), name)(dim, keepdim=keepdim)
            assert type(ours).__name__ == "ValuesIndices" and ours._fields == ("values", "indices")
            _same(ours.values, theirs.values)
            _same(ours.indices, theirs.indices)
            g, tg = _grad_pair(lambda x, name=name: getattr(x, name)(dim=dim, keepdim=keepdim)[0], a)
            np.testing.assert_array_equal(g, tg)  # a tie's gradient goes to the returned index only

    def test_without_dim_a_value_and_amax_splits_ties(self) -> None:
        a = [[3.0, 3.0, 1.0], [0.0, 3.0, 2.0]]
        _same(autograd.tensor(a).max(), torch.tensor(a).max())
        for fn in (lambda x: x.amax(), lambda x: x.amax(1), lambda x: x.amin(dim=0, keepdim=True), lambda x: x.max()):
            g, tg = _grad_pair(fn, a)
            np.testing.assert_array_equal(g, tg)

    def test_of_two_tensors_is_elementwise(self) -> None:
        a, b = [1.0, 5.0, 2.0], [3.0, 4.0, 2.0]
        _same(autograd.max(autograd.tensor(a), autograd.tensor(b)), torch.max(torch.tensor(a), torch.tensor(b)))
        _same(autograd.min(autograd.tensor(a), autograd.tensor(b)), torch.min(torch.tensor(a), torch.tensor(b)))

    def test_zero_d_and_unpacking(self) -> None:
        values, indices = autograd.tensor(2.5).max(0)
        tv, ti = torch.tensor(2.5).max(0)
        _same(values, tv)
        _same(indices, ti)

    def test_several_dims_name_amax(self) -> None:
        with pytest.raises(TypeError, match="amax"):
            autograd.ones(2, 3).max(dim=(0, 1))


class TestDtypes:
    @pytest.mark.parametrize("make", [
        lambda m: m.tensor([0, 1]), lambda m: m.tensor(3), lambda m: m.tensor([True]), lambda m: m.tensor([1, 2.0]),
        lambda m: m.arange(5), lambda m: m.arange(0.0, 2), lambda m: m.arange(0, 3, 0.5), lambda m: m.full((2,), 4),
        lambda m: m.full((2,), 4.0), lambda m: m.full((2,), True), lambda m: m.zeros(2),
        lambda m: m.full_like(m.tensor([1, 2]), 7), lambda m: m.full_like(m.tensor([1.0, 2.0]), 7),
    ])
    def test_creation(self, make: Any) -> None:
        _same(make(autograd), make(torch))

    @pytest.mark.parametrize("op", [
        lambda m, a, b: a / b, lambda m, a, b: a * b - a, lambda m, a, b: a.exp(), lambda m, a, b: a.sqrt(),
        lambda m, a, b: a * 2.5, lambda m, a, b: 2.5 - a, lambda m, a, b: a + b.float(), lambda m, a, b: a ** 0.5,
        lambda m, a, b: a ** 2, lambda m, a, b: a.float() ** b, lambda m, a, b: m.maximum(a, b.float()),
        lambda m, a, b: m.where(a > 1, a, b.float()), lambda m, a, b: a.sum(), lambda m, a, b: (a > 1).sum(),
        lambda m, a, b: a.prod(), lambda m, a, b: a.sigmoid(), lambda m, a, b: m.erf(a),
    ])
    def test_promotion(self, op: Any) -> None:
        a, b = [1, 2, 3], [2, 2, 4]
        _same(op(autograd, autograd.tensor(a), autograd.tensor(b)), op(torch, torch.tensor(a), torch.tensor(b)))

    def test_numpy_arrays_keep_their_dtype(self) -> None:
        for a in (np.arange(3, dtype=np.int32), np.ones(2, np.float64), np.ones(2, np.uint8)):
            _same(autograd.tensor(a), torch.tensor(a))

    @pytest.mark.parametrize("name", ["float16", "half", "float32", "float", "float64", "double", "uint8", "int8",
                                      "int16", "short", "int32", "int", "int64", "long", "bool"])
    def test_pytorch_dtype_names(self, name: str) -> None:
        ours, theirs = getattr(autograd, name), getattr(torch, name)
        _same(autograd.tensor([0, 1, 2], dtype=ours), torch.tensor([0, 1, 2], dtype=theirs))
        _same(autograd.tensor([0.5, 2.0]).to(ours), torch.tensor([0.5, 2.0]).to(theirs))
        _same(autograd.zeros(2, dtype=ours), torch.zeros(2, dtype=theirs))

    def test_star_import_keeps_the_builtins(self) -> None:
        namespace: dict[str, Any] = {}
        exec("from autograd import *", namespace)
        assert not {"float", "int", "bool"} & set(namespace)

    def test_a_product_of_mixed_float_dtypes_is_refused_as_in_pytorch(self) -> None:
        x, layer, theirs = np.ones((2, 3)), nn.Linear(3, 1), torch.nn.Linear(3, 1)  # float64 data, float32 layers
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(layer.weight.data)), theirs.bias.copy_(torch.tensor(layer.bias.data))
        with pytest.raises(RuntimeError, match=r"float64 and float32.*\.float\(\)"):
            layer(autograd.tensor(x))
        with pytest.raises(RuntimeError):
            theirs(torch.tensor(x))
        _same(layer(autograd.tensor(x, dtype=autograd.float32)), theirs(torch.tensor(x, dtype=torch.float32)))
        _same(layer(autograd.tensor(x).float()), theirs(torch.tensor(x).float()))

    def test_float_is_float32_whatever_the_default(self) -> None:
        autograd.set_default_dtype(np.float64)
        assert autograd.tensor([1.5]).dtype == np.float64
        assert autograd.tensor([1.5]).float().dtype == np.float32
        assert (autograd.tensor([1, 2]) / 2).dtype == np.float64  # the default float

    def test_mean_of_integers_needs_a_float_dtype(self) -> None:
        with pytest.raises(RuntimeError, match="dtype="):  # as PyTorch's
            autograd.tensor([1, 2]).mean()
        with pytest.raises(RuntimeError):
            torch.tensor([1, 2]).mean()
        _same(autograd.tensor([1, 2]).mean(dtype=np.float32), torch.tensor([1, 2]).mean(dtype=torch.float32))


_DTYPES = ["bool", "uint8", "int32", "int64", "float32", "float64"]
_BINARY = {
    "add": lambda m, a, b: a + b, "sub": lambda m, a, b: a - b, "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b, "pow": lambda m, a, b: a ** b, "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b), "where": lambda m, a, b: m.where(m.tensor([True, False, True]), a, b),
    "atan2": lambda m, a, b: m.atan2(a, b), "fmod": lambda m, a, b: m.fmod(a, b),
    "remainder": lambda m, a, b: m.remainder(a, b), "floor_divide": lambda m, a, b: m.floor_divide(a, b),
    "copysign": lambda m, a, b: m.copysign(a, b), "hypot": lambda m, a, b: m.hypot(a, b),
    "logaddexp": lambda m, a, b: m.logaddexp(a, b), "eq": lambda m, a, b: a == b, "lt": lambda m, a, b: a < b,
}


def _operand(dtype: str, ndim: int, values: tuple[float, ...] = (1, 2, 3)) -> np.ndarray:
    data = np.array(values if ndim else values[1])
    return data.astype(dtype) if dtype != "bool" else np.asarray(data > 1)


class TestZeroDimPromotion:
    """A 0-d operand beside a dimensioned one counts by category only, like a Python number (PyTorch's rule)."""

    @pytest.mark.parametrize("name", list(_BINARY))
    def test_every_dtype_pair_and_rank(self, name: str) -> None:
        op, checked = _BINARY[name], 0
        for da in _DTYPES:
            for db in _DTYPES:
                for na in (0, 1):
                    for nb in (0, 1):
                        a, b = _operand(da, na), _operand(db, nb, (2, 2, 4))
                        try:
                            theirs = op(torch, torch.from_numpy(a), torch.from_numpy(b))
                        except RuntimeError:
                            continue  # not defined for these dtypes in torch (bool subtraction, integer hypot)
                        with np.errstate(all="ignore"):
                            ours = op(autograd, autograd.tensor(a), autograd.tensor(b))
                        assert ours.dtype == _dtype(theirs), (da, na, db, nb)
                        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6, err_msg=f"{da, na, db, nb}")
                        checked += 1
        assert checked >= 16  # at least every float pair (hypot and logaddexp take floats only in torch)

    @pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "maximum", "where", "atan2", "fmod",
                                      "remainder", "copysign", "hypot", "logaddexp"])
    def test_gradients_come_back_in_each_inputs_dtype(self, name: str) -> None:
        op = _BINARY[name]
        for da in ("float32", "float64"):
            for db in ("float32", "float64"):
                for na, nb in ((1, 0), (0, 1), (0, 0), (1, 1)):
                    a, b = _operand(da, na, (1.5, 2.5, 3.5)), _operand(db, nb, (0.5, 1.25, 2.0))
                    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
                    x, y = autograd.tensor(a, requires_grad=True), autograd.tensor(b, requires_grad=True)
                    _same(op(autograd, x, y), op(torch, ta, tb))
                    op(torch, ta, tb).sum().backward()
                    op(autograd, x, y).sum().backward()
                    for ours, theirs in ((x.grad, ta.grad), (y.grad, tb.grad)):
                        assert ours.dtype == _dtype(theirs)
                        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-5)
                    for create_graph in (False, True):
                        gx, gy = autograd.grad(op(autograd, x, y).sum(), [x, y], create_graph=create_graph)
                        assert (gx.dtype, gy.dtype) == (np.dtype(da), np.dtype(db)), (da, na, db, nb, create_graph)

    def test_retained_gradient_of_a_non_leaf_in_its_dtype(self) -> None:
        x = autograd.tensor(2.0, dtype=np.float64, requires_grad=True)
        h = x * 3
        h.retain_grad()
        (autograd.ones(3) * h).sum().backward()
        assert h.grad.dtype == np.float64 and h.grad.item() == 3.0 and x.grad.item() == 9.0

    def test_examples(self) -> None:
        f32, f64_0d = torch.ones(3), torch.tensor(2.0, dtype=torch.float64)
        assert (autograd.ones(3) * autograd.tensor(2.0, dtype=np.float64)).dtype == _dtype(f32 * f64_0d) == np.float32
        i64 = torch.ones(3, dtype=torch.int64)
        assert (autograd.ones(3, dtype=np.int64) * autograd.tensor(2.0, dtype=np.float64)).dtype == _dtype(i64 * f64_0d)
        assert (autograd.tensor(1.0) + autograd.tensor(2.0, dtype=np.float64)).dtype == np.float64  # two 0-d tensors
        i32 = autograd.tensor(200, dtype=np.int32)
        _same(i32 + 1, torch.tensor(200, dtype=torch.int32) + 1)  # a Python int is weak beside a 0-d tensor too
        _same(autograd.tensor(200, dtype=np.uint8) + 300, torch.tensor(200, dtype=torch.uint8) + 300)  # wraps

    def test_comparisons_in_the_promoted_dtype(self) -> None:
        big = [16777217]  # not a float32
        _same(autograd.tensor(big) == 16777216.0, torch.tensor(big) == 16777216.0)
        _same(autograd.tensor([0.1]) == autograd.tensor(np.array(0.1)), torch.tensor([0.1]) == torch.tensor(0.1,
              dtype=torch.float64))

    def test_bool_subtraction_raises(self) -> None:
        for a, b in ((autograd.tensor([True]), autograd.tensor([False])), (autograd.tensor([True]), 1),
                     (autograd.tensor([1, 2]), autograd.tensor(True))):
            with pytest.raises(RuntimeError, match="logical_not"):
                a - b
        with pytest.raises(RuntimeError):
            torch.tensor([True]) - torch.tensor([False])


class TestSizes:
    def test_size_dim_numel(self) -> None:
        x, t = autograd.zeros(2, 3, 4), torch.zeros(2, 3, 4)
        assert x.size() == tuple(t.size()) and x.size(0) == t.size(0) and x.size(-1) == t.size(-1)
        assert x.dim() == t.dim() and x.numel() == t.numel()
        with pytest.raises(IndexError):
            x.size(3)


class TestVarStd:
    @pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"dim": 1, "keepdim": True}, {"correction": 0}, {"unbiased": False},
                                    {"dim": 0, "unbiased": True}, {"correction": 2, "dim": 1}])
    @pytest.mark.parametrize("name", ["var", "std"])
    def test_defaults_and_spellings(self, name: str, kw: dict[str, Any]) -> None:
        a = np.random.default_rng(0).standard_normal((3, 4))
        _same(getattr(autograd.tensor(a), name)(**kw), getattr(torch.tensor(a), name)(**kw))
        g, tg = _grad_pair(lambda x: getattr(x, name)(**kw), a)
        np.testing.assert_allclose(g, tg, rtol=1e-10)

    def test_ddof_is_numpys_spelling_of_correction(self) -> None:
        a = np.arange(6.0)
        assert autograd.tensor(a).var(ddof=0).item() == pytest.approx(np.var(a))
        with pytest.raises(TypeError, match="at most one"):
            autograd.tensor(a).var(ddof=0, correction=1)

    @pytest.mark.parametrize("name", ["var", "std"])
    def test_constant_slice_gradient(self, name: str) -> None:
        a = [[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]]
        g, tg = _grad_pair(lambda x: getattr(x, name)(1), a)
        assert np.isfinite(g).all()
        np.testing.assert_allclose(g, tg, rtol=1e-10)

    def test_std_of_a_constant_slice_second_derivative_is_finite(self) -> None:
        x = autograd.tensor([3.0, 3.0], requires_grad=True, dtype=np.float64)
        (g,) = autograd.grad(x.std(), x, create_graph=True)
        (gg,) = autograd.grad(g.sum(), x)
        assert np.isfinite(gg.data).all()

    def test_var_mean_and_std_mean(self) -> None:
        a = np.random.default_rng(1).standard_normal((3, 4))
        for ours, theirs in [(autograd.var_mean(autograd.tensor(a), 1), torch.var_mean(torch.tensor(a), 1)),
                             (autograd.std_mean(autograd.tensor(a), dim=0, keepdim=True, correction=0),
                              torch.std_mean(torch.tensor(a), dim=0, keepdim=True, correction=0))]:
            for o, t in zip(ours, theirs, strict=True):
                _same(o, t)


@pytest.mark.filterwarnings("ignore:backward.create_graph=True. makes a reference cycle",
                            "ignore:Using backward.. with create_graph=True")
class TestCreateGraph:
    def test_backward_with_create_graph_keeps_the_graph(self) -> None:
        results = []
        for m, dtype in ((autograd, np.float64), (torch, torch.float64)):
            x = m.tensor(1.0, requires_grad=True, dtype=dtype)
            y = x**4
            y.backward(create_graph=True)
            gx = x.grad
            x.grad = None
            (gx**3 + y).backward()
            results.append(x.grad.item())
        assert results[0] == results[1]

    def test_autograd_backward_keeps_it_too(self) -> None:
        x = autograd.tensor(2.0, requires_grad=True)
        y = x**3
        autograd.backward(y, create_graph=True)
        y.backward()  # the graph is still there
        assert x.grad.item() == pytest.approx(24.0)

    def test_retain_graph_false_still_frees_it(self) -> None:
        x = autograd.tensor(2.0, requires_grad=True)
        y = x**3
        y.backward(create_graph=True, retain_graph=False)
        with pytest.raises(RuntimeError, match="second time"):
            y.backward()


class TestDimSpellings:
    @pytest.mark.parametrize("call", [
        lambda x, d: x.split(1, **d), lambda x, d: x.unsqueeze(**d), lambda x, d: x.squeeze(**d),
        lambda x, d: x.sum(**d), lambda x, d: x.mean(**d), lambda x, d: x.amax(**d), lambda x, d: x.var(**d),
        lambda x, d: x.logsumexp(**d), lambda x, d: x.prod(**d), lambda x, d: x.argmax(**d),
        lambda x, d: autograd.cat([x, x], **d), lambda x, d: autograd.stack([x, x], **d),
        lambda x, d: x.max(**d)[0], lambda x, d: x.std(**d),
    ])
    def test_axis_is_dim_and_keepdims_is_keepdim(self, call: Any) -> None:
        x = autograd.tensor(np.arange(6.0).reshape(2, 3))
        outs = [call(x, {"dim": 0}), call(x, {"axis": 0})]
        for a, b in zip(*[o if isinstance(o, tuple) else (o,) for o in outs], strict=True):
            np.testing.assert_array_equal(a.data, b.data)

    def test_keepdims(self) -> None:
        x = autograd.ones(2, 3)
        assert x.sum(dim=1, keepdims=True).shape == x.sum(axis=1, keepdim=True).shape == (2, 1)
        assert x.max(1, keepdims=True).values.shape == (2, 1)


class TestShapeErrors:
    @pytest.mark.parametrize("call", [
        lambda m, x: x.reshape(4, 2), lambda m, x: x.permute(0, 0), lambda m, x: x.permute(1),
        lambda m, x: x @ m.ones(2, 3), lambda m, x: x + m.ones(4), lambda m, x: x * m.ones(2, 2),
        lambda m, x: x.expand(4, 3), lambda m, x: m.cat([x, m.ones(3, 2)]), lambda m, x: m.stack([x, m.ones(3)]),
        lambda m, x: x.split([1, 2]), lambda m, x: m.where(m.ones(4) > 0, x, 0.0), lambda m, x: m.maximum(x, m.ones(5)),
        lambda m, x: x ** m.ones(4), lambda m, x: x.broadcast_to((2,)), lambda m, x: x / m.ones(3, 3),
        lambda m, x: x - m.ones(2, 2), lambda m, x: m.matmul(m.ones(3), x),
    ])
    def test_raise_runtime_errors_as_torch_does(self, call: Any) -> None:
        with pytest.raises(autograd.ShapeError) as info:
            call(autograd, autograd.ones(2, 3))
        assert isinstance(info.value, RuntimeError) and isinstance(info.value, ValueError)
        with pytest.raises(RuntimeError):
            call(torch, torch.ones(2, 3))

    def test_permute_of_a_1d_tensor(self) -> None:
        _same(autograd.tensor([1.0, 2.0]).permute(0), torch.tensor([1.0, 2.0]).permute(0))
        _same(autograd.permute(autograd.tensor([1.0, 2.0]), (0,)), torch.permute(torch.tensor([1.0, 2.0]), (0,)))


class TestIndexing:
    @pytest.mark.parametrize("index", [
        (0, slice(None), [0, 1]), (slice(None), 0, [0, 1]), ([0, 1], slice(None), 0), (0, [0, 1]),
        (slice(None), [0, 1], 0), (None, 0, slice(None), [2, 1]), (Ellipsis, 0, [0, 1]), (0, Ellipsis, [1, 2]),
        (-1, slice(1, 3), [[0], [1]]), (1, [True, False, True, True]), ([1, 0], -2, slice(None, None, 2)),
    ])
    def test_mixing_ints_slices_and_arrays(self, index: tuple[Any, ...]) -> None:
        a = np.arange(60.0).reshape(3, 4, 5)
        _same(autograd.tensor(a)[index], torch.tensor(a)[index])
        g, tg = _grad_pair(lambda x: x[index] * x[index], a)
        np.testing.assert_array_equal(g, tg)

    def test_int64_tensor_index(self) -> None:
        a = np.arange(4.0)
        _same(autograd.tensor(a)[autograd.tensor([2, 0])], torch.tensor(a)[torch.tensor([2, 0])])


class TestMinimum:
    @pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32, np.int64, np.bool_, np.float32])
    def test_exact_for_every_dtype(self, dtype: Any) -> None:
        info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
        values = [True, False, True] if dtype is np.bool_ else (
            [info.min, info.max, 0] if info else [-np.inf, 1.5, 0.0])
        a, b = np.array(values, dtype), np.array(values[::-1], dtype)
        _same(autograd.minimum(autograd.tensor(a), autograd.tensor(b)), torch.minimum(torch.tensor(a), torch.tensor(b)))
        _same(autograd.maximum(autograd.tensor(a), autograd.tensor(b)), torch.maximum(torch.tensor(a), torch.tensor(b)))


class TestInPlaceUpdates:
    def test_data_and_no_grad_idioms(self) -> None:
        results = []
        for m in (autograd, torch):
            p = m.tensor([1.0, -2.0], requires_grad=True)
            (p * p).sum().backward()
            p.data -= 0.1 * p.grad
            with m.no_grad():
                p -= 0.1 * p.grad
                p *= 2
            results.append((p.detach().numpy().copy(), p.requires_grad, p.is_leaf))
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
        assert results[0][1:] == results[1][1:]
        assert isinstance(p.data, torch.Tensor) and type(results[0][0]) is np.ndarray

    def test_data_update_is_seen_by_saved_values_check(self) -> None:
        p = autograd.tensor([1.0, 2.0], requires_grad=True)
        y = (p * p).sum()
        p.data -= autograd.tensor([0.5, 0.5])
        with pytest.raises(RuntimeError, match="modified by an in-place operation"):
            y.backward()

    def test_outside_no_grad_the_error_shows_the_spelling(self) -> None:
        p = autograd.tensor([1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="no_grad"):
            p -= 1.0


class TestGradientEdgeCases:
    @pytest.mark.parametrize("fn", [lambda x: x**0, lambda x: x.pow(0.0), lambda x: x ** (x.detach() * 0),
                                    lambda x: x ** (x * 0)])
    def test_x_to_the_zero_at_zero(self, fn: Any) -> None:
        g, tg = _grad_pair(fn, [0.0, 2.0, -1.0])
        np.testing.assert_array_equal(g, tg)
        assert g[0] == 0.0

    @pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
    @pytest.mark.parametrize("base", [0.0, -2.0, 2.0])
    def test_exponent_gradient_at_zero_and_negative_bases(self, base: float) -> None:
        ys = [-1.5, -1.0, 0.0, 0.5, 2.0, 3.0]
        g, tg = _grad_pair(lambda y: _module(y).tensor(base) ** y, ys)
        np.testing.assert_array_equal(g, tg)

    @pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
    def test_exponent_gradient_through_pow_of_a_constant_base(self) -> None:
        for base in (0.0, -2.0):
            y = autograd.tensor([-1.0, 0.0, 2.0], requires_grad=True, dtype=np.float64)
            autograd.pow(base, y).sum().backward()
            ty = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True, dtype=torch.float64)
            torch.pow(base, ty).sum().backward()
            np.testing.assert_array_equal(y.grad.data, ty.grad.numpy())

    def test_prod_with_a_zero_second_derivative(self) -> None:
        x = autograd.tensor([0.0, 2.0, 3.0], requires_grad=True, dtype=np.float64)
        hess = autograd.functional.hessian(lambda t: t.prod(), x)
        expected = torch.autograd.functional.hessian(lambda t: t.prod(), torch.tensor([0.0, 2.0, 3.0],
                                                                                     dtype=torch.float64))
        np.testing.assert_array_equal(hess.data, expected.numpy())
        np.testing.assert_array_equal(hess.data, [[0, 3, 2], [3, 0, 0], [2, 0, 0]])

    @pytest.mark.parametrize("values", [[[0.0, 2.0, 3.0], [1.0, 0.0, 0.0]], [[0.0, 0.0, 2.0], [1.5, 2.0, 0.5]]])
    def test_prod_with_zeros_over_a_dim_second_derivative(self, values: list[list[float]]) -> None:
        a = np.array(values)
        x = autograd.tensor(a, requires_grad=True)
        (g,) = autograd.grad(x.prod(1).sum(), x, create_graph=True)
        (gg,) = autograd.grad((g * autograd.tensor(a + 1)).sum(), x)
        tx = torch.tensor(a, requires_grad=True)
        (tg,) = torch.autograd.grad(tx.prod(1).sum(), tx, create_graph=True)
        (tgg,) = torch.autograd.grad((tg * torch.tensor(a + 1)).sum(), tx)
        np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-12)

    def test_pow_mixed_second_derivative_at_a_zero_exponent_is_the_true_one(self) -> None:
        a = autograd.tensor(2.0, requires_grad=True, dtype=np.float64)
        b = autograd.tensor(0.0, requires_grad=True, dtype=np.float64)
        (ga,) = autograd.grad(a**b, a, create_graph=True)
        (gab,) = autograd.grad(ga, b)
        assert gab.item() == 0.5  # ∂/∂b of b·aᵇ⁻¹ at b = 0 is 1/a (a deliberate difference, in the README)

    def test_logsumexp_of_an_all_minus_inf_slice_has_gradient_zero(self) -> None:
        x = autograd.tensor([[-np.inf, -np.inf], [0.0, 1.0]], requires_grad=True)
        y = x.logsumexp(1)
        y.sum().backward()
        assert y.data[0] == -np.inf and (x.grad.data[0] == 0).all()  # PyTorch: NaN (see the README)

    def test_logsumexp_with_inf(self) -> None:
        g, tg = _grad_pair(lambda x: x.logsumexp(0), [np.inf, 1.0])
        np.testing.assert_array_equal(g, tg)  # [nan, 0]


class TestConversions:
    @pytest.mark.parametrize("name", ["float", "double", "half", "int", "long", "bool"])
    def test_methods(self, name: str) -> None:
        for a in ([1.5, -2.0, 0.0], [1, 0, 3]):
            _same(getattr(autograd.tensor(a), name)(), getattr(torch.tensor(a), name)())

    def test_to(self) -> None:
        x = autograd.tensor([1.0, 2.0], requires_grad=True)
        assert x.to("cpu") is x and x.to(np.float32) is x and x.to("cpu", np.float32) is x
        assert x.to(np.float64).dtype == np.float64 and x.to(autograd.tensor([1])).dtype == np.int64
        assert x.to(np.float32, copy=True) is not x
        assert x.to(dtype=np.float16).dtype == np.float16
        with pytest.raises(RuntimeError, match="CPU only"):
            x.to("cuda")
        x.to(np.float64).sum().backward()
        assert x.grad.dtype == np.float32

    def test_clone_contiguous_detach_(self) -> None:
        x = autograd.tensor([1.0, 2.0], requires_grad=True)
        c = x.clone()
        assert not np.shares_memory(c.data, x.data) and c.grad_fn is not None
        (c * 3).sum().backward()
        np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])
        assert x.contiguous() is x
        y = x * 2
        assert y.detach_() is y and y.is_leaf and not y.requires_grad

    def test_zero_and_fill(self) -> None:
        p = autograd.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="no_grad"):
            p.fill_(3.0)
        with autograd.no_grad():
            assert p.fill_(3.0) is p
        np.testing.assert_array_equal(p.data, [3.0, 3.0])
        (p * p).sum().backward()
        assert p.grad.zero_() is p.grad
        np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])
        y = p * 2
        with pytest.raises(RuntimeError, match="full_like"):
            y.zero_()

    @pytest.mark.parametrize("name", ["double", "float", "half"])
    def test_module_conversions(self, name: str) -> None:
        model, theirs = nn.Linear(3, 2), torch.nn.Linear(3, 2)
        assert getattr(model, name)() is model
        getattr(theirs, name)()
        assert model.weight.dtype == _dtype(theirs.weight) and model.bias.dtype == _dtype(theirs.bias)
        assert isinstance(model.weight, nn.Parameter) and model.weight.requires_grad

    def test_module_to(self) -> None:
        model = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
        model[0].register_buffer("steps", autograd.tensor([0, 1]))
        model[0].register_buffer("scale", autograd.ones(2))
        (model(autograd.randn(4, 3)).sum()).backward()
        assert model.to(np.float64) is model and model.to("cpu") is model
        assert model[0].weight.dtype == model[0].weight.grad.dtype == model[0].scale.dtype == np.float64
        assert model[0].steps.dtype == np.int64  # integer buffers stay, as in PyTorch
        assert model(autograd.randn(4, 3, dtype=np.float64)).dtype == np.float64
        with pytest.raises(RuntimeError, match="CPU only"):
            model.to("cuda")


class TestSpellings:
    def test_reductions_with_dtype(self) -> None:
        a = np.arange(1, 5, dtype=np.int64)
        for name in ("sum", "prod", "mean"):
            _same(getattr(autograd.tensor(a), name)(dtype=np.float64), getattr(torch.tensor(a), name)(dtype=torch.float64))

    def test_methods(self) -> None:
        a, b, c = [1.0, -2.0, 3.0], [0.5, 4.0, -1.0], [True, False, True]
        A, B, C = (autograd.tensor(v) for v in (a, b, c))
        T, U, V = (torch.tensor(v) for v in (a, b, c))
        pairs = [(A.add(B, alpha=2), T.add(U, alpha=2)), (A.sub(B), T.sub(U)), (A.mul(B), T.mul(U)),
                 (A.div(B), T.div(U)), (A.neg(), T.neg()), (A.pow(2), T.pow(2)), (A.erf(), T.erf()),
                 (A.outer(B), T.outer(U)), (A.where(C, B), T.where(V, U)), (A.where(C, 0.0), T.where(V, 0.0))]
        for ours, theirs in pairs:
            _same(ours, theirs)
