"""The affine map z = x·Wᵀ + b, as one fused Function."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Context, DTypeError, Function, Tensor

from ._arguments import _tensor


class Linear(Function):
    """z = x·Wᵀ + b;  with G = ∂ℓ/∂z: ∂ℓ/∂x = G·W, ∂ℓ/∂W = Gᵀ·x, ∂ℓ/∂b = Σ G over the batch"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, weight: np.ndarray, *bias: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x, weight)
        y = x @ weight.T
        if not bias:
            return y
        if y.dtype is bias[0].dtype or y.dtype == np.result_type(y, bias[0]):
            return np.add(y, bias[0], out=y)  # the product is a new array: the bias goes into it, no copy
        return y + bias[0]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = ctx.saved_tensors
        inputs = ctx.inputs
        # a data batch needs no gradient: skip its (batch × out × in) product
        grad_x = grad @ weight if inputs[0].requires_grad else None
        grad_2d = grad.reshape(-1, weight.shape[0])
        grad_w = grad_2d.T @ x.reshape(-1, weight.shape[1])
        if len(inputs) == 2:
            return grad_x, grad_w
        return grad_x, grad_w, grad_2d.sum(axis=0)


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """Affine map z = x·Wᵀ + b with W of shape (out_features, in_features), over any leading dims.

    >>> import autograd, nn
    >>> w = autograd.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> nn.functional.linear(autograd.tensor([[1.0, 1.0]]), w, autograd.tensor([0.0, 0.0, 1.0]))
    tensor([[ 3.,  7., 12.]], dtype=float32)
    """
    x, weight = _tensor(input), _tensor(weight)
    xd, wd = x.data, weight.data
    if wd.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d (out_features, in_features), got shape {wd.shape}")
    if xd.ndim == 0 or xd.shape[-1] != wd.shape[1]:
        raise ValueError(f"linear: input of shape {xd.shape} cannot be multiplied by weight of shape {wd.shape}: "
                         f"the input's last dimension must be in_features={wd.shape[1]}")
    if xd.dtype is not wd.dtype and xd.dtype != wd.dtype:  # a product does not promote, as in PyTorch
        raise DTypeError(f"linear: expected the input and weight to have the same dtype, got {xd.dtype} and "
                         f"{wd.dtype} (convert one with .to(), .float() or .double())")
    if bias is None:
        return Linear.apply(x, weight)
    bias = _tensor(bias)
    bd = bias.data
    if bd.dtype is not wd.dtype and bd.dtype != wd.dtype:
        raise DTypeError(f"linear: expected the bias to have the weight's dtype {wd.dtype}, got {bd.dtype}")
    if bd.shape != wd.shape[:1]:
        raise ValueError(f"linear: bias must have shape ({wd.shape[0]},) for weight {wd.shape}, got {bd.shape}")
    return Linear.apply(x, weight, bias)
