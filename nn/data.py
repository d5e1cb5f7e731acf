"""Datasets and the DataLoader: mini-batches drawn in a fresh order each epoch, reproducible from a seed.

Mini-batch gradient descent averages ∂L/∂θ over B examples instead of all N, and the training data are
shuffled every epoch so that the model never sees them in a meaningful order. ``DataLoader`` does both:

>>> import numpy as np
>>> from nn.data import DataLoader, TensorDataset
>>> X, y = np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 1])
>>> loader = DataLoader(TensorDataset(X, y), batch_size=2, shuffle=True, seed=0)
>>> [len(xb) for xb, yb in loader]
[2, 2, 1]
>>> xb, yb = next(iter(loader))
>>> xb.dtype, yb.dtype
(dtype('float64'), dtype('int64'))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from autograd import Tensor, default_generator, get_default_dtype

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "random_split"]


class Dataset:
    """An indexable collection of examples: subclass it and define ``__getitem__`` and ``__len__``.

    ``dataset[i]`` returns one example, usually a tuple ``(features, target)``.
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} does not define __len__")


def _as_field(values: Any) -> np.ndarray:
    """One field of a dataset as an array, in the dtype a model wants.

    Float arrays keep their dtype; a 1-d integer array holds class labels and becomes int64; any other
    data (integer images such as IDX's uint8, bools, Python numbers) becomes the default float dtype.
    """
    if isinstance(values, Tensor):
        values = values.data
    from_numpy = isinstance(values, np.ndarray | np.generic)
    arr = np.asarray(values)
    if arr.dtype.kind == "f" and from_numpy:
        return arr
    if arr.dtype.kind in "iu" and arr.ndim == 1:
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"a dataset field must hold numbers, got an array of dtype {arr.dtype}")
    return arr.astype(get_default_dtype(), copy=False)


class TensorDataset(Dataset):
    """Examples that are rows of equally long arrays: ``TensorDataset(X, y)[i] == (X[i], y[i])``.

    Each array is converted once (see ``DataLoader`` for the dtype rules), so batches are plain slices.
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        fields = [_as_field(a) for a in arrays]
        if any(f.ndim == 0 for f in fields):
            raise ValueError("TensorDataset arrays need a first dimension that indexes the examples, got a 0-d array")
        sizes = [len(f) for f in fields]
        if len(set(sizes)) > 1:
            raise ValueError(f"Size mismatch between tensors: their first dimensions are {sizes}")
        self.arrays = tuple(fields)

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)

    def __len__(self) -> int:
        return len(self.arrays[0])


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __getitem__(self, index: Any) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[int | float], seed: int | None = None) -> list[Subset]:
    """Split into disjoint random subsets of the given lengths (or fractions summing to 1, as in PyTorch).

    >>> train, val = random_split(TensorDataset(np.arange(10.0)), [0.8, 0.2], seed=0)
    >>> len(train), len(val)
    (8, 2)
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        counts = [math.floor(n * frac) for frac in lengths]
        for i in range(n - sum(counts)):  # the remainder goes round-robin, as PyTorch does
            counts[i % len(counts)] += 1
        lengths = counts
    for i, length in enumerate(lengths):
        if isinstance(length, bool) or not isinstance(length, int | np.integer) or length < 0:
            raise ValueError(f"random_split lengths must be non-negative integers or fractions, got {length!r} "
                             f"at index {i}")
    if sum(lengths) != n:
        raise ValueError(f"Sum of input lengths ({sum(lengths)}) does not equal the length of the input dataset ({n})!")
    order = _generator(seed).permutation(n)
    bounds = np.cumsum([0, *lengths])
    return [Subset(dataset, order[lo:hi]) for lo, hi in itertools.pairwise(bounds)]


def _generator(seed: int | None) -> np.random.Generator:
    """A generator from ``seed``, or seeded from the library's generator (so ``manual_seed`` decides it)."""
    if seed is None:
        seed = int(default_generator().integers(2**63))
    return np.random.default_rng(seed)


