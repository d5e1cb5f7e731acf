"""The compiled loops (autograd/_speedups.c) against the Python ones they twin.

The rest of tests/autograd runs once on each (see conftest.py); these tests compare the two directly,
and feed the compiled ones what C code must survive: graphs and tensors that users have tampered with.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import compiled, engine
from autograd.function import Context, Function
from autograd.grad_mode import state
from autograd.ops import scratch
from autograd.testing import broadcastable_shapes, tensors

needs_extension = pytest.mark.skipif(not compiled.available(), reason="the C extension is not built")


def test_the_extension_is_built_wherever_a_c_compiler_is():
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        pytest.skip(f"no C compiler ({cc}): chainrule runs on its Python loops")
    assert compiled.available(), "pip install built no autograd._speedups although a compiler is here"


@pytest.mark.parametrize("value", ["", "1"])
def test_chainrule_pure_python_in_the_environment_selects_the_python_loops(value):
    env = {**os.environ, "CHAINRULE_PURE_PYTHON": value}
    done = subprocess.run([sys.executable, "-c", "import autograd; print(autograd.compiled.active())"],
                          env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(compiled.available() and not value)


def _installed():
    return (Function.__dict__["apply"], engine._walk, engine._consumer_counts, Context.__dict__["saved_tensors"],
            scratch.held_by_engine)


@needs_extension
def test_disabled_swaps_every_loop_and_puts_them_back():
    with compiled.using(True):
        fast = _installed()
        with compiled.disabled():
            assert not compiled.active()
            slow = _installed()
            assert all(a is not b for a, b in zip(fast, slow, strict=True))
            assert all(getattr(f, "__module__", "") != "autograd._speedups" for f in slow[1:3])
        assert compiled.active()
        assert _installed() == fast


_STEPS = {  # name: (arity, op); numbers on either side, broadcasting, 0-d tensors, attrs, fan-out
    "add": (2, lambda a, b: a + b),
    "mul": (2, lambda a, b: a * b),
    "sub": (2, lambda a, b: a - b),
    "div": (2, lambda a, b: a / (1.5 + b * b)),
    "number": (1, lambda a: 2 - 0.5 * a * 3),
    "tanh": (1, autograd.tanh),
    "relu": (1, autograd.relu),
    "exp": (1, lambda a: autograd.exp(a * 0.1)),
    "square": (1, lambda a: a**2),
    "sum": (1, lambda a: a.sum(axis=-1, keepdims=True) if a.ndim else a),
    "max": (1, lambda a: a.amax(axis=0) if a.ndim else a),
    "detach": (1, lambda a: a * a.detach()),
    "once": (1, lambda a: _Tripled.apply(a)),
}


class _Tripled(Function):
    """y = 3x with a backward on Tensors (not arrays_ok): the engine's other path for a rule."""

    @staticmethod
    def forward(ctx, x):
        return 3 * x

    @staticmethod
    def backward(ctx, grad):
        return grad * 3


def _random_program(data):
    shapes = data.draw(broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    values = [data.draw(tensors(shape=s, elements=(-2, 2))).data for s in shapes.input_shapes]
    wants = data.draw(st.lists(st.booleans(), min_size=3, max_size=3).filter(any))
    steps = [(data.draw(st.sampled_from(sorted(_STEPS))), data.draw(st.lists(st.integers(0, 100), min_size=2,
                                                                             max_size=2)))
             for _ in range(data.draw(st.integers(1, 12)))]
    picked = data.draw(st.lists(st.integers(0, 100), min_size=1, max_size=3))
    create_graph = data.draw(st.booleans())

    def run():
        leaves = [autograd.tensor(v, requires_grad=w, dtype=np.float64) for v, w in zip(values, wants, strict=True)]
        nodes = list(leaves)
        for name, picks in steps:
            arity, op = _STEPS[name]
            nodes.append(op(*[nodes[i % len(nodes)] for i in picks[:arity]]))
        root = sum((nodes[i % len(nodes)] * 1.5).sum() for i in picked)
        if not root.requires_grad:
            return [], root
        wrt = [t for t in leaves if t.requires_grad]
        grads = autograd.grad(root, wrt, create_graph=create_graph, allow_unused=True)
        return [None if g is None else g.data for g in grads], root

    return run


@needs_extension
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_graphs_give_identical_values_and_gradients_on_both_loops(data):
    run = _random_program(data)
    with compiled.disabled():
        slow, slow_root = run()
    with compiled.using(True):
        fast, fast_root = run()
    np.testing.assert_array_equal(fast_root.data, slow_root.data)
    assert fast_root.requires_grad == slow_root.requires_grad
    assert len(fast) == len(slow)
    for f, s in zip(fast, slow, strict=True):
        assert (f is None) == (s is None)
        if f is not None:
            assert f.dtype == s.dtype
            np.testing.assert_array_equal(f, s)  # the same arithmetic in the same order: bit for bit


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("number", [0.9, -3, 0, 2**40, 1e-30])
def test_a_number_beside_a_float_tensor_becomes_a_constant_of_its_dtype(dtype, number):
    x = autograd.tensor([1.5, -2.0], dtype=dtype, requires_grad=True)
    with np.errstate(all="ignore"):  # float16 overflows 2⁴⁰ and flushes 1e-30, as NumPy does
        c = np.asarray(number, dtype=dtype)
        for y, expected in [(x * number, x.data * c), (number - x, c - x.data)]:
            assert y.dtype == dtype
            np.testing.assert_array_equal(y.data, expected)
        (x * number).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.broadcast_to(c, x.shape))


