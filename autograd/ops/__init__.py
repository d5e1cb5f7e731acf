"""Differentiable operations, one family per module."""

from .elementwise import (
                          abs,
                          add,
                          cast,
                          clip,
                          cos,
                          div,
                          eq,
                          exp,
                          expm1,
                          ge,
                          gt,
                          le,
                          log,
                          log1p,
                          lt,
                          maximum,
                          minimum,
                          mul,
                          ne,
                          neg,
                          pow,
                          relu,
                          sigmoid,
                          sign,
                          sin,
                          sqrt,
                          sub,
                          tanh,
                          where,
)
from .indexing import getitem
from .linalg import dot, matmul, outer
from .reduce import argmax, argmin, logsumexp, max, mean, min, prod, std, sum, var
from .shape import (
                          broadcast_to,
                          cat,
                          concatenate,
                          expand,
                          flatten,
                          pad,
                          permute,
                          reshape,
                          split,
                          squeeze,
                          stack,
                          sum_to,
                          transpose,
                          unsqueeze,
)
from .softmax import log_softmax, softmax, softmin

__all__ = [
    "abs", "add", "argmax", "argmin", "broadcast_to", "cast", "cat", "clip", "concatenate", "cos", "div", "dot",
    "eq", "exp", "expand", "expm1", "flatten", "ge", "getitem", "gt", "le", "log", "log1p", "log_softmax",
    "logsumexp", "lt",
    "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "ne", "neg", "outer", "pad", "permute", "pow",
    "prod", "relu", "reshape", "sigmoid", "sign", "sin", "softmax", "softmin",
    "split", "sqrt", "squeeze", "stack", "std", "sub",
    "sum", "sum_to", "tanh", "transpose", "unsqueeze", "var", "where",
]
