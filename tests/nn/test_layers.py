"""Layers: PyTorch's names, shapes and outputs; fused linear against composed; dropout, noise and norm layers."""

import math

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from autograd.gradcheck import gradcheck, gradgradcheck


def _numpy_state(torch_model):
    return {k: v.detach().numpy() for k, v in torch_model.state_dict().items()}


def test_linear_parameters_are_named_and_shaped_like_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(3, 5), torch.nn.Linear(3, 5)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert repr(ours) == repr(theirs) == "Linear(in_features=3, out_features=5, bias=True)"
    assert repr(nn.Linear(2, 1, bias=False)) == repr(torch.nn.Linear(2, 1, bias=False))
    assert list(nn.Linear(2, 1, bias=False).state_dict()) == ["weight"]


def test_linear_dtype_follows_the_default():
    assert nn.Linear(2, 3).weight.dtype == np.float32
    autograd.set_default_dtype(np.float64)
    layer = nn.Linear(2, 3)
    assert layer.weight.dtype == layer.bias.dtype == np.float64
    assert nn.Linear(2, 3, dtype=np.float32).weight.dtype == np.float32


def test_linear_default_init_is_torchs_uniform_bound():
    autograd.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound
        assert np.abs(p.data).max() > 0.95 * bound
    # U(−b, b) has standard deviation b/√3
    assert layer.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)


def test_linear_init_is_reproducible_under_manual_seed():
    autograd.manual_seed(7)
    a = nn.Linear(4, 3)
    autograd.manual_seed(7)
    b = nn.Linear(4, 3)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)
    assert not np.array_equal(a.weight.data, nn.Linear(4, 3).weight.data)


@pytest.mark.parametrize("shape", [(3,), (5, 3), (2, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_fused_linear_matches_composed(shape, bias, rng):
    x = rng.normal(size=shape)
    w, b = rng.normal(size=(2, 3)), rng.normal(size=2)
    tensors = [autograd.tensor(v, requires_grad=True) for v in (x, w, b, x, w, b)]
    fused = F.linear(tensors[0], tensors[1], tensors[2] if bias else None)
    composed = tensors[3] @ tensors[4].T
    if bias:
        composed = composed + tensors[5]
    np.testing.assert_allclose(fused.data, composed.data, rtol=1e-12)
    upstream = rng.normal(size=fused.shape)
    fused.backward(upstream)
    composed.backward(upstream)
    for i in range(3 if bias else 2):
        np.testing.assert_allclose(tensors[i].grad.data, tensors[i + 3].grad.data, rtol=1e-12, atol=1e-14)


def test_linear_gradcheck_and_second_derivatives(rng):
    x = autograd.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w = autograd.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    b = autograd.tensor(rng.normal(size=2), requires_grad=True)
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(lambda x, w, b: autograd.tanh(F.linear(x, w, b)), (x, w, b))


def test_linear_skips_the_gradient_of_a_data_batch(rng):
    layer = nn.Linear(3, 2)
    layer(rng.normal(size=(4, 3)).astype(np.float32)).sum().backward()
    assert layer.weight.grad.shape == (2, 3) and layer.bias.grad.shape == (2,)
    np.testing.assert_allclose(layer.bias.grad.data, [4.0, 4.0])


def test_linear_shape_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"input of shape \(4, 5\).*weight of shape \(2, 3\).*in_features=3"):
        nn.Linear(3, 2)(autograd.tensor(np.ones((4, 5))))
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        F.linear(autograd.tensor(np.ones((4, 3))), autograd.tensor(np.ones((2, 3))), autograd.tensor(np.ones(3)))


def test_mlp_layout_and_names_match_torch_sequential():
    torch = pytest.importorskip("torch")
    ours = nn.MLP(2, [8, 6], 3, activation=nn.Tanh, dropout=0.1)
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Dropout(0.1),
                                 torch.nn.Linear(8, 6), torch.nn.Tanh(), torch.nn.Dropout(0.1),
                                 torch.nn.Linear(6, 3))
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert repr(ours).replace("MLP(", "Sequential(", 1) == repr(theirs)


def test_mlp_options():
    single = nn.MLP(3, 4, 1)
    assert [type(m).__name__ for m in single] == ["Linear", "ReLU", "Linear"]
    assert [type(m).__name__ for m in nn.MLP(3, [], 2)] == ["Linear"]
    leaky = nn.MLP(3, [4, 4], 1, activation=nn.LeakyReLU(0.2))
    assert leaky[1] is not leaky[3] and leaky[3].negative_slope == 0.2
    prelu = nn.MLP(3, [4, 4], 1, activation=lambda: nn.PReLU(4))
    assert [n for n, _ in prelu.named_parameters()] == ["0.weight", "0.bias", "1.weight", "2.weight", "2.bias",
                                                        "3.weight", "4.weight", "4.bias"]
    with pytest.raises(TypeError, match="activation must be a Module class"):
        nn.MLP(3, 4, 1, activation=np.tanh)
    with pytest.raises(ValueError, match="dropout probability"):
        nn.MLP(3, 4, 1, dropout=1.5)


def test_torch_state_dict_loads_and_gives_the_same_outputs(rng):
    torch = pytest.importorskip("torch")
    autograd.set_default_dtype(np.float64)
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.BatchNorm1d(8), torch.nn.GELU(),
                                 torch.nn.Dropout(0.3), torch.nn.Linear(8, 5), torch.nn.LayerNorm(5),
                                 torch.nn.SiLU(), torch.nn.Linear(5, 2), torch.nn.LogSoftmax(dim=1)).double()
    ours = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.GELU(), nn.Dropout(0.3), nn.Linear(8, 5),
                         nn.LayerNorm(5), nn.SiLU(), nn.Linear(5, 2), nn.LogSoftmax(dim=1))
    with torch.no_grad():  # non-trivial running statistics and affine parameters
        theirs[1].running_mean.uniform_(-1, 1)
        theirs[1].running_var.uniform_(0.5, 2)
        theirs[1].weight.uniform_(0.5, 2)
        theirs[5].bias.uniform_(-1, 1)
    assert repr(ours) == repr(theirs)
    ours.load_state_dict(_numpy_state(theirs))
    ours.eval()
    theirs.eval()
    x = rng.normal(size=(7, 3))
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy(), rtol=0, atol=1e-10)


