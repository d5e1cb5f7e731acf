"""Module: PyTorch's parameter names, state_dict round trips, strict loading, modes, repr and deepcopy."""

import copy

import numpy as np
import pytest

import autograd
import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
        self.norm = nn.BatchNorm1d(3)
        self.heads = nn.ModuleList([nn.Linear(3, 2), nn.Linear(3, 1)])
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))

    def forward(self, x):
        h = self.norm(self.body(x)) * self.scale
        return [head(h) for head in self.heads]


def _torch_encoder(torch):
    class TorchEncoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
            self.norm = torch.nn.BatchNorm1d(3)
            self.heads = torch.nn.ModuleList([torch.nn.Linear(3, 2), torch.nn.Linear(3, 1)])
            self.scale = torch.nn.Parameter(torch.ones(1))

    return TorchEncoder()


def test_names_and_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = Encoder(), _torch_encoder(torch)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]


def test_repr_prints_the_tree_like_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = Encoder(), _torch_encoder(torch)
    assert repr(ours).replace("Encoder", "TorchEncoder", 1) == repr(theirs)
    assert repr(ours).splitlines()[:3] == ["Encoder(", "  (body): Sequential(",
                                           "    (0): Linear(in_features=4, out_features=8, bias=True)"]


def test_state_dict_holds_copies():
    model = Encoder()
    state = model.state_dict()
    state["body.0.weight"][...] = 0
    assert not np.all(model.body[0].weight.data == 0)


def test_state_dict_round_trip_reproduces_outputs(rng):
    x = rng.normal(size=(5, 4)).astype(np.float32)
    source, target = Encoder(), Encoder()
    source(x)  # moves the running statistics
    source.eval()
    missing, unexpected = target.load_state_dict(source.state_dict())
    assert missing == [] and unexpected == []
    target.eval()
    for a, b in zip(source(x), target(x)):
        np.testing.assert_array_equal(a.data, b.data)


def test_strict_load_lists_every_problem_and_changes_nothing():
    model = Encoder()
    before = model.state_dict()
    bad = dict(before)
    del bad["body.2.bias"]
    del bad["norm.running_var"]
    bad["extra.weight"] = np.zeros(3)
    bad["heads.0.weight"] = np.zeros((5, 3))
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict({k: v + 1 if v.dtype.kind == "f" else v for k, v in bad.items()})
    message = str(info.value)
    assert "Error(s) in loading state_dict for Encoder" in message
    assert 'Missing key(s) in state_dict: "body.2.bias", "norm.running_var".' in message
    assert 'Unexpected key(s) in state_dict: "extra.weight".' in message
    assert ("size mismatch for heads.0.weight: copying a param with shape (5, 3) from checkpoint, "
            "the shape in current model is (2, 3).") in message
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_non_strict_load_returns_missing_and_unexpected():
    model = Encoder()
    state = model.state_dict()
    partial = {k: np.full_like(v, 0.5) for k, v in state.items() if k.startswith("body.")}
    partial["classifier.bias"] = np.zeros(2)
    missing, unexpected = model.load_state_dict(partial, strict=False)
    assert missing == [k for k in state if not k.startswith("body.")]
    assert unexpected == ["classifier.bias"]
    np.testing.assert_array_equal(model.body[0].weight.data, 0.5)
    with pytest.raises(RuntimeError, match=r"size mismatch for body\.0\.bias"):
        model.load_state_dict({"body.0.bias": np.zeros(2)}, strict=False)


def test_load_keeps_the_models_dtype():
    model = nn.Linear(2, 3)
    model.load_state_dict({"weight": np.ones((3, 2)), "bias": np.zeros(3)})
    assert model.weight.dtype == np.float32 and model.weight.requires_grad


def test_train_and_eval_propagate_and_return_self():
    model = Encoder()
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model
    assert all(m.training for m in model.modules())
    model.heads.eval()
    assert model.training and not model.heads[0].training and model.body[0].training


def test_deepcopy_gives_independent_parameters_and_keeps_sharing():
    model = Encoder()
    tied = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    tied[1].weight = tied[0].weight
    for original in (model, tied):
        clone = copy.deepcopy(original)
        for (n1, p1), (n2, p2) in zip(original.named_parameters(), clone.named_parameters()):
            assert n1 == n2 and p1 is not p2 and np.array_equal(p1.data, p2.data)
            assert isinstance(p2, nn.Parameter) and p2.requires_grad
        first = next(clone.parameters())
        first.data[...] = 123.0
        assert not np.any(next(original.parameters()).data == 123.0)
    clone = copy.deepcopy(tied)
    assert clone[1].weight is clone[0].weight
    assert len(list(clone.parameters())) == 3


def test_shared_parameters_are_trained_once_and_saved_under_each_name():
    tied = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    tied[1].weight = tied[0].weight
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    state = tied.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias"]  # as torch's state_dict
    assert tied.load_state_dict(state) == ([], [])


def test_reassigning_an_attribute_drops_its_registration():
    model = nn.Linear(2, 2)
    model.bias = None
    assert [n for n, _ in model.named_parameters()] == ["weight"]
    model.weight = autograd.tensor(np.ones((2, 2)))
    assert list(model.parameters()) == []


def test_zero_grad_and_requires_grad(rng):
    model = nn.MLP(3, [4], 1)
    model(rng.normal(size=(2, 3)).astype(np.float32)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_a_tensor_assigned_to_a_buffer_name_stays_a_buffer():
    layer = nn.BatchNorm1d(2)
    layer.running_mean = autograd.tensor(np.array([1.0, 2.0], dtype=np.float32))
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    np.testing.assert_array_equal(layer.state_dict()["running_mean"], [1.0, 2.0])


def test_buffers_are_saved_but_not_trained():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("count", autograd.tensor(np.zeros(2)))
            self.register_buffer("empty", None)

    model = Counter()
    assert list(model.state_dict()) == ["count"]
    assert list(model.parameters()) == []
    model.load_state_dict({"count": np.array([1.0, 2.0])})
    np.testing.assert_array_equal(model.count.data, [1.0, 2.0])


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"call Module.__init__\(\) in Broken.__init__"):
        Broken()


def test_sequential_indexing_and_append():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    model.append(nn.Linear(3, 1))
    assert len(model) == 3 and isinstance(model[-1], nn.Linear)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert isinstance(model[:2], nn.Sequential) and len(model[:2]) == 2
    assert model(autograd.tensor(np.ones((4, 2), dtype=np.float32))).shape == (4, 1)
