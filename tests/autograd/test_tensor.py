"""Tensor basics: creation functions, dtype rules, repr, conversion to Python, copy and pickle."""

import copy
import pickle

import numpy as np
import pytest

import autograd


class TestCreation:
    @pytest.mark.parametrize("make, fill", [(autograd.zeros, 0.0), (autograd.ones, 1.0)])
    def test_zeros_and_ones(self, make, fill):
        for t in (make(2, 3), make((2, 3)), make([2, 3])):
            assert t.shape == (2, 3) and t.dtype == np.float32 and t.is_leaf and not t.requires_grad
            np.testing.assert_array_equal(t.data, np.full((2, 3), fill))
        assert make(()).shape == ()
        assert make(0).shape == (0,)

    def test_full_empty_eye(self):
        np.testing.assert_array_equal(autograd.full((2, 2), 7.5).data, np.full((2, 2), 7.5))
        assert autograd.full(3, 1.0).shape == (3,)
        assert autograd.empty(4, 5).shape == (4, 5)
        np.testing.assert_array_equal(autograd.eye(3).data, np.eye(3))
        np.testing.assert_array_equal(autograd.eye(2, 3).data, np.eye(2, 3))

    def test_arange_and_linspace(self):
        np.testing.assert_array_equal(autograd.arange(4).data, [0.0, 1.0, 2.0, 3.0])
        np.testing.assert_array_equal(autograd.arange(1, 2, 0.25).data, [1.0, 1.25, 1.5, 1.75])
        assert autograd.arange(4, dtype=np.int64).dtype == np.int64
        np.testing.assert_allclose(autograd.linspace(0, 1, 5).data, [0.0, 0.25, 0.5, 0.75, 1.0])

    @pytest.mark.parametrize("make", [
        lambda **kw: autograd.zeros(2, **kw), lambda **kw: autograd.ones(2, **kw),
        lambda **kw: autograd.full((2,), 3.0, **kw), lambda **kw: autograd.empty(2, **kw),
        lambda **kw: autograd.arange(2, **kw), lambda **kw: autograd.linspace(0, 1, 2, **kw),
        lambda **kw: autograd.eye(2, **kw), lambda **kw: autograd.rand(2, **kw), lambda **kw: autograd.randn(2, **kw),
        lambda **kw: autograd.zeros_like(np.ones(2), **kw), lambda **kw: autograd.ones_like(autograd.ones(2), **kw),
        lambda **kw: autograd.randn_like(autograd.ones(2), **kw),
    ])
    def test_every_creation_function_takes_dtype_and_requires_grad(self, make):
        t = make(dtype=np.float64, requires_grad=True)
        assert t.dtype == np.float64 and t.requires_grad and t.is_leaf and t.grad is None
        (t * t).sum().backward()
        np.testing.assert_allclose(t.grad.data, 2 * t.data)

    def test_like_functions_copy_shape_and_dtype(self):
        src = autograd.tensor(np.ones((2, 3), dtype=np.float64))
        for t in (autograd.zeros_like(src), autograd.ones_like(src), autograd.randn_like(src)):
            assert t.shape == (2, 3) and t.dtype == np.float64
        assert autograd.zeros_like(src, dtype=np.float32).dtype == np.float32

    def test_rand_and_randn(self):
        u = autograd.rand(1000)
        assert u.dtype == np.float32 and 0 <= u.data.min() and u.data.max() < 1
        n = autograd.randn(10_000, dtype=np.float64)
        assert abs(n.data.mean()) < 0.05 and abs(n.data.std() - 1) < 0.05

    def test_manual_seed_and_rng_state_reproduce_draws(self):
        autograd.manual_seed(123)
        a = autograd.randn(5).data
        state = autograd.get_rng_state()
        b = autograd.rand(3).data
        autograd.manual_seed(123)
        np.testing.assert_array_equal(autograd.randn(5).data, a)
        autograd.set_rng_state(state)
        np.testing.assert_array_equal(autograd.rand(3).data, b)
        assert autograd.default_generator() is not None

    def test_tensor_copies_its_data(self):
        a = np.array([1.0, 2.0])
        t = autograd.tensor(a)
        a[0] = 100.0
        assert t.data[0] == 1.0
        u = autograd.Tensor(t)
        assert not np.shares_memory(u.data, t.data) and u.dtype == t.dtype


