"""Gradient clipping against PyTorch, and the ℓ₁/ℓ₂ penalties with their gradients."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn.utils import clip_grad_norm_, clip_grad_value_, l1_penalty, l2_penalty


def _pair(rng, torch, scale=3.0):
    """Two parameters with gradients, and their torch twins; a third parameter without a gradient."""
    grads = [rng.normal(size=(3, 4)) * scale, rng.normal(size=5) * scale]
    ours = [nn.Parameter(np.zeros(g.shape)) for g in grads] + [nn.Parameter(np.zeros(2))]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, t, g in zip(ours, theirs, grads):
        p.grad = g.copy()
        t.grad = torch.tensor(g)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, rng):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(rng, torch)
    total = clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.item() == pytest.approx(expected.item(), rel=1e-12)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)
    assert ours[2].grad is None


def test_clip_grad_norm_scales_to_max_norm_and_keeps_dtype():
    w = nn.Parameter(np.zeros(2, dtype=np.float32))
    w.grad = np.array([3.0, 4.0], dtype=np.float32)
    model = nn.Module()
    model.w = w
    assert clip_grad_norm_(model, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(w.grad.data, [0.6, 0.8], rtol=1e-5)
    assert w.grad.dtype == np.float32
    assert clip_grad_norm_([nn.Parameter(np.zeros(2))], 1.0).item() == 0.0


def test_clip_grad_norm_non_finite():
    w = nn.Parameter(np.zeros(2))
    w.grad = np.array([np.inf, 1.0])
    with pytest.raises(RuntimeError, match=r"total norm of order 2\.0.*non-finite"):
        clip_grad_norm_(w, 1.0, error_if_nonfinite=True)
    assert clip_grad_norm_(w, 1.0).item() == math.inf
    np.testing.assert_array_equal(w.grad.data, [np.nan, 0.0])  # scaled by 0, as PyTorch


def test_clip_grad_value_matches_torch(rng):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(rng, torch)
    clip_grad_value_(ours, 1.5)
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for p, t in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.data, t.grad.numpy())
    with pytest.raises(ValueError, match="non-negative"):
        clip_grad_value_(ours, -1.0)


def test_penalties_and_their_gradients(rng):
    a = nn.Parameter(rng.normal(size=(2, 3)))
    b = nn.Parameter(rng.normal(size=4))
    model = nn.Module()
    model.a, model.b = a, b
    l1 = l1_penalty(model)
    assert l1.item() == pytest.approx(np.abs(a.data).sum() + np.abs(b.data).sum(), rel=1e-12)
    l2 = l2_penalty([a, b])
    assert l2.item() == pytest.approx((a.data**2).sum() + (b.data**2).sum(), rel=1e-12)
    (l1 + 0.5 * l2).backward()
    np.testing.assert_allclose(a.grad.data, np.sign(a.data) + a.data, rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, np.sign(b.data) + b.data, rtol=1e-12)


def test_penalty_of_one_tensor_or_none():
    w = autograd.tensor([3.0, -4.0], requires_grad=True)
    assert l1_penalty(w).item() == 7.0
    assert l2_penalty(w).item() == 25.0
    assert l2_penalty([]).item() == 0.0
    assert l2_penalty(w).dtype == np.float32


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0])
def test_max_norm_matches_torch_renorm(dim, norm_type, rng):
    torch = pytest.importorskip("torch")
    w = nn.Parameter(rng.normal(size=(5, 4)) * 2)
    expected = torch.renorm(torch.tensor(w.data.copy()), norm_type, dim, 1.5).numpy()
    nn.utils.max_norm_(w, 1.5, dim=dim, norm_type=norm_type)
    np.testing.assert_allclose(w.data, expected, rtol=1e-12)


def test_max_norm_by_hand_keeps_short_rows_and_dtype():
    w = nn.Parameter(np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]], dtype=np.float32))
    b = nn.Parameter(np.array([10.0, 0.1]))
    nn.utils.max_norm_([w, b], max_norm=1.0)
    np.testing.assert_allclose(w.data, [[0.6, 0.8], [0.3, 0.4], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(b.data, [1.0, 0.1], rtol=1e-6)  # 1-d: each element is its own slice
    assert w.dtype == np.float32


def test_max_norm_rejects_bad_input():
    w = nn.Parameter(np.ones((2, 2)))
    with pytest.raises(TypeError, match="not a Module"):
        nn.utils.max_norm_(nn.Linear(2, 2), 1.0)
    with pytest.raises(ValueError, match="max_norm must be non-negative"):
        nn.utils.max_norm_(w, -1.0)
    with pytest.raises(ValueError, match="norm_type must be positive"):
        nn.utils.max_norm_(w, 1.0, norm_type=0)
    with pytest.raises(IndexError, match="dim 2 out of range"):
        nn.utils.max_norm_(w, 1.0, dim=2)
    with pytest.raises(ValueError, match="0-d"):
        nn.utils.max_norm_(nn.Parameter(np.array(3.0)), 1.0)
