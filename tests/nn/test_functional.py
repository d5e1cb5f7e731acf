"""nn.functional as a package, and its non-activation additions against PyTorch: normalize,
scaled_dot_product_attention, one_hot, pad."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.testing import assert_gradients_match, shapes, tensors


def _torch():
    return pytest.importorskip("torch")


def test_every_public_name_is_importable_and_documented():
    for name in F.__all__:
        assert callable(getattr(F, name)) and getattr(F, name).__doc__, name


def test_autograd_ops_are_re_exported_not_copied():
    assert F.softmax is autograd.softmax and F.log_softmax is autograd.log_softmax
    assert F.softmin is autograd.softmin and F.pad is autograd.pad


def _compare(ours, theirs, arrays, rng, rtol=1e-10):
    """Value and gradients (for a random upstream) of ours(*Tensors) and theirs(*torch tensors)."""
    torch = _torch()
    xs = [autograd.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = ours(*xs), theirs(*ts)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=rtol, atol=1e-12)
    u = rng.normal(size=y.shape)
    y.backward(u)
    ty.backward(torch.tensor(u))
    for x, t in zip(xs, ts, strict=True):
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, 0.5, math.inf])
@pytest.mark.parametrize("dim", [1, 0, -1, (0, 1)])
def test_normalize_matches_torch(p, dim, rng):
    x = rng.normal(size=(3, 4))
    x[1] = 0.0  # a zero slice along dim 1: finite gradient, as in PyTorch
    x[2, :2] = [2.5, -2.5]  # a tie for the inf-norm
    x[0, 0] = 0.0
    _compare(lambda t: F.normalize(t, p, dim), lambda t: _torch().nn.functional.normalize(t, p, dim), [x], rng)


def test_normalize_takes_eps_where_the_norm_is_smaller(rng):
    x = np.array([[1e-3, -2e-3], [3.0, 4.0]])
    _compare(lambda t: F.normalize(t, eps=0.01), lambda t: _torch().nn.functional.normalize(t, eps=0.01), [x], rng)
    np.testing.assert_allclose(F.normalize(autograd.tensor(x), eps=0.01).data[0], x[0] / 0.01)


# away from |x|'s kink at 0, and from norms below ε, where the value jumps (x/ε next to x/‖x‖)
NOT_NEAR_ZERO = st.one_of(st.floats(-3, -0.05), st.floats(0.05, 3))


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, math.inf])
@given(x=tensors(shape=shapes(min_dims=2, max_dims=3, max_side=4), elements=NOT_NEAR_ZERO, requires_grad=True,
                 unique=True))
def test_normalize_gradients_match_central_differences(p, x):
    if p == math.inf and x.shape[1] > 1:  # the max along dim 1: no ties, nor near ones within the step
        top = np.sort(np.abs(x.data), axis=1)
        assume((top[:, -1] - top[:, -2] > 1e-3).all())
    assert_gradients_match(lambda t: F.normalize(t, p), x)


def test_normalize_second_derivatives(rng):
    x = autograd.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    assert gradgradcheck(lambda t: F.normalize(t, 2.0, dim=-1), [x])
    assert gradgradcheck(lambda t: F.normalize(t, 3.0, dim=0), [x])


def test_normalize_rejects_a_non_positive_p():
    with pytest.raises(ValueError, match="p must be positive or inf"):
        F.normalize(autograd.tensor([[1.0, 2.0]]), p=0)


def _attention_inputs(rng, batch=(2,), L=3, S=5, E=4, Ev=2):
    return [rng.normal(size=(*batch, L, E)), rng.normal(size=(*batch, S, E)), rng.normal(size=(*batch, S, Ev))]


@pytest.mark.parametrize("kwargs", [{}, {"scale": 0.3}, {"is_causal": True}])
def test_attention_matches_torch(kwargs, rng):
    torch = _torch()
    _compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kwargs),
             lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs),
             _attention_inputs(rng), rng)


def test_attention_with_a_bool_mask_matches_torch_also_for_a_query_that_sees_no_key(rng):
    torch = _torch()
    mask = rng.uniform(size=(3, 5)) > 0.4
    mask[1] = False  # torch gives this query zeros, and zero gradient
    _compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
             lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor(mask)),
             _attention_inputs(rng), rng)


def test_attention_with_a_float_mask_gets_its_gradient_too(rng):
    torch = _torch()
    bias = rng.normal(size=(3, 5))
    bias[0, 1] = -np.inf
    _compare(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
             lambda q, k, v, m: torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m),
             [*_attention_inputs(rng), bias], rng)


def test_attention_heads_broadcast_and_grouped_query_heads(rng):
    torch = _torch()
    q, k, v = rng.normal(size=(2, 4, 3, 8)), rng.normal(size=(2, 2, 5, 8)), rng.normal(size=(2, 2, 5, 6))
    mask = rng.uniform(size=(1, 1, 3, 5)) > 0.3
    _compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True),
             lambda q, k, v: torch.nn.functional.scaled_dot_product_attention(
                 q, k, v, attn_mask=torch.tensor(mask), enable_gqa=True), [q, k, v], rng)


@given(data=st.data())
def test_attention_gradients_match_central_differences(data):
    L, S, E = (data.draw(st.integers(1, 3)) for _ in range(3))
    causal = data.draw(st.booleans())
    q, k, v = (data.draw(tensors(shape=s, elements=(-2, 2), requires_grad=True)) for s in ((L, E), (S, E), (S, 2)))
    assert_gradients_match(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, is_causal=causal), q, k, v)


def test_attention_second_derivatives(rng):
    q, k, v = (autograd.tensor(a, requires_grad=True) for a in _attention_inputs(rng, batch=(), L=2, S=3, E=2))
    assert gradgradcheck(F.scaled_dot_product_attention, [q, k, v])


def test_attention_dropout_is_applied_and_seeded(rng):
    q, k, v = (autograd.tensor(a) for a in _attention_inputs(rng))
    assert not F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).data.any()
    autograd.manual_seed(3)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    autograd.manual_seed(3)
    np.testing.assert_array_equal(a.data, F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).data)
    assert not np.allclose(a.data, F.scaled_dot_product_attention(q, k, v).data)


def test_attention_bad_input_names_the_problem(rng):
    q, k, v = (autograd.tensor(a) for a in _attention_inputs(rng, batch=()))
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((3, 5), bool), is_causal=True)
    with pytest.raises(ValueError, match="at least 2-d"):
        F.scaled_dot_product_attention(q[0], k, v)
    with pytest.raises(ValueError, match="same last dim"):
        F.scaled_dot_product_attention(q, k[:, :2], v)
    with pytest.raises(ValueError, match="multiple"):
        F.scaled_dot_product_attention(autograd.randn(3, 3, 4), autograd.randn(2, 5, 4), autograd.randn(2, 5, 2),
                                       enable_gqa=True)


@pytest.mark.parametrize("index, num_classes", [([0, 2, 1], -1), ([[1], [3]], 5), (2, 4), ([], 3)])
def test_one_hot_matches_torch(index, num_classes):
    torch = _torch()
    index = np.array(index, dtype=np.int64)
    ours = F.one_hot(autograd.tensor(index), num_classes)
    theirs = torch.nn.functional.one_hot(torch.tensor(index), num_classes)
    assert ours.dtype == np.int64 and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_one_hot_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="non-negative"):
        F.one_hot(np.array([-1, 2]), 3)
    with pytest.raises(ValueError, match="smaller than num_classes=3"):
        F.one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match="empty"):
        F.one_hot(np.array([], dtype=np.int64))
    with pytest.raises(TypeError, match="must be integers, got dtype float"):
        F.one_hot(autograd.tensor([0.0, 1.0]))


def test_pad_is_differentiable_through_nn_functional(rng):
    x = autograd.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    assert gradcheck(lambda t: F.pad(t, ((1, 0), (0, 2))).sum(), [x])


def test_linear_refuses_mixed_dtypes_as_pytorch_does():
    torch = _torch()
    x, w, b = np.ones((2, 3)), np.ones((4, 3), np.float32), np.ones(4, np.float32)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.linear(autograd.tensor(x), autograd.tensor(w), autograd.tensor(b))
    with pytest.raises(RuntimeError):
        torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b))
    with pytest.raises(RuntimeError, match="bias"):
        F.linear(autograd.tensor(x.astype(np.float32)), autograd.tensor(w), autograd.tensor(b.astype(np.float64)))
