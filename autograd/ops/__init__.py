"""Differentiable operations, one family per module."""

from .cumulative import cummax, cummin, cumprod, cumsum, logcumsumexp
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
from .gather import gather, index_select, scatter, scatter_add
from .indexing import getitem
from .linalg import bmm, cdist, dot, einsum, matmul, mm, norm, outer, t
from .logical import (
                          all,
                          allclose,
                          any,
                          bitwise_not,
                          isclose,
                          isfinite,
                          isinf,
                          isnan,
                          logical_and,
                          logical_not,
                          logical_or,
                          logical_xor,
                          nonzero,
)
from .masking import masked_fill, masked_select, tril, triu
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

__all__ = [
    "abs", "add", "argmax", "argmin", "broadcast_to", "cast", "cat", "clip", "concatenate", "cos", "div", "dot",
    "eq", "exp", "expand", "expm1", "flatten", "ge", "getitem", "gt", "le", "log", "log1p", "logsumexp", "lt",
    "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "ne", "neg", "outer", "pad", "permute", "pow",
    "prod", "relu", "reshape", "sigmoid", "sign", "sin", "split", "sqrt", "squeeze", "stack", "std", "sub",
    "sum", "sum_to", "tanh", "transpose", "unsqueeze", "var", "where",
]

__all__ += [  # masks and checks, gather and scatter, products and norms, cumulative ops
    "all", "allclose", "any", "bitwise_not", "bmm", "cdist", "cummax", "cummin", "cumprod", "cumsum", "einsum",
    "gather", "index_select", "isclose", "isfinite", "isinf", "isnan", "logcumsumexp", "logical_and",
    "logical_not", "logical_or", "logical_xor", "masked_fill", "masked_select", "mm", "nonzero", "norm",
    "scatter", "scatter_add", "t", "tril", "triu",
]