class TestDtypeRules:
    def test_python_floats_become_float32_ints_int64_bools_bool(self):
        torch = pytest.importorskip("torch")
        for data in (1.5, 3, [1, 2], [[1.0, 2.0]], [1, 2.5], True, [True, False], 2**40):
            assert autograd.tensor(data).dtype == np.dtype(str(torch.tensor(data).dtype).removeprefix("torch."))
        assert autograd.tensor(1.5).dtype == np.float32 and autograd.tensor([1, 2]).dtype == np.int64
        assert autograd.get_default_dtype() == np.float32

    def test_set_default_dtype(self):
        autograd.set_default_dtype(np.float64)
        assert autograd.get_default_dtype() == np.float64
        assert autograd.tensor([1.0, 2]).dtype == np.float64 and autograd.tensor([1, 2]).dtype == np.int64
        assert autograd.zeros(2).dtype == np.float64 and autograd.randn(2).dtype == np.float64
        autograd.set_default_dtype(np.float32)
        assert autograd.tensor(1.0).dtype == np.float32
        with pytest.raises(ValueError, match="float32 or float64, got int64"):
            autograd.set_default_dtype(np.int64)

    @pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.int64, np.bool_])
    def test_numpy_arrays_keep_their_dtype(self, dtype):
        assert autograd.tensor(np.zeros(2, dtype=dtype)).dtype == dtype
        assert autograd.tensor(np.array(1, dtype=dtype)).dtype == dtype

    def test_explicit_dtype_wins(self):
        assert autograd.tensor([1.0, 2.0], dtype=np.float64).dtype == np.float64
        assert autograd.tensor([1.5, 2.0], dtype=np.int32).dtype == np.int32
        assert autograd.tensor([1, 0]).astype(bool).dtype == np.bool_

    @pytest.mark.parametrize("scalar", [0.1, 3, np.float64(0.1), np.int64(3), np.float16(2)])
    @pytest.mark.parametrize("op", [
        lambda x, s: x + s, lambda x, s: s + x, lambda x, s: x - s, lambda x, s: s - x, lambda x, s: x * s,
        lambda x, s: s * x, lambda x, s: x / s, lambda x, s: s / x, lambda x, s: x**s, lambda x, s: s**x,
        lambda x, s: autograd.maximum(x, s), lambda x, s: autograd.where(x > 1, x, s),
    ])
    def test_float32_with_a_scalar_stays_float32(self, op, scalar):
        x = autograd.tensor([1.0, 2.0], requires_grad=True)
        y = op(x, scalar)
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32

    def test_tensors_of_two_float_dtypes_promote(self):
        a = autograd.tensor([1.0], requires_grad=True)                      # float32
        b = autograd.tensor([2.0], requires_grad=True, dtype=np.float64)
        y = a * b
        assert y.dtype == np.float64
        y.backward()
        assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64

    def test_casts_are_differentiable_between_floats(self):
        x = autograd.tensor([1.0, 2.0], requires_grad=True)
        y = x.double()
        assert y.dtype == np.float64 and y.grad_fn is not None
        (y * y).sum().backward()
        assert x.grad.dtype == np.float32
        np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])
        assert x.astype(np.int32).grad_fn is None and x.float().dtype == np.float32

    def test_comparisons_give_bool_without_gradient(self):
        x = autograd.tensor([1.0, 2.0], requires_grad=True)
        for c in (x > 1, x >= 1, x < 1, x <= 1, x == 1, x != 1):
            assert c.dtype == np.bool_ and not c.requires_grad
        np.testing.assert_array_equal((x > 1).data, [False, True])


