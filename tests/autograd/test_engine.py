"""The backward engine in named scenarios: reuse, diamonds, deep chains, freeing, accumulation, hooks, grad()."""

import gc
import weakref
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import scratch
from autograd.engine import topological_order
from autograd.testing import broadcastable_shapes, tensors


def _leaf(data, dtype=np.float64):
    return autograd.tensor(data, requires_grad=True, dtype=dtype)


class Counted(autograd.Function):
    """y = 2x, counting backward calls per node."""

    calls: ClassVar[list] = []

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, grad):
        Counted.calls.append(ctx)
        return grad * 2


@pytest.fixture
def calls():
    Counted.calls = []
    return Counted.calls


class TestReuseAndDiamonds:
    def test_a_plus_a_twice_gives_4(self):
        a = _leaf(3.0)
        b = a + a
        c = b + b
        c.backward()
        assert a.grad.item() == 4.0

    def test_x_times_x_times_x(self):
        x = _leaf(1.5)
        (x * x * x).backward()
        assert x.grad.item() == pytest.approx(3 * 1.5**2, rel=1e-15)

    def test_diamond(self):
        x = _leaf([0.3, -0.7])
        y = autograd.exp(x)
        z = autograd.sin(y) + y * y       # z = g(y) + h(y)
        z.sum().backward()
        ey = np.exp(x.data)
        np.testing.assert_allclose(x.grad.data, (np.cos(ey) + 2 * ey) * ey, rtol=1e-14)

    def test_each_node_runs_backward_once(self, calls):
        x = _leaf([1.0, 2.0])
        y = Counted.apply(x)              # used by four consumers
        w = Counted.apply(y)              # used twice
        z = (y * y + autograd.sin(y) + y + w * w + w).sum()
        z.backward()
        assert len(calls) == 2 and calls[0] is w.grad_fn and calls[1] is y.grad_fn
        y2 = 2 * x.data
        dz_dy = 2 * y2 + np.cos(y2) + 1 + 2 * (2 * (2 * y2) + 1)
        np.testing.assert_allclose(x.grad.data, 2 * dz_dy, rtol=1e-14)

    def test_topological_order_visits_each_node_once_after_its_consumers(self):
        x = _leaf(1.0)
        y = x * 2
        a, b = y + 1, y * 3
        z = a * b
        order = list(topological_order([z]))
        assert len(order) == len(set(map(id, order))) == 4
        assert order[0] is z and order[-1] is y
        assert {id(a), id(b)} == {id(t) for t in order[1:3]}

    def test_wide_fan_in(self):
        leaves = [_leaf(float(i)) for i in range(10_000)]
        autograd.stack(leaves).sum().backward()
        assert all(t.grad.item() == 1.0 for t in leaves)

    def test_multiple_roots(self):
        x = _leaf([1.0, 2.0])
        autograd.backward([(x * x).sum(), x * 3], [None, autograd.tensor([1.0, -1.0], dtype=np.float64)])
        np.testing.assert_allclose(x.grad.data, 2 * x.data + [3.0, -3.0])


def test_broadcast_gradients_have_the_input_shape(rng):
    a = _leaf(rng.standard_normal((3, 1)))
    b = _leaf(rng.standard_normal(4))
    c = _leaf(rng.standard_normal(()))
    g = rng.standard_normal((2, 3, 4))
    (a * b + c).broadcast_to((2, 3, 4)).backward(g)
    assert a.grad.shape == (3, 1) and b.grad.shape == (4,) and c.grad.shape == ()
    np.testing.assert_allclose(a.grad.data, (g * b.data).sum(axis=(0, 2))[:, None], rtol=1e-13)
    np.testing.assert_allclose(b.grad.data, (g * a.data).sum(axis=(0, 1)), rtol=1e-13)
    np.testing.assert_allclose(c.grad.data, g.sum(), rtol=1e-13)


