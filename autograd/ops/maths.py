"""More elementwise maths: other bases, trigonometric and hyperbolic functions and their inverses, two-input formulas."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..dtypes import float_operands, floating
from ..function import Context, Function
from ..tensor import Tensor
from .elementwise import (
    Exp,
    Log,
    Sigmoid,
    Sqrt,
    Where,
    _data,
    _tensor,
    cast,
    clip,
    log,
    log1p,
    pow,
    sin,
    special_float64,
    where,
)

LN2, LN10 = float(np.log(2.0)), float(np.log(10.0))


class Log2(Function):
    """y = log₂ x;  ∂y/∂x = 1/(x ln 2)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log2(x)  # exact at powers of two, unlike ln x / ln 2

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * LN2)


def log2(x: Any) -> Tensor:
    """Base-2 logarithm, elementwise."""
    return Log2.apply(x)


class Log10(Function):
    """y = log₁₀ x;  ∂y/∂x = 1/(x ln 10)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log10(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x * LN10)


def log10(x: Any) -> Tensor:
    """Base-10 logarithm, elementwise."""
    return Log10.apply(x)


class Exp2(Function):
    """y = 2ˣ;  ∂y/∂x = y ln 2"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        y = np.exp2(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad * y * LN2


def exp2(x: Any) -> Tensor:
    """2ˣ, elementwise (exact at integers)."""
    return Exp2.apply(x)


def rsqrt(x: Any) -> Tensor:
    """1/√x, elementwise."""
    return pow(_tensor(x), -0.5)


def square(x: Any) -> Tensor:
    """x², elementwise."""
    return pow(_tensor(x), 2)


