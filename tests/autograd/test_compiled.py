"""The two builds of the engine: its Python source, and the same source compiled (see autograd/compiled.py).

CI runs the whole suite on each build (the second leg with CHAINRULE_PURE_PYTHON=1); these tests check
the switch itself, and compare the two builds directly in fresh processes.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import threading

import numpy as np
import pytest

import autograd
from autograd import compiled
from autograd.function import Function

from . import misuse

needs_both = pytest.mark.skipif(not compiled.available(), reason="the compiled modules are not built")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _python(code, pure):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    env.pop("CHAINRULE_PURE_PYTHON", None)
    if pure:
        env["CHAINRULE_PURE_PYTHON"] = "1"
    return subprocess.run([sys.executable, *code], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def test_the_modules_are_compiled_wherever_cython_and_a_c_compiler_are():
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None or importlib.util.find_spec("Cython") is None:
        pytest.skip(f"no C compiler ({cc}) or no Cython: chainrule runs on its Python source")
    assert compiled.available(), "no compiled engine modules although Cython and a compiler are here"


@pytest.mark.parametrize("pure", [False, True])
def test_chainrule_pure_python_in_the_environment_selects_the_python_source(pure):
    code = ("import importlib, autograd; from autograd import compiled; print(compiled.active(), "
            "*[importlib.import_module(f'autograd.{m}').__file__ for m in compiled.MODULES])")
    active, *paths = _python(["-c", code], pure).split()
    assert active == str(compiled.available() and not pure)
    assert len(paths) == len(compiled.MODULES)
    assert all(path.endswith(".py") == (active == "False") for path in paths)


def test_this_process_runs_the_build_the_environment_asked_for():
    assert compiled.active() == (compiled.available() and not compiled.requested_pure_python())


@needs_both
def test_every_misuse_raises_the_same_error_on_both_builds():
    fast = _python(["-m", "tests.autograd.misuse"], pure=False).splitlines()
    slow = _python(["-m", "tests.autograd.misuse"], pure=True).splitlines()
    assert len(fast) == len(slow) == len(misuse.CASES) + 1
    for f, s in zip(fast, slow, strict=True):
        if f.startswith("tensor without data"):  # a deleted C member reads None, a deleted slot raises
            f, s = f.split(":")[:2], s.split(":")[:2]
        assert f == s


_PROGRAM = """
import numpy as np, autograd
rng = np.random.default_rng(0)
x, w = (autograd.tensor(rng.normal(size=(3, 4)), requires_grad=True) for _ in range(2))
y = x
for _ in range(30):
    y = autograd.relu(autograd.tanh(y * w + 0.5) - y.detach() * 0.1).sum(axis=0, keepdims=True) * x
(g,) = autograd.grad(y.sum(), x, create_graph=True)
(g * w).sum().backward()
print(np.concatenate([y.data.ravel(), g.data.ravel(), x.grad.data.ravel(), w.grad.data.ravel()]).tobytes().hex())
"""


@needs_both
def test_both_builds_compute_the_same_bits():
    assert _python(["-c", _PROGRAM], pure=False) == _python(["-c", _PROGRAM], pure=True)


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


class _ScalarTanh(Function):
    """y = tanh Σx, returned and saved as the NumPy scalar NumPy gives: the engine makes both the output's array."""

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(np.add.reduce(x, axis=None))
        ctx.save_for_backward(y)
        ctx.shape = x.shape
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y) * np.ones(ctx.shape)


def _every_path_once():
    """Each way through apply and the walk, errors included."""
    x = autograd.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    y = autograd.relu(autograd.tanh(x * 0.5 + 1) - x.detach()).sum(axis=0, keepdims=True) * x
    y.sum().backward()
    s = autograd.tensor(0.5, requires_grad=True, dtype=np.float64)  # 0-d: the built-in ops ask NumPy for arrays
    z = _ScalarTanh.apply(x) * s  # a forward that gives (and saves) a NumPy scalar
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


def test_setup_py_compiles_the_modules_that_compiled_py_names():
    with open(os.path.join(ROOT, "setup.py"), encoding="utf-8") as f:
        assert f"MODULES = {compiled.MODULES!r}" in f.read()
