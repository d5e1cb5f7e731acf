"""Small datasets that need no download: 2-d classification toys, a 1-d regression, digits, and IDX files.

Each generator takes ``n_samples``, ``noise`` (standard deviation of Gaussian noise) and ``seed`` and
returns ``(X, y)`` as NumPy arrays: features in the default float dtype, int64 class labels (classes as
balanced as ``n_samples`` allows), or float targets for ``sine``. ``seed=None`` draws a seed from the
library's generator, so ``autograd.manual_seed`` makes the data reproducible too.

>>> X, y = moons(100, noise=0.1, seed=0)
>>> X.shape, y.shape, y.dtype, int(y.sum())
((100, 2), (100,), dtype('int64'), 50)
"""

from __future__ import annotations

import gzip
import math
import os
from typing import Any

import numpy as np

from autograd import get_default_dtype

from .data import _generator

__all__ = ["circles", "digits", "load_idx", "moons", "sine", "spirals", "xor"]


def _check(n_samples: int, noise: float) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples <= 0:
        raise ValueError(f"n_samples should be a positive integer, got {n_samples!r}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise is a standard deviation and must be finite and >= 0, got {noise!r}")


def _shuffled(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle the examples, add N(0, noise²) to every feature, cast to the library's dtypes."""
    order = rng.permutation(len(X))
    X = X[order] + rng.normal(scale=noise, size=X.shape)
    return X.astype(get_default_dtype()), y[order].astype(np.int64)


def xor(n_samples: int = 200, noise: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table as points: corners (x₁, x₂) ∈ {0, 1}² with label y = x₁ ⊕ x₂, plus noise.

    No linear classifier separates it; one hidden layer does.
    """
    _check(n_samples, noise)
    corner = np.arange(n_samples) % 4
    X = np.stack([corner // 2, corner % 2], axis=1).astype(np.float64)
    return _shuffled(X, (corner // 2) ^ (corner % 2), noise, _generator(seed))


def moons(n_samples: int = 200, noise: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (the points of scikit-learn's ``make_moons``), labels 0 and 1."""
    _check(n_samples, noise)
    n_out = n_samples // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_samples - n_out)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)])
    y = np.repeat([0, 1], [n_out, n_samples - n_out])
    return _shuffled(X, y, noise, _generator(seed))


def circles(n_samples: int = 200, noise: float = 0.1, seed: int | None = None,
            factor: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """A unit circle (label 0) around a circle of radius ``factor`` (label 1), as scikit-learn's ``make_circles``."""
    _check(n_samples, noise)
    if not 0 <= factor < 1:
        raise ValueError(f"factor is the inner radius and must be in [0, 1), got {factor!r}")
    n_out = n_samples // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_samples - n_out, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], axis=1)])
    y = np.repeat([0, 1], [n_out, n_samples - n_out])
    return _shuffled(X, y, noise, _generator(seed))


def spirals(n_samples: int = 200, noise: float = 0.1, seed: int | None = None,
            n_classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms: arm k is r(cos θ, sin θ) with θ = 2π(1.25 r + k/K), r ∈ [0.05, 1]."""
    _check(n_samples, noise)
    if isinstance(n_classes, bool) or not isinstance(n_classes, int | np.integer) or n_classes < 2:
        raise ValueError(f"n_classes should be an integer >= 2, got {n_classes!r}")
    y = np.arange(n_samples) % n_classes
    r = np.empty(n_samples)
    for k in range(n_classes):
        r[y == k] = np.linspace(0.05, 1, np.count_nonzero(y == k))
    theta = 2 * np.pi * (1.25 * r + y / n_classes)
    X = r[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)
    return _shuffled(X, y, noise, _generator(seed))


def sine(n_samples: int = 200, noise: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Regression: x ~ U(−π, π), y = sin x + ε with ε ~ N(0, noise²); both of shape (n_samples, 1)."""
    _check(n_samples, noise)
    rng = _generator(seed)
    x = rng.uniform(-np.pi, np.pi, size=(n_samples, 1))
    y = np.sin(x) + rng.normal(scale=noise, size=x.shape)
    return x.astype(get_default_dtype()), y.astype(get_default_dtype())


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled handwritten digits (no download): X (1797, 64), pixel values 0–16; y ∈ {0..9}.

    Each row is an 8×8 image flattened; ``X / 16`` scales it to [0, 1], ``X.reshape(-1, 8, 8)`` restores it.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise ImportError('nn.datasets.digits() needs scikit-learn: pip install "chainrule[data]"') from e
    bunch = load_digits()
    return bunch.data.astype(get_default_dtype()), bunch.target.astype(np.int64)


_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


def load_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (the MNIST format: ``train-images-idx3-ubyte``, gzipped or not) into an array.

    The header is two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
    0x0E float64), the number of dimensions, then each dimension as a big-endian uint32; the data follow,
    big-endian. Everything is checked against the file before the data are read; a bad file raises
    ``ValueError`` naming the file and the problem. The dtype is kept (MNIST images stay uint8).
    """
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    opener = gzip.open if gzipped else open
    try:
        with opener(path, "rb") as f:
            return _read_idx(f, path, gzipped)
    except (OSError, EOFError) as e:  # truncated or corrupt gzip streams
        raise ValueError(f"{os.fspath(path)}: cannot read IDX data: {e}") from e


def _read_idx(f: Any, path: str | os.PathLike[str], gzipped: bool) -> np.ndarray:
    def bad(reason: str) -> ValueError:
        return ValueError(f"{os.fspath(path)}: not a valid IDX file: {reason}")

    magic = f.read(4)
    if len(magic) < 4:
        raise bad(f"it has {len(magic)} bytes, too short for the 4-byte magic number")
    if magic[:2] != b"\0\0":
        raise bad(f"the magic number must start with two zero bytes, got {magic[:2]!r}")
    code, ndim = magic[2], magic[3]
    if code not in _IDX_DTYPES:
        raise bad(f"unknown data type code 0x{code:02X}; known: "
                  + ", ".join(f"0x{c:02X} ({np.dtype(d).name})" for c, d in _IDX_DTYPES.items()))
    if ndim == 0:
        raise bad("it declares 0 dimensions")
    dims = f.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise bad(f"the header declares {ndim} dimensions but ends after {len(dims) // 4}")
    shape = tuple(int(d) for d in np.frombuffer(dims, dtype=">u4"))
    dtype = np.dtype(_IDX_DTYPES[code])
    nbytes = math.prod(shape) * dtype.itemsize
    if not gzipped:  # the size is known without reading: refuse before allocating
        actual = os.path.getsize(path) - 4 - 4 * ndim
        if actual != nbytes:
            raise bad(f"shape {shape} of {dtype.name} needs {nbytes} data bytes, the file has {actual}")
    data = bytearray()
    while len(data) <= nbytes:  # grows only as real data arrive, whatever the header claims
        chunk = f.read(min(_CHUNK, nbytes + 1 - len(data)))
        if not chunk:
            break
        data += chunk
    if len(data) != nbytes:
        found = "more" if len(data) > nbytes else str(len(data))
        raise bad(f"shape {shape} of {dtype.name} needs {nbytes} data bytes, the file has {found}")
    return np.frombuffer(data, dtype=dtype).astype(dtype.newbyteorder("=")).reshape(shape)