class Tan(Function):
    """y = tan x;  ∂y/∂x = 1 + y²"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        y = np.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad + grad * y * y


def tan(x: Any) -> Tensor:
    """Tangent, elementwise."""
    return Tan.apply(x)


class Asin(Function):
    """y = arcsin x;  ∂y/∂x = 1/√(1 − x²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arcsin(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / Sqrt.apply_in_backward(1 - x * x)


def asin(x: Any) -> Tensor:
    """Inverse sine, elementwise."""
    return Asin.apply(x)


class Acos(Function):
    """y = arccos x;  ∂y/∂x = −1/√(1 − x²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arccos(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return -grad / Sqrt.apply_in_backward(1 - x * x)


def acos(x: Any) -> Tensor:
    """Inverse cosine, elementwise."""
    return Acos.apply(x)


class Atan(Function):
    """y = arctan x;  ∂y/∂x = 1/(1 + x²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (1 + x * x)


def atan(x: Any) -> Tensor:
    """Inverse tangent, elementwise."""
    return Atan.apply(x)


class Atan2(Function):
    """y = atan2(a, b), the angle of the point (b, a);  ∂y/∂a = b/(a² + b²), ∂y/∂b = −a/(a² + b²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.arctan2(*float_operands(a, b))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = ctx.saved_tensors
        scaled = grad / (a * a + b * b)
        return scaled * b, -scaled * a


def atan2(a: Any, b: Any) -> Tensor:
    """Angle of the point (b, a) in (−π, π], elementwise, broadcasting (``a`` is the y-coordinate, as PyTorch's)."""
    return Atan2.apply(a, b)


class Sinh(Function):
    """y = sinh x;  ∂y/∂x = cosh x"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.sinh(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * Cosh.apply_in_backward(x)


def sinh(x: Any) -> Tensor:
    """Hyperbolic sine, elementwise."""
    return Sinh.apply(x)


class Cosh(Function):
    """y = cosh x;  ∂y/∂x = sinh x"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.cosh(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * Sinh.apply_in_backward(x)


def cosh(x: Any) -> Tensor:
    """Hyperbolic cosine, elementwise."""
    return Cosh.apply(x)


class Asinh(Function):
    """y = arsinh x;  ∂y/∂x = 1/√(x² + 1)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arcsinh(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / Sqrt.apply_in_backward(x * x + 1)


def asinh(x: Any) -> Tensor:
    """Inverse hyperbolic sine, elementwise."""
    return Asinh.apply(x)


class Acosh(Function):
    """y = arcosh x;  ∂y/∂x = 1/√(x² − 1)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arccosh(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / Sqrt.apply_in_backward(x * x - 1)


def acosh(x: Any) -> Tensor:
    """Inverse hyperbolic cosine, elementwise (x ≥ 1)."""
    return Acosh.apply(x)


class Atanh(Function):
    """y = artanh x;  ∂y/∂x = 1/(1 − x²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.arctanh(x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)


def atanh(x: Any) -> Tensor:
    """Inverse hyperbolic tangent, elementwise (|x| < 1)."""
    return Atanh.apply(x)


class LogAddExp(Function):
    """y = ln(eᵃ + eᵇ);  ∂y/∂a = σ(a − b), ∂y/∂b = σ(b − a)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.logaddexp(*float_operands(a, b))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b = ctx.saved_tensors
        with np.errstate(invalid="ignore"):  # ∞ − ∞ where both inputs are infinite: NaN, as in PyTorch
            return grad * Sigmoid.apply_in_backward(a - b), grad * Sigmoid.apply_in_backward(b - a)


def logaddexp(a: Any, b: Any) -> Tensor:
    """ln(eᵃ + eᵇ) without overflow, elementwise, broadcasting."""
    return LogAddExp.apply(a, b)


class Copysign(Function):
    """y = |a| with the sign of b;  ∂y/∂a = y/a (0 at a = 0), ∂y/∂b = 0"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        y = np.copysign(*float_operands(a, b))
        with np.errstate(invalid="ignore", divide="ignore"):
            ctx.ratio = np.where(a == 0, 0, y / a).astype(y.dtype)  # ±1: a constant
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        return grad * ctx.ratio, np.zeros_like(_data(grad))


def copysign(a: Any, b: Any) -> Tensor:
    """The magnitude of ``a`` with the sign of ``b`` (−0.0 counts as negative), broadcasting."""
    return Copysign.apply(a, b)


class Hypot(Function):
    """y = √(a² + b²);  ∂y/∂a = a/y, ∂y/∂b = b/y"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        y = np.hypot(*float_operands(a, b))
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        a, b, y = ctx.saved_tensors
        scaled = grad / y
        return scaled * a, scaled * b


def hypot(a: Any, b: Any) -> Tensor:
    """√(a² + b²) without overflow, elementwise, broadcasting."""
    return Hypot.apply(a, b)


def lerp(start: Any, end: Any, weight: Any) -> Tensor:
    """start + weight·(end − start), evaluated from the nearer end as PyTorch does, broadcasting."""
    start, end = _tensor(start), _tensor(end)
    if not isinstance(weight, Tensor) and np.ndim(weight) == 0:
        w = float(weight)
        return start + w * (end - start) if abs(w) < 0.5 else end - (end - start) * (1 - w)
    weight = _tensor(weight)
    return where(np.abs(weight.data) < 0.5, start + weight * (end - start), end - (end - start) * (1 - weight))


def clamp_min(x: Any, min: Any) -> Tensor:
    """max(x, min), elementwise; gradient 1 where x ≥ min."""
    return clip(x, min=min)


def clamp_max(x: Any, max: Any) -> Tensor:
    """min(x, max), elementwise; gradient 1 where x ≤ max."""
    return clip(x, max=max)


def reciprocal(x: Any) -> Tensor:
    """1/x, elementwise (an integer tensor gives the default float)."""
    return 1.0 / _tensor(x)


class Xlogy(Function):
    """y = x·ln b, 0 where x = 0 (unless b is NaN);  ∂y/∂x = ln b (0 where x = 0 and b ≤ 0), ∂y/∂b = x/b, as PyTorch"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x, b)
        x, b = float_operands(x, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((x == 0) & ~np.isnan(b), np.zeros((), x.dtype), x * np.log(b))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        x, b = ctx.saved_tensors
        dead = (_data(x) == 0) & (_data(b) <= 0)
        zero, one = np.zeros((), dtype=_data(grad).dtype), np.ones((), dtype=_data(grad).dtype)
        ln_b = Log.apply_in_backward(Where.apply_in_backward(one, b, cond=dead))  # the double-where: no ln 0
        return Where.apply_in_backward(zero, grad * ln_b, cond=dead), grad * x / b


def xlogy(x: Any, y: Any) -> Tensor:
    """x·ln y, taken as 0 where x = 0 (unless y is NaN), broadcasting."""
    return Xlogy.apply(x, y)


def logit(x: Any, eps: float | None = None) -> Tensor:
    """ln(x/(1 − x)), the inverse of the sigmoid; with ``eps``, x is first clamped to [eps, 1 − eps]."""
    x = _tensor(x)
    z = x if eps is None else clip(x, eps, 1 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):  # ±inf at 0 and 1, NaN outside [0, 1], as PyTorch
        return log(z) - log1p(-z)


def sinc(x: Any) -> Tensor:
    """sin(πx)/(πx), 1 at x = 0 (where its gradient is 0)."""
    x = _tensor(x)
    zero = np.asarray(x.data == 0)
    px = math.pi * where(zero, 1.0, x)
    return where(zero, 1.0, sin(px) / px)


class Erfc(Function):
    """y = erfc x = 1 − erf x, computed directly (no cancellation for large x);  ∂y/∂x = −(2/√π)·e^(−x²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        y = special_float64("erfc")(x.astype(np.float64, copy=False))
        return y.astype(x.dtype, copy=False) if x.dtype.kind == "f" else floating(y, x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * (-2 / math.sqrt(math.pi)) * Exp.apply_in_backward(-(x * x))


def erfc(x: Any) -> Tensor:
    """The complementary error function 1 − erf x, elementwise, exact to float64 precision also where it is tiny."""
    return Erfc.apply(x)


def deg2rad(x: Any) -> Tensor:
    """Degrees to radians (an integer tensor gives the default float)."""
    return _tensor(x) * (math.pi / 180)


def rad2deg(x: Any) -> Tensor:
    """Radians to degrees (an integer tensor gives the default float)."""
    return _tensor(x) * (180 / math.pi)


def fmax(a: Any, b: Any) -> Tensor:
    """The larger of a and b, ignoring a NaN on one side; a tie gives its gradient to ``a``, as PyTorch."""
    a, b = _tensor(a), _tensor(b)
    return where((a.data >= b.data) | np.isnan(b.data), a, b)


def fmin(a: Any, b: Any) -> Tensor:
    """The smaller of a and b, ignoring a NaN on one side; a tie gives its gradient to ``a``, as PyTorch."""
    a, b = _tensor(a), _tensor(b)
    return where((a.data <= b.data) | np.isnan(b.data), a, b)


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """NaN, +inf and −inf replaced (by 0 and the dtype's largest and lowest finite values unless given);
    the gradient passes where x is finite and is 0 where it was replaced."""
    x = _tensor(x)
    if x.dtype.kind != "f":
        return x[...]
    info = np.finfo(x.dtype)
    a = x.data
    fill = np.where(np.isnan(a), nan, np.where(a > 0, info.max if posinf is None else posinf,
                                                   info.min if neginf is None else neginf)).astype(x.dtype)
    return where(np.isfinite(a), x, fill)


def logaddexp2(a: Any, b: Any) -> Tensor:
    """log₂(2ᵃ + 2ᵇ), stable for large inputs, broadcasting."""
    return logaddexp(_tensor(a) * LN2, _tensor(b) * LN2) * (1 / LN2)


def float_power(x: Any, exponent: Any) -> Tensor:
    """x ** exponent computed in float64, whatever the inputs' dtypes (gradients return in theirs)."""
    x = cast(_tensor(x), np.float64)
    return pow(x, cast(exponent, np.float64) if isinstance(exponent, Tensor) else float(exponent))


def addcmul(x: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
    """x + value·tensor1·tensor2, broadcasting."""
    return _tensor(x) + value * (_tensor(tensor1) * tensor2)


def addcdiv(x: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
    """x + value·tensor1/tensor2, broadcasting."""
    return _tensor(x) + value * (_tensor(tensor1) / tensor2)
