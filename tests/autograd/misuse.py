"""Ways to misuse a Function, each with the exception it must raise (the same on both builds).

``python -m tests.autograd.misuse`` prints one line per case, ``name: ExceptionType: message``, so a
test can compare the two builds' output.
"""

import collections
import threading

import numpy as np

import autograd
from autograd.function import Function


def _three_inputs(backward, arrays_ok=False):
    class Rule(Function):
        @staticmethod
        def forward(ctx, a, b, c):
            return a + b + c

    Rule.arrays_ok = arrays_ok
    Rule.backward = staticmethod(backward)
    xs = [autograd.tensor([1.0, 2.0], requires_grad=True) for _ in range(3)]
    return Rule.apply(*xs).sum()


def _rebinds_inputs():
    def backward(ctx, g):
        ctx.inputs = ctx.inputs[:1]
        return (g,)

    _three_inputs(backward).backward()


def _deletes_inputs():
    def backward(ctx, g):
        del ctx.inputs
        return g, g, g

    _three_inputs(backward).backward()


def _returns_list():
    _three_inputs(lambda ctx, g: [g, g, g], arrays_ok=True).backward()


Grads = collections.namedtuple("Grads", "a b c")


def _returns_namedtuple():
    _three_inputs(lambda ctx, g: Grads(g, g, g), arrays_ok=True).backward()


def _wrong_count():
    _three_inputs(lambda ctx, g: (g, g), arrays_ok=True).backward()


def _backward_inside_itself():
    class Nested(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            ctx.root.backward(retain_graph=True)
            return g * 2

    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = Nested.apply(x)
    root = (y * 1.0).sum()
    y.grad_fn.root = root
    root.backward(retain_graph=True)  # so the nested pass reaches Nested's node, not a freed one


def _forward_returns(value):
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return value

    Bad.__name__ = "Bad"
    return lambda: Bad.apply(autograd.tensor([1.0], requires_grad=True))


def _through_a_freed_graph():
    y = (autograd.tensor([1.0], requires_grad=True) * 2).sum()
    y.backward()
    y.backward()


def _replaced_node():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = (y * 3).sum()
    y.grad_fn = object()
    z.backward()


def _inputs_made_a_list():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    y.grad_fn.inputs = [x]
    y.backward()


def _inputs_holding_a_string():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    y.grad_fn.inputs = (x, "x")
    y.backward()


def _subclass_overriding_data():
    class Scaled(autograd.Tensor):
        @property
        def data(self):
            return 100

    Scaled([1.0])


def _tensor_without_data():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    del x.data
    x * 2


CASES = {
    "rule rebinds ctx.inputs": (_rebinds_inputs, RuntimeError),
    "rule deletes ctx.inputs": (_deletes_inputs, RuntimeError),
    "rule returns a list": (_returns_list, TypeError),
    "rule returns a namedtuple": (_returns_namedtuple, TypeError),
    "rule returns too few gradients": (_wrong_count, RuntimeError),
    "rule calls backward inside itself": (_backward_inside_itself, RuntimeError),
    "forward returns None": (_forward_returns(None), TypeError),
    "forward returns a string": (_forward_returns("1.0"), TypeError),
    "forward returns an object array": (_forward_returns(np.array([1.0, None])), TypeError),
    "forward returns a string array": (_forward_returns(np.array(["a"])), TypeError),
    "forward returns a generator": (_forward_returns(x for x in [1.0]), TypeError),
    "backward through a freed graph": (_through_a_freed_graph, RuntimeError),
    "grad_fn replaced": (_replaced_node, TypeError),
    "ctx.inputs made a list": (_inputs_made_a_list, TypeError),
    "ctx.inputs holding a string": (_inputs_holding_a_string, TypeError),
    "subclass overriding Tensor.data": (_subclass_overriding_data, TypeError),
    "tensor without data": (_tensor_without_data, AttributeError),
}


def outcome(run):
    """``ExceptionType: message`` of what ``run()`` raised, or ``no error``."""
    try:
        run()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "no error"


def two_threads_on_one_graph():
    """Thread B calls backward() on a graph while thread A's backward is inside one of its rules."""
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    inside, release = threading.Event(), threading.Event()

    class Slow(Function):
        arrays_ok = True

        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            inside.set()
            release.wait(timeout=10)
            return g * 2

    y = Slow.apply(x).sum()
    results = {}

    def run(name):
        results[name] = outcome(y.backward)

    a = threading.Thread(target=run, args=("a",))
    a.start()
    inside.wait(timeout=10)
    b = threading.Thread(target=run, args=("b",))
    b.start()
    b.join()
    release.set()
    a.join()
    return results, x.grad


if __name__ == "__main__":
    for name, (run, _) in CASES.items():
        print(f"{name}: {outcome(run)}")
    print(f"two threads: {two_threads_on_one_graph()[0]}")
