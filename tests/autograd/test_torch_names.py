"""PyTorch's names that carry no gradient (comparisons and bitwise ops as methods, checks, tensor facts) and the
exception types PyTorch code catches, each against torch. The differentiable ones have rows in op_cases.py."""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd

from .op_cases import examples

torch = pytest.importorskip("torch")

INTS = [[1, -8, 1], [32, 1, 6]]
BITWISE = {"&": (operator.and_, "bitwise_and"), "|": (operator.or_, "bitwise_or"), "^": (operator.xor, "bitwise_xor"),
           "<<": (operator.lshift, "bitwise_left_shift"), ">>": (operator.rshift, "bitwise_right_shift")}


def _dtype(t: Any) -> np.dtype:
    return np.dtype(str(t.dtype).removeprefix("torch."))


def _same(ours: Any, theirs: Any) -> None:
    assert ours.dtype == _dtype(theirs) and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("op", ["&", "|", "^", "<<", ">>"])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "bool"])
def test_bitwise_operators(op: str, dtype: str) -> None:
    if dtype == "bool" and op in ("<<", ">>"):
        pytest.skip("torch has no shifts of bools")
    data = np.abs(INTS) % 7 if dtype in ("uint8", "bool") else np.array(INTS)
    a, t = autograd.tensor(data.astype(dtype)), torch.tensor(data.astype(dtype))
    fn, name = BITWISE[op]
    for other, t_other in ((a, t), (3, 3), (autograd.tensor([1, 2, 3]), torch.tensor([1, 2, 3]))):
        if dtype == "bool" and not isinstance(other, autograd.Tensor):
            other = t_other = True
        _same(fn(a, other), fn(t, t_other))
        _same(fn(other, a), fn(t_other, t))
    _same(getattr(autograd, name)(a, a), getattr(torch, name)(t, t))
    _same(getattr(a, name)(a), getattr(t, name)(t))


@pytest.mark.parametrize("op", ["&", "|", "^", "<<", ">>"])
def test_bitwise_on_floats_is_refused_as_in_pytorch(op: str) -> None:
    fn = BITWISE[op][0]
    with pytest.raises(RuntimeError):
        fn(torch.tensor([1.0]), 2)
    with pytest.raises(RuntimeError, match="integer and bool"):
        fn(autograd.tensor([1.0]), 2)


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
                                  "less_equal", "not_equal"])
@examples(0.3)
@given(values=st.lists(st.integers(-3, 3), min_size=1, max_size=6))
def test_comparisons_as_methods_and_functions(name: str, values: list[int]) -> None:
    a, t = autograd.tensor(values, dtype=np.float32), torch.tensor(values, dtype=torch.float32)
    _same(getattr(a, name)(1.0), getattr(t, name)(1.0))
    _same(getattr(autograd, name)(a, a.flip(0)), getattr(torch, name)(t, t.flip(0)))


def test_checks() -> None:
    values = [0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan]
    a, t = autograd.tensor(values), torch.tensor(values)
    for name in ("signbit", "isposinf", "isneginf"):
        _same(getattr(a, name)(), getattr(t, name)())
        _same(getattr(autograd, name)(a), getattr(torch, name)(t))
    _same(a.heaviside(autograd.tensor(0.5)), t.heaviside(torch.tensor(0.5)))
    ints = [[0, 1, 2], [0, 0, 3]]
    _same(autograd.count_nonzero(autograd.tensor(ints)), torch.count_nonzero(torch.tensor(ints)))
    _same(autograd.tensor(ints).count_nonzero(1), torch.tensor(ints).count_nonzero(1))
    assert autograd.equal(autograd.tensor(ints), autograd.tensor(ints)) is torch.equal(torch.tensor(ints),
                                                                                         torch.tensor(ints)) is True
    assert autograd.tensor(ints).equal(autograd.tensor(ints[0])) is False


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "bool", "uint8"])
def test_what_pytorch_code_asks_of_a_tensor(dtype: str) -> None:
    a, t = autograd.tensor(np.zeros((2, 3), dtype)), torch.tensor(np.zeros((2, 3), dtype))
    for name in ("is_floating_point", "is_complex", "is_signed", "ndimension", "nelement", "element_size",
                 "is_contiguous"):
        assert getattr(a, name)() == getattr(t, name)(), name
    for name in ("itemsize", "nbytes", "is_cuda", "is_cpu"):
        assert getattr(a, name) == getattr(t, name), name
    assert a.cpu() is a and str(a.device) == str(t.device) == "cpu"


