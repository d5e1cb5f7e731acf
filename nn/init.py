"""Weight initialisers: fill a Tensor in place, keep its dtype, draw from ``autograd.default_generator()``.

fan_in is the number of inputs to a unit (W's second dim times any kernel size), fan_out the number
of outputs; the lecture notes write them n⁽ˡ⁾ and n⁽ˡ⁺¹⁾.
"""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.graph import increment_version

__all__ = [
    "calculate_gain", "constant_", "eye_", "kaiming_normal_", "kaiming_uniform_", "lecun_normal_", "normal_", "ones_",
    "orthogonal_", "trunc_normal_", "uniform_", "xavier_normal_", "xavier_uniform_", "zeros_",
]


def _fill(tensor: Tensor, values: Any) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"initialisers fill a Tensor (e.g. a Parameter) in place, got {type(tensor).__name__}")
    # in place, so anything holding this array (an optimizer, a view) sees the new values
    tensor.data[...] = np.asarray(values).astype(tensor.dtype, copy=False)
    increment_version(tensor)
    return tensor


def _rng(generator: autograd.Generator | None = None) -> np.random.Generator:
    """The stream to draw from: ``generator``'s, else the library's (``autograd.default_generator()``)."""
    if generator is None:
        return autograd.default_generator()
    if not isinstance(generator, autograd.Generator):
        raise TypeError(f"generator must be an autograd.Generator, got {type(generator).__name__}")
    return generator.rng


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


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: autograd.Generator | None = None) -> Tensor:
    """W ~ U(a, b)"""
    return _fill(tensor, _rng(generator).uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: autograd.Generator | None = None) -> Tensor:
    """W ~ N(mean, std²)"""
    return _fill(tensor, _rng(generator).normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """W = val everywhere"""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """W = 0"""
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """W = 1"""
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: autograd.Generator | None = None) -> Tensor:
    """Glorot: W ~ U(−a, a), a = gain·√(6/(n⁽ˡ⁾ + n⁽ˡ⁺¹⁾)) with n⁽ˡ⁾ = fan_in, n⁽ˡ⁺¹⁾ = fan_out"""
    fan_in, fan_out = _fans(tensor)
    bound = gain * _scale(6.0, fan_in + fan_out)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: autograd.Generator | None = None) -> Tensor:
    """Glorot: W ~ N(0, s²), s = gain·√(2/(fan_in + fan_out))"""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * _scale(2.0, fan_in + fan_out), generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: autograd.Generator | None = None) -> Tensor:
    """He: W ~ U(−b, b), b = gain·√(3/fan), gain = calculate_gain(nonlinearity, a)"""
    bound = calculate_gain(nonlinearity, a) * _scale(3.0, _fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: autograd.Generator | None = None) -> Tensor:
    """He: W ~ N(0, s²), s = gain/√fan, gain = calculate_gain(nonlinearity, a)"""
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) * _scale(1.0, _fan(tensor, mode)), generator)


def lecun_normal_(tensor: Tensor) -> Tensor:
    """LeCun: W ~ N(0, σ²), σ² = 1/fan_in (the lecture notes' σ² = 1/D; a plain, not truncated, normal)"""
    fan_in, _ = _fans(tensor)
    return normal_(tensor, 0.0, _scale(1.0, fan_in))


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: autograd.Generator | None = None) -> Tensor:
    """W ~ N(mean, std²) truncated to [a, b] (the bounds are values, not multiples of std).

    PyTorch's method: u ~ U(Φ(α), Φ(β)) mapped back through Φ⁻¹, so no draw is rejected; it warns, as PyTorch, when
    the mean lies more than 2 std outside [a, b], where the uniform's range is too narrow for float precision.
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may "
                      "be incorrect.", stacklevel=2)
    normal = NormalDist(mean, std)
    u = _rng(generator).uniform(normal.cdf(a), normal.cdf(b), tensor.shape)
    u = np.clip(u, np.nextafter(0.0, 1.0), np.nextafter(1.0, 0.0))  # Φ⁻¹ is finite only inside (0, 1)
    values = np.frompyfunc(normal.inv_cdf, 1, 1)(u).astype(np.float64)
    return _fill(tensor, np.clip(values, a, b))


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: autograd.Generator | None = None) -> Tensor:
    """W = gain·Q, Q a random orthogonal matrix (QR of a Gaussian one, signs fixed so Q is uniform over orthogonal
    matrices); a tensor of more than 2 dims is treated as (shape[0], the rest flattened). Rows or columns are
    orthonormal, whichever are fewer."""
    if tensor.ndim < 2:
        raise ValueError(f"Only tensors with 2 or more dimensions are supported, got shape {tensor.shape}")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = _rng(generator).standard_normal((rows, cols))
    q, r = np.linalg.qr(flat.T if rows < cols else flat)
    q = q * np.sign(np.diag(r))
    q = q.T if rows < cols else q
    return _fill(tensor, gain * q.reshape(tensor.shape))


def eye_(tensor: Tensor) -> Tensor:
    """W = I: ones on the diagonal of a 2-d tensor (rectangular too), zeros elsewhere, e.g. an identity Linear map"""
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported, got shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape))
