"""The math of ``nn``: activations, layer forward passes and losses, as functions of Tensors.

The Modules in ``nn.activations``, ``nn.layers`` and ``nn.losses`` are thin wrappers over these.
Most functions compose autograd's ops and need no backward rule of their own. A few are
``Function``s because numerics, cost or PyTorch's exact derivatives ask for it (``linear``,
``cross_entropy``, ``softplus``, ``binary_cross_entropy``, ``erf``, the ELU family, ``step``); each
is tested against the composed version or PyTorch. ``softmax``,
``log_softmax``, ``softmin`` and ``pad`` are autograd's ops, re-exported. Symbols follow the
lecture notes: z a pre-activation, σ an activation, ŷ a prediction, y a target, ℓ a loss.

One module per family: ``activations``, ``linear``, ``dropout``, ``normalization``, ``attention``,
``losses``, ``encoding``.
"""

from autograd import log_softmax, pad, softmax, softmin
from autograd.ops.elementwise import _erf_float64 as _erf_float64  # the tests swap its SciPy source

from ._arguments import _tensor as _tensor
from .activations import (
    celu,
    elu,
    erf,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    identity,
    leaky_relu,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    sign,
    silu,
    softplus,
    softsign,
    step,
    swish,
    tanh,
    threshold,
)
from .attention import scaled_dot_product_attention
from .dropout import _check_probability as _check_probability
from .dropout import dropout, gaussian_noise
from .encoding import one_hot
from .linear import linear
from .losses import REDUCTIONS as REDUCTIONS
from .losses import _check_reduction as _check_reduction
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
)
from .normalization import batch_norm, layer_norm, normalize

__all__ = [
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "celu", "cross_entropy", "dropout",
    "elu", "erf", "gaussian_noise", "gelu", "hardsigmoid", "hardswish", "hardtanh", "huber_loss", "identity",
    "kl_div", "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax", "logsigmoid", "mish", "mse_loss",
    "nll_loss", "normalize", "one_hot", "pad", "prelu", "relu", "relu6", "scaled_dot_product_attention", "selu",
    "sigmoid", "sign", "silu", "softmax", "softmin", "softplus", "softsign", "step", "swish", "tanh", "threshold",
]
