"""Elementwise ops: arithmetic, unary math, selection and comparisons.

Each rule returns the gradient in the output's shape; the engine sums it down to a broadcast
input's shape (see engine.py).
"""

from __future__ import annotations

import functools
import importlib
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..dtypes import floating, promoted, result_type
from ..errors import ArgumentError, ShapeError
from ..function import Context, Function
from ..scratch import unshared
from ..tensor import Tensor

# ``out=ARRAY`` asks a ufunc for a 0-d array where it would return a NumPy scalar (``out=...``, NumPy 2.3 and
# later), sparing the engine the conversion of every scalar op's output; with older NumPy it is None, and the engine
# converts the scalar (function._output_array)
ARRAY = ... if np.lib.NumpyVersion(np.__version__) >= "2.3.0" else None

# The binary forwards below take PyTorch's result dtype (dtypes.promoted) unless both operands share one; a backward
# rule on arrays may pass a Python number as ``b``, which NumPy already treats as PyTorch does (weakly).


class Add(Function):
    """y = a + b;  ∂y/∂a = 1, ∂y/∂b = 1"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            y = np.add(a, b, out=ARRAY)
        except ValueError as e:  # NumPy's message names both shapes
            raise ShapeError(str(e)) from None
        return y if a.dtype is getattr(b, "dtype", a.dtype) else promoted(y, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        return grad, grad


def add(a: Any, b: Any, *, alpha: Any = 1) -> Tensor:
    """a + alpha·b, broadcasting."""
    return Add.apply(a, b if alpha == 1 else alpha * _tensor(b))


class Sub(Function):
    """y = a − b;  ∂y/∂a = 1, ∂y/∂b = −1"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            y = np.subtract(a, b, out=ARRAY)
        except ValueError as e:  # NumPy's message names both shapes
            raise ShapeError(str(e)) from None
        except TypeError:  # bool − bool
            raise RuntimeError(_BOOL_SUB) from None
        if a.dtype is getattr(b, "dtype", a.dtype):
            return y
        if a.dtype.kind == "b" or b.dtype.kind == "b":
            raise RuntimeError(_BOOL_SUB)
        return promoted(y, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        return grad, -grad


_BOOL_SUB = ("subtraction, the `-` operator, with a bool tensor is not supported; to invert a mask use "
             "the `~` operator or logical_not()")


def sub(a: Any, b: Any, *, alpha: Any = 1) -> Tensor:
    """a − alpha·b, broadcasting."""
    return Sub.apply(a, b if alpha == 1 else alpha * _tensor(b))


class Mul(Function):
    """y = a·b;  ∂y/∂a = b, ∂y/∂b = a"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        try:
            y = np.multiply(a, b, out=ARRAY)
        except ValueError as e:  # NumPy's message names both shapes
            raise ShapeError(str(e)) from None
        return y if a.dtype is getattr(b, "dtype", a.dtype) else promoted(y, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = ctx.saved_tensors
        in_a, in_b = ctx.inputs
        # a constant factor (x * 0.5, a mask) is common, and its unused gradient would cost a whole op
        return grad * b if in_a.requires_grad else None, grad * a if in_b.requires_grad else None


def mul(a: Any, b: Any) -> Tensor:
    """a · b, broadcasting."""
    return Mul.apply(a, b)


class Div(Function):
    """y = a / b;  ∂y/∂a = 1/b, ∂y/∂b = −y/b"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            y = np.true_divide(a, b, out=ARRAY)
        except ValueError as e:  # NumPy's message names both shapes
            raise ShapeError(str(e)) from None
        if y.dtype is not a.dtype or a.dtype is not getattr(b, "dtype", a.dtype):  # int / int: the default float
            y = promoted(y, a, b)
        ctx.save_for_backward(b, y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        b, y = ctx.saved_tensors
        grad_a = grad / b
        return grad_a, -grad_a * y if ctx.inputs[1].requires_grad else None


class Neg(Function):
    """y = −x;  ∂y/∂x = −1"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.negative(x, out=ARRAY)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return -grad


def neg(x: Any) -> Tensor:
    """−x."""
    return Neg.apply(x)


class PowScalar(Function):
    """y = xᵖ for a constant p;  ∂y/∂x = p·xᵖ⁻¹ (0 for p = 0, also at x = 0, as PyTorch)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, p: float) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.p = p
        if p < 0 and x.dtype.kind in "iub" and isinstance(p, int):
            raise ArgumentError("Integers to negative integer powers are not allowed.")  # PyTorch's words
        y = x**p
        return y if y.dtype is x.dtype else promoted(y, x, x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 2:
            return grad * (2 * x)
        if p == 0:
            return np.zeros_like(_data(grad))
        return grad * (p * x ** (p - 1))


class Pow(Function):
    """y = aᵇ;  ∂y/∂a = b·aᵇ⁻¹ (0 for a = b = 0), ∂y/∂b = y·ln a (0 where a = 0 and b ≥ 0), as PyTorch"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            y = a**b if a.dtype.kind not in "iub" or np.result_type(a, b).kind not in "iub" else _integer_power(a, b)
        except ValueError as e:  # NumPy's message names both shapes
            raise ShapeError(str(e)) from None
        if y.dtype is not a.dtype or a.dtype is not getattr(b, "dtype", a.dtype):
            y = promoted(y, a, b)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b, y = ctx.saved_tensors
        in_a, in_b = ctx.inputs
        a_data, b_data = _data(a), _data(b)
        zero, one = np.zeros((), dtype=y.dtype), np.ones((), dtype=y.dtype)
        grad_a = grad_b = None
        # where a gradient is taken as 0 the formula runs on a safe base of 1, so that no inf or NaN computed
        # there reaches a higher derivative (the double-where pattern)
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** −1 = inf and ln(−2) = NaN, as PyTorch
            if in_a.requires_grad:
                flat = (b_data == 0) & (a_data == 0)  # a⁰: gradient 0, also at a = 0
                safe = Where.apply_in_backward(one, a, cond=flat)
                grad_a = Where.apply_in_backward(zero, grad * b * safe ** (b - 1), cond=flat)
            if in_b.requires_grad:
                flat = (a_data == 0) & (b_data >= 0)  # 0ᵇ for b ≥ 0: gradient 0
                base = a if a.dtype == y.dtype else Cast.apply_in_backward(a, dtype=y.dtype)  # ln in y's precision
                safe = Where.apply_in_backward(one, base, cond=flat)
                grad_b = Where.apply_in_backward(zero, grad * y * Log.apply_in_backward(safe), cond=flat)
        return grad_a, grad_b


def _integer_power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """aᵇ on integers as PyTorch's: for b < 0, 1 at a = 1, ±1 at a = −1 (by b's parity), else 0 (NumPy refuses)."""
    b = np.asarray(b)
    if not (b < 0).any():
        return a**b
    y = a ** np.maximum(b, 0)
    odd = (b % 2) != 0
    negative = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(y.dtype)
    return np.where(b < 0, negative, y)


def pow(x: Any, exponent: Any) -> Tensor:
    """x ** exponent; a constant number exponent records no gradient for it."""
    if isinstance(exponent, int | float | np.number) and not isinstance(exponent, bool):
        if not isinstance(x, Tensor):
            x = Tensor._lift(x, None)
        # a NumPy scalar exponent is weak like a Python number: float32 ** np.float64(2) stays float32
        return PowScalar.apply(x, p=exponent.item() if isinstance(exponent, np.number) else exponent)
    return Pow.apply(x, exponent)


class Exp(Function):
    """y = eˣ;  ∂y/∂x = y"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        y = np.exp(x, out=ARRAY)
        if y.dtype is not x.dtype:  # an integer input: the default float, as PyTorch
            y = floating(y, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad * y


def exp(x: Any) -> Tensor:
    """eˣ, elementwise."""
    return Exp.apply(x)


class Log(Function):
    """y = ln x;  ∂y/∂x = 1/x"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        y = np.log(x, out=ARRAY)
        return y if y.dtype is x.dtype else floating(y, x)  # an integer input: the default float

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / x


def log(x: Any) -> Tensor:
    """Natural logarithm, elementwise."""
    return Log.apply(x)


class Log1p(Function):
    """y = ln(1 + x);  ∂y/∂x = 1/(1 + x)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        y = np.log1p(x, out=ARRAY)
        return y if y.dtype is x.dtype else floating(y, x)  # an integer input: the default float

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


def log1p(x: Any) -> Tensor:
    """ln(1 + x), accurate for small x."""
    return Log1p.apply(x)


class Expm1(Function):
    """y = eˣ − 1;  ∂y/∂x = y + 1"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        y = np.expm1(x, out=ARRAY)
        if y.dtype is not x.dtype:  # an integer input: the default float, as PyTorch
            y = floating(y, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad * (y + 1)


def expm1(x: Any) -> Tensor:
    """eˣ − 1, accurate for small x."""
    return Expm1.apply(x)


class Sqrt(Function):
    """y = √x;  ∂y/∂x = 1/(2y)  (infinite at 0)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        y = np.sqrt(x, out=ARRAY)
        if y.dtype is not x.dtype:  # an integer input: the default float, as PyTorch
            y = floating(y, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad / (2 * y)


def sqrt(x: Any) -> Tensor:
    """Square root, elementwise."""
    return Sqrt.apply(x)


class Sin(Function):
    """y = sin x;  ∂y/∂x = cos x"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        y = np.sin(x, out=ARRAY)
        return y if y.dtype is x.dtype else floating(y, x)  # an integer input: the default float

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * Cos.apply_in_backward(x)


def sin(x: Any) -> Tensor:
    """Sine, elementwise."""
    return Sin.apply(x)


class Cos(Function):
    """y = cos x;  ∂y/∂x = −sin x"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        y = np.cos(x, out=ARRAY)
        return y if y.dtype is x.dtype else floating(y, x)  # an integer input: the default float

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return -grad * Sin.apply_in_backward(x)


def cos(x: Any) -> Tensor:
    """Cosine, elementwise."""
    return Cos.apply(x)


class Tanh(Function):
    """y = tanh x;  ∂y/∂x = 1 − y²"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        y = np.tanh(x, out=ARRAY)
        if y.dtype is not x.dtype:  # an integer input: the default float, as PyTorch
            y = floating(y, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad - grad * y * y  # = grad·(1 − y²), in array ⊙ array ops (a number operand costs more)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent, elementwise."""
    return Tanh.apply(x)


class Sigmoid(Function):
    """y = σ(x) = 1/(1 + e⁻ˣ);  ∂y/∂x = y(1 − y)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        y = np.exp(-np.logaddexp(0, -x), out=ARRAY)  # no overflow warning at x = −1000
        if y.dtype is not x.dtype:  # an integer input: the default float, as PyTorch
            y = floating(y, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad * (y - y * y)


def sigmoid(x: Any) -> Tensor:
    """Logistic sigmoid, elementwise; exactly 0 and 1 at ∓1000 without warnings."""
    return Sigmoid.apply(x)


class Relu(Function):
    """y = max(0, x);  ∂y/∂x = 1 if x > 0 else 0  (0 at the kink)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.maximum(x, _zero(x.dtype), out=ARRAY)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        mask = x > _zero(x.dtype)
        if unshared(grad):  # the engine's own buffer: zeroed in place, not copied
            return np.multiply(grad, mask, out=grad)
        return grad * mask


class Erf(Function):
    """y = erf x = (2/√π)∫₀ˣ e^(−t²) dt;  ∂y/∂x = (2/√π)·e^(−x²)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        y = special_float64("erf")(x.astype(np.float64, copy=False))
        return y.astype(x.dtype, copy=False) if x.dtype.kind == "f" else floating(y, x)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * (2 / math.sqrt(math.pi)) * Exp.apply_in_backward(-(x * x))


@functools.cache
def special_float64(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """NumPy has no ``erf`` or ``erfc``: SciPy's when it is installed, else ``math``'s element by element
    (imported on first use)."""
    try:  # importlib, not an import statement: the compiled build's import would skip a None in sys.modules
        special = importlib.import_module("scipy.special")
    except ImportError:
        return np.vectorize(getattr(math, name), otypes=[np.float64])
    return getattr(special, name)


def erf(x: Any) -> Tensor:
    """The error function, elementwise, exact to float64 precision."""
    return Erf.apply(x)


def relu(x: Any) -> Tensor:
    """Rectified linear unit, elementwise; its gradient at 0 is 0."""
    return Relu.apply(x)


class Abs(Function):
    """y = |x|;  ∂y/∂x = sign x  (0 at 0)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.abs(x, out=ARRAY)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * np.sign(_data(x))


def abs(x: Any) -> Tensor:
    """|x|, elementwise; its gradient at 0 is 0."""
    return Abs.apply(x)


class Sign(Function):
    """y = sign x;  ∂y/∂x = 0"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.sign(x, out=ARRAY)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return np.zeros_like(_data(grad))


def sign(x: Any) -> Tensor:
    """−1, 0 or 1, elementwise; the gradient is zero everywhere."""
    return Sign.apply(x)


class Maximum(Function):
    """y = max(a, b);  ∂y/∂a = 1 where a > b, ½ where a = b, else 0"""

    arrays_ok = True
    pick, wins = staticmethod(np.maximum), staticmethod(np.greater)

    @classmethod
    def forward(cls, ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            y = cls.pick(a, b, out=ARRAY)
        except ValueError as e:  # NumPy's message names both shapes
            raise ShapeError(str(e)) from None
        ctx.share_a = cls.wins(a, b) + 0.5 * (a == b)
        return y if a.dtype is getattr(b, "dtype", a.dtype) else promoted(y, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        share = ctx.share_a.astype(grad.dtype)
        return grad * share, grad * (1 - share)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; ties split the gradient ½ / ½ (as PyTorch)."""
    return Maximum.apply(a, b)


class Minimum(Maximum):
    """y = min(a, b);  ∂y/∂a = 1 where a < b, ½ where a = b, else 0"""

    pick, wins = staticmethod(np.minimum), staticmethod(np.less)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum, exact for every dtype; ties split the gradient ½ / ½."""
    return Minimum.apply(a, b)


class Clip(Function):
    """y = min(max(x, lo), hi);  ∂y/∂x = 1 where lo ≤ x ≤ hi, else 0"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, lo: Any, hi: Any) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        x = _data(x)
        inside = np.ones(x.shape, dtype=bool)
        if ctx.lo is not None:
            inside &= x >= ctx.lo
        if ctx.hi is not None:
            inside &= x <= ctx.hi
        return grad * inside


def clip(x: Any, min: Any = None, max: Any = None) -> Tensor:
    """Clamp to [min, max]; either bound may be None. Gradient 1 inside (bounds included), 0 outside."""
    if min is None and max is None:
        raise ArgumentError("clip needs at least one of min and max")
    lo = min.data if isinstance(min, Tensor) else min
    hi = max.data if isinstance(max, Tensor) else max
    return Clip.apply(x, lo=lo, hi=hi)


class Where(Function):
    """y = a where cond else b;  ∂y/∂a = cond, ∂y/∂b = not cond"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray, cond: np.ndarray) -> np.ndarray:
        ctx.cond = cond
        try:
            y = np.where(cond, a, b)
        except ValueError as e:
            raise ShapeError(str(e)) from None
        return y if a.dtype is getattr(b, "dtype", a.dtype) else promoted(y, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor, Tensor]:
        zero = np.zeros((), dtype=grad.dtype)
        return Where.apply_in_backward(grad, zero, cond=ctx.cond), Where.apply_in_backward(zero, grad, cond=ctx.cond)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Pick from ``a`` where ``cond`` holds, else from ``b``. ``cond`` carries no gradient.

    A NaN gradient in the branch not taken (e.g. ``where(x > 0, sqrt(x), 0)`` at x < 0) is masked
    out, but NaN *values* computed there still reach the gradient through ``sqrt``'s own rule; use
    the double-where pattern ``sqrt(where(x > 0, x, 1))`` to keep it finite.
    """
    cond = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    return Where.apply(a, b, cond=cond)


class Cast(Function):
    """y = x in another float dtype;  ∂y/∂x = 1 (cast back)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        ctx.in_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return grad.astype(ctx.in_dtype)


def cast(x: Any, dtype: Any) -> Tensor:
    """Convert to ``dtype``; differentiable between float dtypes, a constant otherwise."""
    x = _tensor(x)
    dtype = np.dtype(dtype)
    if dtype.kind != "f" or x.dtype.kind != "f":
        return Tensor._constant(x.data.astype(dtype))
    return Cast.apply(x, dtype=dtype)


class Clone(Function):
    """y = a copy of x;  ∂y/∂x = 1"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return x.copy()

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        return grad


def clone(x: Any) -> Tensor:
    """A copy with its own memory, still in the graph (PyTorch's ``clone``)."""
    return Clone.apply(x)


_ZEROS: dict[np.dtype, np.ndarray] = {}


def _zero(dtype: np.dtype) -> np.ndarray:
    """A 0-d zero of ``dtype``: a ufunc takes it in half the time it takes the Python number 0."""
    zero = _ZEROS.get(dtype)
    if zero is None:
        zero = _ZEROS[dtype] = np.zeros((), dtype)
        zero.flags.writeable = False
    return zero


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._lift(x, None)


def _data(x: Any) -> Any:
    """A Tensor's array; anything else (an array, in a backward rule running on arrays) as it is."""
    return x.data if isinstance(x, Tensor) else x


def _compare(ufunc: np.ufunc, a: Any, b: Any) -> Tensor:
    """A comparison as a bool tensor (no gradient), made in PyTorch's result dtype of the two operands:
    float32 (3,) == float64 0-d compares in float32, int64 == a Python float in the default float."""
    a, b = _data(a), _data(b)
    # NumPy compares a Python number in the array's dtype, as PyTorch does, except a float beside integers
    if type(a) is float and isinstance(b, np.ndarray) and b.dtype.kind in "biu":
        a = Tensor._lift(a, b.dtype).data
    elif type(b) is float and isinstance(a, np.ndarray) and a.dtype.kind in "biu":
        b = Tensor._lift(b, a.dtype).data
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype != b.dtype:
        dtype = result_type(a, b)
        a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    return Tensor._constant(np.asarray(ufunc(a, b)))


def eq(a: Any, b: Any) -> Tensor:
    """a == b elementwise, as a bool tensor (no gradient)."""
    return _compare(np.equal, a, b)


def ne(a: Any, b: Any) -> Tensor:
    """a != b elementwise, as a bool tensor (no gradient)."""
    return _compare(np.not_equal, a, b)


def lt(a: Any, b: Any) -> Tensor:
    """a < b elementwise, as a bool tensor (no gradient)."""
    return _compare(np.less, a, b)


def le(a: Any, b: Any) -> Tensor:
    """a <= b elementwise, as a bool tensor (no gradient)."""
    return _compare(np.less_equal, a, b)


def gt(a: Any, b: Any) -> Tensor:
    """a > b elementwise, as a bool tensor (no gradient)."""
    return _compare(np.greater, a, b)


def ge(a: Any, b: Any) -> Tensor:
    """a >= b elementwise, as a bool tensor (no gradient)."""
    return _compare(np.greater_equal, a, b)
