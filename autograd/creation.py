"""Creation functions and the library's random generator."""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import as_array, get_default_dtype
from .errors import ArgumentError, ShapeError
from .tensor import Tensor

_rng = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator behind ``rand``, ``randn``, ``nn.init`` and dropout."""
    global _rng
    _rng = np.random.default_rng(seed)


def default_generator() -> np.random.Generator:
    """The library's NumPy generator (seeded by ``manual_seed``)."""
    return _rng


def get_rng_state() -> dict[str, Any]:
    """The generator's state, JSON-friendly, for checkpoints."""
    return _rng.bit_generator.state


def set_rng_state(rng_state: dict[str, Any]) -> None:
    """Restore a state from ``get_rng_state``."""
    _rng.bit_generator.state = rng_state


def _shape(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and not isinstance(size[0], int | np.integer):
        return tuple(int(s) for s in size[0])
    return tuple(int(s) for s in size)


def _make(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._constant(data)
    return t.requires_grad_(True) if requires_grad else t


def _dtype(dtype: Any) -> np.dtype:
    return get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _make(np.zeros(_shape(size), _dtype(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _make(np.ones(_shape(size), _dtype(dtype)), requires_grad)


def _inferred(value: Any, dtype: Any) -> np.dtype:
    """``dtype``, or the one PyTorch infers from a fill value: bool, int64 or the default float."""
    if dtype is not None:
        return np.dtype(dtype)
    return as_array(value.data if isinstance(value, Tensor) else value).dtype


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value (int64 for an int) unless given."""
    return _make(np.full(_shape((size,)), fill_value, _inferred(fill_value, dtype)), requires_grad)


def full_like(t: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.full(data.shape, fill_value, dtype or data.dtype), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor."""
    return _make(np.empty(_shape(size), _dtype(dtype)), requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, end): int64 when all three are integers, else the default float."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        kinds = {as_array(v.data if isinstance(v, Tensor) else v).dtype.kind for v in (start, end, step)}
        dtype = get_default_dtype() if "f" in kinds else np.int64
    return _make(np.arange(start, end, step, dtype=np.dtype(dtype)), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from start to end inclusive, computed as PyTorch does: the first half
    counted from ``start``, the second from ``end``, in the dtype (integers: ends truncated, steps in float64)."""
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ArgumentError(f"linspace: number of steps must be a non-negative int, got {steps!r}")
    out = _dtype(dtype)
    if out.kind not in "iuf":
        raise ArgumentError(f"linspace: not implemented for dtype {out}")
    work = np.dtype(np.float64) if out.kind in "iu" else out
    first, last = (np.array(v).astype(out).astype(work) for v in (start, end))
    step = (last - first) / work.type(max(steps - 1, 1))
    i = np.arange(steps).astype(work)
    values = np.where(np.arange(steps) < steps // 2, first + step * i, last - step * (work.type(steps - 1) - i))
    if steps == 1:
        values = first.reshape(1)
    return _make(values.astype(out), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix."""
    return _make(np.eye(n, m, dtype=_dtype(dtype)), requires_grad)


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the library's generator (or ``generator``)."""
    return _make(_stream(generator).random(_shape(size)).astype(_dtype(dtype)), requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the library's generator (or ``generator``)."""
    return _make(_stream(generator).standard_normal(_shape(size)).astype(_dtype(dtype)), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.zeros(data.shape, dtype or data.dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(np.ones(data.shape, dtype or data.dtype), requires_grad)


def randn_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(_rng.standard_normal(data.shape).astype(dtype or data.dtype), requires_grad)


class Generator:
    """PyTorch's ``Generator``: a random stream of its own for ``generator=`` arguments, seeded with
    ``manual_seed`` (NumPy's PCG64 behind it, so its numbers are not PyTorch's)."""

    def __init__(self, device: Any = "cpu") -> None:
        self._seed = int(np.random.SeedSequence().entropy % 2**63)
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict[str, Any]:
        return self.rng.bit_generator.state

    def set_state(self, state: dict[str, Any]) -> Generator:
        self.rng.bit_generator.state = state
        return self


def _stream(generator: Generator | None) -> np.random.Generator:
    if generator is None:
        return _rng
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be an autograd.Generator, got {type(generator).__name__}")
    return generator.rng


def randint(*args: Any, size: Any = None, generator: Generator | None = None, dtype: Any = None,
            requires_grad: bool = False) -> Tensor:
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``; int64."""
    if size is None:
        *bounds, size = args if args else (None,)
    else:
        bounds = list(args)
    if len(bounds) not in (1, 2) or size is None:
        raise TypeError("randint() takes (high, size) or (low, high, size), e.g. randint(0, 10, (3,))")
    low, high = (0, *bounds) if len(bounds) == 1 else tuple(bounds)
    if high <= low:
        raise ArgumentError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    out = np.dtype(np.int64) if dtype is None else np.dtype(dtype)
    return _make(_stream(generator).integers(low, high, _shape((size,))).astype(out), requires_grad)


def randint_like(t: Any, low: int = 0, high: int | None = None, *, dtype: Any = None) -> Tensor:
    """``randint`` with ``t``'s shape and (unless given) dtype: ``randint_like(t, high)`` or ``(t, low, high)``."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    low, high = (0, low) if high is None else (low, high)
    return randint(low, high, data.shape, dtype=dtype or data.dtype)


def rand_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) with ``t``'s shape and (unless given) dtype."""
    data = np.asarray(t.data if isinstance(t, Tensor) else t)
    return _make(_rng.random(data.shape).astype(dtype or data.dtype), requires_grad)


def empty_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor with ``t``'s shape and (unless given) dtype (filled with zeros here)."""
    return zeros_like(t, dtype, requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 … n − 1; int64."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"randperm(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise ArgumentError(f"randperm: n must be non-negative, got {n}")
    out = np.dtype(np.int64) if dtype is None else np.dtype(dtype)
    return _make(_stream(generator).permutation(n).astype(out), requires_grad)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal samples: elementwise for tensor ``mean``/``std`` (broadcast), or of ``size`` for numbers."""
    m = np.asarray(mean.data if isinstance(mean, Tensor) else mean)
    s = np.asarray(std.data if isinstance(std, Tensor) else std)
    if (s < 0).any():
        raise ArgumentError(f"normal expects std >= 0.0, but found std {s.min()}")
    shape = np.broadcast_shapes(m.shape, s.shape) if size is None else _shape((size,))
    float_in = [a.dtype for a in (m, s) if a.dtype.kind == "f" and a.ndim]
    out = np.dtype(dtype) if dtype is not None else (float_in[0] if float_in else get_default_dtype())
    return _make((m + s * _stream(generator).standard_normal(shape)).astype(out), requires_grad)


def bernoulli(p: Any, *, generator: Generator | None = None) -> Tensor:
    """1 with probability ``p`` (elementwise), else 0, in ``p``'s dtype."""
    probs = np.asarray(p.data if isinstance(p, Tensor) else p)
    if probs.size and not ((probs >= 0) & (probs <= 1)).all():
        raise ArgumentError("bernoulli: all probabilities must be in [0, 1]")
    return Tensor._constant((_stream(generator).random(probs.shape) < probs).astype(probs.dtype))


def multinomial(p: Any, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """``num_samples`` indices drawn by the weights in each row of ``p`` (1-d or 2-d, not normalised); int64."""
    w = np.asarray(p.data if isinstance(p, Tensor) else p, dtype=np.float64)
    if w.ndim not in (1, 2):
        raise ShapeError(f"multinomial: prob_dist must be 1 or 2 dim, got {w.ndim}")
    if num_samples <= 0:
        raise ArgumentError(f"multinomial: cannot sample n_sample <= 0 samples, got {num_samples}")
    rows = w.reshape(-1, w.shape[-1])
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ArgumentError("multinomial: probability tensor contains either inf, nan or element < 0")
    if (rows.sum(1) <= 0).any():
        raise ArgumentError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _stream(generator)
    if replacement:
        drawn = np.array([rng.choice(rows.shape[1], num_samples, p=r / r.sum()) for r in rows], dtype=np.int64)
    else:
        if num_samples > rows.shape[1]:
            raise ArgumentError("multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        # the exponential race: each category's key w/E (E ~ Exp(1)); the largest keys are a weighted draw without
        # replacement, and zero weights come last, after every category that can be drawn (as PyTorch)
        keys = rows / rng.exponential(size=rows.shape)
        drawn = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples].astype(np.int64)
    return Tensor._constant(drawn.reshape((*w.shape[:-1], num_samples)))


def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``base`` to the powers ``linspace(start, end, steps)``."""
    powers = linspace(start, end, steps, dtype=np.float64).data
    return _make((base**powers).astype(_dtype(dtype)), requires_grad)


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """A Tensor of ``data``, sharing a NumPy array's memory when no conversion is needed (a Tensor as it is)."""
    if isinstance(data, Tensor):
        return data if dtype is None or np.dtype(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(dtype) == data.dtype):
        return Tensor._constant(data)
    return Tensor._constant(as_array(data, dtype))


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing ``array``'s memory: a write to one is seen by the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor._constant(array)


def _triangle(row: int, col: int, offset: int, upper: bool, dtype: Any) -> Tensor:
    rows, cols = np.triu_indices(row, offset, col) if upper else np.tril_indices(row, offset, col)
    return Tensor._constant(np.stack([rows, cols]).astype(np.int64 if dtype is None else dtype))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None) -> Tensor:
    """The (2, N) coordinates of the lower triangle (on and below diagonal ``offset``) of a row × col matrix."""
    return _triangle(row, col, offset, False, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None) -> Tensor:
    """The (2, N) coordinates of the upper triangle (on and above diagonal ``offset``) of a row × col matrix."""
    return _triangle(row, col, offset, True, dtype)