class TestPythonConversions:
    def test_properties(self):
        t = autograd.tensor(np.arange(6.0).reshape(2, 3))
        assert (t.shape, t.ndim, t.dim(), t.size(), t.size(1), t.size(-2), t.numel(), t.dtype) == (
            (2, 3), 2, 2, (2, 3), 3, 2, 6, np.float64)
        assert t.T.shape == (3, 2)
        assert t.numpy() is t.data
        assert np.asarray(t) is t.data
        assert np.asarray(t, dtype=np.float32).dtype == np.float32

    def test_item(self):
        assert autograd.tensor(2.5).item() == 2.5 and isinstance(autograd.tensor(2.5).item(), float)
        assert autograd.tensor([[4.0]]).item() == 4.0
        assert autograd.tensor(np.array(3)).item() == 3
        with pytest.raises(ValueError, match=r"only one-element tensors.*shape \(2,\)"):
            autograd.tensor([1.0, 2.0]).item()
        assert float(autograd.tensor(1.5)) == 1.5 and int(autograd.tensor(2.0)) == 2

    def test_tolist(self):
        assert autograd.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
        assert autograd.tensor(5.0).tolist() == 5.0

    def test_bool(self):
        assert bool(autograd.tensor(1.0)) and not bool(autograd.tensor([0.0]))
        with pytest.raises(RuntimeError, match="truth value of a tensor with 2 elements is ambiguous"):
            bool(autograd.tensor([1.0, 2.0]))

    def test_len_and_iteration(self):
        m = autograd.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        assert len(m) == 3
        rows = list(m)
        assert len(rows) == 3 and all(r.shape == (2,) for r in rows)
        np.testing.assert_array_equal(rows[1].data, [3.0, 4.0])
        sum(r.sum() * i for i, r in enumerate(rows)).backward()   # gradients flow through iteration
        np.testing.assert_array_equal(m.grad.data, [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
        with pytest.raises(TypeError, match=r"len\(\) of a 0-d tensor"):
            len(autograd.tensor(1.0))
        with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
            iter(autograd.tensor(1.0))


class TestRepr:
    def test_shows_values_and_dtype(self):
        assert repr(autograd.tensor([1.0, 2.5])) == "tensor([1. , 2.5], dtype=float32)"
        assert repr(autograd.tensor(np.array([1, 2]))) == "tensor([1, 2], dtype=int64)"

    def test_shows_requires_grad_for_leaves_and_grad_fn_for_results(self):
        x = autograd.tensor(1.5, requires_grad=True)
        assert repr(x) == "tensor(1.5, dtype=float32, requires_grad=True)"
        assert repr(autograd.tanh(x * 2)).endswith("dtype=float32, grad_fn=<TanhBackward>)")

    def test_large_tensors_are_summarised(self):
        text = repr(autograd.zeros(1000))
        assert "..." in text and len(text) < 300

    def test_multiline_alignment(self):
        assert repr(autograd.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]], dtype=float32)"


class TestCopyAndPickle:
    def test_deepcopy_of_a_leaf_is_independent(self):
        x = autograd.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        c = copy.deepcopy(x)
        assert c is not x and c.requires_grad and c.dtype == x.dtype and c.is_leaf
        np.testing.assert_array_equal(c.data, x.data)
        np.testing.assert_array_equal(c.grad.data, x.grad.data)
        assert not np.shares_memory(c.data, x.data) and not np.shares_memory(c.grad.data, x.grad.data)
        c.data[0] = 10.0
        assert x.data[0] == 1.0

    def test_deepcopy_keeps_shared_references_shared(self):
        x = autograd.tensor([1.0])
        pair = copy.deepcopy([x, x])
        assert pair[0] is pair[1]

    def test_deepcopy_of_a_non_leaf_raises(self):
        y = autograd.tensor([1.0], requires_grad=True) * 2
        with pytest.raises(RuntimeError, match=r"only leaf tensors.*detach\(\)"):
            copy.deepcopy(y)
        assert copy.deepcopy(y.detach()).grad_fn is None

    @pytest.mark.parametrize("requires_grad", [False, True])
    def test_pickle_round_trip_of_a_leaf(self, requires_grad):
        x = autograd.tensor(np.arange(6.0).reshape(2, 3), requires_grad=requires_grad)
        y = pickle.loads(pickle.dumps(x))
        assert type(y) is autograd.Tensor and y.requires_grad == requires_grad and y.dtype == x.dtype
        np.testing.assert_array_equal(y.data, x.data)

    def test_pickle_of_a_non_leaf_raises(self):
        y = autograd.tensor([1.0], requires_grad=True) * 2
        with pytest.raises(RuntimeError, match=r"only leaf tensors can be pickled"):
            pickle.dumps(y)
