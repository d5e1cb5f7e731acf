"""autograd.functional: vjp, jvp, jacobian, hessian against analytic results and torch.autograd.functional."""

import numpy as np
import pytest

import autograd
from autograd import functional as F


def softmax(x):
    return autograd.exp(x - autograd.logsumexp(x))


def tanh_net(w1, b1, w2, x):
    """A small tanh network with a scalar output: w2 · tanh(W1 x + b1)."""
    return autograd.dot(w2, autograd.tanh(w1 @ x + b1))


def _f64(rng, *shape):
    return autograd.tensor(rng.standard_normal(shape), dtype=np.float64)


def test_importable_both_ways():
    import autograd.functional as mod

    assert mod is F is autograd.functional
    assert {"vjp", "jvp", "jacobian", "hessian"} <= set(dir(F))


def test_jacobian_of_softmax_is_diag_s_minus_s_st(rng):
    x = _f64(rng, 5)
    jac = F.jacobian(softmax, x)
    s = np.exp(x.data - np.log(np.exp(x.data).sum()))
    np.testing.assert_allclose(jac.data, np.diag(s) - np.outer(s, s), rtol=1e-12, atol=1e-14)


def test_jacobian_of_elementwise_op_is_diagonal(rng):
    x = _f64(rng, 4)
    jac = F.jacobian(autograd.tanh, x)
    np.testing.assert_allclose(jac.data, np.diag(1 - np.tanh(x.data) ** 2), rtol=1e-12)


def test_jacobian_shape_is_output_shape_plus_input_shape(rng):
    x, w = _f64(rng, 3, 2), _f64(rng, 2, 4)
    jac = F.jacobian(lambda x, w: x @ w, (x, w))
    assert isinstance(jac, tuple) and len(jac) == 2
    assert jac[0].shape == (3, 4, 3, 2) and jac[1].shape == (3, 4, 2, 4)
    # ∂(xw)_ij/∂x_kl = δ_ik w_lj
    expected = np.einsum("ik,lj->ijkl", np.eye(3), w.data)
    np.testing.assert_allclose(jac[0].data, expected, rtol=1e-12)


def test_grad_of_grad_of_cube_is_6x(rng):
    x = _f64(rng, 4)
    (g,) = autograd.grad((x.requires_grad_() ** 3).sum(), x, create_graph=True)
    (gg,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, 6 * x.data, rtol=1e-12)
    np.testing.assert_allclose(F.hessian(lambda x: (x**3).sum(), x.detach()).data, np.diag(6 * x.data), rtol=1e-12)


def test_inputs_are_not_changed(rng):
    x = _f64(rng, 3)
    w = autograd.tensor(rng.standard_normal(3), requires_grad=True, dtype=np.float64)
    before_x, before_w = x.data.copy(), w.data.copy()
    for result in (F.vjp(lambda x, w: (x * w).sum(), (x, w)), F.jacobian(lambda x, w: x * w, (x, w)),
                   F.hessian(lambda x, w: (x * x * w).sum(), (x, w)), F.jvp(lambda x, w: x * w, (x, w), (x, w))):
        assert result is not None
    assert not x.requires_grad and x.grad is None
    assert w.requires_grad and w.grad is None and w.is_leaf
    np.testing.assert_array_equal(x.data, before_x)
    np.testing.assert_array_equal(w.data, before_w)


def test_results_are_constants_without_create_graph(rng):
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True, dtype=np.float64)
    out, g = F.vjp(lambda x: (x * x).sum(), x)
    assert out.grad_fn is None and not out.requires_grad
    assert g.grad_fn is None and not g.requires_grad
    assert F.jacobian(lambda x: x * x, x).grad_fn is None
    assert F.hessian(lambda x: (x**3).sum(), x).grad_fn is None


@pytest.mark.parametrize("transform", ["vjp", "jacobian", "hessian"])
def test_create_graph_links_results_to_the_users_tensors(rng, transform):
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True, dtype=np.float64)

    def cube_sum(x):
        return (x**3).sum()

    if transform == "vjp":
        result = F.vjp(cube_sum, x, create_graph=True)[1]            # 3x²
        expected = 6 * x.data                                        # ∂/∂x Σ 3x²
    elif transform == "jacobian":
        result = F.jacobian(cube_sum, x, create_graph=True)          # 3x²
        expected = 6 * x.data
    else:
        result = F.hessian(cube_sum, x, create_graph=True)           # diag(6x)
        expected = np.full(3, 6.0)
    assert result.requires_grad
    result.sum().backward()
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


def test_jvp_with_create_graph_is_differentiable(rng):
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True, dtype=np.float64)
    v = autograd.tensor(rng.standard_normal(3), dtype=np.float64)
    _, t = F.jvp(lambda x: x**3, x, v, create_graph=True)     # 3x²·v
    t.sum().backward()
    np.testing.assert_allclose(x.grad.data, 6 * x.data * v.data, rtol=1e-12)


