"""Elementwise maths at its edges, against PyTorch: exact powers of two and ten, logaddexp at infinities and
far apart, copysign at signed zeros, lerp from both ends."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd

torch = pytest.importorskip("torch")


def _run(lib: Any, fn: Any, *arrays: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    xs = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *xs)
    out.sum().backward()
    value = out.detach().numpy() if lib is torch else out.data
    return value, [x.grad.numpy() if lib is torch else x.grad.data for x in xs]


def _same_as_torch(fn: Any, *arrays: np.ndarray, rtol: float = 0.0) -> None:
    (ours, our_grads), (theirs, their_grads) = _run(autograd, fn, *arrays), _run(torch, fn, *arrays)
    np.testing.assert_allclose(ours, theirs, rtol=rtol)
    for g, t in zip(our_grads, their_grads, strict=True):
        np.testing.assert_allclose(g, t, rtol=max(rtol, 1e-15))


def test_base_two_and_ten_are_exact_at_powers() -> None:
    k = np.arange(-5.0, 12.0)
    np.testing.assert_array_equal(autograd.log2(autograd.tensor(2.0**k)).data, k)
    np.testing.assert_array_equal(autograd.log10(autograd.tensor(10.0**k)).data, k)
    np.testing.assert_array_equal(autograd.exp2(autograd.tensor(k)).data, 2.0**k)


@pytest.mark.parametrize(("a", "b"), [([np.inf, 1.0, -np.inf, 1000.0, 0.0], [1.0, np.inf, 2.0, -1000.0, 0.0]),
                                      ([-np.inf], [-np.inf])])
def test_logaddexp_at_infinities_and_far_apart_matches_torch(a: list[float], b: list[float]) -> None:
    _same_as_torch(lambda lib, x, y: lib.logaddexp(x, y), np.array(a), np.array(b))


def test_copysign_at_signed_zeros_matches_torch() -> None:
    a = np.array([0.0, -0.0, 2.0, -2.0, 3.0, 0.0])
    b = np.array([-1.0, 1.0, -0.0, 0.0, -np.inf, -0.0])
    _same_as_torch(lambda lib, x, y: lib.copysign(x, y), a, b)
    assert np.signbit(autograd.copysign(autograd.tensor(a), autograd.tensor(b)).data).tolist() == \
        np.signbit(torch.copysign(torch.tensor(a), torch.tensor(b)).numpy()).tolist()


def test_lerp_matches_torch_from_both_ends() -> None:
    start, end = np.array([1e8, -3.0, 0.1, 2.0]), np.array([3.0, 5.0, 0.3, 2.0])
    weight = np.array([-0.6, 0.49, 0.5, 1.7])
    _same_as_torch(lambda lib, s, e, w: lib.lerp(s, e, w), start, end, weight, rtol=1e-15)
    for w in [0.25, 0.75, -1.5]:
        _same_as_torch(lambda lib, s, e, w=w: lib.lerp(s, e, w), start, end, rtol=1e-15)


def test_hypot_atan2_and_inverse_functions_on_edges_match_torch() -> None:
    a, b = np.array([0.0, 3.0, -1e200, 1e-200]), np.array([2.0, 4.0, 1e200, -1e-200])
    _same_as_torch(lambda lib, x, y: lib.hypot(x, y), a, b, rtol=1e-15)
    _same_as_torch(lambda lib, x, y: lib.atan2(x, y), np.array([0.0, -0.0, 1.0, -1.0]),
                   np.array([-1.0, -1.0, 0.0, 0.0]), rtol=1e-15)
    x = np.array([-0.999, 0.0, 0.5, 0.999])
    for name in ["asin", "acos", "atanh", "atan", "asinh", "tan", "sinh", "cosh"]:
        _same_as_torch(lambda lib, t, name=name: getattr(lib, name)(t), x, rtol=1e-14)
    _same_as_torch(lambda lib, t: lib.acosh(t), np.array([1.001, 2.0, 1e10]), rtol=1e-14)
    _same_as_torch(lambda lib, t: lib.rsqrt(t), np.array([1e-10, 0.25, 4.0, 1e10]), rtol=1e-15)


def test_clamp_min_and_max_bounds_pass_the_gradient_as_torch() -> None:
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    _same_as_torch(lambda lib, t: lib.clamp_min(t, 0.0), x)
    _same_as_torch(lambda lib, t: lib.clamp_max(t, 1.0), x)


def test_square_of_an_integer_tensor_stays_integer() -> None:
    out = autograd.square(autograd.tensor(np.array([-3, 4])))
    assert out.dtype == torch.square(torch.tensor([-3, 4])).numpy().dtype
    np.testing.assert_array_equal(out.data, [9, 16])
