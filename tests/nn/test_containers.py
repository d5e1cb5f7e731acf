"""ModuleDict, ParameterList and ParameterDict: contents registered as PyTorch's (parameters, names, state_dict,
dtype casts, train/eval), their list and dict methods, and torch's errors."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn
from nn.module import ModuleDict, ParameterDict, ParameterList


def _torch():
    return pytest.importorskip("torch")


def _named_shapes(module):
    return [(name, tuple(p.shape)) for name, p in module.named_parameters()]


def _build(model, lib):
    """The same structure in both libraries: a ModuleDict of layers, a ParameterList and a ParameterDict."""
    tensor = autograd.ones if lib is nn else _torch().ones
    model.blocks = lib.ModuleDict({"encoder": lib.Linear(3, 4), "act": lib.Tanh(), "decoder": lib.Linear(4, 2)})
    model.scales = lib.ParameterList([lib.Parameter(tensor(4)), lib.Parameter(tensor(2))])
    model.shifts = lib.ParameterDict(OrderedDict(second=lib.Parameter(tensor(2)), first=lib.Parameter(tensor(4))))


def _forward(model, x):
    h = model.blocks["act"](model.blocks["encoder"](x) * model.scales[0] + model.shifts["first"])
    return model.blocks["decoder"](h) * model.scales[1] + model.shifts["second"]


class Ours(nn.Module):
    def __init__(self):
        super().__init__()
        _build(self, nn)

    forward = _forward


def _torch_twin():
    torch = _torch()

    class Theirs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            _build(self, torch.nn)

        forward = _forward

    return Theirs()


def test_contents_are_registered_under_torchs_names():
    ours, theirs = Ours(), _torch_twin()
    assert _named_shapes(ours) == _named_shapes(theirs)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 8


def test_a_model_of_containers_gives_torchs_outputs_and_gradients(rng):
    torch = _torch()
    autograd.set_default_dtype(np.float64)
    ours, theirs = Ours(), _torch_twin().double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(-1, 1)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.normal(size=(5, 3))
    y, ty = ours(x), theirs(torch.tensor(x))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12, err_msg=name)


def test_train_eval_and_dtype_casts_reach_the_contents():
    model = Ours()
    model.eval()
    assert not model.blocks["encoder"].training and not model.scales.training and not model.shifts.training
    model.train()
    assert all(m.training for m in model.modules())
    model.double()
    assert all(p.dtype == np.float64 for p in model.parameters())
    model.to(np.float32)
    assert model.scales[0].dtype == model.shifts["first"].dtype == np.float32
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_module_dict_methods():
    relu, tanh, linear = nn.ReLU(), nn.Tanh(), nn.Linear(2, 2)
    d = ModuleDict([("relu", relu), ("tanh", tanh)])
    assert list(d) == list(d.keys()) == ["relu", "tanh"] and len(d) == 2 and "relu" in d
    assert list(d.values()) == [relu, tanh] and list(d.items()) == [("relu", relu), ("tanh", tanh)]
    d["linear"] = linear
    assert [n for n, _ in d.named_parameters()] == ["linear.weight", "linear.bias"]
    assert d.pop("relu") is relu and "relu" not in d and not hasattr(d, "relu")
    del d["linear"]
    assert list(d.state_dict()) == []
    d.update({"b": nn.ReLU(), "a": nn.ReLU()})  # a plain dict keeps its order in a ModuleDict (torch's rule)
    d.update(ModuleDict({"c": nn.Identity()}))
    assert list(d) == ["tanh", "b", "a", "c"]
    d.clear()
    assert len(d) == 0 and list(d.children()) == []


def test_module_dict_prints_as_torch():
    torch = _torch()
    ours = ModuleDict({"act": nn.ReLU(), "proj": nn.Linear(2, 3)})
    theirs = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "proj": torch.nn.Linear(2, 3)})
    assert repr(ours) == repr(theirs)
    assert repr(ModuleDict()) == repr(torch.nn.ModuleDict())


def test_parameter_list_methods_and_conversion():
    torch = _torch()
    a, b = nn.Parameter(np.zeros(2)), autograd.tensor(np.ones((2, 3)))
    params = ParameterList([a, b])
    assert params[0] is a and isinstance(params[1], nn.Parameter) and params[1].requires_grad
    assert np.shares_memory(params[1].data, b.data)  # a Tensor is wrapped, not copied, as torch.nn.Parameter
    params.append(autograd.tensor([5.0])).extend([nn.Parameter(np.ones(4))])
    params += [nn.Parameter(np.ones(1))]
    assert len(params) == 5 and params[-1].shape == (1,) and params[-3].shape == (1,)
    assert list(params.state_dict()) == ["0", "1", "2", "3", "4"]
    sliced = params[1:4:2]
    assert isinstance(sliced, ParameterList) and [p.shape for p in sliced] == [(2, 3), (4,)] and sliced[0] is params[1]
    params[0] = autograd.tensor([7.0, 8.0])
    np.testing.assert_array_equal(params.state_dict()["0"], [7.0, 8.0])
    assert [p.shape for p in params] == [(2,), (2, 3), (1,), (4,), (1,)]
    theirs = torch.nn.ParameterList([torch.zeros(2), torch.ones(2, 3), torch.ones(1), torch.ones(4), torch.ones(1)])
    assert list(params.state_dict()) == list(theirs.state_dict())


def test_parameter_list_holds_other_objects_as_torch_does():
    torch = _torch()
    ours = ParameterList([autograd.tensor(np.ones((2, 3))), "a note", nn.Parameter(np.ones(4))])
    theirs = torch.nn.ParameterList([torch.ones(2, 3, dtype=torch.float64), "a note", torch.ones(4, dtype=torch.float64)])
    assert ours[1] == "a note" and list(ours.state_dict()) == list(theirs.state_dict()) == ["0", "2"]
    assert repr(ours) == repr(theirs).replace("torch.", "autograd.")


def test_parameter_list_errors_are_torchs():
    torch = _torch()
    ours, theirs = ParameterList([nn.Parameter(np.ones(1))]), torch.nn.ParameterList([torch.ones(1)])
    for index in (1, -2):
        with pytest.raises(IndexError, match=f"index {index} is out of range"):
            ours[index]
        with pytest.raises(IndexError):
            theirs[index]
    with pytest.raises(TypeError, match="should be called with an iterable"):
        ours.extend(autograd.ones(3))
    with pytest.raises(TypeError):
        theirs.extend(torch.ones(3))
    with pytest.raises(RuntimeError, match="should not be called"):
        ours(1)
    with pytest.raises(TypeError):
        ours["0"]


def test_parameter_dict_orders_keys_as_torch():
    torch = _torch()
    values = {"zeta": np.ones(1), "alpha": np.ones(2), "mid": np.ones(3)}
    ours = ParameterDict({k: autograd.tensor(v) for k, v in values.items()})
    theirs = torch.nn.ParameterDict({k: torch.tensor(v) for k, v in values.items()})
    assert list(ours) == list(theirs) == ["alpha", "mid", "zeta"]  # a plain dict is sorted by key, as in torch
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ordered = OrderedDict((k, autograd.tensor(v)) for k, v in values.items())
    assert list(ParameterDict(ordered)) == list(torch.nn.ParameterDict(OrderedDict(
        (k, torch.tensor(v)) for k, v in values.items()))) == ["zeta", "alpha", "mid"]
    assert list(ParameterDict([("b", nn.Parameter(np.ones(1))), ("a", nn.Parameter(np.ones(1)))])) == ["b", "a"]


def test_parameter_dict_methods():
    p, q = nn.Parameter(np.ones(2)), nn.Parameter(np.zeros(3))
    d = ParameterDict(OrderedDict(p=p, q=q))
    assert d["p"] is p and d.get("q") is q and d.get("r", 5) == 5 and "p" in d and len(d) == 2
    assert list(d.keys()) == ["p", "q"] and list(d.values()) == [p, q] and list(d.items()) == [("p", p), ("q", q)]
    assert list(reversed(d)) == ["q", "p"]
    assert d.setdefault("p", None) is p
    r = d.setdefault("r", autograd.tensor([1.0]))
    assert isinstance(r, nn.Parameter) and [n for n, _ in d.named_parameters()] == ["p", "q", "r"]
    assert d.popitem() == ("r", r) and d.pop("p") is p and list(d) == ["q"] and list(d.state_dict()) == ["q"]
    copy = d.copy()
    assert copy["q"] is q and copy is not d
    merged = d | ParameterDict(OrderedDict(s=nn.Parameter(np.ones(1))))
    assert list(merged) == ["q", "s"] and list(d) == ["q"]
    d |= merged
    assert list(d) == ["q", "s"]
    assert list(d.fromkeys(["x", "y"])) == ["x", "y"]
    d["note"] = "not a parameter"
    assert d["note"] == "not a parameter" and "note" not in d.state_dict()
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []


def test_parameter_dict_prints_its_entries():
    d = ParameterDict(OrderedDict(w=nn.Parameter(np.ones((2, 3))), note=4))
    assert repr(d) == ("ParameterDict(\n    (w): Parameter containing: [autograd.float64 of size 2x3]\n"
                       "    (note): Object of type: int\n)")


def test_dict_keys_follow_torchs_rules():
    torch = _torch()
    for key, error, match in ((1, TypeError, "not a string"), ("a.b", KeyError, "contain"),
                              ("keys", KeyError, "attribute 'keys' already exists"), ("", KeyError, "empty")):
        with pytest.raises(error, match=match):
            ParameterDict({key: nn.Parameter(np.ones(1))})
        with pytest.raises(error):
            torch.nn.ParameterDict({key: torch.nn.Parameter(torch.ones(1))})
    for key, error, match in (("a.b", KeyError, "contain"), ("update", KeyError, "already exists"),
                              (3, TypeError, "should be a string")):
        with pytest.raises(error, match=match):
            ModuleDict({key: nn.ReLU()})
        with pytest.raises(error):
            torch.nn.ModuleDict({key: torch.nn.ReLU()})
    with pytest.raises(TypeError, match="is not a Module subclass"):
        ModuleDict({"a": 3})
    with pytest.raises(TypeError):
        torch.nn.ModuleDict({"a": 3})
    with pytest.raises(KeyError):
        ParameterDict()["missing"]
    with pytest.raises(KeyError):
        ModuleDict()["missing"]


@pytest.mark.parametrize("container", [ModuleDict, ParameterDict])
def test_update_refuses_what_is_not_pairs_as_torch(container):
    torch = _torch()
    theirs = getattr(torch.nn, container.__name__)
    for bad, error in ((3, TypeError), ([3], TypeError), ([("a", "b", "c")], ValueError)):
        with pytest.raises(error, match="update"):
            container(bad)
        with pytest.raises(error):
            theirs(bad)


def test_registration_methods_check_names_as_torch():
    torch = _torch()
    ours, theirs = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    for name in ("weight", "a.b", ""):
        with pytest.raises(KeyError):
            ours.register_buffer(name, None)
        with pytest.raises(KeyError):
            theirs.register_buffer(name, None)
    with pytest.raises(KeyError, match="attribute 'forward' already exists"):
        ours.register_parameter("forward", None)
    with pytest.raises(TypeError, match=r"nn\.Parameter or None required"):
        ours.register_parameter("scale", autograd.ones(1))
    with pytest.raises(TypeError):
        theirs.register_parameter("scale", torch.ones(1))
    ours.register_parameter("weight", nn.Parameter(np.ones((2, 2))))  # re-registering its own name is fine
    np.testing.assert_array_equal(ours.state_dict()["weight"], 1)


def test_forward_hooks_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    seen: dict[str, list[tuple[int, ...]]] = {"ours": [], "theirs": []}
    for lib, key in ((nn, "ours"), (torch.nn, "theirs")):
        model = lib.Sequential(lib.Linear(3, 4), lib.ReLU(), lib.Linear(4, 2))
        record = model[1].register_forward_hook(lambda m, args, out, k=key: seen[k].append(tuple(out.shape)))
        double = model[0].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        halve = model[2].register_forward_hook(lambda m, args, out: out * 0 + 1.0, prepend=True)
        x = (autograd if lib is nn else torch).ones(5, 3)
        out = model(x)
        assert tuple(out.shape) == (5, 2) and float(out.detach().sum()) == 10.0
        for handle in (record, double, halve):
            handle.remove()
        model(x)
        assert len(seen[key]) == 1
    assert seen["ours"] == seen["theirs"] == [(5, 4)]


def test_paths_to_submodules_parameters_and_buffers() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    assert model.get_submodule("1") is model[1] and model.get_submodule("") is model
    assert model.get_parameter("0.weight") is model[0].weight
    assert model.get_buffer("1.running_mean") is model[1].running_mean
    for getter, target in ((model.get_submodule, "2"), (model.get_parameter, "0.nothing"),
                           (model.get_buffer, "0.weight")):
        with pytest.raises(AttributeError):
            getter(target)
    assert model.cpu() is model
    with pytest.raises(RuntimeError, match="CPU only"):
        model.cuda()