@pytest.mark.parametrize("make", [
    lambda x: x.new_zeros(2, 3), lambda x: x.new_zeros((2,)), lambda x: x.new_ones(4), lambda x: x.new_empty(0),
    lambda x: x.new_full((2, 2), 7), lambda x: x.new_tensor([1, 2]),
])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_new_tensors_take_the_dtype(make: Any, dtype: str) -> None:
    ours, theirs = make(autograd.tensor(np.ones(3, dtype))), make(torch.tensor(np.ones(3, dtype)))
    assert ours.shape == tuple(theirs.shape) and ours.dtype == _dtype(theirs) and not ours.requires_grad
    if theirs.numel() and make.__code__.co_names[0] != "new_empty":
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    _same(autograd.tensor([1]).new_zeros(2, dtype=autograd.float64), torch.tensor([1]).new_zeros(2, dtype=torch.float64))


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1.0, 2.0]).flip((0, 0)), lambda m: m.tensor([[1.0, 2.0]]).sum(dim=(1, -1)),
    lambda m: m.tensor([1.0, 2.0]).roll((1, 2)), lambda m: m.tensor([1.0, 2.0]).clamp(),
    lambda m: m.tensor([[1.0, 2.0]]).diagonal(dim1=0, dim2=0), lambda m: m.tensor([1, 2]) ** -2,
    lambda m: m.tensor([1.0, 2.0]).item(), lambda m: m.linspace(0, 1, -1), lambda m: m.tensor([1.0]).unfold(0, 2, 1),
    lambda m: m.tensor([1.0, 2.0]).unfold(0, 1, 0), lambda m: m.tensor([1.0, 2.0]).narrow(0, 1, 2),
    lambda m: m.tensor([[1.0]]).rot90(1, (0, 0)), lambda m: m.movedim(m.tensor([[1.0]]), (0, 1), (1,)),
    lambda m: m.tensor([[1.0]]).scatter_reduce(0, m.tensor([[0]]), m.tensor([[1.0]]), "median"),
    lambda m: m.tensor([1.0, 2.0]).div(2.0, rounding_mode="up"), lambda m: m.multinomial(m.tensor([1.0, 2.0]), 0),
    lambda m: m.quantile(m.zeros(0), 0.5), lambda m: m.tensor([1.0]).quantile(1.5),
    lambda m: m.tensor([[1.0, 2.0], [2.0, 4.0]]).inverse(), lambda m: m.randint(3, 1, (2,)),
])
def test_bad_arguments_raise_runtime_errors_as_pytorch(make: Any) -> None:
    """Each a RuntimeError in both; ours also a ValueError (or exactly RuntimeError), for NumPy habits."""
    with pytest.raises(RuntimeError):
        make(torch)
    with pytest.raises(RuntimeError) as ours:
        make(autograd)
    assert isinstance(ours.value, ValueError) or type(ours.value) is RuntimeError  # NumPy habits catch ValueError


def test_integer_powers_as_pytorch() -> None:
    for base, exponent in (([-2, 1, 2], [1, -1, 2]), ([-1, 0, 1, -1, 3], [-3, -2, -1, -4, -1])):
        for dtype in ("int8", "int32", "int64"):
            ours = autograd.tensor(np.array(base, dtype)) ** autograd.tensor(np.array(exponent, dtype))
            _same(ours, torch.tensor(np.array(base, dtype)) ** torch.tensor(np.array(exponent, dtype)))


@pytest.mark.parametrize("args", [(5, 10, 3), (5, 10, 1), (5, 10, 0), (5, -5, 20), (-5.5, 5.5, 10), (0, 1, 7)])
@pytest.mark.parametrize("dtype", ["int32", "int64", "float64"])
def test_linspace_as_pytorch(args: tuple[float, float, int], dtype: str) -> None:
    ours, theirs = autograd.linspace(*args, dtype=dtype), torch.linspace(*args, dtype=getattr(torch, dtype))
    assert ours.dtype == _dtype(theirs)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-15)


