"""Layers: Linear, MLP, Dropout, Flatten, Unflatten, Identity, GaussianNoise, BatchNorm1d, LayerNorm, GroupNorm,
RMSNorm, Embedding, CosineSimilarity, PairwiseDistance.

Parameter names, shapes and buffers are PyTorch's, so a ``state_dict`` maps one-to-one onto the
equivalent PyTorch model's.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.graph import increment_version

from . import functional as F
from . import init
from .activations import ReLU
from .module import Module, Parameter, Sequential, _shared_parameter


def _dtype(dtype: Any) -> np.dtype:
    return autograd.get_default_dtype() if dtype is None else np.dtype(dtype)


def _shape(normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    shape = (normalized_shape,) if isinstance(normalized_shape, int | np.integer) else tuple(normalized_shape)
    return tuple(int(s) for s in shape)


class Identity(Module):
    """f(x) = x  (a placeholder; any arguments are ignored, as PyTorch)"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Tensor:
        return F.identity(x)


class Linear(Module):
    """z = x·Wᵀ + b, with W of shape (out_features, in_features) as PyTorch.

    W and b start as PyTorch's: W ~ kaiming_uniform(a=√5), i.e. U(−1/√fan_in, 1/√fan_in), and
    b ~ U(−1/√fan_in, 1/√fan_in), drawn from ``autograd.default_generator()``.

    >>> import nn
    >>> nn.Linear(2, 3)
    Linear(in_features=2, out_features=3, bias=True)
    >>> nn.Linear(2, 3).weight.shape
    (3, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=_dtype(dtype)))
        self.bias = Parameter(np.empty(out_features, dtype=_dtype(dtype))) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw W and b afresh, as PyTorch's ``Linear`` does."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Any) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class MLP(Sequential):
    """A multilayer perceptron: Linear → activation (→ Dropout) for each hidden width, then a last Linear.

    It is a ``Sequential``, so its ``state_dict`` keys (``0.weight``, ``2.bias``, ...) are those of
    the same stack written as a PyTorch ``nn.Sequential``. ``activation`` is a Module class or
    factory (``nn.Tanh``, ``lambda: nn.LeakyReLU(0.2)``), or a Module that is copied for each layer;
    a Dropout layer follows each activation when ``dropout > 0``.

    >>> import nn
    >>> nn.MLP(2, [8, 8], 1, activation=nn.Tanh)
    MLP(
      (0): Linear(in_features=2, out_features=8, bias=True)
      (1): Tanh()
      (2): Linear(in_features=8, out_features=8, bias=True)
      (3): Tanh()
      (4): Linear(in_features=8, out_features=1, bias=True)
    )
    """

    def __init__(self, in_features: int, hidden: int | Sequence[int], out_features: int,
                 activation: Callable[[], Module] | Module = ReLU, dropout: float = 0.0, bias: bool = True,
                 dtype: Any = None) -> None:
        F._check_probability(dropout)
        widths = [hidden] if isinstance(hidden, int | np.integer) else list(hidden)
        layers: list[Module] = []
        fan_in = in_features
        for width in widths:
            layers += [Linear(fan_in, int(width), bias=bias, dtype=dtype), _make_activation(activation)]
            if dropout > 0:
                layers.append(Dropout(dropout))
            fan_in = int(width)
        layers.append(Linear(fan_in, out_features, bias=bias, dtype=dtype))
        super().__init__(*layers)


def _make_activation(activation: Callable[[], Module] | Module) -> Module:
    if isinstance(activation, Module):
        return copy.deepcopy(activation)
    expected = f"MLP: activation must be a Module class or a function returning a Module (e.g. nn.ReLU), got {activation!r}"
    try:
        made = activation()
    except TypeError as e:  # e.g. nn.functional.relu, which needs an input
        raise TypeError(expected) from e
    if not isinstance(made, Module):
        raise TypeError(f"{expected}, which returned {type(made).__name__}")
    return made


class Dropout(Module):
    """Dropout: in training each unit is zeroed with probability p.

    ``inverted=True`` (PyTorch's form, the default) scales the kept units by 1/(1 − p) in training and leaves
    evaluation alone; ``inverted=False`` is the lecture notes' form, which keeps the units unscaled in training
    and multiplies by (1 − p) at test time (the same as scaling the next layer's weights by 1 − p). Both give
    every unit the same expected value in training as in evaluation.
    """

    def __init__(self, p: float = 0.5, inverted: bool = True) -> None:
        super().__init__()
        F._check_probability(p)
        if not isinstance(inverted, bool):
            raise TypeError(f"Dropout: inverted must be a bool, got {type(inverted).__name__}")
        self.p, self.inverted = p, inverted

    def forward(self, x: Any) -> Tensor:
        if self.inverted:
            return F.dropout(x, self.p, self.training)
        # the notes' form: (1 − p) undoes inverted dropout's 1/(1 − p) in training and is the test-time scale
        return F.dropout(x, self.p, self.training) * (1.0 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace=False" + ("" if self.inverted else ", inverted=False")


class GaussianNoise(Module):
    """h̃ = h + ε, ε ~ N(0, std²), in training only (a regulariser, as Keras' GaussianNoise)"""

    def __init__(self, std: float = 0.1) -> None:
        super().__init__()
        if std < 0:
            raise ValueError(f"GaussianNoise: std must be non-negative, got {std}")
        self.std = std

    def forward(self, x: Any) -> Tensor:
        return F.gaussian_noise(x, self.std, self.training)

    def extra_repr(self) -> str:
        return f"std={self.std}"


class Flatten(Module):
    """Merge dims start_dim..end_dim into one (by default all but the batch dim)"""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Any) -> Tensor:
        return autograd.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (one entry may be −1): the inverse of Flatten"""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if not isinstance(unflattened_size, tuple | list):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type {type(unflattened_size).__name__}")
        for i, size in enumerate(unflattened_size):
            if not isinstance(size, int | np.integer):
                raise TypeError(f"unflattened_size must be tuple of ints, but found element of type "
                                f"{type(size).__name__} at pos {i}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, x: Any) -> Tensor:
        return autograd.unflatten(x, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Embedding(Module):
    """A lookup table: row i of ``weight`` (num_embeddings, embedding_dim) for each integer index i in the input.

    The weight starts as N(0, 1), drawn from ``autograd.default_generator()``, with the ``padding_idx`` row zeroed;
    that row gets no gradient. ``max_norm`` rescales looked-up rows longer than it, in place, as PyTorch's.

    >>> import numpy as np, nn
    >>> nn.Embedding(10, 3, padding_idx=0)(np.array([[1, 0], [4, 4]])).shape
    (2, 2, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Any = None, _freeze: bool = False, dtype: Any = None) -> None:
        super().__init__()
        if sparse:
            raise NotImplementedError("Embedding: sparse=True (a sparse gradient) is not supported; use sparse=False")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = F._padding_index(padding_idx, num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=_dtype(dtype)),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            weight = F._tensor(_weight)
            if weight.shape != (num_embeddings, embedding_dim):
                raise AssertionError(f"Shape of weight does not match num_embeddings and embedding_dim: got "
                                     f"{weight.shape}, expected {(num_embeddings, embedding_dim)}")
            self.weight = _shared_parameter(weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Draw the weight afresh from N(0, 1) and zero the padding row, as PyTorch's ``Embedding`` does."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0
            increment_version(self.weight)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding whose weight is ``embeddings`` (2-d, sharing its array), trained only if ``freeze=False``;
        the padding row is left as given."""
        weight = F._tensor(embeddings)
        if weight.ndim != 2:
            raise AssertionError(f"Embeddings parameter is expected to be 2-dimensional, got shape {weight.shape}")
        rows, cols = weight.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=weight,
                   _freeze=freeze)

    def forward(self, x: Any) -> Tensor:
        return F.embedding(x, self.weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                           self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        return s


class CosineSimilarity(Module):
    """x₁·x₂ / (max(‖x₁‖, ε)·max(‖x₂‖, ε)) along ``dim``"""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Any, x2: Any) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """‖x₁ − x₂ + ε‖_p over the last dim"""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Any, x2: Any) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class BatchNorm1d(Module):
    """x̂ = (x − μ_B)/√(σ²_B + ε), ŷ = γ·x̂ + β per channel, for inputs (N, C) or (N, C, L).

    Training uses the batch's statistics and updates the buffers ``running_mean``,
    ``running_var`` (unbiased) and ``num_batches_tracked``; ``eval()`` uses the running ones.
    ``momentum=None`` makes the running statistics a cumulative average.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = _dtype(dtype)
        self.weight = Parameter(np.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def forward(self, x: Any) -> Tensor:
        x = F._tensor(x)
        if x.ndim not in (2, 3):
            raise ValueError(f"BatchNorm1d: expected 2D or 3D input (got {x.ndim}D input of shape {x.shape})")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data = self.num_batches_tracked.data + 1
            if self.momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked.data)
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or self.running_mean is None, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class LayerNorm(Module):
    """x̂ = (x − μ)/√(σ² + ε), ŷ = γ·x̂ + β, with μ, σ² over the last dims (``normalized_shape``)"""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = _dtype(dtype)
        self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype)) if elementwise_affine and bias else None

    def forward(self, x: Any) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """ŷ = γ·x/√(mean(x²) + ε), the mean over the last dims (``normalized_shape``); ε = the dtype's machine epsilon
    when ``eps`` is None"""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None, elementwise_affine: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = Parameter(np.ones(self.normalized_shape, dtype=_dtype(dtype))) if elementwise_affine else None

    def forward(self, x: Any) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """x̂ = (x − μ)/√(σ² + ε) over each group of num_channels/num_groups channels of a sample, then ŷ = γ·x̂ + β per
    channel; for inputs (N, C, *)"""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, dtype: Any = None,
                 *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        dtype = _dtype(dtype)
        self.weight = Parameter(np.ones(num_channels, dtype=dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_channels, dtype=dtype)) if affine and bias else None

    def forward(self, x: Any) -> Tensor:
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
