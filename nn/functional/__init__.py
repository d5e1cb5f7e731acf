"""The math of ``nn``: activations, layer forward passes and losses, as functions of Tensors.

The Modules in ``nn.activations``, ``nn.layers`` and ``nn.losses`` are thin wrappers over these.
Most functions compose autograd's ops and need no backward rule of their own. A few are
``Function``s because numerics, cost or PyTorch's exact derivatives ask for it (``linear``,
``cross_entropy``, ``softplus``, ``binary_cross_entropy``, ``erf``, the ELU family, ``step``,
``embedding``, and the ε clamp of ``cosine_similarity`` and ``gaussian_nll_loss``, which changes a
value but not its gradient); each is tested against the composed version or PyTorch. ``softmax``,
``log_softmax``, ``softmin`` and ``pad`` are autograd's ops, re-exported. Symbols follow the
lecture notes: z a pre-activation, σ an activation, ŷ a prediction, y a target, ℓ a loss.

One module per family: ``activations``, ``linear``, ``dropout``, ``normalization``, ``attention``,
``losses``, ``encoding``, ``distance``.
"""

from autograd import log_softmax, pad, softmax, softmin
from autograd.ops.elementwise import special_float64 as special_float64  # the tests swap its SciPy source

from ._arguments import _tensor as _tensor
from .activations import (
    celu,
    elu,
    erf,
    gelu,
    glu,
    hardshrink,
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
    rrelu,
    selu,
    sigmoid,
    sign,
    silu,
    softplus,
    softshrink,
    softsign,
    step,
    swish,
    tanh,
    tanhshrink,
    threshold,
)
from .attention import scaled_dot_product_attention
from .distance import cosine_similarity, pairwise_distance
from .dropout import _check_probability as _check_probability
from .dropout import dropout, gaussian_noise
from .encoding import _padding_index as _padding_index
from .encoding import embedding, one_hot
from .linear import linear
from .losses import REDUCTIONS as REDUCTIONS
from .losses import _check_reduction as _check_reduction
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    gaussian_nll_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
)
from .normalization import batch_norm, group_norm, layer_norm, normalize, rms_norm

__all__ = [
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "celu", "cosine_similarity",
    "cross_entropy", "dropout", "elu", "embedding", "erf", "gaussian_nll_loss", "gaussian_noise", "gelu", "glu",
    "group_norm", "hardshrink", "hardsigmoid", "hardswish", "hardtanh", "huber_loss", "identity", "kl_div",
    "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax", "logsigmoid", "margin_ranking_loss", "mish",
    "mse_loss", "nll_loss", "normalize", "one_hot", "pad", "pairwise_distance", "poisson_nll_loss", "prelu", "relu",
    "relu6", "rms_norm", "rrelu", "scaled_dot_product_attention", "selu", "sigmoid", "sign", "silu",
    "smooth_l1_loss", "soft_margin_loss", "softmax", "softmin", "softplus", "softshrink", "softsign", "step",
    "swish", "tanh", "tanhshrink", "threshold",
]
