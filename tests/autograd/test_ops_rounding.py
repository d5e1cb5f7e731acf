"""Rounding and modular ops at their edges, against PyTorch: negative operands, integer dtypes,
division by zero, halves, and the zero gradients of step functions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd

torch = pytest.importorskip("torch")

SIGNS_A = np.array([5.5, -5.5, 5.5, -5.5, 7.0, -7.0, 0.0, 2.25])
SIGNS_B = np.array([2.0, 2.0, -2.0, -2.0, 3.5, -3.5, 1.5, -0.75])


def _values_and_grads(fn: Any, lib: Any, *arrays: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    xs = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*xs)
    upstream = np.linspace(-1.0, 2.0, out.numel())
    out.backward(lib.tensor(upstream.reshape(tuple(out.shape))))
    value = out.detach().numpy() if lib is torch else out.data
    return value, [x.grad.numpy() if lib is torch else x.grad.data for x in xs]


@pytest.mark.parametrize("name", ["remainder", "fmod"])
def test_remainder_and_fmod_with_negative_operands_match_torch(name: str) -> None:
    ours = _values_and_grads(getattr(autograd, name), autograd, SIGNS_A, SIGNS_B)
    theirs = _values_and_grads(getattr(torch, name), torch, SIGNS_A, SIGNS_B)
    np.testing.assert_array_equal(ours[0], theirs[0])
    for g, t in zip(ours[1], theirs[1], strict=True):
        np.testing.assert_array_equal(g, t)


def test_remainder_takes_the_divisor_sign_and_fmod_the_dividend_sign() -> None:
    a, b = autograd.tensor(SIGNS_A), autograd.tensor(SIGNS_B)
    r, f = (a % b).data, autograd.fmod(a, b).data
    assert np.all((r == 0) | (np.sign(r) == np.sign(SIGNS_B)))
    assert np.all((f == 0) | (np.sign(f) == np.sign(SIGNS_A)))


@pytest.mark.parametrize("mode", [None, "trunc", "floor"])
def test_div_rounding_modes_match_torch(mode: str | None) -> None:
    ours = _values_and_grads(lambda a, b: autograd.div(a, b, rounding_mode=mode), autograd, SIGNS_A, SIGNS_B)
    theirs = _values_and_grads(lambda a, b: torch.div(a, b, rounding_mode=mode), torch, SIGNS_A, SIGNS_B)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-15)
    for g, t in zip(ours[1], theirs[1], strict=True):
        np.testing.assert_allclose(g, t, rtol=1e-15)


def test_floor_division_operator_is_div_floor_with_zero_gradient() -> None:
    a = autograd.tensor(SIGNS_A, requires_grad=True)
    (a // 2.0).sum().backward()
    np.testing.assert_array_equal((autograd.tensor(SIGNS_A) // 2.0).data, (torch.tensor(SIGNS_A) // 2.0).numpy())
    np.testing.assert_array_equal(a.grad.data, np.zeros_like(SIGNS_A))
    np.testing.assert_array_equal((7.0 // autograd.tensor(SIGNS_B)).data, (7.0 // torch.tensor(SIGNS_B)).numpy())
    np.testing.assert_array_equal((7.0 % autograd.tensor(SIGNS_B)).data, (7.0 % torch.tensor(SIGNS_B)).numpy())


def test_div_refuses_an_unknown_rounding_mode() -> None:
    with pytest.raises(ValueError, match="rounding_mode"):
        autograd.div(autograd.tensor([1.0]), 2.0, rounding_mode="round")


@pytest.mark.parametrize("op", ["floor_divide", "remainder", "fmod", "trunc_div"])
def test_integer_results_match_torch_and_keep_the_dtype(op: str) -> None:
    a, b = np.array([7, -7, 7, -7, 0]), np.array([2, 2, -2, -2, 3])
    if op == "trunc_div":
        ours = autograd.div(autograd.tensor(a), autograd.tensor(b), rounding_mode="trunc")
        theirs = torch.div(torch.tensor(a), torch.tensor(b), rounding_mode="trunc")
    else:
        ours = getattr(autograd, op)(autograd.tensor(a), autograd.tensor(b))
        theirs = getattr(torch, op)(torch.tensor(a), torch.tensor(b))
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("op", [lambda a, b: a // b, lambda a, b: a % b, autograd.fmod])
def test_integer_division_by_zero_raises_as_in_torch(op: Any) -> None:
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        op(autograd.tensor(np.array([1, 2])), autograd.tensor(np.array([1, 0])))


def test_float_division_by_zero_gives_torchs_inf_and_nan() -> None:
    one = np.array([1.0, -1.0, 0.0])
    for ours, theirs in [(lambda a: a // 0.0, lambda a: a // 0.0), (lambda a: a % 0.0, lambda a: a % 0.0),
                         (lambda a: autograd.fmod(a, 0.0), lambda a: torch.fmod(a, 0.0))]:
        np.testing.assert_array_equal(ours(autograd.tensor(one)).data, theirs(torch.tensor(one)).numpy())


def test_round_halves_to_even_and_decimals_match_torch() -> None:
    a = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 1.25, 1234.5, 0.125, -2.675])
    for decimals in [0, 1, 2, -1, -2]:
        np.testing.assert_array_equal(autograd.round(autograd.tensor(a), decimals=decimals).data,
                                      torch.round(torch.tensor(a), decimals=decimals).numpy())


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "frac"])
def test_step_functions_at_integers_and_halves_match_torch(name: str) -> None:
    a = np.array([-2.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 3.7])
    ours = _values_and_grads(getattr(autograd, name), autograd, a)
    theirs = _values_and_grads(getattr(torch, name), torch, a)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1][0], theirs[1][0])


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
def test_rounding_an_integer_tensor_keeps_it(name: str) -> None:
    a = np.array([-3, 0, 4])
    out = getattr(autograd, name)(autograd.tensor(a))
    assert out.dtype == getattr(torch, name)(torch.tensor(a)).numpy().dtype == np.int64
    np.testing.assert_array_equal(out.data, a)


def test_remainder_second_derivative_through_the_divisor() -> None:
    a = autograd.tensor(np.array([5.3, -5.3, 2.2]), requires_grad=True)
    b = autograd.tensor(np.array([2.0, 1.5, -0.7]), requires_grad=True)
    assert autograd.gradcheck.gradgradcheck(lambda x, y: autograd.remainder(x, y) * y, (a, b))
