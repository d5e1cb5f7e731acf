"""Optimizer: the bookkeeping every update rule shares (param groups, per-parameter state, checkpoints)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Tensor, enable_grad, no_grad
from autograd.graph import increment_version, note_optimizer_step

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]
_UNORDERED = ("optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets "
              "will change between runs. Please use a list instead.")


def _python_number(value: Any) -> Any:
    """NumPy scalars (and tuples of them) as Python numbers.

    Under NEP 50 a ``np.float64`` hyper-parameter is a strong type: ``float32_array * np.float64(0.9)`` is
    float64, so state buffers would silently change dtype. Python floats are weak and keep the array's dtype.
    """
    if type(value) is float or type(value) is int or type(value) is bool:  # the usual hyper-parameter
        return value
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    if isinstance(value, tuple | list):
        return type(value)(_python_number(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    """A state or hyper-parameter value as plain data: arrays copied, tuples as lists (fits a .npz checkpoint)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _fits(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


class Optimizer:
    """Base class: holds ``param_groups`` and ``state``; a subclass writes one update, ``_update``.

    ``step()`` walks every parameter that has a gradient and calls
    ``_update(p, grad, state, group)`` with ``grad`` = ∂L/∂θ as a NumPy array (negated when
    ``maximize=True``), the parameter's own ``state`` dict and its group's hyper-parameters as Python
    numbers. ``_update`` changes ``p.data`` in place.

    >>> import numpy as np
    >>> from nn import Parameter
    >>> from nn.optim import SGD
    >>> w = Parameter(np.array([1.0, -2.0]))
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.data
    array([ 0.8, -1.6])
    >>> opt.zero_grad()
    >>> w.grad is None
    True
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}")
        if isinstance(params, set):
            raise TypeError(_UNORDERED)
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters; missing ones take the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError("param_group has no 'params' entry")
        if isinstance(params, set):
            raise TypeError(_UNORDERED)
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        ids = [id(p) for p in group["params"]]  # ids, not ``in``: Tensor == is elementwise
        if len(set(ids)) != len(ids):
            raise ValueError("optimizer contains a parameter group with duplicate parameters")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if seen.intersection(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: ``.grad = None`` (or zeros with ``set_to_none=False``)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.grad = None if set_to_none else Tensor(np.zeros_like(p.grad.data))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()``'s loss if given.

        A parameter whose ``.grad`` is None is skipped entirely: no weight decay, no momentum drift.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        changed: list[Tensor] = []  # a graph that saved their old values must refuse to backward
        try:
            with no_grad():
                for group in self.param_groups:
                    hyper = {k: _python_number(v) for k, v in group.items() if k != "params"}
                    maximize = hyper.get("maximize", False)
                    for p in group["params"]:
                        if p.grad is None:
                            continue
                        grad = p.grad.data
                        if maximize:
                            grad = -grad
                        state = self.state.get(p)
                        if state is None:
                            state = self.state[p] = {}
                        changed.append(p)  # before the update: one that raises half-way has changed p too
                        self._update(p, grad, state, hyper)
        finally:
            increment_version(changed)
        note_optimizer_step()  # a graph recorded before now, extended after, warns (see autograd.graph)
        return loss

    def _update(self, p: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define _update")

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's layout, in plain data: ``{"state": {index: {name: value}}, "param_groups": [...]}``.

        Parameters are replaced by their position across all groups; arrays are copies, tuples lists.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: _plain(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: {k: _plain(v) for k, v in s.items()} for p, s in self.state.items() if s}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state saved by ``state_dict`` (parameters matched by position).

        Arrays are copied in each parameter's dtype; everything is checked before anything changes.
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise TypeError("optimizer.load_state_dict expects the dict optimizer.state_dict() gives, with 'state' and "
                            f"'param_groups'; got {type(state_dict).__name__}")
        saved_groups = state_dict["param_groups"]
        for group, saved in zip(self.param_groups, saved_groups):
            if set(saved) != set(group):
                raise ValueError(f"loaded state dict's param group has the hyper-parameters {sorted(saved)}, but this "
                                 f"{type(self).__name__}'s are {sorted(group)}: it was saved by another optimizer class")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        by_index = {int(i): p for saved, group in zip(saved_groups, self.param_groups)
                    for i, p in zip(saved["params"], group["params"])}
        state: dict[Tensor, dict[str, Any]] = {}
        for key, saved in state_dict["state"].items():
            if int(key) not in by_index:
                raise ValueError(f"loaded state dict has state for parameter {key}, which is in no parameter group")
            p = by_index[int(key)]
            state[p] = {name: self._restore(p, f"state[{key}][{name!r}]", name, value) for name, value in saved.items()}
        groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            restored = {k: self._restore_hyper(group.get(k), v) for k, v in saved.items() if k != "params"}
            restored["params"] = group["params"]
            groups.append(restored)
        self.param_groups = groups
        self.state = state

    @staticmethod
    def _restore(p: Tensor, where: str, name: str, value: Any) -> Any:
        if name == "step":
            return int(np.asarray(value).item())  # an int, whatever container it travelled in
        if not isinstance(value, np.ndarray | np.generic):
            return value
        # every buffer has θ's shape, or (Adafactor's row and column factors) one that broadcasts to it
        if not _fits(np.shape(value), p.shape):
            raise ValueError(f"loaded state dict's {where} has shape {np.shape(value)}, which does not fit the "
                             f"parameter's shape {p.shape}")
        return np.array(value, dtype=p.dtype)

    @staticmethod
    def _restore_hyper(current: Any, saved: Any) -> Any:
        saved = _python_number(saved)
        if isinstance(current, tuple) and isinstance(saved, list):
            return tuple(saved)
        return saved

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {group[k]}" for k in sorted(group) if k != "params")
        return "\n".join([*lines, ")"])