class TestDeepGraphs:
    def test_deep_chain_of_mixed_ops(self):
        x = _leaf(0.5)
        y = x
        n = 20_000
        for _ in range(n):
            y = autograd.tanh(y) * 1.0 + 0.0
        y.backward()
        # the derivative by the chain rule, step by step in NumPy
        v, d = 0.5, 1.0
        for _ in range(n):
            t = np.tanh(v)
            d *= 1 - t * t
            v = t
        assert y.item() == pytest.approx(v, rel=1e-12)
        assert x.grad.item() == pytest.approx(d, rel=1e-9)

    @pytest.mark.slow
    def test_million_node_chain(self):
        x = _leaf(1.0)
        y = first = x * 1.000001
        for _ in range(10**6 - 1):
            y = y * 1.000001
        y.backward()  # no RecursionError
        assert x.grad.item() == pytest.approx(1.000001**10**6, rel=1e-9)
        ref = weakref.ref(first)   # the deepest intermediate: alive only through the whole chain
        del first
        gc.disable()
        try:
            del y  # freeing a 10⁶-deep graph by reference counting does not crash either
            assert ref() is None
        finally:
            gc.enable()


class Probe:
    """Weak-referenceable marker; a graph node holding one is alive exactly as long as the probe."""


class Tagged(autograd.Function):
    """y = x, with a Probe kept on the node (ctx) so a test can see when the node dies."""

    @staticmethod
    def forward(ctx, x):
        ctx.probe = Probe()
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class TestFreeing:
    @staticmethod
    def _graph():
        x = _leaf(np.linspace(0.1, 1.0, 5))
        h = Tagged.apply(autograd.exp(x) * 2)
        loss = Tagged.apply((autograd.tanh(h) * h).sum())
        return x, h, loss, [weakref.ref(h), weakref.ref(loss), weakref.ref(h.grad_fn.probe),
                            weakref.ref(loss.grad_fn.probe)]

    def test_graph_is_freed_by_reference_counting_alone(self):
        gc.disable()
        try:
            x, h, loss, refs = self._graph()
            loss.backward()
            assert all(r() is not None for r in refs)
            del h, loss
            assert all(r() is None for r in refs)
            assert x.grad is not None
        finally:
            gc.enable()

    def test_graph_never_backpropagated_is_freed_too(self):
        gc.disable()
        try:
            _, h, loss, refs = self._graph()
            del h, loss
            assert all(r() is None for r in refs)
        finally:
            gc.enable()

    def test_saved_values_are_freed_after_backward_and_kept_with_retain_graph(self):
        class SinWithSavedCos(autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(np.cos(x))   # neither input nor output: owned by the node
                return np.sin(x)

            @staticmethod
            def backward(ctx, grad):
                (c,) = ctx.saved_tensors
                return grad * c

        gc.disable()
        try:
            x = _leaf([0.1, 0.2])
            y = SinWithSavedCos.apply(x)
            saved = weakref.ref(y.grad_fn.saved_tensors[0].data)
            y.sum().backward(retain_graph=True)
            assert saved() is not None
            y.sum().backward()
            assert saved() is None
            np.testing.assert_allclose(x.grad.data, 2 * np.cos(x.data))
        finally:
            gc.enable()


class TestAccumulation:
    def test_retain_graph_twice_gives_exactly_twice(self, rng):
        x = _leaf(rng.standard_normal(4))
        y = (autograd.sin(x) * x).sum()
        y.backward(retain_graph=True)
        once = x.grad.data.copy()
        y.backward(retain_graph=True)
        np.testing.assert_array_equal(x.grad.data, 2 * once)
        y.backward()
        np.testing.assert_array_equal(x.grad.data, 3 * once)
        with pytest.raises(RuntimeError, match="second time"):
            y.backward()

    def test_grads_accumulate_across_graphs_until_zero_grad(self):
        x = _leaf([1.0, 2.0])
        (x * x).sum().backward()
        (x * 3).sum().backward()
        np.testing.assert_array_equal(x.grad.data, 2 * x.data + 3)
        x.zero_grad()
        assert x.grad is None
        (x * 3).sum().backward()
        np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])

    def test_grad_function_leaves_dot_grad_untouched(self):
        x = _leaf([1.0, 2.0])
        (g,) = autograd.grad((x * x).sum(), x)
        np.testing.assert_array_equal(g.data, [2.0, 4.0])
        assert x.grad is None
        (x * 5).sum().backward()
        autograd.grad((x * x).sum(), [x])
        np.testing.assert_array_equal(x.grad.data, [5.0, 5.0])

    def test_grad_with_respect_to_an_intermediate(self):
        x = _leaf([1.0, 2.0])
        h = x * 3
        gh, gx = autograd.grad((h * h).sum(), [h, x])
        np.testing.assert_array_equal(gh.data, 2 * h.data)
        np.testing.assert_array_equal(gx.data, 6 * h.data)

    def test_grad_of_unused_input(self):
        x, unused = _leaf([1.0]), _leaf([2.0])
        with pytest.raises(RuntimeError, match=r"input 1 of grad.*not to have been used.*allow_unused=True"):
            autograd.grad((x * 2).sum(), [x, unused])
        gx, gu = autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
        assert gu is None and gx.item() == 2.0
        assert unused.grad is None


