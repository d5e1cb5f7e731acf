"""Whole-function transforms with PyTorch's conventions: ``vjp``, ``jvp``, ``jacobian``, ``hessian``.

Each takes ``func`` and ``inputs`` (one Tensor or a tuple of Tensors), calls ``func(*inputs)`` on
fresh leaves that require grad, and differentiates with the engine's ``grad``. The user's tensors
are not touched: their ``requires_grad`` and ``.grad`` stay as they were. Results come back with
the nesting of ``torch.autograd.functional``: a Tensor where the user passed or returned a Tensor,
a tuple where they used a tuple.

With ``create_graph=True`` the results stay in the graph, linked to the user's tensors that
require grad, so they can be differentiated again; otherwise they are plain constants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import grad
from .grad_mode import enable_grad
from .ops.shape import Reshape, reshape, stack
from .tensor import Tensor

Inputs = Tensor | tuple[Tensor, ...]


def vjp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """Vector-Jacobian product vᵀ·J at ``inputs``:  ∇ₓz = J(y, x)ᵀ · ∇_y z  with ∇_y z = v.

    ``v`` has the shape of ``func``'s output (a tuple of them for a tuple of outputs); it may be
    omitted when the output is a single one-element Tensor. Returns ``(outputs, vjp)``, ``vjp``
    nested like ``inputs``.

    >>> import autograd
    >>> from autograd.functional import vjp
    >>> x = autograd.tensor([1.0, 2.0, 3.0])
    >>> out, g = vjp(lambda x: x * x, x, autograd.tensor([1.0, 0.0, 1.0]))
    >>> g
    tensor([2., 0., 6.], dtype=float32)
    """
    inputs_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        xs = _leaves(xs, create_graph)
        outputs_tuple, ys = _as_tuple(func(*xs), "outputs of the user-provided function", "vjp")
        _check_outputs(ys, strict)
        if v is None:
            if len(ys) != 1 or ys[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                                   "Tensor with a single element.")
            vs = (None,)
        else:
            vs = _vectors(v, ys, "v", "vjp", create_graph, "output")
        grads = _grad(ys, xs, vs, retain_graph=create_graph, create_graph=create_graph)
    result = _fill_zeros(grads, xs, strict, "The output of the user-provided function is independent of input {i}. "
                         "This is not allowed in strict mode.")
    return _nest(_out(ys, create_graph), outputs_tuple), _nest(_out(result, create_graph), inputs_tuple)


def jvp(func: Callable[..., Any], inputs: Inputs, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """Jacobian-vector product J·v at ``inputs``, computed with two reverse passes (the double-vjp trick).

    There is no forward mode here: g(u) = Jᵀu is linear in u, so J·v = ∂⟨g(u), v⟩/∂u is the vjp of
    the vjp. It costs two backward passes instead of one forward pass (PyTorch's
    ``torch.autograd.functional.jvp`` does the same). ``v`` has the shape of ``inputs`` and may be
    omitted for a single one-element input. Returns ``(outputs, jvp)``, ``jvp`` nested like the outputs.

    >>> import autograd
    >>> from autograd.functional import jvp
    >>> x = autograd.tensor([1.0, 2.0, 3.0])
    >>> out, t = jvp(lambda x: x * x, x, autograd.tensor([1.0, 0.0, 1.0]))
    >>> t
    tensor([2., 0., 6.], dtype=float32)
    """
    _, xs = _as_tuple(inputs, "inputs", "jvp")
    with enable_grad():
        xs = _leaves(xs, create_graph)
        if v is None:
            if len(xs) != 1 or xs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                                   "single Tensor with a single element.")
            vs: tuple[Tensor | None, ...] = (None,)
        else:
            vs = _vectors(v, xs, "v", "jvp", create_graph, "input")
        outputs_tuple, ys = _as_tuple(func(*xs), "outputs of the user-provided function", "jvp")
        _check_outputs(ys, strict)
        # backward is linear in u, so u's value never matters: zeros are safe (no inf or nan)
        us = tuple(Tensor(np.zeros_like(y.data), requires_grad=True) for y in ys)
        grads_x = _grad(ys, xs, us, retain_graph=True, create_graph=True)
        if strict:
            for i, g in enumerate(grads_x):
                if g is not None and not g.requires_grad:
                    raise RuntimeError(f"The gradient with respect to input {i} is independent of the inputs of the "
                                       "user-provided function. This is not allowed in strict mode.")
        used = [i for i, g in enumerate(grads_x) if g is not None]
        grads_u = _grad(tuple(grads_x[i] for i in used), us, tuple(vs[i] for i in used),
                        retain_graph=create_graph, create_graph=create_graph)
    result = _fill_zeros(grads_u, ys, strict, "The gradient with respect to the input is independent of entry {i} "
                         "in the grad_outputs when using the double backward trick to compute forward mode "
                         "gradients. This is not allowed in strict mode.")
    return _nest(_out(ys, create_graph), outputs_tuple), _nest(_out(result, create_graph), outputs_tuple)


def jacobian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False) -> Any:
    """The Jacobian ``J[i][j]`` = ∂outputᵢ/∂inputⱼ, of shape ``outputᵢ.shape + inputⱼ.shape``, one backward per row.

    A single Tensor in and out gives one Tensor; a tuple on either side gives a tuple, on both
    sides a tuple of tuples indexed ``[output][input]``. An input the output does not depend on
    gets zeros (``strict=True`` raises instead). ``vectorize`` is accepted for PyTorch
    compatibility; the rows are computed one at a time either way, with the same result.

    >>> import autograd
    >>> from autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, autograd.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]], dtype=float32)
    """
    if strict and vectorize:
        raise RuntimeError("jacobian: strict=True and vectorize=True are not supported together; the strict check "
                           "is made per row, so pass vectorize=False.")
    inputs_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        xs = _leaves(xs, create_graph)
        outputs_tuple, ys = _as_tuple(func(*xs), "outputs of the user-provided function", "jacobian")
        _check_outputs(ys, strict)
        blocks = tuple(tuple(_jacobian_block(y, i, xs, create_graph, strict)) for i, y in enumerate(ys))
    blocks = tuple(_out(row, create_graph) for row in blocks)
    if outputs_tuple:
        return tuple(_nest(row, inputs_tuple) for row in blocks)
    return _nest(blocks[0], inputs_tuple)


def _jacobian_block(y: Tensor, i: int, xs: tuple[Tensor, ...], create_graph: bool,
                    strict: bool) -> list[Tensor]:
    """∂y/∂xⱼ for every input j: one backward per element of y, seeded with a one-hot upstream gradient."""
    rows: list[list[Tensor]] = [[] for _ in xs]
    for k in range(y.numel()):
        one_hot = np.zeros(y.numel(), dtype=y.dtype)
        one_hot[k] = 1
        grads = _grad((y,), xs, (Tensor._constant(one_hot.reshape(y.shape)),), retain_graph=True,
                      create_graph=create_graph)
        for j, (g, x) in enumerate(zip(grads, xs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. "
                                       "This is not allowed in strict mode.")
                g = Tensor._constant(np.zeros_like(x.data))
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(f"The jacobian of the user-provided function is independent of input {j}. "
                                   "This is not allowed in strict mode when create_graph=True.")
            rows[j].append(g)
    blocks = []
    for x, row in zip(xs, rows):
        shape = y.shape + x.shape
        blocks.append(reshape(stack(row), shape) if row else Tensor._constant(np.zeros(shape, dtype=x.dtype)))
    return blocks


def hessian(func: Callable[..., Any], inputs: Inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False) -> Any:
    """The Hessian ``H[i][j]`` = ∂²f/∂inputᵢ∂inputⱼ of a function with one-element output: the Jacobian of its gradient.

    One input gives a Tensor of shape ``input.shape + input.shape``; a tuple of inputs gives a
    tuple of tuples indexed ``[i][j]``, of shapes ``inputᵢ.shape + inputⱼ.shape``.

    >>> import autograd
    >>> from autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), autograd.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]], dtype=float32)
    """
    inputs_tuple, xs = _as_tuple(inputs, "inputs", "hessian")

    def scalar_func(*args: Tensor) -> Tensor:
        out = func(*args)
        if not isinstance(out, Tensor):
            raise RuntimeError(f"The function given to hessian should return a single Tensor, got {type(out).__name__}")
        _check_outputs((out,), strict)
        if out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to hessian should contain a single "
                               f"element, got shape {out.shape}")
        return reshape(out, ())

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        grads = jacobian(scalar_func, args, create_graph=True)
        if strict:
            for i, g in enumerate(grads):
                if not g.requires_grad:
                    raise RuntimeError(
                        f"While computing the hessian, found that the jacobian of the user-provided function with "
                        f"respect to input {i} is independent of the input. This is not allowed in strict mode. "
                        "You should ensure that your function is twice differentiable and that the jacobian "
                        "depends on the inputs (this would be violated by a linear function for example).")
        return grads

    blocks = jacobian(gradient, xs, create_graph=create_graph, strict=strict, vectorize=vectorize)
    if inputs_tuple:
        return blocks
    return blocks[0][0]


def _as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(whether the user gave a tuple, the Tensors as a tuple); anything but Tensors raises."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                                f"but the value at index {i} has type {type(t).__name__}.")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                            f"but the given {arg_name} has type {type(t).__name__}.")
    return is_tuple, items


def _leaves(xs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """Fresh tensors to differentiate with respect to: copies, or (create_graph) identity nodes on the user's."""
    out = []
    for x in xs:
        if create_graph and x.requires_grad:
            # an identity op: a new Tensor whose gradients flow on to the user's tensor
            out.append(Reshape.apply(x, shape=x.shape))
        else:
            out.append(Tensor._constant(x.data.copy()).requires_grad_(True))
    return tuple(out)