def test_jvp_equals_jacobian_times_v_and_vjp_equals_vt_times_jacobian(rng):
    w = rng.standard_normal((4, 3))

    def f(x):
        return autograd.tanh(autograd.tensor(w) @ x) * x.sum()

    x, v, u = _f64(rng, 3), _f64(rng, 3), _f64(rng, 4)
    jac = F.jacobian(f, x).data
    out, jv = F.jvp(f, x, v)
    _, vj = F.vjp(f, x, u)
    np.testing.assert_allclose(jv.data, jac @ v.data, rtol=1e-12)
    np.testing.assert_allclose(vj.data, u.data @ jac, rtol=1e-12)
    np.testing.assert_allclose(out.data, f(x).data, rtol=1e-12)


def test_jvp_docstring_names_the_double_vjp_trick():
    assert "double-vjp" in F.jvp.__doc__


def test_v_may_be_omitted_only_for_one_element():
    x = autograd.tensor([1.0, 2.0], dtype=np.float64)
    _, g = F.vjp(lambda x: (x * x).sum(), x)
    np.testing.assert_allclose(g.data, 2 * x.data)
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.vjp(lambda x: x * x, x)
    _, t = F.jvp(lambda s: s * s * autograd.tensor([1.0, 2.0], dtype=np.float64),
                 autograd.tensor(3.0, dtype=np.float64))
    np.testing.assert_allclose(t.data, [6.0, 12.0])
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.jvp(lambda x: x * x, x)


def test_v_shape_and_length_are_checked():
    x = autograd.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"v\[0\] has a shape of \(3,\) and output\[0\] has a shape of \(2,\)"):
        F.vjp(lambda x: x * x, x, autograd.ones(3))
    with pytest.raises(RuntimeError, match=r"v\[0\] has a shape of \(3,\) and input\[0\] has a shape of \(2,\)"):
        F.jvp(lambda x: x * x, x, autograd.ones(3))
    with pytest.raises(RuntimeError, match="should be 1 but got 2"):
        F.vjp(lambda x: x * x, x, (autograd.ones(2), autograd.ones(2)))


def test_inputs_must_be_tensors():
    with pytest.raises(TypeError, match=r"Tensor or a tuple of Tensors.*type list"):
        F.jacobian(lambda x: x, [1.0, 2.0])
    with pytest.raises(TypeError, match="index 1 has type float"):
        F.jacobian(lambda x, y: x, (autograd.ones(2), 1.0))
    with pytest.raises(TypeError, match=r"outputs of the user-provided function.*type int"):
        F.jacobian(lambda x: 3, autograd.ones(2))


def test_integer_inputs_cannot_be_differentiated():
    with pytest.raises(TypeError, match="int64"):
        F.jacobian(lambda x: x, autograd.tensor(np.arange(3)))


def test_unused_input_gives_zeros_and_strict_raises(rng):
    x, y = _f64(rng, 2), _f64(rng, 3)
    jac = F.jacobian(lambda x, y: x * 2, (x, y))
    np.testing.assert_array_equal(jac[1].data, np.zeros((2, 3)))
    _, g = F.vjp(lambda x, y: (x * 2).sum(), (x, y))
    np.testing.assert_array_equal(g[1].data, np.zeros(3))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        F.jacobian(lambda x, y: x * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        F.vjp(lambda x, y: (x * 2).sum(), (x, y), strict=True)


def test_constant_output_gives_zeros_and_strict_raises():
    x = autograd.tensor([1.0, 2.0])
    np.testing.assert_array_equal(F.jacobian(lambda x: autograd.ones(3), x).data, np.zeros((3, 2)))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function does not require gradients"):
        F.jacobian(lambda x: autograd.ones(3), x, strict=True)


def test_strict_hessian_of_linear_function_raises():
    x = autograd.tensor([1.0, 2.0], dtype=np.float64)
    np.testing.assert_array_equal(F.hessian(lambda x: x.sum() * 3, x).data, np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function with respect to input 0 is "
                                           "independent of the input"):
        F.hessian(lambda x: x.sum() * 3, x, strict=True)


def test_strict_and_vectorize_together_raise():
    with pytest.raises(RuntimeError, match="strict=True and vectorize=True"):
        F.jacobian(lambda x: x, autograd.ones(2), strict=True, vectorize=True)
    np.testing.assert_array_equal(F.jacobian(lambda x: x * 1, autograd.ones(2), vectorize=True).data, np.eye(2))


def test_hessian_needs_a_one_element_output():
    x = autograd.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"single element, got shape \(2,\)"):
        F.hessian(lambda x: x * x, x)
    with pytest.raises(RuntimeError, match="single Tensor"):
        F.hessian(lambda x: (x.sum(), x.sum()), x)
    np.testing.assert_allclose(F.hessian(lambda x: (x * x).sum(keepdims=True), x).data, 2 * np.eye(2))