class TestHooksAndLeafControls:
    def test_hook_can_replace_the_gradient_and_be_removed(self):
        x = _leaf([1.0, 2.0])
        seen = []
        handle = x.register_hook(lambda g: seen.append(g.data.copy()) or g * 10)
        (x * x).sum().backward()
        np.testing.assert_array_equal(seen[0], [2.0, 4.0])
        np.testing.assert_array_equal(x.grad.data, [20.0, 40.0])
        handle.remove()
        handle.remove()  # harmless twice
        x.zero_grad()
        (x * x).sum().backward()
        np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])
        assert len(seen) == 1

    def test_hook_on_intermediate_sees_the_total_gradient_once_and_changes_what_flows_on(self):
        x = _leaf([1.0, 2.0])
        h = x * 2
        seen = []
        h.register_hook(lambda g: seen.append(g.data.copy()))
        h.register_hook(lambda g: g * 0 + 1)
        (h * h + h).sum().backward()
        assert len(seen) == 1
        np.testing.assert_array_equal(seen[0], 2 * h.data + 1)
        np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])

    def test_hook_returning_a_wrong_shape_raises(self):
        x = _leaf([1.0, 2.0])
        x.register_hook(lambda g: autograd.ones(3))
        with pytest.raises(RuntimeError, match=r"shape \(3,\); expected a Tensor of shape \(2,\)"):
            (x * x).sum().backward()

    def test_hook_needs_requires_grad(self):
        with pytest.raises(RuntimeError, match="does not require grad"):
            autograd.tensor([1.0]).register_hook(lambda g: g)

    def test_retain_grad(self):
        x = _leaf([1.0, 2.0])
        h = x * 3
        h.retain_grad()
        (h * h).sum().backward()
        np.testing.assert_array_equal(h.grad.data, 2 * h.data)
        assert not np.shares_memory(h.grad.data, x.grad.data)

    def test_detach_cuts_the_graph_and_shares_data(self):
        x = _leaf([1.0, 2.0])
        d = (x * 2).detach()
        assert d.grad_fn is None and not d.requires_grad and d.is_leaf
        y = x * 2
        assert np.shares_memory(y.detach().data, y.data)
        (x * y.detach()).sum().backward()   # the detached factor is a constant
        np.testing.assert_array_equal(x.grad.data, y.data)

    def test_requires_grad_(self):
        x = autograd.tensor([1.0])
        assert x.requires_grad_() is x and x.requires_grad
        assert x.requires_grad_(False) is x and not x.requires_grad
        with pytest.raises(RuntimeError, match="leaf"):
            (_leaf([1.0]) * 2).requires_grad_(False)
        with pytest.raises(TypeError, match="int64"):
            autograd.tensor(np.array([1, 2])).requires_grad_()

    def test_constants_get_no_gradient(self):
        x = _leaf([1.0, 2.0])
        c = autograd.tensor([5.0, 6.0], dtype=np.float64)
        (x * c).sum().backward()
        assert c.grad is None and not c.requires_grad