@pytest.mark.parametrize("correction", [1, 5, 7])
@pytest.mark.parametrize("dim", [(0, 3), (0, 4)])
def test_variance_without_degrees_of_freedom(correction: int, dim: tuple[int, int]) -> None:
    x = np.random.default_rng(0).uniform(-2, 2, (1, 2, 3, 1, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("var", "std"):
            ours = getattr(autograd.tensor(x), name)(dim=dim, correction=correction)
            theirs = getattr(torch.tensor(x), name)(dim=dim, correction=correction)
            np.testing.assert_allclose(ours.data, theirs.numpy(), equal_nan=True)


def test_div_method_rounding_modes() -> None:
    a, b = [5.0, -7.0, 0.0, -5.0], [2.0, 2.0, -3.0, -3.0]
    for mode in (None, "trunc", "floor"):
        _same(autograd.tensor(a).div(autograd.tensor(b), rounding_mode=mode),
              torch.tensor(a).div(torch.tensor(b), rounding_mode=mode))
        _same(autograd.divide(autograd.tensor(a), 2.0, rounding_mode=mode),
              torch.divide(torch.tensor(a), 2.0, rounding_mode=mode))


def test_add_and_sub_functions_take_alpha() -> None:
    a, b = [1.0, 2.0], [3.0, -4.0]
    for name in ("add", "sub", "subtract"):
        _same(getattr(autograd, name)(autograd.tensor(a), autograd.tensor(b), alpha=2.5),
              getattr(torch, name)(torch.tensor(a), torch.tensor(b), alpha=2.5))


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1, 2], requires_grad=True), lambda m: m.tensor([1.0]).gather(0, m.tensor([0.0])),
    lambda m: m.tensor([1.0]).masked_fill(m.tensor([1.0]), 0.0), lambda m: m.tensor([1, 2]).softmax(0),
    lambda m: m.tensor([1.0, 2.0]).scatter(0, m.tensor([0]), m.tensor([1.0], dtype=m.float64)),
    lambda m: m.tensor([[1.0]]) @ m.tensor([[1.0]], dtype=m.float64), lambda m: m.tensor([1, 2]).mean(),
    lambda m: m.tensor([1.0]).take(m.tensor([0.0])), lambda m: m.tensor([1.0]) & m.tensor([1.0]),
])
def test_dtypes_an_op_cannot_take_raise_runtime_errors_as_pytorch(make: Any) -> None:
    with pytest.raises(RuntimeError):
        make(torch)
    with pytest.raises(autograd.DTypeError):  # a RuntimeError, and a TypeError for Python habits
        make(autograd)


@pytest.mark.parametrize("make", [
    lambda m, g: m.randint(0, 10, (3, 4), generator=g), lambda m, g: m.randint(5, (2,), generator=g),
    lambda m, g: m.randperm(6, generator=g), lambda m, g: m.rand(2, 3, generator=g),
    lambda m, g: m.randn((4,), generator=g), lambda m, g: m.normal(2.0, 3.0, (5,), generator=g),
    lambda m, g: m.normal(m.zeros(3), m.ones(3), generator=g), lambda m, g: m.bernoulli(m.rand(4), generator=g),
    lambda m, g: m.multinomial(m.tensor([0.2, 0.3, 0.5]), 2, generator=g),
    lambda m, g: m.multinomial(m.ones(2, 4), 3, True, generator=g), lambda m, g: m.rand_like(m.zeros(2, 2)),
    lambda m, g: m.randint_like(m.zeros(3), 4), lambda m, g: m.empty_like(m.zeros(2), dtype=m.float64),
    lambda m, g: m.logspace(0, 2, 5), lambda m, g: m.tril_indices(3, 4, 1), lambda m, g: m.triu_indices(4, 3, -1),
    lambda m, g: m.as_tensor([1, 2]), lambda m, g: m.from_numpy(np.arange(3)),
])
def test_random_and_creation_shapes_and_dtypes(make: Any) -> None:
    ours, theirs = make(autograd, autograd.Generator().manual_seed(0)), make(torch, torch.Generator().manual_seed(0))
    assert ours.shape == tuple(theirs.shape) and ours.dtype == _dtype(theirs)


