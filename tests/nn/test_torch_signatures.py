"""nn.functional's PyTorch names take PyTorch's arguments: the same names in the same order, so that a call
written for torch.nn.functional (positional or by keyword) means the same here."""

from __future__ import annotations

import inspect

import pytest

import nn.functional as F

torch = pytest.importorskip("torch")

# PyTorch's deprecated or device-only arguments, which chainrule leaves out; NumPy spellings it adds
LEFT_OUT = {"size_average", "reduce", "inplace", "_stacklevel", "_random_samples", "out"}
NUMPY_SPELLINGS = {"axis", "constant_values"}


def _shared_names() -> list[str]:
    names = []
    for name in sorted(set(dir(F)) & set(dir(torch.nn.functional))):
        if name.startswith("_") or not callable(getattr(F, name)):
            continue
        try:
            inspect.signature(getattr(torch.nn.functional, name))
        except (TypeError, ValueError):  # a builtin without a signature
            continue
        names.append(name)
    return names


@pytest.mark.parametrize("name", _shared_names())
def test_parameters_are_pytorchs(name: str) -> None:
    ours = [p for p in inspect.signature(getattr(F, name)).parameters if p not in NUMPY_SPELLINGS]
    theirs = [p for p in inspect.signature(getattr(torch.nn.functional, name)).parameters if p not in LEFT_OUT]
    assert ours == theirs