def test_mlp_loads_torch_weights(rng):
    torch = pytest.importorskip("torch")
    autograd.set_default_dtype(np.float64)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                                 torch.nn.ReLU(), torch.nn.Linear(16, 3)).double()
    ours = nn.MLP(4, [16, 16], 3)
    ours.load_state_dict(_numpy_state(theirs))
    x = rng.normal(size=(10, 4))
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy(), rtol=0, atol=1e-10)


def test_dropout_train_and_eval(rng):
    autograd.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = autograd.tensor(np.ones((200, 100)), requires_grad=True)
    y = layer(x)
    kept = y.data != 0
    assert kept.mean() == pytest.approx(0.75, abs=0.01)
    np.testing.assert_allclose(y.data[kept], 1 / 0.75)  # inverted dropout: E[y] = x
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, kept / 0.75)
    layer.eval()
    assert layer(x) is x
    assert repr(layer) == "Dropout(p=0.25, inplace=False)"


def test_dropout_is_reproducible_and_handles_the_ends():
    x = autograd.tensor(np.ones((4, 5), dtype=np.float32))
    autograd.manual_seed(3)
    a = F.dropout(x, 0.5)
    autograd.manual_seed(3)
    np.testing.assert_array_equal(a.data, F.dropout(x, 0.5).data)
    np.testing.assert_array_equal(F.dropout(x, 1.0).data, 0)
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.5).dtype == np.float32
    with pytest.raises(ValueError, match=r"between 0 and 1, but got -0\.1"):
        nn.Dropout(-0.1)


def test_gaussian_noise_train_and_eval():
    autograd.manual_seed(0)
    layer = nn.GaussianNoise(0.5)
    x = autograd.tensor(np.zeros((100, 100), dtype=np.float32))
    y = layer(x)
    assert y.dtype == np.float32
    assert y.data.std() == pytest.approx(0.5, rel=0.03)
    assert abs(y.data.mean()) < 0.02
    layer.eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match="std must be non-negative"):
        nn.GaussianNoise(-1.0)


def test_flatten_and_identity():
    torch = pytest.importorskip("torch")
    x = autograd.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = nn.Flatten()(x)
    assert y.shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, 1)
    assert nn.Identity(5, anything=True)(x) is x
    assert repr(nn.Flatten(0, 1)) == repr(torch.nn.Flatten(0, 1))