@needs_extension
@pytest.mark.parametrize("make", [lambda: autograd.tensor([1, 2], dtype=np.int64) * 2,
                                  lambda: 0.5 * autograd.tensor([1, 2], dtype=np.int32),
                                  lambda: autograd.tensor([1.0, 2.0], dtype=np.float32) * True,
                                  lambda: autograd.tensor([1.0, 2.0], dtype=np.float16) * np.float64(3.0),
                                  lambda: autograd.tensor(1.0, dtype=np.float64) + 2**70])
def test_numbers_the_fast_lift_leaves_to_the_general_one_come_out_the_same(make):
    with compiled.disabled():
        slow = make()
    with compiled.using(True):
        fast = make()
    assert fast.dtype == slow.dtype
    np.testing.assert_array_equal(fast.data, slow.data)


def test_a_graph_node_replaced_by_something_else_raises():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = (y * 3).sum()
    y.grad_fn = object()
    with pytest.raises((TypeError, AttributeError)):
        z.backward()
    assert state.enabled and not state.arrays  # the failed pass left the modes as it found them


def test_a_node_whose_inputs_are_a_list_works_and_one_holding_a_non_tensor_raises():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    y.grad_fn.inputs = [x]  # Sum's input was x * 2
    y.backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    y.grad_fn.inputs = (x, "x")
    with pytest.raises((TypeError, AttributeError)):
        y.backward()
    assert state.enabled and not state.arrays


def test_a_tensor_without_data_raises_instead_of_crashing():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    del x.data
    with pytest.raises(AttributeError, match="data"):
        x * 2
    empty = autograd.Tensor.__new__(autograd.Tensor)
    with pytest.raises(AttributeError):
        autograd.exp(empty)


def test_a_rule_that_runs_its_own_backward_inside_gets_both_right():
    class Inner(Function):
        """y = x²; its backward takes d(x²)/dx through a second, nested backward pass."""

        arrays_ok = True

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            with autograd.enable_grad():
                t = autograd.tensor(np.asarray(x), requires_grad=True)
                (d,) = autograd.grad(autograd.relu(t * t).sum(), t)
            return grad * d.data

    x = autograd.tensor([-1.0, 2.0], requires_grad=True, dtype=np.float64)
    (autograd.relu(Inner.apply(x)) * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, 3 * 2 * x.data)


def test_threads_running_backward_at_once_each_get_their_own_gradients():
    errors = []

    def work(k):
        try:
            for _ in range(50):
                x = autograd.tensor(np.full(3, float(k)), requires_grad=True, dtype=np.float64)
                y = x
                for _ in range(20):
                    y = autograd.relu(y * 1.0 + 0.0)
                (y * y).sum().backward()
                np.testing.assert_array_equal(x.grad.data, 2 * x.data)
        except Exception as e:  # surfaced by the assert below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


class _WrongShape(Function):
    arrays_ok = True

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad[:1]


class _Raises(Function):
    @staticmethod
    def forward(ctx, x, *, message):
        raise ValueError(message)


def _every_path_once():
    """Each way through apply and the walk, errors included."""
    x = autograd.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    y = autograd.relu(autograd.tanh(x * 0.5 + 1) - x.detach()).sum(axis=0, keepdims=True) * x
    y.sum().backward()
    s = autograd.tensor(0.5, requires_grad=True, dtype=np.float64)  # 0-d: forward gives NumPy scalars
    z = s
    for _ in range(10):
        z = (z * 0.9 + 0.1).relu()
    (g,) = autograd.grad(z, s, create_graph=True)
    (g * s).backward()
    h = x * 2
    h.register_hook(lambda grad: grad * 1)
    h.sum().backward()
    def twice():
        t = (x * 2).sum()
        t.backward()
        t.backward()  # through a freed graph

    for fail in (lambda: _WrongShape.apply(x).sum().backward(),
                 lambda: _Raises.apply(x, message="no"),
                 lambda: x * "text",
                 twice):
        with pytest.raises((RuntimeError, ValueError, TypeError)):
            fail()


def test_the_loops_leave_nothing_behind():
    import gc
    import tracemalloc

    for _ in range(20):
        _every_path_once()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(200):
            _every_path_once()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(d.size_diff for d in after.compare_to(before, "filename") if d.size_diff > 0)
    assert grown < 20_000, f"{grown} bytes more after 200 rounds: a reference leaks"  # one leaked scalar a op: 150 kB
