"""chainrule's neural-network library, with PyTorch's habits, on the ``autograd`` engine."""

from .module import Module, ModuleList, Parameter, Sequential

__all__ = ["Module", "ModuleList", "Parameter", "Sequential"]