def test_randint_needs_a_size() -> None:
    for args in ((10,), ()):
        with pytest.raises(TypeError):
            torch.randint(*args)
        with pytest.raises(TypeError, match=r"randint\(\) takes"):
            autograd.randint(*args)


def test_random_draws() -> None:
    g = autograd.Generator().manual_seed(1)
    assert autograd.Generator().manual_seed(1).initial_seed() == 1
    draws = autograd.randint(3, 7, (2000,), generator=g).data
    assert set(np.unique(draws)) == {3, 4, 5, 6}
    assert sorted(autograd.randperm(50, generator=g).tolist()) == list(range(50))
    counts = np.bincount(autograd.multinomial(autograd.tensor([1.0, 0.0, 3.0]), 4000, True, generator=g).data)
    assert counts[1] == 0 and abs(counts[2] / counts.sum() - 0.75) < 0.03
    rows = autograd.multinomial(autograd.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), 2, generator=g).data
    assert {tuple(sorted(r)) for r in rows} == {(0, 1), (1, 2)}  # without replacement: each index at most once
    z = autograd.normal(5.0, 2.0, (20000,), generator=g).data
    assert abs(z.mean() - 5.0) < 0.05 and abs(z.std() - 2.0) < 0.05
    same = [autograd.randn(3, generator=autograd.Generator().manual_seed(7)).tolist() for _ in range(2)]
    assert same[0] == same[1]
    assert autograd.multinomial(autograd.tensor([1.0, 0.0]), 2).tolist() == [0, 1]  # zero weights come last
    with pytest.raises(RuntimeError):
        autograd.multinomial(autograd.tensor([1.0, 0.0]), 3)
    with pytest.raises(RuntimeError):
        torch.multinomial(torch.tensor([1.0, 0.0]), 3)


def test_from_numpy_and_as_tensor_share_memory() -> None:
    a = np.zeros(3)
    t, u = autograd.from_numpy(a), autograd.as_tensor(a)
    a[0] = 5.0
    assert t[0].item() == u[0].item() == 5.0
    assert autograd.as_tensor(a, dtype=autograd.float32).dtype == np.float32
    with pytest.raises(TypeError, match=r"expected np\.ndarray"):
        autograd.from_numpy([1.0])


def test_decorators_without_parentheses_and_inference_mode() -> None:
    x = autograd.tensor([1.0], requires_grad=True)

    @autograd.no_grad
    def plain(v: Any) -> Any:
        return v * 2

    @autograd.inference_mode()
    def inferred(v: Any) -> Any:
        return v * 2

    assert not plain(x).requires_grad and not inferred(x).requires_grad
    with autograd.inference_mode():
        assert not (x * 2).requires_grad
    with autograd.inference_mode(False):
        assert (x * 2).requires_grad
    assert autograd.is_tensor(x) and not autograd.is_tensor(1.0) and autograd.numel(x) == 1
    assert autograd.is_floating_point(x) and not autograd.is_floating_point(autograd.tensor([1]))


@examples(0.5)
@given(values=st.lists(st.integers(0, 6), min_size=1, max_size=12))
def test_unique_bincount_searchsorted_bucketize(values: list[int]) -> None:
    a, t = autograd.tensor(values), torch.tensor(values)
    for ours, theirs in zip(autograd.unique(a, return_inverse=True, return_counts=True),
                            torch.unique(t, return_inverse=True, return_counts=True), strict=True):
        _same(ours, theirs)
    _same(a.bincount(minlength=3), t.bincount(minlength=3))
    weights = np.linspace(0.5, 2.0, len(values))
    ours_w, theirs_w = autograd.bincount(a, autograd.tensor(weights)), torch.bincount(t, torch.tensor(weights))
    assert ours_w.dtype == _dtype(theirs_w)
    np.testing.assert_allclose(ours_w.data, theirs_w.numpy())
    edges = [1.0, 2.5, 4.0]
    for right in (False, True):
        _same(autograd.bucketize(a, autograd.tensor(edges), right=right), torch.bucketize(t, torch.tensor(edges),
                                                                                         right=right))
        _same(autograd.searchsorted(autograd.tensor(sorted(values)), autograd.tensor([0, 3, 6]), right=right),
              torch.searchsorted(torch.tensor(sorted(values)), torch.tensor([0, 3, 6]), right=right))