def _vectors(v: Any, refs: tuple[Tensor, ...], arg_name: str, fn_name: str, create_graph: bool,
             ref_name: str) -> tuple[Tensor, ...]:
    """Check that ``v`` matches ``refs`` one for one in shape; detach it unless create_graph keeps it in the graph."""
    _, vs = _as_tuple(v, arg_name, fn_name)
    if len(vs) != len(refs):
        raise RuntimeError(f"{arg_name} is a tuple of invalid length: should be {len(refs)} but got {len(vs)}.")
    for i, (vec, ref) in enumerate(zip(vs, refs)):
        if vec.shape != ref.shape:
            raise RuntimeError(f"Mismatch in shape: {arg_name}[{i}] has a shape of {vec.shape} and {ref_name}[{i}] "
                               f"has a shape of {ref.shape}.")
    return tuple(vec if create_graph and vec.requires_grad else vec.detach() for vec in vs)


def _check_outputs(ys: tuple[Tensor, ...], strict: bool) -> None:
    if not strict:
        return
    for i, y in enumerate(ys):
        if not y.requires_grad:
            raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs "
                               "must be computed in a differentiable manner from the input when running in strict "
                               "mode.")


def _grad(outputs: tuple[Tensor, ...], inputs: tuple[Tensor, ...], grad_outputs: tuple[Tensor | None, ...],
          retain_graph: bool, create_graph: bool) -> tuple[Tensor | None, ...]:
    """``grad`` over the outputs that are in the graph; None for every input when none is."""
    pairs = [(y, g) for y, g in zip(outputs, grad_outputs) if y.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([y for y, _ in pairs], list(inputs), [g for _, g in pairs], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


def _fill_zeros(grads: tuple[Tensor | None, ...], refs: tuple[Tensor, ...], strict: bool,
                message: str) -> tuple[Tensor, ...]:
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(message.format(i=i))
            g = Tensor._constant(np.zeros_like(ref.data))
        out.append(g)
    return tuple(out)


def _out(ts: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """Results handed back: still in the graph with create_graph, else detached constants."""
    return ts if create_graph else tuple(t.detach() for t in ts)


def _nest(ts: tuple[Any, ...], as_tuple: bool) -> Any:
    return ts if as_tuple else ts[0]
