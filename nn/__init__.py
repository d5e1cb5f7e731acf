"""chainrule's neural-network library, with PyTorch's habits, on the ``autograd`` engine."""

from autograd._version import distribution_version

from . import (
    callbacks,
    checkpoint,
    data,
    datasets,
    diagnostics,
    functional,
    init,
    metrics,
    optim,
    preprocessing,
    transforms,
    utils,
)
from .activations import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    RReLU,
    Sigmoid,
    Sign,
    SiLU,
    Softmax,
    Softmax2d,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Step,
    Swish,
    Tanh,
    Tanhshrink,
    Threshold,
)
from .layers import (
    MLP,
    BatchNorm1d,
    CosineSimilarity,
    Dropout,
    Embedding,
    Flatten,
    GaussianNoise,
    GroupNorm,
    Identity,
    LayerNorm,
    Linear,
    PairwiseDistance,
    RMSNorm,
    Unflatten,
)
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
)
from .module import Module, ModuleDict, ModuleList, Parameter, ParameterDict, ParameterList, Sequential
from .preprocessing import Standardize
from .serialization import CheckpointError, load, save
from .train import EarlyStopping, History, evaluate, fit

__version__ = distribution_version()

__all__ = [
    "CELU", "ELU", "GELU", "GLU", "MLP", "SELU", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CheckpointError",
    "CosineSimilarity", "CrossEntropyLoss", "Dropout", "EarlyStopping", "Embedding", "Flatten", "GaussianNLLLoss",
    "GaussianNoise", "GroupNorm", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "History", "HuberLoss",
    "Identity", "KLDivLoss", "L1Loss", "LayerNorm", "LeakyReLU", "Linear", "LogSigmoid", "LogSoftmax", "MSELoss",
    "MarginRankingLoss", "Mish", "Module", "ModuleDict", "ModuleList", "NLLLoss", "PReLU", "PairwiseDistance",
    "Parameter", "ParameterDict", "ParameterList", "PoissonNLLLoss", "RMSNorm", "RReLU", "ReLU", "ReLU6",
    "Sequential", "SiLU", "Sigmoid", "Sign", "SmoothL1Loss", "SoftMarginLoss", "Softmax", "Softmax2d", "Softmin",
    "Softplus", "Softshrink", "Softsign", "Standardize", "Step", "Swish", "Tanh", "Tanhshrink", "Threshold",
    "Unflatten", "callbacks", "checkpoint", "data", "datasets", "diagnostics", "evaluate", "fit", "functional",
    "init", "load", "metrics", "optim", "preprocessing", "save", "transforms", "utils",
]
