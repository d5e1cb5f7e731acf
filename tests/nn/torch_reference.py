"""Shared by the nn tests against PyTorch: one forward and backward of ours and of torch's on the same arrays."""

import numpy as np
import pytest

import autograd


def torch_dtype_name(t) -> str:
    return str(t.dtype).removeprefix("torch.")


def compare(ours, theirs, arrays, grad=None, rtol=1e-10, atol=1e-12):
    """Assert that ``ours(*Tensors)`` and ``theirs(*torch tensors)`` agree in value, shape and dtype, and in the
    gradient of every array flagged in ``grad`` (all by default) for the same random upstream gradient.

    Returns our output, for further checks.
    """
    torch = pytest.importorskip("torch")
    grad = [np.asarray(a).dtype.kind == "f" for a in arrays] if grad is None else grad
    xs = [autograd.tensor(np.asarray(a), requires_grad=g) for a, g in zip(arrays, grad, strict=True)]
    ts = [torch.tensor(np.asarray(a), requires_grad=g) for a, g in zip(arrays, grad, strict=True)]
    y, ty = ours(*xs), theirs(*ts)
    assert y.shape == tuple(ty.shape)
    assert str(y.dtype) == torch_dtype_name(ty)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=rtol, atol=atol)
    if not any(grad):
        return y
    upstream = np.random.default_rng(0).normal(size=y.shape).astype(y.dtype)
    y.backward(upstream)
    ty.backward(torch.tensor(upstream))
    for i, (x, t, g) in enumerate(zip(xs, ts, grad, strict=True)):
        if g:
            ours_grad = np.zeros(x.shape) if x.grad is None else x.grad.data
            theirs_grad = np.zeros(x.shape) if t.grad is None else t.grad.numpy()
            # atol in units of the gradient's largest entry: an entry that is a difference of large terms (a norm
            # layer near zero input, where the gradient is ~1/rms) carries rounding of those terms' size
            scale = max(1.0, float(np.abs(theirs_grad).max(initial=0.0)))
            np.testing.assert_allclose(ours_grad, theirs_grad, rtol=rtol, atol=atol * scale,
                                       err_msg=f"gradient of input {i}")
    return y


def assert_same_error(ours, theirs, expected, match):
    """Both calls raise ``expected`` (torch's exception type); ours with a message matching ``match``."""
    with pytest.raises(expected, match=match):
        ours()
    with pytest.raises(expected):
        theirs()
