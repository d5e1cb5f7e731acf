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
    SELU,
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
    Sigmoid,
    Sign,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softsign,
    Step,
    Swish,
    Tanh,
    Threshold,
)
from .layers import MLP, BatchNorm1d, Dropout, Flatten, GaussianNoise, Identity, LayerNorm, Linear
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, ModuleList, Parameter, Sequential
from .preprocessing import Standardize
from .serialization import CheckpointError, load, save
from .train import EarlyStopping, History, evaluate, fit

__version__ = distribution_version()

__all__ = [
    "CELU", "ELU", "GELU", "MLP", "SELU", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CheckpointError",
    "CrossEntropyLoss", "Dropout", "EarlyStopping", "Flatten", "GaussianNoise", "Hardsigmoid", "Hardswish",
    "Hardtanh", "History", "HuberLoss", "Identity", "KLDivLoss", "L1Loss", "LayerNorm", "LeakyReLU", "Linear",
    "LogSigmoid", "LogSoftmax", "MSELoss", "Mish", "Module", "ModuleList", "NLLLoss", "PReLU", "Parameter", "ReLU",
    "ReLU6", "Sequential", "SiLU", "Sigmoid", "Sign", "Softmax", "Softmin", "Softplus", "Softsign", "Standardize",
    "Step", "Swish", "Tanh", "Threshold", "callbacks", "checkpoint", "data", "datasets", "diagnostics", "evaluate",
    "fit", "functional", "init", "load", "metrics", "optim", "preprocessing", "save", "transforms", "utils",
]