def _fetch(dataset: Dataset, indices: np.ndarray) -> Any:
    """The examples at ``indices``, collated field by field into arrays."""
    if isinstance(dataset, TensorDataset):
        return tuple(a[indices] for a in dataset.arrays)  # one fancy index per field, no per-example loop
    if isinstance(dataset, Subset):
        return _fetch(dataset.dataset, dataset.indices[indices])
    examples = [dataset[int(i)] for i in indices]
    if isinstance(examples[0], tuple | list):
        return tuple(_as_field(_stack([ex[k] for ex in examples])) for k in range(len(examples[0])))
    return _as_field(_stack(examples))


def _stack(values: list[Any]) -> Any:
    values = [v.data if isinstance(v, Tensor) else v for v in values]
    return np.stack(values) if isinstance(values[0], np.ndarray | np.generic) else values


class DataLoader:
    """Mini-batches of a dataset as tuples of Tensors, reshuffled every epoch, reproducible from ``seed``.

    Parameters
    ----------
    dataset : a ``Dataset`` (``TensorDataset`` is sliced directly; others are read example by example)
    batch_size : B, examples per batch; the last batch is smaller unless ``drop_last``
    shuffle : draw a new order every epoch (from the loader's own generator)
    drop_last : skip the last, incomplete batch
    seed : seeds the loader's generator; ``None`` takes a seed from the library's generator

    Field dtypes: float arrays keep their dtype, 1-d integer arrays (class labels) become int64, anything
    else (integer images, bools, Python numbers) becomes the default float dtype. The generator's state
    and the position within the current epoch are in ``state_dict()``, so a resumed run draws the same
    batches as one that never stopped.
    """

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 seed: int | None = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(shuffle, bool | np.bool_):
            raise ValueError(f"shuffle should be a boolean value, but got shuffle={shuffle}")
        if not isinstance(drop_last, bool | np.bool_):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.dataset, self.batch_size = dataset, int(batch_size)
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self._rng = _generator(seed)
        self._epoch = 0  # completed epochs
        self._batch = 0  # batches handed out in the epoch in progress
        self._epoch_start = self._rng.bit_generator.state  # before this epoch's order was drawn
        self._resume_at = 0

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if n == 0:
            raise ValueError(f"DataLoader has nothing to load: the {type(self.dataset).__name__} is empty")
        start, self._resume_at = self._resume_at, 0
        self._epoch_start = self._rng.bit_generator.state
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        for b in range(start, len(self)):
            self._batch = b + 1
            batch = _fetch(self.dataset, order[b * self.batch_size:(b + 1) * self.batch_size])
            yield tuple(Tensor(f) for f in batch) if isinstance(batch, tuple) else Tensor(batch)
        self._epoch += 1
        self._batch = 0

    def state_dict(self) -> dict[str, Any]:
        """Where the loader is: completed epochs, batches given out in the current epoch, generator state."""
        in_epoch = self._batch > 0
        return {
            "epoch": self._epoch,
            "batch": self._batch,
            "rng_state": self._epoch_start if in_epoch else self._rng.bit_generator.state,
            "batch_size": self.batch_size,
            "dataset_length": len(self.dataset),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue from a ``state_dict()``: the next ``iter()`` yields the rest of the saved epoch."""
        missing = {"epoch", "batch", "rng_state", "batch_size", "dataset_length"} - set(state_dict)
        if missing:
            raise ValueError(f"DataLoader state_dict is missing {sorted(missing)}")
        for key, now in (("batch_size", self.batch_size), ("dataset_length", len(self.dataset))):
            if int(state_dict[key]) != now:
                raise ValueError(f"DataLoader state_dict was saved with {key}={state_dict[key]}, but this loader "
                                 f"has {key}={now}; the batches would differ")
        self._rng.bit_generator.state = state_dict["rng_state"]
        self._epoch_start = self._rng.bit_generator.state
        self._epoch = int(state_dict["epoch"])
        self._batch = self._resume_at = int(state_dict["batch"])
