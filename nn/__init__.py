"""chainrule's neural-network library, with PyTorch's habits, on the ``autograd`` engine."""

from . import data, datasets, functional, init, optim, transforms, utils
from .activations import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    PReLU,
    ReLU,
    Sigmoid,
    Sign,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Swish,
    Tanh,
)
from .layers import MLP, BatchNorm1d, Dropout, Flatten, GaussianNoise, Identity, LayerNorm, Linear
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, ModuleList, Parameter, Sequential
from .serialization import CheckpointError, load, save
from .train import EarlyStopping, History, evaluate, fit

__all__ = [
    "ELU", "GELU", "MLP", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CheckpointError", "CrossEntropyLoss",
    "Dropout", "EarlyStopping", "Flatten", "GaussianNoise", "Hardtanh", "History", "HuberLoss", "Identity",
    "KLDivLoss", "L1Loss", "LayerNorm", "LeakyReLU", "Linear", "LogSigmoid", "LogSoftmax", "MSELoss", "Module",
    "ModuleList", "NLLLoss", "PReLU", "Parameter", "ReLU", "Sequential", "SiLU", "Sigmoid", "Sign", "Softmax",
    "Softplus", "Softsign", "Swish", "Tanh", "data", "datasets", "evaluate", "fit", "functional", "init", "load",
    "optim", "save", "utils",
]
__all__ += ["transforms"]
