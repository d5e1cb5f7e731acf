"""Weight initialisers: fill a Tensor in place, keep its dtype, draw from ``autograd.default_generator()``.

fan_in is the number of inputs to a unit (W's second dim times any kernel size), fan_out the number
of outputs; the lecture notes write them n⁽ˡ⁾ and n⁽ˡ⁺¹⁾.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.graph import increment_version

__all__ = [
    "calculate_gain", "constant_", "kaiming_normal_", "kaiming_uniform_", "lecun_normal_", "normal_", "ones_",
    "uniform_", "xavier_normal_", "xavier_uniform_", "zeros_",
]


def _fill(tensor: Tensor, values: Any) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"initialisers fill a Tensor (e.g. a Parameter) in place, got {type(tensor).__name__}")
    # in place, so anything holding this array (an optimizer, a view) sees the new values
    tensor.data[...] = np.asarray(values).astype(tensor.dtype, copy=False)
    increment_version(tensor)
    return tensor


def _rng() -> np.random.Generator:
    return autograd.default_generator()


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain that keeps activations' variance steady through a layer with this nonlinearity (PyTorch's table).

    linear, conv and sigmoid: 1; tanh: 5/3; relu: √2; leaky_relu: √(2/(1 + α²)) (α = param, default
    0.01); selu: 3/4.

    >>> import nn
    >>> round(nn.init.calculate_gain("relu"), 4)
    1.4142
    """
    linear_like = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                   "conv_transpose3d", "sigmoid")
    if nonlinearity in linear_like:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity!r}")


def _fans(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out can not be computed for a tensor with fewer than 2 dimensions "
                         f"(shape {tensor.shape})")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} not supported, please use one of 'fan_in', 'fan_out'")
    fan_in, fan_out = _fans(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _scale(numerator: float, fan: int) -> float:
    """√(numerator/fan); a zero-element tensor (fan 0) has nothing to draw, so any scale will do."""
    return math.sqrt(numerator / fan) if fan else 0.0


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """W ~ U(a, b)"""
    return _fill(tensor, _rng().uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """W ~ N(mean, std²)"""
    return _fill(tensor, _rng().normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """W = val everywhere"""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """W = 0"""
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """W = 1"""
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot: W ~ U(−a, a), a = gain·√(6/(n⁽ˡ⁾ + n⁽ˡ⁺¹⁾)) with n⁽ˡ⁾ = fan_in, n⁽ˡ⁺¹⁾ = fan_out"""
    fan_in, fan_out = _fans(tensor)
    bound = gain * _scale(6.0, fan_in + fan_out)
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot: W ~ N(0, s²), s = gain·√(2/(fan_in + fan_out))"""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * _scale(2.0, fan_in + fan_out))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """He: W ~ U(−b, b), b = gain·√(3/fan), gain = calculate_gain(nonlinearity, a)"""
    bound = calculate_gain(nonlinearity, a) * _scale(3.0, _fan(tensor, mode))
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """He: W ~ N(0, s²), s = gain/√fan, gain = calculate_gain(nonlinearity, a)"""
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) * _scale(1.0, _fan(tensor, mode)))


def lecun_normal_(tensor: Tensor) -> Tensor:
    """LeCun: W ~ N(0, σ²), σ² = 1/fan_in (the lecture notes' σ² = 1/D; a plain, not truncated, normal)"""
    fan_in, _ = _fans(tensor)
    return normal_(tensor, 0.0, _scale(1.0, fan_in))
