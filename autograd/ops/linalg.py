"""Linear algebra: matmul for 1-d, 2-d and batched operands; dot and outer built on it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Context, Function
from ..tensor import Tensor
from .elementwise import _tensor
from .shape import SumTo, reshape, squeeze, transpose


def _swap_last(t: Any) -> Any:
    """The last two axes swapped, of a Tensor or (in a backward on arrays) of an array."""
    if t.ndim == 2:
        return t.T
    return np.swapaxes(t, -1, -2) if isinstance(t, np.ndarray) else transpose(t, -1, -2)


def _unbatched(g: Any, shape: tuple[int, ...]) -> Any:
    """A gradient over the broadcast batch dimensions, summed down to an operand's shape."""
    return g if g.shape == shape else SumTo.apply_in_backward(g, shape=shape)


class MatMul(Function):
    """Y = A·B (batched over leading axes);  ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = ctx.saved_tensors
        grad_a = grad_b = None
        in_a, in_b = ctx.inputs
        if in_a.requires_grad:
            grad_a = _unbatched(grad @ _swap_last(b), a.shape)
        if in_b.requires_grad:
            grad_b = _unbatched(_swap_last(a) @ grad, b.shape)
        return grad_a, grad_b


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules for 1-d operands and broadcast batch dimensions."""
    a, b = _tensor(a), _tensor(b)
    shape_a, shape_b = a.data.shape, b.data.shape
    if len(shape_a) == 2 and len(shape_b) == 2 and shape_a[1] == shape_b[0]:
        return MatMul.apply(a, b)  # the common case first: the checks below cost as much as a small product
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul needs operands with at least 1 dimension, got shapes {a.shape} and {b.shape}")
    k_a, k_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ShapeError(f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied "
                         f"(inner dimensions {k_a} and {k_b} differ)")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ShapeError(f"matmul: batch dimensions of {a.shape} and {b.shape} do not broadcast") from None
    if a.ndim >= 2 and b.ndim >= 2:
        return MatMul.apply(a, b)
    out = MatMul.apply(reshape(a, (1, -1)) if a.ndim == 1 else a, reshape(b, (-1, 1)) if b.ndim == 1 else b)
    if b.ndim == 1:
        out = squeeze(out, -1)
    if a.ndim == 1:
        out = squeeze(out, -2 if out.ndim >= 2 else -1)
    return out


def dot(a: Any, b: Any) -> Tensor:
    """Inner product of two 1-d tensors."""
    a, b = _tensor(a), _tensor(b)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"dot needs two 1-d tensors, got shapes {a.shape} and {b.shape}")
    return matmul(a, b)


def outer(a: Any, b: Any) -> Tensor:
    """Outer product aᵢbⱼ of two 1-d tensors."""
    a, b = _tensor(a), _tensor(b)
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))
