"""Data augmentation: 'fake' training examples made by changing real ones in ways that keep their label.

A transform is a callable ``example -> example`` with its own generator (from ``seed``, or seeded from the
library's generator, so ``autograd.manual_seed`` decides it). ``TransformedDataset`` applies one to the
features of every example it hands out, afresh each time, so each epoch sees different variants:

>>> import numpy as np
>>> from nn.data import TensorDataset
>>> from nn.transforms import Compose, GaussianNoise, RandomShift, TransformedDataset
>>> X, y = np.arange(2 * 16.0).reshape(2, 16), np.array([0, 1])
>>> shift_and_noise = Compose([RandomShift(1, (4, 4), seed=0), GaussianNoise(0.1, seed=0)])
>>> augmented = TransformedDataset(TensorDataset(X, y), shift_and_noise)
>>> x0, y0 = augmented[0]
>>> x0.shape, int(y0)
((16,), 0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .data import Dataset, _generator

__all__ = ["Compose", "GaussianNoise", "RandomShift", "TransformedDataset"]


class RandomShift:
    """Shift an image by up to ``max_shift`` pixels along each axis (independently, uniformly), filling with ``fill``.

    The example is a flat vector of ``image_shape`` pixels (as ``nn.datasets.digits()``'s 8×8 rows) or an image
    of that shape; the result has the example's shape.
    """

    def __init__(self, max_shift: int, image_shape: Sequence[int], fill: float = 0.0, seed: int | None = None) -> None:
        if isinstance(max_shift, bool) or not isinstance(max_shift, int | np.integer) or max_shift < 0:
            raise ValueError(f"RandomShift: max_shift must be a non-negative integer, got {max_shift!r}")
        self.image_shape = tuple(int(n) for n in image_shape)
        if len(self.image_shape) != 2 or min(self.image_shape) <= max_shift:
            raise ValueError(f"RandomShift: image_shape must be (height, width), each larger than max_shift={max_shift}, "
                             f"got {tuple(image_shape)}")
        self.max_shift, self.fill = int(max_shift), fill
        self._rng = _generator(seed)

    def __call__(self, x: Any) -> np.ndarray:
        x = np.asarray(x)
        if x.size != np.prod(self.image_shape):
            raise ValueError(f"RandomShift: an example of shape {x.shape} is not an image of shape {self.image_shape}")
        k = self.max_shift
        dy, dx = self._rng.integers(-k, k + 1, size=2)
        h, w = self.image_shape
        padded = np.pad(x.reshape(h, w), k, constant_values=self.fill)
        return padded[k - dy:k - dy + h, k - dx:k - dx + w].reshape(x.shape).copy()


class GaussianNoise:
    """x + ε with ε ~ N(0, std²) drawn per element (input-noise augmentation; ``nn.GaussianNoise`` is the layer)."""

    def __init__(self, std: float, seed: int | None = None) -> None:
        if not std >= 0:
            raise ValueError(f"GaussianNoise: std must be non-negative, got {std}")
        self.std = std
        self._rng = _generator(seed)

    def __call__(self, x: Any) -> np.ndarray:
        x = np.asarray(x)
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        return (x + self.std * self._rng.standard_normal(x.shape)).astype(dtype, copy=False)


class Compose:
    """Apply ``transforms`` one after the other."""

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: Any) -> Any:
        for t in self.transforms:
            x = t(x)
        return x


class TransformedDataset(Dataset):
    """``dataset`` with ``transform`` applied to each example's first field (the features) whenever it is read."""

    def __init__(self, dataset: Dataset, transform: Callable[[Any], Any]) -> None:
        if not callable(transform):
            raise TypeError(f"TransformedDataset: transform must be callable, got {type(transform).__name__}")
        self.dataset, self.transform = dataset, transform

    def __getitem__(self, index: int) -> Any:
        example = self.dataset[index]
        if isinstance(example, tuple | list):
            return (self.transform(example[0]), *example[1:])
        return self.transform(example)

    def __len__(self) -> int:
        return len(self.dataset)
