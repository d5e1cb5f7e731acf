"""PyTorch's second names for ops defined in the family modules (``torch.multiply`` is ``torch.mul``), and the
ops that are another one with an argument fixed."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .elementwise import _tensor, abs, ge, gt, le, lt, mul, ne, neg, sign, sub
from .maths import acos, acosh, asin, asinh, atan, atan2, atanh
from .rearrange import movedim, swapaxes, vstack
from .rounding import div, trunc
from .shape import concatenate

absolute = abs
negative = neg
multiply = mul
divide = div
fix = trunc
sgn = sign
greater = gt
greater_equal = ge
less = lt
less_equal = le
not_equal = ne
arcsin = asin
arccos = acos
arctan = atan
arctan2 = atan2
arcsinh = asinh
arccosh = acosh
arctanh = atanh
moveaxis = movedim
swapdims = swapaxes
concat = concatenate
row_stack = vstack


def subtract(a: Any, b: Any, *, alpha: Any = 1) -> Tensor:
    """a − alpha·b (``sub``)."""
    return sub(a, b, alpha=alpha)


def true_divide(a: Any, b: Any) -> Tensor:
    """a / b, always true division (``div`` without a rounding mode)."""
    return div(a, b)


def positive(x: Any) -> Tensor:
    """``+x``: the tensor itself."""
    return _tensor(x)
