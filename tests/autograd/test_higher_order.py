"""Second derivatives with grad(..., create_graph=True) vs analytic formulas, differences of first derivatives, torch."""

import numpy as np
import pytest

import autograd

EPS = 1e-6


def _hvp(fn, arrays, c, vs):
    """Hessian-vector product of L = Σ c·fn(xs) along vs, by grad of (grad · v); also returns the first derivative."""
    xs = [autograd.tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    loss = (fn(*xs) * autograd.tensor(c)).sum()
    grads = autograd.grad(loss, xs, create_graph=True)
    inner = sum((g * autograd.tensor(v)).sum() for g, v in zip(grads, vs))
    second = autograd.grad(inner, xs, allow_unused=True)
    return [g.data for g in grads], [np.zeros_like(a) if s is None else s.data for a, s in zip(arrays, second)]


def _first(fn, arrays, c):
    xs = [autograd.tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    return [g.data for g in autograd.grad((fn(*xs) * autograd.tensor(c)).sum(), xs)]


def softmax(x):
    return autograd.exp(x - autograd.logsumexp(x, axis=-1, keepdims=True))


# name: (our function, torch function, input shapes, domain)
CASES = {
    "tanh": (autograd.tanh, "tanh", [(3, 4)], (-2, 2)),
    "sigmoid": (autograd.sigmoid, "sigmoid", [(3, 4)], (-3, 3)),
    "log": (autograd.log, "log", [(3, 4)], (0.5, 3)),
    "exp": (autograd.exp, "exp", [(3, 4)], (-2, 2)),
    "sqrt": (autograd.sqrt, "sqrt", [(3, 4)], (0.5, 3)),
    "sin": (autograd.sin, "sin", [(3, 4)], (-3, 3)),
    "pow_scalar": (lambda x: x**3, lambda t, x: x**3, [(3, 4)], (-2, 2)),
    "pow_fractional": (lambda x: x**2.5, lambda t, x: x**2.5, [(3, 4)], (0.5, 2)),
    "pow_tensor": (lambda a, b: a**b, lambda t, a, b: a**b, [(3, 4), (4,)], (0.5, 2)),
    "div": (lambda a, b: a / b, lambda t, a, b: a / b, [(3, 4), (3, 1)], (0.5, 2)),
    "matmul": (lambda a, b: a @ b, lambda t, a, b: a @ b, [(3, 4), (4, 2)], (-2, 2)),
    "batched_matmul": (lambda a, b: autograd.tanh(a @ b), lambda t, a, b: t.tanh(a @ b), [(2, 3, 4), (4, 2)], (-1, 1)),
    "mean": (lambda x: x.mean(axis=1) ** 2, lambda t, x: x.mean(dim=1) ** 2, [(3, 4)], (-2, 2)),
    "var": (lambda x: x.var(axis=0), lambda t, x: x.var(dim=0), [(3, 4)], (-2, 2)),
    "std": (lambda x: x.std(axis=1), lambda t, x: x.std(dim=1), [(3, 4)], (-2, 2)),
    "logsumexp": (lambda x: autograd.logsumexp(x, axis=1), lambda t, x: t.logsumexp(x, dim=1), [(3, 4)], (-2, 2)),
    "prod": (lambda x: x.prod(axis=1), lambda t, x: x.prod(dim=1), [(3, 4)], (0.5, 2)),
    "softmax": (softmax, lambda t, x: t.softmax(x, dim=-1), [(3, 4)], (-2, 2)),
    "broadcast_mul": (lambda a, b: autograd.tanh(a * b), lambda t, a, b: t.tanh(a * b), [(3, 4), (4,)], (-1, 1)),
    "scalar_0d": (lambda x: autograd.tanh(x) * autograd.exp(x), lambda t, x: t.tanh(x) * t.exp(x), [()], (-1, 1)),
}


def _inputs(rng, name):
    case = CASES[name]
    arrays = [rng.uniform(case[3][0], case[3][1], s) for s in case[2]]
    xs = [autograd.tensor(a, dtype=np.float64) for a in arrays]
    out_shape = case[0](*xs).shape
    c = rng.standard_normal(out_shape)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    return arrays, c, vs


@pytest.mark.parametrize("name", CASES)
def test_second_derivative_matches_finite_differences_of_first(rng, name):
    fn = CASES[name][0]
    arrays, c, vs = _inputs(rng, name)
    _, second = _hvp(fn, arrays, c, vs)
    plus = _first(fn, [a + EPS * v for a, v in zip(arrays, vs)], c)
    minus = _first(fn, [a - EPS * v for a, v in zip(arrays, vs)], c)
    for s, p, m in zip(second, plus, minus):
        np.testing.assert_allclose(s, (p - m) / (2 * EPS), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", CASES)
def test_second_derivative_matches_torch(rng, name):
    torch = pytest.importorskip("torch")
    fn, torch_fn, _, _ = CASES[name]
    torch_fn = (lambda t, x: getattr(t, CASES[name][1])(x)) if isinstance(torch_fn, str) else torch_fn
    arrays, c, vs = _inputs(rng, name)
    first, second = _hvp(fn, arrays, c, vs)
    xs = [torch.tensor(a, requires_grad=True) for a in arrays]
    loss = (torch_fn(torch, *xs) * torch.tensor(c)).sum()
    grads = torch.autograd.grad(loss, xs, create_graph=True)
    inner = sum((g * torch.tensor(v)).sum() for g, v in zip(grads, vs))
    torch_second = torch.autograd.grad(inner, xs, allow_unused=True)
    for ours, theirs in zip(first, grads):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    for ours, theirs, a in zip(second, torch_second, arrays):
        theirs = np.zeros_like(a) if theirs is None else theirs.numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


ANALYTIC = {  # f, f″
    "tanh": (autograd.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    "sigmoid": (autograd.sigmoid, lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s) * (1 - 2 * s)),
    "log": (autograd.log, lambda x: -1 / x**2),
    "exp": (autograd.exp, np.exp),
    "pow": (lambda x: x**3, lambda x: 6 * x),
    "sqrt": (autograd.sqrt, lambda x: -0.25 * x**-1.5),
}


@pytest.mark.parametrize("name", ANALYTIC)
def test_elementwise_second_derivative_matches_formula(rng, name):
    f, f2 = ANALYTIC[name]
    a = rng.uniform(0.5, 2.0, (5,))
    x = autograd.tensor(a, requires_grad=True, dtype=np.float64)
    (g,) = autograd.grad(f(x).sum(), x, create_graph=True)
    (gg,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, f2(a), rtol=1e-12)


def test_mean_and_var_second_derivatives_match_formulas(rng):
    a = rng.standard_normal(6)
    n = a.size
    x = autograd.tensor(a, requires_grad=True, dtype=np.float64)
    # mean(x)²: H = 2/n² · 11ᵀ;  var(x, correction=0) = Σ(x − x̄)²/n: H = 2/n · (I − 11ᵀ/n)
    for f, h in [(lambda x: x.mean() ** 2, np.full((n, n), 2 / n**2)),
                 (lambda x: x.var(correction=0), 2 / n * (np.eye(n) - np.full((n, n), 1 / n)))]:
        hess = autograd.functional.hessian(f, x)
        np.testing.assert_allclose(hess.data, h, rtol=1e-12, atol=1e-15)


def test_matmul_mixed_second_derivative_is_the_upstream_gradient(rng):
    # L = Σ C ⊙ (A B):  ∂L/∂A = C Bᵀ, so ∂/∂B ⟨∂L/∂A, V⟩ = Vᵀ C
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    c, v = rng.standard_normal((3, 2)), rng.standard_normal((3, 4))
    A = autograd.tensor(a, requires_grad=True, dtype=np.float64)
    B = autograd.tensor(b, requires_grad=True, dtype=np.float64)
    (grad_a,) = autograd.grad((A @ B * autograd.tensor(c)).sum(), A, create_graph=True)
    np.testing.assert_allclose(grad_a.data, c @ b.T, rtol=1e-12)
    (mixed,) = autograd.grad((grad_a * autograd.tensor(v)).sum(), B)
    np.testing.assert_allclose(mixed.data, v.T @ c, rtol=1e-12)


def test_cube_derivatives_up_to_third_order(rng):
    a = rng.standard_normal(4)
    x = autograd.tensor(a, requires_grad=True, dtype=np.float64)
    (g1,) = autograd.grad((x**3).sum(), x, create_graph=True)
    (g2,) = autograd.grad(g1.sum(), x, create_graph=True)
    (g3,) = autograd.grad(g2.sum(), x)
    np.testing.assert_allclose(g1.data, 3 * a**2, rtol=1e-12)
    np.testing.assert_allclose(g2.data, 6 * a, rtol=1e-12)
    np.testing.assert_allclose(g3.data, np.full(4, 6.0))


def test_first_grad_without_create_graph_is_a_constant(rng):
    x = autograd.tensor(rng.standard_normal(3), requires_grad=True, dtype=np.float64)
    (g,) = autograd.grad((x**3).sum(), x)
    assert g.grad_fn is None and not g.requires_grad


def test_backward_with_create_graph_warns_and_grad_is_differentiable():
    x = autograd.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    with pytest.warns(UserWarning, match="reference cycle.*autograd.grad"):
        (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    first = x.grad
    x.grad = None
    first.sum().backward()
    np.testing.assert_allclose(x.grad.data, 6 * x.data)


def test_hessian_vector_product_of_a_network_matches_hessian(rng):
    w = autograd.tensor(rng.standard_normal((4, 3)), dtype=np.float64)

    def f(x):
        return autograd.tanh(w @ x).sum()

    a, v = rng.standard_normal(3), rng.standard_normal(3)
    x = autograd.tensor(a, requires_grad=True, dtype=np.float64)
    (g,) = autograd.grad(f(x), x, create_graph=True)
    (hv,) = autograd.grad((g * autograd.tensor(v)).sum(), x)
    hess = autograd.functional.hessian(f, autograd.tensor(a, dtype=np.float64))
    np.testing.assert_allclose(hv.data, hess.data @ v, rtol=1e-12)
    np.testing.assert_allclose(hess.data, hess.data.T, rtol=1e-12)


def test_once_differentiable_backward_refuses_a_second_derivative():
    class Square(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @autograd.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x.data * grad.data

    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (g,) = autograd.grad(Square.apply(x).sum(), x)
    np.testing.assert_allclose(g.data, [2.0, 4.0])
    (g,) = autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="derivative for SquareBackward is not implemented"):
        autograd.grad(g.sum(), x)