def _batchnorm_pair(torch, **kwargs):
    autograd.set_default_dtype(np.float64)
    ours = nn.BatchNorm1d(3, **kwargs)
    theirs = torch.nn.BatchNorm1d(3, **kwargs).double()
    with torch.no_grad():
        if theirs.weight is not None:
            theirs.weight.uniform_(0.5, 2)
        if theirs.bias is not None:
            theirs.bias.uniform_(-1, 1)
    ours.load_state_dict(_numpy_state(theirs))
    return ours, theirs


def _assert_step_matches_torch(torch, ours, theirs, x, rng):
    """One forward and backward of each layer on x with a random upstream: outputs and input gradients agree."""
    upstream = rng.normal(size=x.shape)
    a, t = autograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y_ours, y_theirs = ours(a), theirs(t)
    np.testing.assert_allclose(y_ours.data, y_theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    y_ours.backward(upstream)
    y_theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"affine": False}, {"track_running_stats": False},
                                    {"bias": False}])
@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
def test_batchnorm_training_steps_match_torch(kwargs, shape, rng):
    torch = pytest.importorskip("torch")
    ours, theirs = _batchnorm_pair(torch, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for _ in range(3):
        _assert_step_matches_torch(torch, ours, theirs, rng.normal(2.0, 3.0, size=shape), rng)
    for (name, ours_value), (_, theirs_value) in zip(ours.state_dict().items(), _numpy_state(theirs).items()):
        np.testing.assert_allclose(ours_value, theirs_value, rtol=1e-12, err_msg=name)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-9, err_msg=name)
    ours.eval()
    theirs.eval()
    x = rng.normal(size=shape)
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10, atol=1e-12)


def test_batchnorm_buffers_and_eval_determinism(rng):
    layer = nn.BatchNorm1d(2)
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    x = rng.normal(size=(6, 2)).astype(np.float32)
    layer(x)
    layer(x)
    assert layer.state_dict()["num_batches_tracked"] == 2
    assert layer.state_dict()["num_batches_tracked"].dtype == np.int64
    layer.eval()
    before = layer.state_dict()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)
    after = layer.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_batchnorm_refuses_one_value_per_channel_and_bad_shapes():
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"more than 1 value per channel when training, got input size \(1, 3\)"):
        layer(autograd.tensor(np.ones((1, 3))))
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        layer(autograd.tensor(np.ones((2, 3, 4, 5))))
    with pytest.raises(ValueError, match="4 channels in dim 1"):
        layer(autograd.tensor(np.ones((2, 4))))
    layer.eval()
    assert layer(autograd.tensor(np.ones((1, 3)))).shape == (1, 3)


@pytest.mark.parametrize("normalized_shape", [5, (4, 5)])
def test_layernorm_matches_torch(normalized_shape, rng):
    torch = pytest.importorskip("torch")
    autograd.set_default_dtype(np.float64)
    ours, theirs = nn.LayerNorm(normalized_shape), torch.nn.LayerNorm(normalized_shape).double()
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 2)
        theirs.bias.uniform_(-1, 1)
    ours.load_state_dict(_numpy_state(theirs))
    assert repr(ours) == repr(theirs)
    _assert_step_matches_torch(torch, ours, theirs, rng.normal(1.0, 4.0, size=(3, 4, 5)), rng)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.bias.grad.data, theirs.bias.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_layernorm_options_and_errors():
    torch = pytest.importorskip("torch")
    assert repr(nn.LayerNorm(3, bias=False)) == repr(torch.nn.LayerNorm(3, bias=False))
    assert list(nn.LayerNorm(3, elementwise_affine=False).state_dict()) == []
    with pytest.raises(ValueError, match=r"normalized_shape=\[4\].*\[\*, 4\].*\(2, 3\)"):
        nn.LayerNorm(4)(autograd.tensor(np.ones((2, 3))))