def test_unique_slices() -> None:
    rows = [[1, 2], [1, 2], [0, 1]]
    for ours, theirs in zip(autograd.unique(autograd.tensor(rows), dim=0, return_inverse=True),
                            torch.unique(torch.tensor(rows), dim=0, return_inverse=True), strict=True):
        _same(ours, theirs)


def test_det_at_a_singular_matrix_is_the_cofactor_matrix() -> None:
    """A deliberate difference: the true derivative (PyTorch 2.13 returns zeros there)."""
    a = autograd.tensor([[0.0, 0.0], [0.0, 1.0]], dtype=autograd.float64, requires_grad=True)
    a.det().backward()
    np.testing.assert_allclose(a.grad.data, [[1.0, 0.0], [0.0, 0.0]])
    m = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    b = autograd.tensor(m, requires_grad=True)
    autograd.det(b).backward()
    cofactor = np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(m, i, 0), j, 1)) for j in range(3)]
                         for i in range(3)])
    np.testing.assert_allclose(b.grad.data, cofactor, atol=1e-12)


def test_linear_algebra_edges_as_pytorch() -> None:
    with pytest.raises(RuntimeError, match="singular"):
        autograd.inverse(autograd.tensor([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(RuntimeError):
        torch.inverse(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    negative = [[0.0, 1.0], [1.0, 0.0]]
    assert np.isnan(autograd.logdet(autograd.tensor(negative)).item()) and np.isnan(torch.logdet(
        torch.tensor(negative)).item())
    x = autograd.tensor(np.eye(2) * 2, requires_grad=True)
    identity = x.matrix_power(0)
    assert identity.requires_grad
    identity.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 2)))
    with pytest.raises(RuntimeError):
        autograd.cross(autograd.ones(2, 4), autograd.ones(2, 4))


def test_index_methods_in_place() -> None:
    ours, theirs = autograd.zeros(3, 2), torch.zeros(3, 2)
    for t, m in ((ours, autograd), (theirs, torch)):
        t.index_add_(0, m.tensor([0, 0, 2]), m.ones(3, 2))
        t.index_fill_(1, m.tensor([1]), -1.0)
        t.index_copy_(0, m.tensor([1]), m.full((1, 2), 5.0))
    _same(ours, theirs)


def test_the_device_idiom_runs_on_the_cpu() -> None:
    import nn

    for m in (autograd, torch):
        d = m.device("cuda" if m.cuda.is_available() else "cpu")
        assert (d.type, d.index, str(d)) == ("cpu", None, "cpu")
    d = autograd.device("cpu")
    x = autograd.ones(3, 2).to(d)
    assert x.device == d == "cpu" and repr(x.device) == repr(torch.ones(1).device)
    assert nn.Linear(2, 1).to(d)(x).shape == (3, 1)
    assert repr(autograd.device("cuda", 1)) == repr(torch.device("cuda", 1))
    with pytest.raises(RuntimeError, match=r"CPU only.*'cuda:0'"):
        x.to(autograd.device("cuda", 0))
    assert autograd.cuda.device_count() == 0 and autograd.cuda.manual_seed(0) is None


@pytest.mark.parametrize("make", [
    lambda m: m.zeros(4, 3).index_add(0, m.tensor([0, 1, 2]), m.ones(2, 3)),
    lambda m: m.zeros(4, 3).index_copy(0, m.tensor([0, 1]), m.ones(3, 3)),
])
def test_index_ops_name_a_source_that_does_not_fit(make: Any) -> None:
    with pytest.raises((RuntimeError, IndexError)):
        make(torch)
    with pytest.raises(autograd.ShapeError, match="does not fit"):
        make(autograd)


@pytest.mark.parametrize("make", [
    lambda m: m.zeros(4).unfold(0, 2.5, 1), lambda m: m.zeros(4).narrow(0, 1.5, 2), lambda m: m.randperm(2.5),
])
def test_a_float_where_an_int_belongs_is_a_type_error(make: Any) -> None:
    with pytest.raises(TypeError):
        make(torch)
    with pytest.raises(TypeError, match="must be int"):
        make(autograd)