class TestGradientsAreSafe:
    def test_grad_has_the_leafs_dtype(self):
        x = autograd.tensor([1.0, 2.0], requires_grad=True)           # float32
        y = (x * np.array([0.5, 0.25])).sum()                        # NumPy float64 array: float64 result
        assert y.dtype == np.float64
        y.backward()
        assert x.grad.dtype == np.float32
        np.testing.assert_array_equal(x.grad.data, [0.5, 0.25])

    def test_no_grad_shares_memory_with_another_or_with_the_upstream(self):
        a, b = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
        c = _leaf([[1.0, 2.0], [3.0, 4.0]])
        upstream = np.array([1.0, -1.0])
        out = a + b + c.reshape(4)[:2] + autograd.concatenate([a, b])[2:]
        out.backward(upstream)
        grads = [a.grad.data, b.grad.data, c.grad.data]
        for i, g in enumerate(grads):
            assert not np.shares_memory(g, upstream)
            for h in grads[i + 1:]:
                assert not np.shares_memory(g, h)
        np.testing.assert_array_equal(upstream, [1.0, -1.0])
        np.testing.assert_array_equal(a.grad.data, [1.0, -1.0])
        np.testing.assert_array_equal(b.grad.data, [2.0, -2.0])

    def test_leaf_root_gradient_is_copied(self):
        x = _leaf([1.0, 2.0])
        g = autograd.tensor([3.0, 4.0], dtype=np.float64)
        x.backward(g)
        assert not np.shares_memory(x.grad.data, g.data)
        x.grad.data[0] = 100.0
        assert g.data[0] == 3.0

    def test_inputs_and_upstream_are_not_changed_by_backward(self, rng):
        arrays = [rng.standard_normal((3, 4)), rng.standard_normal(4)]
        xs = [_leaf(a.copy()) for a in arrays]
        upstream = autograd.tensor(rng.standard_normal(3), dtype=np.float64)
        before = upstream.data.copy()
        out = (autograd.tanh(xs[0]) * xs[1] / (1 + xs[1] ** 2)).sum(axis=1) + xs[0].amax(axis=1)
        out.backward(upstream)
        for x, a in zip(xs, arrays):
            np.testing.assert_array_equal(x.data, a)
        np.testing.assert_array_equal(upstream.data, before)


class TestZeroSize:
    def test_sum_of_empty_is_zero_with_empty_grad(self):
        x = autograd.zeros(0, requires_grad=True)
        s = x.sum()
        assert s.item() == 0.0
        s.backward()
        assert x.grad.shape == (0,)

    def test_mean_of_empty_is_nan(self):
        assert np.isnan(autograd.zeros(0).mean().item())

    def test_max_of_empty_raises(self):
        with pytest.raises(ValueError, match="zero-size"):
            autograd.zeros(0).max()

    def test_matmul_with_a_zero_dimension(self):
        a = autograd.zeros((2, 0), requires_grad=True)
        b = autograd.ones((0, 3), requires_grad=True)
        out = a @ b
        np.testing.assert_array_equal(out.data, np.zeros((2, 3)))
        out.sum().backward()
        assert a.grad.shape == (2, 0) and b.grad.shape == (0, 3)


