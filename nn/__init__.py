"""chainrule's neural-network library, with PyTorch's habits, on the ``autograd`` engine."""

from . import data, datasets
from .module import Module, ModuleList, Parameter, Sequential
from .serialization import CheckpointError, load, save

__all__ = ["CheckpointError", "Module", "ModuleList", "Parameter", "Sequential", "data", "datasets", "load", "save"]