def test_zero_size_output_gives_an_empty_jacobian():
    x = autograd.tensor([1.0, 2.0])
    jac = F.jacobian(lambda x: x[:0] * 2, x)
    assert jac.shape == (0, 2)


def test_float32_stays_float32():
    x = autograd.tensor([1.0, 2.0])
    assert F.jacobian(lambda x: x * x, x).dtype == np.float32
    assert F.hessian(lambda x: (x**3).sum(), x).dtype == np.float32
    assert F.jvp(lambda x: x * x, x, autograd.ones(2))[1].dtype == np.float32


class TestAgainstTorch:
    @pytest.fixture(autouse=True)
    def _torch(self):
        self.torch = pytest.importorskip("torch")
        self.TF = self.torch.autograd.functional

    def _pair(self, rng, *shape):
        a = rng.standard_normal(shape)
        return autograd.tensor(a, dtype=np.float64), self.torch.tensor(a, dtype=self.torch.float64)

    @staticmethod
    def _close(ours, theirs):
        if isinstance(theirs, tuple):
            assert isinstance(ours, tuple) and len(ours) == len(theirs)
            for o, t in zip(ours, theirs):
                TestAgainstTorch._close(o, t)
        else:
            assert isinstance(ours, autograd.Tensor), type(ours)
            assert ours.shape == tuple(theirs.shape)
            np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)

    def test_hessian_of_a_small_tanh_network(self, rng):
        torch = self.torch
        (w1, tw1), (b1, tb1), (w2, tw2), (x, tx) = (self._pair(rng, *s) for s in [(4, 3), (4,), (4,), (3,)])

        def torch_net(w1, b1, w2, x):
            return torch.dot(w2, torch.tanh(w1 @ x + b1))

        self._close(F.hessian(lambda x: tanh_net(w1, b1, w2, x), x),
                    self.TF.hessian(lambda x: torch_net(tw1, tb1, tw2, x), tx))
        self._close(F.hessian(tanh_net, (w1, b1, w2, x)), self.TF.hessian(torch_net, (tw1, tb1, tw2, tx)))

    @pytest.mark.parametrize("inputs_tuple", [False, True])
    @pytest.mark.parametrize("outputs_tuple", [False, True])
    def test_nesting_and_values_match(self, rng, inputs_tuple, outputs_tuple):
        torch = self.torch
        (x, tx), (w, tw) = self._pair(rng, 3), self._pair(rng, 2, 3)

        def make(lib):
            def f(x, w=None):
                w = (tw if lib is torch else w) if w is None else w
                y = lib.tanh(w @ x) * x.sum()
                return (y, (x * x).sum()) if outputs_tuple else y
            return f

        ours_in, theirs_in = ((x, w), (tx, tw)) if inputs_tuple else (x, tx)
        f, tf = make(autograd), make(torch)
        if not inputs_tuple:
            def f(x, _f=f):
                return _f(x, w)

        self._close(F.jacobian(f, ours_in), self.TF.jacobian(tf, theirs_in))

        outs = tf(*theirs_in) if inputs_tuple else tf(theirs_in)
        touts = outs if outputs_tuple else (outs,)
        vs = [rng.standard_normal(tuple(o.shape)) for o in touts]
        v = tuple(autograd.tensor(a, dtype=np.float64) for a in vs)
        tv = tuple(torch.tensor(a) for a in vs)
        ours, theirs = F.vjp(f, ours_in, v if outputs_tuple else v[0]), self.TF.vjp(tf, theirs_in, tv if outputs_tuple
                                                                                      else tv[0])
        self._close(ours, theirs)

        us = [rng.standard_normal(tuple(t.shape)) for t in (theirs_in if inputs_tuple else (theirs_in,))]
        u = tuple(autograd.tensor(a, dtype=np.float64) for a in us)
        tu = tuple(torch.tensor(a) for a in us)
        self._close(F.jvp(f, ours_in, u if inputs_tuple else u[0]),
                    self.TF.jvp(tf, theirs_in, tu if inputs_tuple else tu[0]))

    def test_hessian_of_softmax_cross_entropy(self, rng):
        torch = self.torch
        x, tx = self._pair(rng, 5)

        def loss(x):
            return -autograd.log(softmax(x))[2]

        self._close(F.hessian(loss, x), self.TF.hessian(lambda x: -torch.log_softmax(x, 0)[2], tx))

    def test_create_graph_results_match(self, rng):
        torch = self.torch
        a = rng.standard_normal(3)
        x = autograd.tensor(a, requires_grad=True, dtype=np.float64)
        tx = torch.tensor(a, requires_grad=True)
        h = F.hessian(lambda x: (autograd.sin(x) * x).sum(), x, create_graph=True)
        th = self.TF.hessian(lambda x: (torch.sin(x) * x).sum(), tx, create_graph=True)
        self._close(h, th)
        (h * h).sum().backward()
        (th * th).sum().backward()
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10)
