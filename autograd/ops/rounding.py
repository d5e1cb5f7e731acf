"""Rounding and modular arithmetic: step functions (zero gradient) and the remainders built on them."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import promoted
from ..errors import ArgumentError
from ..function import Context, Function
from ..tensor import Tensor
from .elementwise import Div, _data, _tensor


class Floor(Function):
    """y = ⌊x⌋;  ∂y/∂x = 0"""

    arrays_ok = True
    rounding = staticmethod(np.floor)

    @classmethod
    def forward(cls, ctx: Context, x: np.ndarray) -> np.ndarray:
        return cls.rounding(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return np.zeros_like(_data(grad))


class Ceil(Floor):
    """y = ⌈x⌉;  ∂y/∂x = 0"""

    rounding = staticmethod(np.ceil)


class Trunc(Floor):
    """y = x rounded toward zero;  ∂y/∂x = 0"""

    rounding = staticmethod(np.trunc)


class Round(Floor):
    """y = x rounded to ``decimals`` places, halves to even;  ∂y/∂x = 0"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, decimals: int) -> np.ndarray:
        return np.round(x, decimals)


def _step(fn: type[Floor], x: Any, **attrs: Any) -> Tensor:
    x = _tensor(x)
    if x.dtype.kind in "iu":  # integers are already whole: PyTorch returns them unchanged, in their dtype
        return Tensor._constant(x.data.copy())
    return fn.apply(x, **attrs)


def floor(x: Any) -> Tensor:
    """Largest integer ≤ x, elementwise; zero gradient."""
    return _step(Floor, x)


def ceil(x: Any) -> Tensor:
    """Smallest integer ≥ x, elementwise; zero gradient."""
    return _step(Ceil, x)


def trunc(x: Any) -> Tensor:
    """x rounded toward zero, elementwise; zero gradient."""
    return _step(Trunc, x)


def round(x: Any, decimals: int = 0) -> Tensor:
    """x rounded to ``decimals`` places, halves to the even neighbour (as PyTorch and NumPy); zero gradient."""
    return _step(Round, x, decimals=int(decimals))


def frac(x: Any) -> Tensor:
    """Fractional part x − trunc(x), with the sign of x; gradient 1."""
    x = _tensor(x)
    return x - trunc(x)


def _check_divisor(a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype.kind in "iub" and b.dtype.kind in "iub" and not np.all(b):
        raise RuntimeError("ZeroDivisionError: integer division or modulo by zero")


def _trunc_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return np.trunc(a / b)
    q = np.floor_divide(a, b)
    return q + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))  # C's division rounds up where floor went down


class FloorDivide(Function):
    """y = ⌊a / b⌋;  ∂y/∂a = ∂y/∂b = 0"""

    arrays_ok = True
    divide = staticmethod(np.floor_divide)

    @classmethod
    def forward(cls, ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        _check_divisor(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return promoted(cls.divide(a, b), a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        zero = np.zeros_like(_data(grad))
        return zero, zero


class TruncDivide(FloorDivide):
    """y = a / b rounded toward zero;  ∂y/∂a = ∂y/∂b = 0"""

    divide = staticmethod(_trunc_divide)


def div(a: Any, b: Any, *, rounding_mode: str | None = None) -> Tensor:
    """a / b, broadcasting; ``rounding_mode='trunc'`` or ``'floor'`` rounds the quotient (zero gradient then)."""
    if rounding_mode is None:
        return Div.apply(a, b)
    if rounding_mode == "floor":
        return FloorDivide.apply(a, b)
    if rounding_mode == "trunc":
        return TruncDivide.apply(a, b)
    raise ArgumentError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor', got {rounding_mode!r}")


def floor_divide(a: Any, b: Any) -> Tensor:
    """⌊a / b⌋ (``a // b``), broadcasting; zero gradient."""
    return FloorDivide.apply(a, b)


class Remainder(Function):
    """y = a − b·⌊a / b⌋ (the sign of b, Python's %);  ∂y/∂a = 1, ∂y/∂b = −⌊a / b⌋"""

    arrays_ok = True
    modulo, quotient = staticmethod(np.remainder), staticmethod(np.floor_divide)

    @classmethod
    def forward(cls, ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        _check_divisor(a, b)
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return promoted(cls.modulo(a, b), a, b)

    @classmethod
    def backward(cls, ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            quotient = cls.quotient(_data(a), _data(b))  # a step function of the inputs: a constant
        return grad, -grad * quotient


class Fmod(Remainder):
    """y = a − b·trunc(a / b) (the sign of a, C's fmod);  ∂y/∂a = 1, ∂y/∂b = −trunc(a / b)"""

    modulo, quotient = staticmethod(np.fmod), staticmethod(_trunc_divide)


def remainder(a: Any, b: Any) -> Tensor:
    """Python's modulus ``a % b``, with the sign of ``b``, broadcasting."""
    return Remainder.apply(a, b)


def fmod(a: Any, b: Any) -> Tensor:
    """C's ``fmod(a, b)``, with the sign of ``a``, broadcasting."""
    return Fmod.apply(a, b)