class TestArraysAndTensors:
    """Without create_graph, built-in rules run on arrays; a user's Function still sees Tensors."""

    def test_a_user_function_gets_tensors_and_its_own_input_back(self):
        seen = []

        class Double(autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return 2 * x

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                seen.append((type(grad), x))
                return grad * 2

        x = _leaf([1.0, 2.0])
        e = autograd.exp(x)
        (Double.apply(e) * 3).sum().backward()
        ((kind, saved),) = seen
        assert kind is autograd.Tensor
        assert saved is e
        np.testing.assert_allclose(x.grad.data, 6 * np.exp(x.data))

    def test_a_training_step_backward_records_no_op(self, monkeypatch):
        import nn

        model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        loss = nn.functional.cross_entropy(model(autograd.randn(5, 3)), np.array([0, 1, 1, 0, 1]))
        calls = []
        apply = autograd.Function.apply.__func__
        monkeypatch.setattr(autograd.Function, "apply",
                            classmethod(lambda cls, *a, **k: calls.append(cls) or apply(cls, *a, **k)))
        loss.backward()
        assert calls == []
        assert all(p.grad is not None and type(p.grad.data) is np.ndarray for p in model.parameters())

    def test_an_output_changed_in_place_after_it_was_saved_is_caught(self):
        x = _leaf([0.5, 1.0])
        y = autograd.exp(x)  # Exp saves its output
        total = y.sum()
        with autograd.no_grad():
            y += 1
        with pytest.raises(RuntimeError, match=r"in-place operation.*ExpBackward was changed after it was saved"):
            total.backward()

    def test_saved_output_comes_back_as_the_output_with_create_graph(self):
        x = _leaf([0.5, -1.0])
        (g,) = autograd.grad(autograd.exp(x).sum(), x, create_graph=True)
        (gg,) = autograd.grad(g.sum(), x)  # d/dx eˣ through the saved output y = eˣ
        np.testing.assert_allclose(gg.data, np.exp(x.data))

    @pytest.mark.parametrize("numpy_keeps_arrays", [True, False], ids=["out=...", "numpy-before-2.3"])
    def test_ops_on_0d_tensors_hold_arrays_and_save_the_output_array(self, monkeypatch, numpy_keeps_arrays):
        """The elementwise forwards ask a ufunc for a 0-d array (``out=...``); where NumPy cannot (before 2.3)
        they get a NumPy scalar, which the engine makes the output's array: either way ``.data`` is an
        ndarray, and a rule that saved its output (tanh, exp) is given that very array."""
        from autograd.ops import elementwise

        if not numpy_keeps_arrays:
            monkeypatch.setattr(elementwise, "ARRAY", None)
        elif elementwise.ARRAY is None:
            pytest.skip("this NumPy has no out=... (2.3 and later)")
        x = _leaf(0.5)
        raw = elementwise.Mul.forward(autograd.Context.__new__(autograd.Context), x.data, x.data)
        assert (type(raw) is np.ndarray) is numpy_keeps_arrays  # the path under test is the one taken
        outputs = [x * 2.0, 1.0 + x, x - x, x / 3.0, -x, x.relu(), autograd.exp(x), autograd.log(x),
                   autograd.tanh(x), autograd.sigmoid(x), autograd.sqrt(x), autograd.abs(x), autograd.maximum(x, 0.2)]
        for y in outputs:
            assert type(y.data) is np.ndarray and y.shape == () and y.dtype == np.float64, y
        for y in (autograd.tanh(x), autograd.exp(x)):
            (saved,) = y.grad_fn.saved_tensors
            assert saved.data is y.data
        autograd.tanh(autograd.exp(x)).backward()
        np.testing.assert_allclose(x.grad.data, (1 - np.tanh(np.exp(0.5)) ** 2) * np.exp(0.5), rtol=1e-15)


_exact_counts = pytest.mark.skipif(not scratch._COUNTS_EXACT, reason="reference counts are not exact here")


class _Identity(autograd.Function):
    """y = x, on arrays; a subclass's backward watches the gradient go by."""

    arrays_ok = True

    @staticmethod
    def forward(ctx, x):
        return x.copy()


class TestScratchBuffers:
    """A rule may write into its upstream gradient only when nothing else can see that array."""

    @_exact_counts
    def test_relu_writes_into_a_gradient_nothing_else_holds(self):
        made, received = [], []

        class Fresh(_Identity):  # its backward makes a new array and keeps only a weak reference to it
            @staticmethod
            def backward(ctx, grad):
                g = grad * 1.0
                made.append(weakref.ref(g))
                return g

        class Look(_Identity):
            @staticmethod
            def backward(ctx, grad):
                received.append(grad is made[0]())
                return grad

        x = _leaf([-1.0, 2.0])
        Fresh.apply(autograd.relu(Look.apply(x))).sum().backward()
        assert received == [True]
        np.testing.assert_array_equal(x.grad.data, [0.0, 1.0])

    def test_a_retained_gradient_is_not_written_into(self):
        x = _leaf([-1.0, 2.0])
        y = autograd.relu(x)
        y.retain_grad()
        (y * 3).sum().backward()
        np.testing.assert_array_equal(y.grad.data, [3.0, 3.0])
        np.testing.assert_array_equal(x.grad.data, [0.0, 3.0])

    def test_a_gradient_kept_by_a_hook_is_not_written_into(self):
        x = _leaf([-1.0, 2.0])
        y = autograd.relu(x)
        kept = []
        y.register_hook(kept.append)
        (y * 3).sum().backward()
        np.testing.assert_array_equal(kept[0].data, [3.0, 3.0])
        np.testing.assert_array_equal(x.grad.data, [0.0, 3.0])

    def test_one_gradient_handed_to_two_rules_is_written_into_by_neither(self):
        x = _leaf([-1.0, 2.0])
        # Mul's rule makes a new array (sum's is a read-only view); Add passes that one array to both relus
        ((autograd.relu(x) + autograd.relu(-x)) * 3).sum().backward()
        np.testing.assert_array_equal(x.grad.data, [-3.0, 3.0])

    @_exact_counts
    def test_unshared_means_only_the_rules_parameter_refers_to_it(self):
        def rule(grad):
            return scratch.unshared(grad)

        fresh = rule(np.ones(3))  # outside the assert: pytest's rewriting would keep a reference to the array
        held = np.ones(3)
        readonly = np.ones(3)
        readonly.flags.writeable = False
        assert fresh
        assert not rule(held)
        assert not rule(np.ones(4)[:2])  # a view: its base may be seen elsewhere
        assert not rule(readonly)
        assert not rule(np.float64(1.0))
        assert not rule(autograd.ones(3))


_STEPS = {  # name: (arity, op) — elementwise ops whose operands broadcast, plus reductions that keep dims
    "add": (2, lambda a, b: a + b),
    "mul": (2, lambda a, b: a * b),
    "sub": (2, lambda a, b: a - b),
    "div": (2, lambda a, b: a / (1.5 + b * b)),
    "tanh": (1, autograd.tanh),
    "sigmoid": (1, autograd.sigmoid),
    "relu": (1, autograd.relu),
    "exp": (1, lambda a: autograd.exp(a * 0.1)),
    "square": (1, lambda a: a**2),
    "sum keepdims": (1, lambda a: a.sum(axis=-1, keepdims=True) if a.ndim else a),
    "max keepdims": (1, lambda a: a.amax(axis=0, keepdims=True) if a.ndim else a),
    "mean": (1, lambda a: a.mean()),
}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_graphs_give_the_same_gradients_on_arrays_and_on_tensors(data):
    # reuse, fan-out, broadcasting and accumulation mixed at random: the engine's two paths must agree
    shapes = data.draw(broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    leaves = [data.draw(tensors(shape=s, elements=(-2, 2), requires_grad=True)) for s in shapes.input_shapes]
    nodes = list(leaves)
    for _ in range(data.draw(st.integers(1, 12))):
        arity, op = _STEPS[data.draw(st.sampled_from(sorted(_STEPS)))]
        nodes.append(op(*[data.draw(st.sampled_from(nodes)) for _ in range(arity)]))
    # a few nodes feed the root, through Mul, which hands on a new array (sum's rule gives a read-only view)
    picked = data.draw(st.lists(st.integers(len(leaves), len(nodes) - 1), min_size=1, max_size=3, unique=True))
    root = sum((nodes[i] * 1.5).sum() for i in picked)
    on_arrays = autograd.grad(root, leaves, retain_graph=True, allow_unused=True)
    on_tensors = autograd.grad(root, leaves, create_graph=True, allow_unused=True)
    for a, t in zip(on_arrays, on_tensors, strict=True):
        assert (a is None) == (t is None)
        if a is not None:
            np.testing.assert_allclose(a.data, t.data, rtol=1e-12, atol=1e-12)
