"""Graphs of many tiny ops, where per-op overhead is everything.

- tiny-tensor chain: 1,000 elementwise ops on 16-element float32 tensors, forward and backward, against
  PyTorch. One cycle of four ops is an unrolled tiny recurrent cell, y ← tanh(y·w + b)·0.9, so the chain
  has binary ops with leaves that accumulate 250 gradients each, a unary op and a constant factor. The
  same chain's forward and backward written out in NumPy is the floor: the array arithmetic alone.
- scalar chain: the same cycle with relu on 0-d float64 tensors, against micrograd's ``Value`` (Python floats).
- Both chains also run on ``bare_tape``: chainrule's arithmetic recorded and walked back by the least
  Python that can do it, the floor for an engine in Python.
- long chain: the backward pass alone over 10⁵ nodes (y ← y·1.0001 + 0.5, repeated), against PyTorch.

Each also times chainrule on its Python loops (``chainrule-py``, under ``autograd.compiled.disabled()``),
so the table shows what the compiled ones buy.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from . import bare_tape
from .timing import median_times

CYCLES = 250  # 4 ops a cycle: 1,000 ops
OPS = 4 * CYCLES
LONG_SIZES = (1_000, 10_000, 100_000, 1_000_000)


def _tiny_chain(lib: Any, x: Any, w: Any, b: Any) -> None:
    x.grad = w.grad = b.grad = None
    y = x
    for _ in range(CYCLES):
        y = lib.tanh(y * w + b) * 0.9
    y.sum().backward()


def _gradients(leaves: Any) -> list[np.ndarray]:
    return [np.asarray(getattr(t.grad, "data", t.grad)) for t in leaves]


def _check_same(name: str, ours: Any, theirs: Any) -> None:
    """Raise unless two libraries' leaves got the same gradients from one run of a chain."""
    for i, (a, b) in enumerate(zip(_gradients(ours), _gradients(theirs), strict=True)):
        if not np.allclose(a, b, rtol=1e-5, atol=1e-7):
            raise AssertionError(f"chainrule and the bare tape disagree on the {name}'s gradient {i}: {a} vs {b}")


def _numpy_tiny_chain(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
    """The chain by hand: the forward keeps what the backward needs, the backward applies each rule."""
    y, inputs, outputs = x, [], []
    for _ in range(CYCLES):
        inputs.append(y)
        t = np.tanh(y * w + b)
        outputs.append(t)
        y = t * np.float32(0.9)
    g = np.ones_like(y)
    grad_w, grad_b = np.zeros_like(w), np.zeros_like(b)
    for y_in, t in zip(reversed(inputs), reversed(outputs), strict=True):
        g = g * np.float32(0.9)
        g = g - g * t * t  # tanh: g·(1 − t²)
        grad_w += g * y_in
        grad_b += g
        g = g * w


def tiny_chain(quick: bool) -> dict[str, Any]:
    import torch

    import autograd

    rng = np.random.default_rng(0)
    values = [rng.uniform(-1, 1, 16).astype(np.float32) for _ in range(3)]
    ours = [autograd.tensor(v, requires_grad=True) for v in values]
    theirs = [torch.tensor(v, requires_grad=True) for v in values]
    tape = [bare_tape.Var(v, requires_grad=True) for v in values]
    _tiny_chain(autograd, *ours)
    _tiny_chain(bare_tape, *tape)
    _check_same("tiny chain", ours, tape)
    seconds = median_times({"chainrule": lambda: _tiny_chain(autograd, *ours),
                            "torch": lambda: _tiny_chain(torch, *theirs),
                            "tape": lambda: _tiny_chain(bare_tape, *tape),
                            "numpy": lambda: _numpy_tiny_chain(*values)}, repeat=5 if quick else 40)
    return {"name": "tiny-tensor chain, 1,000 ops fwd+bwd", "unit": "µs/op",
            "results": {name: s / OPS * 1e6 for name, s in seconds.items()}}


def _scalar_chain(make: Any) -> tuple[Any, Any, Any]:
    x, w, b = make(0.5), make(0.9), make(0.1)
    y = x
    for _ in range(CYCLES):
        y = (y * w + b).relu() * 0.99
    y.backward()
    return x, w, b


def scalar_chain(quick: bool) -> dict[str, Any]:
    from micrograd.engine import Value

    import autograd

    # micrograd sorts the graph recursively: a 1,000-op chain needs a deeper stack than Python's default
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20 * OPS))

    def scalar(v: float) -> autograd.Tensor:
        return autograd.tensor(v, requires_grad=True, dtype=np.float64)

    def tape_scalar(v: float) -> bare_tape.Var:
        return bare_tape.Var(np.float64(v), requires_grad=True)

    _check_same("scalar chain", _scalar_chain(scalar), _scalar_chain(tape_scalar))
    seconds = median_times({"chainrule": lambda: _scalar_chain(scalar),
                            "micrograd": lambda: _scalar_chain(Value),
                            "tape": lambda: _scalar_chain(tape_scalar)}, repeat=5 if quick else 40)
    return {"name": "scalar chain, 1,000 ops fwd+bwd", "unit": "µs/op",
            "results": {name: s / OPS * 1e6 for name, s in seconds.items()}}


def _long_forward(x: Any, nodes: int) -> Any:
    y = x
    for _ in range(nodes // 2):
        y = y * 1.0001 + 0.5
    return y


def long_chains(quick: bool) -> list[dict[str, Any]]:
    """One row for the forward and one for the backward of each chain length, in µs per node."""
    import torch

    import autograd

    def make(lib: Any) -> Any:
        return autograd.tensor(0.5, requires_grad=True, dtype=np.float64) if lib is autograd else \
            torch.tensor(0.5, requires_grad=True, dtype=torch.float64)

    rows = []
    for nodes in LONG_SIZES[:3] if quick else LONG_SIZES:
        repeat = 1 if quick or nodes >= 1_000_000 else 3 if nodes >= 100_000 else 9
        libs = {"chainrule": autograd, "torch": torch}
        forward = median_times({name: lambda lib=lib, n=nodes: _long_forward(make(lib), n) for name, lib in libs.items()},
                               repeat=repeat, warmup=1, rounds=1)
        backward = median_times({name: lambda root: root.backward() for name in libs}, repeat=repeat, warmup=1,
                                rounds=1, setup={name: lambda lib=lib, n=nodes: _long_forward(make(lib), n)
                                                 for name, lib in libs.items()})
        for what, seconds in (("forward", forward), ("backward", backward)):
            rows.append({"id": f"long{nodes}-{what}", "name": f"chain of {nodes:,} scalar ops, {what}",
                         "unit": "µs/node", "results": {name: s / nodes * 1e6 for name, s in seconds.items()}})
    return rows
