"""chainrule's reverse-mode automatic differentiation engine on NumPy.

>>> import autograd
>>> a = autograd.tensor(-4.0, requires_grad=True)
>>> b = autograd.tensor(2.0, requires_grad=True)
>>> c = a * b + b ** 3
>>> c.backward()
>>> a.grad.item(), b.grad.item()
(2.0, 8.0)
"""

from . import compiled, functional, gradcheck, graph, viz  # compiled first: it picks the engine's build
from .anomaly import detect_anomaly, is_anomaly_enabled
from .creation import (
                       arange,
                       default_generator,
                       empty,
                       eye,
                       full,
                       get_rng_state,
                       linspace,
                       manual_seed,
                       ones,
                       ones_like,
                       rand,
                       randn,
                       randn_like,
                       set_rng_state,
                       zeros,
                       zeros_like,
)
from .dtypes import get_default_dtype, set_default_dtype
from .engine import backward, grad
from .errors import ShapeError
from .function import Context, Function, once_differentiable
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .ops import (
                       abs,
                       add,
                       argmax,
                       argmin,
                       broadcast_to,
                       cast,
                       cat,
                       clip,
                       concatenate,
                       cos,
                       div,
                       dot,
                       eq,
                       exp,
                       expand,
                       expm1,
                       flatten,
                       ge,
                       getitem,
                       gt,
                       le,
                       log,
                       log1p,
                       logsumexp,
                       lt,
                       matmul,
                       max,
                       maximum,
                       mean,
                       min,
                       minimum,
                       mul,
                       ne,
                       neg,
                       outer,
                       pad,
                       permute,
                       pow,
                       prod,
                       relu,
                       reshape,
                       sigmoid,
                       sign,
                       sin,
                       split,
                       sqrt,
                       squeeze,
                       stack,
                       std,
                       sub,
                       sum,
                       sum_to,
                       tanh,
                       transpose,
                       unsqueeze,
                       var,
                       where,
)
from .tensor import Tensor, tensor

clamp = clip

__all__ = [
    "Context", "Function", "ShapeError", "Tensor", "abs", "add", "arange", "argmax", "argmin", "backward", "broadcast_to",
    "cast", "cat", "clamp", "clip", "compiled", "concatenate", "cos", "default_generator", "detect_anomaly", "div", "dot",
    "empty", "enable_grad", "eq", "exp", "expand", "expm1", "eye", "flatten", "full", "functional", "ge",
    "get_default_dtype", "get_rng_state", "getitem", "grad", "gradcheck", "graph", "gt", "is_anomaly_enabled",
    "is_grad_enabled", "le", "linspace", "log",
    "log1p", "logsumexp", "lt", "manual_seed", "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "ne",
    "neg", "no_grad", "once_differentiable", "ones", "ones_like", "outer", "pad", "permute", "pow", "prod",
    "rand", "randn", "randn_like", "relu", "reshape", "set_default_dtype", "set_grad_enabled", "set_rng_state",
    "sigmoid", "sign", "sin", "split", "sqrt", "squeeze", "stack", "std", "sub", "sum", "sum_to", "tanh",
    "tensor", "transpose", "unsqueeze", "var", "viz", "where", "zeros", "zeros_like",
]
