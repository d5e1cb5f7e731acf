"""Activation Modules: thin wrappers over ``nn.functional``, printed as PyTorch prints them."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import functional as F
from .module import Module, Parameter


class Sign(Module):
    """f(z) = sign z  (gradient 0)"""

    def forward(self, x: Any) -> Tensor:
        return F.sign(x)


class ReLU(Module):
    """f(z) = max(0, z)"""

    def forward(self, x: Any) -> Tensor:
        return F.relu(x)


class LeakyReLU(Module):
    """f(z) = z if z > 0 else α·z  (α = negative_slope)"""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """f(z) = z if z > 0 else a·z, with the slope a learned (one shared, or one per channel)"""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        dtype = autograd.get_default_dtype() if dtype is None else dtype
        self.weight = Parameter(np.full(num_parameters, init, dtype=dtype))

    def forward(self, x: Any) -> Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Sigmoid(Module):
    """σ(z) = 1/(1 + e⁻ᶻ)"""

    def forward(self, x: Any) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """f(z) = tanh z"""

    def forward(self, x: Any) -> Tensor:
        return F.tanh(x)


class Hardtanh(Module):
    """f(z) = min(max(z, min_val), max_val)"""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} is greater than max_val {max_val}")
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x: Any) -> Tensor:
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class Softsign(Module):
    """f(z) = z/(1 + |z|)"""

    def forward(self, x: Any) -> Tensor:
        return F.softsign(x)


class ELU(Module):
    """f(z) = z if z > 0 else α(eᶻ − 1)"""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, x: Any) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """f(z) = z·Φ(z) (exact, with erf), or its tanh approximation with approximate='tanh'"""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """f(z) = z·σ(z)  (swish)"""

    def forward(self, x: Any) -> Tensor:
        return F.silu(x)


Swish = SiLU


class Softplus(Module):
    """f(z) = (1/β)·ln(1 + e^(βz)), linear where βz > threshold"""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        if beta <= 0:
            raise ValueError(f"Softplus: beta must be positive, got {beta}")
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Any) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class LogSigmoid(Module):
    """f(z) = ln σ(z) = −ln(1 + e⁻ᶻ), stable at large |z|"""

    def forward(self, x: Any) -> Tensor:
        return F.logsigmoid(x)


class Softmax(Module):
    """softmax(z)ᵢ = e^(zᵢ)/Σⱼ e^(zⱼ) along ``dim`` (default the last; PyTorch guesses one when omitted)"""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Tensor:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log softmax(z)ᵢ = zᵢ − ln Σⱼ e^(zⱼ) along ``dim`` (default the last)"""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Tensor:
        return F.log_softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """softmin(z) = softmax(−z) along ``dim`` (default the last, as Softmax here)"""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Tensor:
        return F.softmin(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class ReLU6(Module):
    """f(z) = min(max(0, z), 6)"""

    def forward(self, x: Any) -> Tensor:
        return F.relu6(x)


class Hardsigmoid(Module):
    """f(z) = relu6(z + 3)/6"""

    def forward(self, x: Any) -> Tensor:
        return F.hardsigmoid(x)


class Hardswish(Module):
    """f(z) = z·relu6(z + 3)/6"""

    def forward(self, x: Any) -> Tensor:
        return F.hardswish(x)


class SELU(Module):
    """f(z) = λz if z > 0 else λα(eᶻ − 1), λ ≈ 1.0507, α ≈ 1.6733"""

    def forward(self, x: Any) -> Tensor:
        return F.selu(x)


class CELU(Module):
    """f(z) = z if z > 0 else α(e^(z/α) − 1)"""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        if alpha == 0:
            raise ValueError("CELU: alpha cannot be 0 (it divides z)")
        self.alpha = alpha

    def forward(self, x: Any) -> Tensor:
        return F.celu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Mish(Module):
    """f(z) = z·tanh(softplus(z))"""

    def forward(self, x: Any) -> Tensor:
        return F.mish(x)


class Threshold(Module):
    """f(z) = z if z > threshold else value"""

    def __init__(self, threshold: float, value: float) -> None:
        super().__init__()
        self.threshold, self.value = threshold, value

    def forward(self, x: Any) -> Tensor:
        return F.threshold(x, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}"


class Step(Module):
    """The lecture's threshold unit: f(z) = 1 if z > θ else 0, with no slope (gradient 0)"""

    def __init__(self, threshold: float = 0.0) -> None:
        super().__init__()
        self.threshold = threshold

    def forward(self, x: Any) -> Tensor:
        return F.step(x, self.threshold)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}"


class GLU(Module):
    """GLU(a, b) = a ⊗ σ(b), with a and b the halves of the input along ``dim`` (the gated linear unit)"""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Tensor:
        return F.glu(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softshrink(Module):
    """f(z) = z − λ if z > λ, z + λ if z < −λ, else 0"""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, x: Any) -> Tensor:
        return F.softshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Module):
    """f(z) = z if |z| > λ else 0"""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, x: Any) -> Tensor:
        return F.hardshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Tanhshrink(Module):
    """f(z) = z − tanh z"""

    def forward(self, x: Any) -> Tensor:
        return F.tanhshrink(x)


class RReLU(Module):
    """f(z) = z if z > 0 else a·z: in training a ~ U(lower, upper) afresh per element, in eval a = (lower + upper)/2"""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3) -> None:
        super().__init__()
        self.lower, self.upper = lower, upper

    def forward(self, x: Any) -> Tensor:
        return F.rrelu(x, self.lower, self.upper, self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}"


class Softmax2d(Module):
    """Softmax over the channels (dim −3) at each position of a (C, H, W) or (N, C, H, W) input"""

    def forward(self, x: Any) -> Tensor:
        x = F._tensor(x)
        if x.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {x.ndim}D instead")
        return F.softmax(x, -3)
