"""Module, Parameter and the containers: parameters found by assignment, named like PyTorch."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from autograd import Tensor, no_grad
from autograd.dtypes import to_arguments
from autograd.graph import increment_version


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable when assigned to it (``requires_grad=True``)."""

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        super().__init__(data.data if isinstance(data, Tensor) else data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class of layers and models: subclass it, assign Parameters and Modules, define ``forward``."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call Module.__init__() in {type(self).__name__}.__init__ before assigning {name}")
        if isinstance(value, Parameter):
            target = self._parameters
        elif isinstance(value, Module):
            target = self._modules
        elif name in self._buffers and (value is None or isinstance(value, Tensor)):
            target = self._buffers  # as PyTorch: a Tensor assigned to a buffer's name stays a buffer
        else:
            target = None
        for store in (self._parameters, self._buffers, self._modules):
            if store is not target:
                store.pop(name, None)  # reassigning a name drops its old registration
        if target is not None:
            target[name] = value  # an existing key keeps its place, so state_dict order stays PyTorch's
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            store.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, value: Tensor | None) -> None:
        """State that is saved in ``state_dict`` but not trained (e.g. BatchNorm's running mean)."""
        object.__setattr__(self, name, value)
        self._buffers[name] = value

    def register_parameter(self, name: str, value: Parameter | None) -> None:
        object.__setattr__(self, name, value)
        self._parameters[name] = value

    def add_module(self, name: str, module: Module) -> None:
        object.__setattr__(self, name, module)
        self._modules[name] = module

    # ------------------------------------------------------------------ traversal
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{n}" if name else n, m) for n, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return ((n, m) for n, m in self._modules.items() if m is not None)

    def children(self) -> Iterator[Module]:
        return (m for _, m in self.named_children())

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Dotted names (``0.weight``, ``encoder.1.bias``) as PyTorch gives them; shared ones once."""
        seen: set[int] = set()
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for mod_name, module in modules:
            for name, p in module._parameters.items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        for mod_name, module in self.named_modules(prefix):
            for name, b in module._buffers.items():
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def buffers(self) -> Iterator[Tensor]:
        return (b for _, b in self.named_buffers())

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every submodule and then on self (e.g. to re-initialise weights)."""
        for m in reversed(list(self.modules())):
            fn(m)
        return self

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch statistics); propagates to every child. Returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (same as ``train(False)``). Returns self."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to None."""
        for p in self.parameters():
            p.zero_grad()

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    # ------------------------------------------------------------------ dtype
    def to(self, *args: Any, dtype: Any = None, device: Any = None) -> Module:
        """Cast floating-point parameters and buffers (and their gradients) to ``dtype`` in place, as PyTorch's
        ``Module.to``; a device must be the CPU. Returns self."""
        dtype = to_arguments(args, dtype, device)
        return self if dtype is None else self._cast_floats(dtype)

    def float(self) -> Module:
        return self._cast_floats(np.dtype(np.float32))

    def double(self) -> Module:
        return self._cast_floats(np.dtype(np.float64))

    def half(self) -> Module:
        return self._cast_floats(np.dtype(np.float16))

    def _cast_floats(self, dtype: np.dtype) -> Module:
        if dtype.kind != "f":
            raise TypeError(f"Module.to only casts to a floating-point dtype, got {dtype}")
        for t in [*self.parameters(), *self.buffers()]:
            if t.dtype.kind == "f" and t.dtype != dtype:
                t.data = t.data.astype(dtype)
                increment_version(t)
                if t._grad is not None:
                    t._grad = Tensor(t._grad.data.astype(dtype))
        return self

    # ------------------------------------------------------------------ state
    def _state_tensors(self) -> dict[str, Tensor]:
        """PyTorch's state_dict entries in its order: each module's parameters, then its buffers, then its
        children's; a tied parameter appears under each of its names."""
        out: dict[str, Tensor] = {}
        for mod_name, module in self.named_modules():
            prefix = f"{mod_name}." if mod_name else ""
            for store in (module._parameters, module._buffers):
                out.update((prefix + name, t) for name, t in store.items() if t is not None)
        return out

    def state_dict(self) -> dict[str, np.ndarray]:
        """Parameters and buffers by dotted name, as copies of their arrays (PyTorch's keys, order and shapes)."""
        return {name: t.data.copy() for name, t in self._state_tensors().items()}

    def _checked_state(self, state_dict: Any, strict: bool = True) -> dict[str, np.ndarray]:
        """The arrays ``load_state_dict`` would copy, in each tensor's dtype; raises on a wrong key, shape or dtype."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        own = self._state_tensors()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        arrays = {}
        mismatched = []
        for k, t in own.items():
            if k in state_dict:
                value = state_dict[k]
                arr = np.asarray(value.data if isinstance(value, Tensor) else value)
                if arr.shape != t.shape:
                    mismatched.append(f"size mismatch for {k}: copying a param with shape {arr.shape} from "
                                      f"checkpoint, the shape in current model is {t.shape}.")
                elif arr.dtype.kind not in "fiub":
                    mismatched.append(f"dtype for {k} is {arr.dtype}, not a real number")
                arrays[k] = arr
        problems = list(mismatched)
        if strict:
            if missing:
                problems.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
            if unexpected:
                problems.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
        if problems:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(problems))
        return {k: arr.astype(own[k].dtype, copy=True) for k, arr in arrays.items()}

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> tuple[list[str], list[str]]:
        """Copy arrays into parameters and buffers; returns ``(missing_keys, unexpected_keys)``.

        Everything is checked before anything is copied, so a failed load leaves the model unchanged.
        """
        cast = self._checked_state(state_dict, strict)
        own = self._state_tensors()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        # checkpoints keep NaN and Inf faithfully: without this a diverged run's weights would load silently
        non_finite = [k for k, arr in cast.items() if arr.dtype.kind == "f" and not np.isfinite(arr).all()]
        if non_finite:
            warnings.warn(f"loading NaN or Inf values into {', '.join(non_finite)}: the state_dict may come from "
                          "a run that diverged", UserWarning, stacklevel=2)
        with no_grad():
            for k, arr in cast.items():
                own[k].data = arr
                increment_version(own[k])
        return missing, unexpected

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


class Sequential(Module):
    """Modules applied in order; children are named ``0, 1, ...``."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, i: int | slice) -> Module:
        items = list(self._modules.values())
        return Sequential(*items[i]) if isinstance(i, slice) else items[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of Modules whose parameters are registered (named ``0, 1, ...``)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())
