"""Embedding, Unflatten, RMSNorm, GroupNorm, CosineSimilarity and PairwiseDistance: PyTorch's parameters, names,
printouts, values and gradients; the embedding's padding row, max_norm and from_pretrained; torch's errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.testing import assert_gradients_match, broadcastable_shapes, shapes, tensors

from .torch_reference import assert_same_error, compare


def _numpy_state(torch_module):
    return {k: v.detach().numpy() for k, v in torch_module.state_dict().items()}


# ------------------------------------------------------------------ Embedding
@given(data=st.data(), padding=st.sampled_from([None, 0, 2, -1]), by_freq=st.booleans())
def test_embedding_matches_torch(data, padding, by_freq):
    torch = pytest.importorskip("torch")
    rows, cols = data.draw(st.integers(3, 6)), data.draw(st.integers(1, 4))
    index = data.draw(hnp.arrays(np.int64, shapes(max_dims=3, max_side=4), elements=st.integers(0, rows - 1)))
    weight = np.random.default_rng(0).normal(size=(rows, cols))
    compare(lambda w, i: F.embedding(i, w, padding, scale_grad_by_freq=by_freq),
            lambda w, i: torch.nn.functional.embedding(i, w, padding, scale_grad_by_freq=by_freq), [weight, index])


def test_embedding_padding_row_is_zero_and_gets_no_gradient():
    torch = pytest.importorskip("torch")
    autograd.set_default_dtype(np.float64)
    ours, theirs = nn.Embedding(6, 3, padding_idx=-2), torch.nn.Embedding(6, 3, padding_idx=-2).double()
    assert ours.padding_idx == theirs.padding_idx == 4
    np.testing.assert_array_equal(ours.weight.data[4], 0)
    ours.load_state_dict(_numpy_state(theirs))
    index = np.array([[4, 1, 4], [0, 4, 1]])
    ours(index).sum().backward()
    theirs(torch.tensor(index)).sum().backward()
    np.testing.assert_array_equal(ours.weight.grad.data, theirs.weight.grad.numpy())
    np.testing.assert_array_equal(ours.weight.grad.data[4], 0)
    np.testing.assert_array_equal(ours.weight.grad.data[1], 2)  # the other rows count their uses


def test_embedding_default_init_is_a_standard_normal_from_the_library_generator():
    autograd.manual_seed(0)
    table = nn.Embedding(1000, 50)
    assert table.weight.dtype == np.float32 and table.weight.shape == (1000, 50) and table.weight.requires_grad
    assert abs(table.weight.data.mean()) < 0.01
    assert table.weight.data.std() == pytest.approx(1.0, rel=0.01)
    autograd.manual_seed(0)
    np.testing.assert_array_equal(nn.Embedding(1000, 50).weight.data, table.weight.data)
    assert nn.Embedding(2, 2, dtype=np.float64).weight.dtype == np.float64


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 1}, {"max_norm": 1.5, "norm_type": 1.0},
                                    {"scale_grad_by_freq": True}, {"max_norm": 2.0}])
def test_embedding_names_and_printout_match_torch(kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Embedding(7, 3, **kwargs), torch.nn.Embedding(7, 3, **kwargs)
    assert repr(ours) == repr(theirs)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, math.inf])
def test_embedding_max_norm_renormalises_looked_up_rows_as_torch(norm_type, rng):
    torch = pytest.importorskip("torch")
    weight = rng.normal(size=(6, 4)) * 2
    index = np.array([[0, 2, 2], [5, 0, 3]])
    ours, theirs = autograd.tensor(weight.copy(), requires_grad=True), torch.tensor(weight.copy(), requires_grad=True)
    y = F.embedding(index, ours, max_norm=1.5, norm_type=norm_type)
    with torch.no_grad():  # torch renormalises in place, which a leaf that requires grad allows only here
        expected = torch.nn.functional.embedding(torch.tensor(index), theirs, max_norm=1.5, norm_type=norm_type)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.data, expected.numpy(), rtol=1e-12)
    norms = np.linalg.norm(ours.data, ord=norm_type, axis=1)
    assert (norms[[0, 2, 3, 5]] <= 1.5 + 1e-9).all()
    np.testing.assert_array_equal(ours.data[[1, 4]], weight[[1, 4]])  # rows not looked up are left alone


def test_embedding_from_pretrained_freezes_and_shares_the_array():
    torch = pytest.importorskip("torch")
    table = autograd.tensor(np.arange(12.0).reshape(4, 3))
    frozen = nn.Embedding.from_pretrained(table, padding_idx=1)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table.data), padding_idx=1)
    assert repr(frozen) == repr(theirs)
    assert not frozen.weight.requires_grad and frozen.weight.requires_grad == theirs.weight.requires_grad
    assert np.shares_memory(frozen.weight.data, table.data)
    np.testing.assert_array_equal(frozen.weight.data[1], table.data[1])  # the padding row is kept, as in torch
    np.testing.assert_array_equal(frozen(np.array([3, 1])).data, theirs(torch.tensor([3, 1])).numpy())
    trained = nn.Embedding.from_pretrained(table, freeze=False)
    assert trained.weight.requires_grad
    trained(np.array([[2, 2]])).sum().backward()
    np.testing.assert_array_equal(trained.weight.grad.data.sum(axis=1), [0, 0, 6, 0])


def test_embedding_gradients_match_central_differences_and_have_second_derivatives(rng):
    index = np.array([[1, 0, 1], [3, 3, 2]])
    w = autograd.tensor(rng.normal(size=(4, 2)), requires_grad=True)
    assert gradcheck(lambda w: F.embedding(index, w) ** 2, [w])
    # padding_idx changes the gradient on purpose; the backward's own derivative still holds
    assert gradgradcheck(lambda w: F.embedding(index, w, padding_idx=3) ** 3, [w])


def test_embedding_second_derivatives_match_torch(rng):
    torch = pytest.importorskip("torch")
    index = np.array([[1, 0, 1], [3, 3, 2]])

    def second_order(tf, grad, w):
        y = tf.embedding(index if tf is F else torch.tensor(index), w, padding_idx=3)
        (g,) = grad((y**3).sum(), w, create_graph=True)
        return (g * g).sum()

    compare(lambda w: second_order(F, lambda y, w, **k: autograd.grad(y, [w], **k), w),
            lambda w: second_order(torch.nn.functional, lambda y, w, **k: torch.autograd.grad(y, [w], **k), w),
            [rng.normal(size=(4, 2))])


@given(w=tensors(shape=(5, 3), elements=(-2, 2), requires_grad=True),
       index=hnp.arrays(np.int64, shapes(max_dims=2, max_side=4), elements=st.integers(0, 4)))
def test_embedding_gradient_is_central_differences_away_from_the_padding_row(w, index):
    assert_gradients_match(lambda w: F.embedding(index, w), w)


def test_embedding_in_a_model_loads_torch_weights(rng):
    torch = pytest.importorskip("torch")
    autograd.set_default_dtype(np.float64)
    theirs = torch.nn.Sequential(torch.nn.Embedding(10, 4, padding_idx=0), torch.nn.Flatten(),
                                 torch.nn.Linear(12, 2)).double()
    ours = nn.Sequential(nn.Embedding(10, 4, padding_idx=0), nn.Flatten(), nn.Linear(12, 2))
    assert repr(ours) == repr(theirs)
    ours.load_state_dict(_numpy_state(theirs))
    index = rng.integers(0, 10, size=(5, 3))
    np.testing.assert_allclose(ours(index).data, theirs(torch.tensor(index)).detach().numpy(), rtol=1e-12)


def test_embedding_bad_arguments_raise_torchs_errors():
    torch = pytest.importorskip("torch")
    tf, w, tw = torch.nn.functional, autograd.ones(3, 2), torch.ones(3, 2)
    assert_same_error(lambda: F.embedding(autograd.tensor([1.0]), w), lambda: tf.embedding(torch.tensor([1.0]), tw),
                      RuntimeError, "indices must be an integer tensor")
    with pytest.raises(TypeError, match="got dtype bool"):
        F.embedding(np.array([True]), w)
    for bad in (-1, 3):
        assert_same_error(lambda bad=bad: F.embedding(np.array([0, bad]), w),
                          lambda bad=bad: tf.embedding(torch.tensor([0, bad]), tw), IndexError,
                          f"index out of range in self: index {bad} for 3 embeddings")
    assert_same_error(lambda: F.embedding(np.array([0]), autograd.ones(3)),
                      lambda: tf.embedding(torch.tensor([0]), torch.ones(3)), RuntimeError, "'weight' must be 2-D")
    for padding in (3, -4):
        assert_same_error(lambda padding=padding: nn.Embedding(3, 2, padding_idx=padding),
                          lambda padding=padding: torch.nn.Embedding(3, 2, padding_idx=padding), AssertionError,
                          "Padding_idx must be within num_embeddings")
    assert_same_error(lambda: nn.Embedding.from_pretrained(autograd.ones(3)),
                      lambda: torch.nn.Embedding.from_pretrained(torch.ones(3)), AssertionError, "2-dimensional")
    with pytest.raises(NotImplementedError, match="sparse=True"):
        nn.Embedding(3, 2, sparse=True)


# ------------------------------------------------------------------ Unflatten
@pytest.mark.parametrize(("dim", "sizes"), [(1, (2, 3)), (-1, [3, 2]), (0, (2, -1)), (1, (6,))])
def test_unflatten_matches_torch(dim, sizes, rng):
    torch = pytest.importorskip("torch")
    compare(nn.Unflatten(dim, sizes), torch.nn.Unflatten(dim, sizes), [rng.normal(size=(4, 6))])
    assert repr(nn.Unflatten(dim, sizes)) == repr(torch.nn.Unflatten(dim, sizes))


def test_unflatten_bad_arguments_raise_torchs_errors():
    torch = pytest.importorskip("torch")
    assert_same_error(lambda: nn.Unflatten(1, 6), lambda: torch.nn.Unflatten(1, 6), TypeError,
                      "must be a tuple of ints, but found type int")
    assert_same_error(lambda: nn.Unflatten(1, (2, 3.0)), lambda: torch.nn.Unflatten(1, (2, 3.0)), TypeError,
                      "found element of type float at pos 1")
    assert_same_error(lambda: nn.Unflatten(1, (4, 2))(autograd.ones(2, 6)),
                      lambda: torch.nn.Unflatten(1, (4, 2))(torch.ones(2, 6)), RuntimeError, "reshape")


# ------------------------------------------------------------------ RMSNorm and GroupNorm
def _randomise(torch, module):
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(0.5, 2)
    return module


@pytest.mark.parametrize("eps", [None, 1e-3])
@given(data=st.data(), affine=st.booleans())
def test_rms_norm_matches_torch(eps, data, affine):
    torch = pytest.importorskip("torch")
    autograd.set_default_dtype(np.float64)
    shape = data.draw(shapes(min_dims=1, max_dims=4, max_side=4))
    k = data.draw(st.integers(1, len(shape)))
    normalized = shape[len(shape) - k:]
    ours = nn.RMSNorm(normalized, eps, affine)
    theirs = _randomise(torch, torch.nn.RMSNorm(normalized, eps, affine).double())
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(_numpy_state(theirs))
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    compare(ours, theirs, [x])
    if affine:
        np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-10, atol=1e-12)


@given(data=st.data(), affine=st.sampled_from([(True, True), (True, False), (False, False)]))
def test_group_norm_matches_torch(data, affine):
    torch = pytest.importorskip("torch")
    autograd.set_default_dtype(np.float64)
    groups, per_group = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    channels = groups * per_group
    shape = (data.draw(st.integers(1, 3)), channels, *data.draw(shapes(max_dims=2, max_side=3)))
    if math.prod(shape) // groups == 1:
        return  # one value per group: refused, as tested below
    ours = nn.GroupNorm(groups, channels, affine=affine[0], bias=affine[1])
    theirs = _randomise(torch, torch.nn.GroupNorm(groups, channels, affine=affine[0], bias=affine[1]).double())
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(_numpy_state(theirs))
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    x.flat[0] += 1  # not every element equal: torch's variance of a constant group is not exactly 0
    compare(ours, theirs, [x], rtol=1e-9, atol=1e-10)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-9, atol=1e-10, err_msg=name)


def test_norms_gradcheck(rng):
    x = autograd.tensor(rng.normal(size=(2, 4, 3)), requires_grad=True)
    w = autograd.tensor(rng.uniform(0.5, 2, size=4), requires_grad=True)
    b = autograd.tensor(rng.normal(size=4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x, w, b))
    assert gradgradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (x, w, b))
    g = autograd.tensor(rng.uniform(0.5, 2, size=(4, 3)), requires_grad=True)
    assert gradcheck(lambda x, g: F.rms_norm(x, (4, 3), g), (x, g))
    assert gradgradcheck(lambda x, g: F.rms_norm(x, (4, 3), g, eps=1e-3), (x, g))


def test_rms_norm_default_eps_is_the_dtypes_machine_epsilon():
    x = np.array([[1e-5, -2e-5, 0.0]])
    for dtype in (np.float32, np.float64):
        t = x.astype(dtype)
        expected = t / np.sqrt((t * t).mean() + np.finfo(dtype).eps)
        np.testing.assert_allclose(F.rms_norm(t, 3).data, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)
        assert F.rms_norm(t, 3).dtype == dtype


def test_norm_bad_arguments_raise_torchs_errors():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    assert_same_error(lambda: nn.GroupNorm(2, 5), lambda: torch.nn.GroupNorm(2, 5), ValueError,
                      r"num_channels \(5\) must be divisible by num_groups \(2\)")
    assert_same_error(lambda: F.group_norm(autograd.ones(2, 5, 3), 2), lambda: tf.group_norm(torch.ones(2, 5, 3), 2),
                      RuntimeError, "divisible by num_groups")
    assert_same_error(lambda: F.group_norm(autograd.ones(3), 1), lambda: tf.group_norm(torch.ones(3), 1),
                      RuntimeError, "Expected at least 2 dimensions")
    assert_same_error(lambda: F.group_norm(autograd.ones(1, 2), 2), lambda: tf.group_norm(torch.ones(1, 2), 2),
                      ValueError, "more than 1 value per channel")
    assert_same_error(lambda: F.group_norm(autograd.ones(2, 4), -1), lambda: tf.group_norm(torch.ones(2, 4), -1),
                      RuntimeError, "greater than 0")
    assert_same_error(lambda: F.group_norm(autograd.ones(2, 4), 2, autograd.ones(3)),
                      lambda: tf.group_norm(torch.ones(2, 4), 2, torch.ones(3)), RuntimeError, "weight")
    assert_same_error(lambda: F.rms_norm(autograd.ones(2, 3), [4]), lambda: tf.rms_norm(torch.ones(2, 3), [4]),
                      RuntimeError, r"normalized_shape=\[4\]")
    assert_same_error(lambda: F.rms_norm(autograd.ones(2, 3), [3], autograd.ones(2)),
                      lambda: tf.rms_norm(torch.ones(2, 3), [3], torch.ones(2)), RuntimeError, "weight")


# ------------------------------------------------------------------ CosineSimilarity and PairwiseDistance
@given(data=st.data())
def test_cosine_similarity_matches_torch(data):
    torch = pytest.importorskip("torch")
    shapes_ = data.draw(broadcastable_shapes(min_dims=1, max_dims=3, max_side=4))
    ndim = len(shapes_.result_shape)
    dim = data.draw(st.integers(-ndim, ndim - 1))
    # exact zeros and tiny values: vectors whose norm is clamped to ε
    elements = st.one_of(st.just(0.0), st.floats(-1e-9, 1e-9), st.floats(-3, 3))
    x1, x2 = (data.draw(hnp.arrays(np.float64, s, elements=elements)) for s in shapes_.input_shapes)
    compare(lambda a, b: F.cosine_similarity(a, b, dim), lambda a, b: torch.nn.functional.cosine_similarity(a, b, dim),
            [x1, x2], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, 0.5, math.inf])
@given(data=st.data(), keepdim=st.booleans())
def test_pairwise_distance_matches_torch(p, data, keepdim):
    torch = pytest.importorskip("torch")
    shapes_ = data.draw(broadcastable_shapes(min_dims=1, max_dims=3, max_side=4))
    elements = st.floats(-3, 3).map(lambda v: round(v, 1))  # equal entries too: x₁ − x₂ + ε with x₁ = x₂
    x1, x2 = (data.draw(hnp.arrays(np.float64, s, elements=elements)) for s in shapes_.input_shapes)
    if p == math.inf:  # no ties for the largest |difference|, where the gradient's split is a convention
        top = np.sort(np.abs(np.broadcast_to(x1 - x2 + 1e-6, shapes_.result_shape)), axis=-1)
        if top.shape[-1] > 1 and (top[..., -1] - top[..., -2] < 1e-9).any():
            return
    compare(lambda a, b: F.pairwise_distance(a, b, p, keepdim=keepdim),
            lambda a, b: torch.nn.functional.pairwise_distance(a, b, p, keepdim=keepdim), [x1, x2], rtol=1e-9)


def test_distance_modules_match_torch(rng):
    torch = pytest.importorskip("torch")
    x1, x2 = rng.normal(size=(5, 4, 3)), rng.normal(size=(5, 4, 3))
    for ours, theirs in ((nn.CosineSimilarity(), torch.nn.CosineSimilarity()),
                         (nn.CosineSimilarity(dim=-1, eps=0.5), torch.nn.CosineSimilarity(dim=-1, eps=0.5)),
                         (nn.PairwiseDistance(), torch.nn.PairwiseDistance()),
                         (nn.PairwiseDistance(p=1.0, eps=0.1, keepdim=True),
                          torch.nn.PairwiseDistance(p=1.0, eps=0.1, keepdim=True))):
        assert repr(ours) == repr(theirs)
        compare(ours, theirs, [x1, x2])


def test_pairwise_distance_of_two_numbers_matches_torch():
    torch = pytest.importorskip("torch")
    compare(F.pairwise_distance, torch.nn.functional.pairwise_distance, [np.array(1.0), np.array(3.5)])


def test_distances_gradcheck(rng):
    x1 = autograd.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    x2 = autograd.tensor(rng.normal(size=(1, 4)), requires_grad=True)
    assert gradcheck(lambda a, b: F.cosine_similarity(a, b, dim=-1), (x1, x2))
    assert gradgradcheck(lambda a, b: F.cosine_similarity(a, b, dim=-1), (x1, x2))
    assert gradcheck(lambda a, b: F.pairwise_distance(a, b, 3.0), (x1, x2))
    assert gradgradcheck(F.pairwise_distance, (x1, x2))


def test_cosine_similarity_takes_torchs_dtypes():
    torch = pytest.importorskip("torch")
    ints = np.arange(6).reshape(2, 3)
    y = compare(F.cosine_similarity, torch.nn.functional.cosine_similarity, [ints, ints.astype(np.float32)],
                rtol=1e-6, atol=1e-6)
    assert y.dtype == np.float32  # torch's promotion: an integer beside float32 is float32
    assert_same_error(lambda: F.cosine_similarity(ints, ints),
                      lambda: torch.nn.functional.cosine_similarity(torch.tensor(ints), torch.tensor(ints)),
                      RuntimeError, "expected common dtype to be floating point")