def test_norm_layers_gradcheck(rng):
    x = autograd.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w = autograd.tensor(rng.uniform(0.5, 2, size=3), requires_grad=True)
    b = autograd.tensor(rng.normal(size=3), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    assert gradcheck(lambda x, w, b: F.layer_norm(x, 3, w, b), (x, w, b))


def test_train_and_eval_reach_every_layer():
    model = nn.Sequential(nn.MLP(2, [4], 2, dropout=0.5), nn.BatchNorm1d(2))
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    x = autograd.tensor(np.ones((3, 2), np.float32))
    model.eval()
    np.testing.assert_array_equal(model(x).data, model(x).data)


FUSED = {  # nn's own Functions with array-level backward rules, each on float64 inputs
    "linear": lambda x, w, b, y: F.linear(x, w, b),
    "linear, 3-d input": lambda x, w, b, y: F.linear(autograd.stack([x, x * 2]), w, b),
    "softmax": lambda x, w, b, y: F.softmax(x, dim=1),
    "erf (exact gelu)": lambda x, w, b, y: F.gelu(F.linear(x, w, b)),
    "softplus": lambda x, w, b, y: F.softplus(F.linear(x, w, b), beta=2.0, threshold=1.0),
    "binary_cross_entropy": lambda x, w, b, y: F.binary_cross_entropy(
        autograd.sigmoid(F.linear(x, w, b)), autograd.sigmoid(x * 3)),
    "binary_cross_entropy_with_logits": lambda x, w, b, y: F.binary_cross_entropy_with_logits(
        F.linear(x, w, b), (x > 0).astype(np.float64)),
    "log_softmax": lambda x, w, b, y: F.log_softmax(x, dim=0),
    "cross_entropy mean": lambda x, w, b, y: F.cross_entropy(F.linear(x, w, b), y),
    "cross_entropy none": lambda x, w, b, y: F.cross_entropy(F.linear(x, w, b), y, reduction="none"),
    "cross_entropy weighted sum": lambda x, w, b, y: F.cross_entropy(x, y, weight=[1.0, 2.0, 0.5], reduction="sum"),
}


@pytest.mark.parametrize("name", FUSED)
def test_fused_backward_on_arrays_equals_backward_on_tensors(rng, name):
    # without create_graph the rules run on bare arrays; with it, on Tensors: the two must agree
    x = autograd.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w = autograd.tensor(rng.normal(size=(3, 3)), requires_grad=True)
    b = autograd.tensor(rng.normal(size=3), requires_grad=True)
    out = FUSED[name](x, w, b, rng.integers(0, 3, 4))
    upstream = rng.normal(size=out.shape)
    on_arrays = autograd.grad(out, (x, w, b), upstream, retain_graph=True, allow_unused=True)
    on_tensors = autograd.grad(out, (x, w, b), upstream, create_graph=True, allow_unused=True)
    assert on_arrays[0] is not None
    for a, t in zip(on_arrays, on_tensors, strict=True):
        assert (a is None) == (t is None)
        if a is not None:
            np.testing.assert_allclose(a.data, t.data, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("p", [0.0, 0.25, 0.5, 1.0])
def test_dropout_notes_form_scales_at_test_time(p):
    """The notes' dropout: kept units unscaled in training, everything times (1 − p) in evaluation."""
    autograd.manual_seed(1)
    layer = nn.Dropout(p, inverted=False)
    x = autograd.tensor(np.full((300, 100), 2.0), requires_grad=True)
    y = layer(x)
    kept = y.data != 0
    np.testing.assert_array_equal(y.data[kept], 2.0)
    assert kept.mean() == pytest.approx(1 - p, abs=0.01)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, kept.astype(float))
    layer.eval()
    np.testing.assert_allclose(layer(x).data, 2.0 * (1 - p))
    assert repr(layer) == f"Dropout(p={p}, inplace=False, inverted=False)"


def test_dropout_forms_agree_in_expectation_and_on_the_mask():
    """Same seed, same mask: the notes' output is the inverted one times (1 − p); both means equal the eval output."""
    x = autograd.tensor(np.random.default_rng(0).uniform(1, 2, size=(2000, 50)))
    inverted, notes = nn.Dropout(0.4), nn.Dropout(0.4, inverted=False)
    autograd.manual_seed(7)
    a = inverted(x).data
    autograd.manual_seed(7)
    b = notes(x).data
    np.testing.assert_allclose(b, a * 0.6)
    inverted.eval(), notes.eval()
    for train_out, layer in ((a, inverted), (b, notes)):
        np.testing.assert_allclose(train_out.mean(0), layer(x).data.mean(0), rtol=0.05)


def test_dropout_inverted_must_be_a_bool():
    with pytest.raises(TypeError, match="inverted must be a bool"):
        nn.Dropout(0.5, inverted="no")
