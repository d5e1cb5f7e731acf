"""Tensor: one NumPy array, plus the node that made it when it is part of a graph."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .device import device
from .dtypes import as_array, check_differentiable, to_arguments
from .errors import ArgumentError, ShapeError
from .grad_mode import clock, no_grad, state

if TYPE_CHECKING:
    from .ops.axes import Axis


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Callable[..., Any]], hook: Callable[..., Any]) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# the read-only 0-d arrays of recently lifted Python numbers, by the number's identity (kept alive here, so
# the id is not reused): ``y * 1.0001`` in a loop makes one array, not one per op (time and memory per node)
_numbers: dict[int, tuple[float | int, np.ndarray]] = {}


def _number_array(x: float | int, like: np.dtype) -> np.ndarray:
    """The Python number ``x`` as a read-only 0-d array of the float dtype ``like``, shared between ops."""
    entry = _numbers.get(id(x))
    if entry is not None and entry[0] is x and entry[1].dtype is like:
        return entry[1]
    array = np.asarray(x, dtype=like)
    array.flags.writeable = False
    if len(_numbers) >= 256:  # a loop over many different numbers must not grow it without bound
        _numbers.clear()
    _numbers[id(x)] = (x, array)
    return array


class Tensor:
    """An n-dimensional array that records the operations made on it for reverse-mode differentiation.

    >>> import autograd
    >>> x = autograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.], dtype=float32)
    """

    # data, graph link and flag are slots (set for every tensor; in the compiled build tensor.pxd makes
    # them C members); the rarely used fields are class-level defaults that an instance overrides only
    # when it needs them
    __slots__ = ("__dict__", "__weakref__", "data", "grad_fn", "requires_grad")
    _grad: Tensor | None = None
    _hooks: list[Callable[..., Any]] | None = None
    _retains_grad = False
    _version = 0
    name: str | None = None
    # == is elementwise, so identity hashing is restored explicitly: the def is what the compiled class
    # uses (Cython makes its hash slot from a def), the assignment after it what Python uses (faster)
    def __hash__(self) -> int:
        return id(self)

    __hash__ = object.__hash__  # noqa: F811

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if type(self) is not Tensor:
            _check_subclass(type(self))
        if isinstance(data, Tensor):
            data = data.data
        self.data = as_array(data, dtype)
        self.grad_fn = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _constant(cls, data: np.ndarray) -> Tensor:
        """Wrap an array without copying; never requires grad."""
        if cls is not Tensor:
            _check_subclass(cls)
        t = cls.__new__(cls)
        t.data = data
        t.grad_fn = None
        t.requires_grad = False
        return t

    @classmethod
    def _lift(cls, x: Any, like: np.dtype | None) -> Tensor:
        """A constant operand: Python and NumPy scalars take a float neighbour's dtype, Python ints an integer
        neighbour's (weak scalars: int32 + 1 stays int32, and uint8 + 300 wraps, as PyTorch)."""
        if isinstance(x, np.ndarray):
            return cls._constant(x)
        if like is not None and like.kind == "f":
            if type(x) is float or type(x) is int:
                return cls._constant(_number_array(x, like))
            if np.ndim(x) == 0:
                return cls._constant(np.asarray(x, dtype=like))
        if like is not None and like.kind in "iu" and type(x) is int:
            return cls._constant(np.asarray(x).astype(like))
        return cls._constant(as_array(x))

    # ------------------------------------------------------------------ gradients and graph state
    @property
    def grad(self) -> Tensor | None:
        """∂L/∂self after ``backward``; populated for leaves, and for others after ``retain_grad()``."""
        grad = self._grad
        if grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf is being read. It is not filled "
                "by backward(); call .retain_grad() on it before backward if you want it.",
                UserWarning, stacklevel=2)
        return grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None and not isinstance(value, Tensor):
            value = Tensor._constant(np.asarray(value))
        if value is not None and value.shape != self.shape:
            raise ShapeError(f"assigned grad has shape {value.shape}, but the tensor has shape {self.shape}")
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        """True for tensors not made by a recorded op (user-created, or made under no_grad)."""
        return self.grad_fn is None

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place on a leaf; returns self."""
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("requires_grad can only be turned off on leaf tensors; use .detach()")
        if requires_grad:
            check_differentiable(self.data.dtype)
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if self.grad_fn is not None:
            self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor replaces it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        hooks = self._hooks
        if hooks is None:
            hooks = self._hooks = []
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (sets ``.grad`` to None, like PyTorch's default)."""
        self._grad = None

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut from the graph."""
        return Tensor._constant(self.data)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place: it becomes a leaf that does not require grad."""
        self.grad_fn = None
        self.requires_grad = False
        return self

    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
        """Accumulate ∂self/∂leaf into every leaf's ``.grad``; ``gradient`` is needed unless self is a scalar.
        The graph is kept if ``retain_graph`` (by default: if ``create_graph``)."""
        engine.backward(self, None if gradient is None else [gradient], retain_graph, create_graph)

    # ------------------------------------------------------------------ array-like properties
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    def size(self, dim: int | None = None) -> tuple[int, ...] | int:
        """The shape, or the length of dimension ``dim`` (PyTorch's ``size``; the element count is ``numel()``)."""
        if dim is None:
            return self.data.shape
        return self.data.shape[ops.axes.normalize_axis(dim, self.data.ndim)[0]]

    def dim(self) -> int:
        """The number of dimensions (``ndim``)."""
        return self.data.ndim

    def numel(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def T(self) -> Tensor:
        return ops.transpose(self)

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> float | int | bool:
        if self.data.size != 1:
            raise ArgumentError(f"only one-element tensors can be converted to a Python scalar, got shape {self.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def astype(self, dtype: Any) -> Tensor:
        """A copy in another dtype (float to float stays differentiable)."""
        return ops.cast(self, np.dtype(dtype))

    def to(self, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False) -> Tensor:
        """PyTorch's ``to``: a dtype (differentiable between floats), a device ("cpu" only) or a tensor to match.
        Self when nothing changes, unless ``copy``."""
        dtype = to_arguments(args, dtype, device)
        if dtype is None or dtype == self.dtype:
            return ops.clone(self) if copy else self
        return self.astype(dtype)

    def float(self) -> Tensor:
        """As float32 (whatever the default dtype), as PyTorch's ``float()``."""
        return self.to(np.float32)

    def double(self) -> Tensor:
        return self.to(np.float64)

    def half(self) -> Tensor:
        return self.to(np.float16)

    def int(self) -> Tensor:
        """As int32 (a constant: integer tensors carry no gradient)."""
        return self.to(np.int32)

    def long(self) -> Tensor:
        """As int64 (a constant)."""
        return self.to(np.int64)

    def bool(self) -> Tensor:
        """As bool (a constant)."""
        return self.to(np.bool_)

    def clone(self) -> Tensor:
        """A copy of the data, still in the graph (the gradient passes through)."""
        return ops.clone(self)

    def contiguous(self) -> Tensor:
        """Self: every tensor here is usable as it is."""
        return self

    def zero_(self) -> Tensor:
        """Fill with zeros in place (under ``no_grad``, or on a tensor that does not require grad)."""
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        """Fill with ``value`` in place (under ``no_grad``, or on a tensor that does not require grad)."""
        if state.enabled and self.requires_grad:
            raise RuntimeError("a tensor that requires grad is being filled in place; do it inside "
                               "autograd.no_grad(), or make a new tensor with autograd.full_like(t, value)")
        self.data[...] = value.data if isinstance(value, Tensor) else value
        self._bump_version()
        return self

    # in place, PyTorch's spellings: the out-of-place op's values written into ``data`` (views see them)
    def add_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return self._update("add_", lambda: self.add(other, alpha=alpha), other)

    def sub_(self, other: Any, *, alpha: Any = 1) -> Tensor:
        return self._update("sub_", lambda: self.sub(other, alpha=alpha), other)

    def mul_(self, other: Any) -> Tensor:
        return self._update("mul_", lambda: self.mul(other), other)

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        return self._update("div_", lambda: ops.div(self, other, rounding_mode=rounding_mode), other)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._update("clamp_", lambda: self.clamp(min, max), min, max)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        return self._update("masked_fill_", lambda: self.masked_fill(mask, value), value)

    def scatter_(self, dim: int | None = None, index: Any = None, src: Any = None, *, value: Any = None,
                 reduce: str | None = None, axis: int | None = None) -> Tensor:
        return self._update("scatter_", lambda: self.scatter(dim, index, src, value=value, reduce=reduce, axis=axis),
                            src, value)

    def scatter_add_(self, dim: int | None = None, index: Any = None, src: Any = None, *,
                     axis: int | None = None) -> Tensor:
        return self._update("scatter_add_", lambda: self.scatter_add(dim, index, src, axis=axis), src)

    def _update(self, name: str, result: Callable[[], Tensor], *others: Any) -> Tensor:
        """An in-place method: where no gradient is recorded (under ``no_grad``, or nothing requires grad), the
        out-of-place op's values go into ``data`` and the version moves, so a backward that saved the old values
        raises. Where one would be recorded it raises: the graph links tensors, not versions of them, so an
        in-place op cannot be recorded without misrouting gradients already recorded through this tensor."""
        if state.enabled and (self.requires_grad or any(isinstance(o, Tensor) and o.requires_grad for o in others)):
            if self.requires_grad and self.grad_fn is None:
                raise RuntimeError(f"a leaf Tensor that requires grad is being used in an in-place operation "
                                   f"({name}); do it inside autograd.no_grad() (as optimizers do)")
            raise RuntimeError(f"{name} on a tensor in a recorded graph is not supported: write "
                               f"t = t.{name.rstrip('_')}(...) (recorded out of place), or do it inside "
                               "autograd.no_grad()")
        with no_grad():
            values = result().data
        if not np.can_cast(values.dtype, self.data.dtype, "same_kind"):
            raise RuntimeError(f"{name}: result type {values.dtype} can't be cast to the tensor's dtype "
                               f"{self.data.dtype}")
        if values.shape != self.data.shape:
            raise ShapeError(f"{name}: the result has shape {values.shape}, which does not fit in place in a "
                             f"tensor of shape {self.data.shape}")
        self.data[...] = values
        self._bump_version()
        return self

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, out: Any = None, **kwargs: Any) -> Any:
        """ndarray ⊕ Tensor is the Tensor op; an update of an array in place (``p.data -= lr * p.grad``) takes
        the tensor's values, as PyTorch's ``.data`` idiom does."""
        if method == "__call__" and out is not None and all(isinstance(o, np.ndarray) for o in out):
            ufunc(*[x.data if isinstance(x, Tensor) else x for x in inputs], out=out, **kwargs)
            for o in out:
                clock.tick(o)
            return out[0] if len(out) == 1 else out
        op = _UFUNC_OPS.get(ufunc.__name__)
        if method != "__call__" or op is None or out is not None or kwargs:
            return NotImplemented
        return getattr(ops, op)(*inputs)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.data)))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(f"the truth value of a tensor with {self.data.size} elements is ambiguous")
        return bool(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(", threshold=200)
        extra = [f"dtype={self.data.dtype}"]
        if self.grad_fn is not None:
            extra.append(f"grad_fn=<{self.grad_fn.name()}>")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        return f"tensor({body}, {', '.join(extra)})"

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError("only leaf tensors (not made by a recorded op) support deepcopy; use .detach()")
        out = type(self)._constant(self.data.copy())
        out.requires_grad = self.requires_grad
        out.name = self.name
        if self._grad is not None:
            out._grad = Tensor._constant(self._grad.data.copy())
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, protocol: Any) -> Any:
        if self.grad_fn is not None:
            raise RuntimeError("only leaf tensors can be pickled; use .detach()")
        return (_rebuild, (type(self), self.data, self.requires_grad))

    # ------------------------------------------------------------------ arithmetic
    # the dunders and the commonest methods go straight to Function.apply's body: each is an op of its own
    def __add__(self, other: Any) -> Tensor:
        return _apply(Add, (self, other), _NO_ATTRS)

    def __radd__(self, other: Any) -> Tensor:
        return _apply(Add, (other, self), _NO_ATTRS)

    def __sub__(self, other: Any) -> Tensor:
        return _apply(Sub, (self, other), _NO_ATTRS)

    def __rsub__(self, other: Any) -> Tensor:
        return _apply(Sub, (other, self), _NO_ATTRS)

    def __mul__(self, other: Any) -> Tensor:
        return _apply(Mul, (self, other), _NO_ATTRS)

    def __rmul__(self, other: Any) -> Tensor:
        return _apply(Mul, (other, self), _NO_ATTRS)

    def __truediv__(self, other: Any) -> Tensor:
        return _apply(Div, (self, other), _NO_ATTRS)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _apply(Div, (other, self), _NO_ATTRS)

    def __pow__(self, other: Any) -> Tensor:
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    # in place: true updates where no graph needs them (PyTorch's habit `with no_grad(): w -= lr * w.grad`)
    def __iadd__(self, other: Any) -> Tensor:
        return self._in_place(other, np.add, ops.add)

    def __isub__(self, other: Any) -> Tensor:
        return self._in_place(other, np.subtract, ops.sub)

    def __imul__(self, other: Any) -> Tensor:
        return self._in_place(other, np.multiply, ops.mul)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._in_place(other, np.true_divide, ops.div)

    def _in_place(self, other: Any, ufunc: np.ufunc, op: Callable[[Any, Any], Tensor]) -> Tensor:
        """Update ``data`` in place when no gradient is recorded; otherwise record the op out of place.

        A leaf that requires grad cannot be changed in place while grad mode is on (PyTorch's rule).
        Out of place, the name is rebound and the recorded graph keeps the old values; in place,
        the version counter moves, so a backward that needs the old values raises instead of using
        the new ones.
        """
        other_grad = isinstance(other, Tensor) and other.requires_grad
        if state.enabled and (self.requires_grad or other_grad):
            if self.requires_grad and self.grad_fn is None:
                raise RuntimeError("a leaf Tensor that requires grad is being used in an in-place operation; "
                                   "update it inside autograd.no_grad() (as optimizers do)")
            return op(self, other)
        ufunc(self.data, other.data if isinstance(other, Tensor) else other, out=self.data, casting="same_kind")
        self._bump_version()
        return self

    def _bump_version(self) -> None:
        """Note an in-place change of ``data``: a node that saved the old values now refuses to backward."""
        self._version += 1
        clock.tick(self.data)

    def __neg__(self) -> Tensor:
        return _apply(Neg, (self,), _NO_ATTRS)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return ops.abs(self)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def pow(self, exponent: Any) -> Tensor:
        return ops.pow(self, exponent)

    def add(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """self + alpha·other."""
        return ops.add(self, other if alpha == 1 else alpha * other)

    def sub(self, other: Any, *, alpha: Any = 1) -> Tensor:
        """self − alpha·other."""
        return ops.sub(self, other if alpha == 1 else alpha * other)

    def mul(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """self / other; ``rounding_mode='trunc'`` or ``'floor'`` rounds the quotient, as ``autograd.div``."""
        return ops.div(self, other, rounding_mode=rounding_mode)

    def neg(self) -> Tensor:
        return ops.neg(self)

    def erf(self) -> Tensor:
        return ops.erf(self)

    def outer(self, other: Any) -> Tensor:
        return ops.outer(self, other)

    def where(self, condition: Any, other: Any) -> Tensor:
        """Self where ``condition`` holds, else ``other`` (``torch.where(condition, self, other)``)."""
        return ops.where(condition, self, other)

    # ------------------------------------------------------------------ comparisons (no gradient)
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.eq(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return ops.ne(self, other)

    def __lt__(self, other: Any) -> Tensor:
        return ops.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return ops.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return ops.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return ops.ge(self, other)

    # ------------------------------------------------------------------ elementwise
    def exp(self) -> Tensor:
        return _apply(Exp, (self,), _NO_ATTRS)

    def log(self) -> Tensor:
        return _apply(Log, (self,), _NO_ATTRS)

    def log1p(self) -> Tensor:
        return ops.log1p(self)

    def expm1(self) -> Tensor:
        return ops.expm1(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def sin(self) -> Tensor:
        return ops.sin(self)

    def cos(self) -> Tensor:
        return ops.cos(self)

    def tanh(self) -> Tensor:
        return _apply(Tanh, (self,), _NO_ATTRS)

    def sigmoid(self) -> Tensor:
        return _apply(Sigmoid, (self,), _NO_ATTRS)

    # ------------------------------------------------------------------ softmax family (along one dim)
    def softmax(self, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
        return ops.softmax(self, dim, axis=axis, dtype=dtype)

    def log_softmax(self, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
        return ops.log_softmax(self, dim, axis=axis, dtype=dtype)

    def softmin(self, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
        return ops.softmin(self, dim, axis=axis, dtype=dtype)

    def relu(self) -> Tensor:
        return _apply(Relu, (self,), _NO_ATTRS)

    def sign(self) -> Tensor:
        return ops.sign(self)

    def maximum(self, other: Any) -> Tensor:
        return ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return ops.minimum(self, other)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        return ops.clip(self, min, max)

    clamp = clip

    # ------------------------------------------------------------------ shape, rounding, maths and sorting
    def repeat(self, *sizes: Any) -> Tensor:
        return ops.repeat(self, *sizes)

    def flip(self, *dims: Any, axis: Any = None) -> Tensor:
        return ops.flip(self, (dims[0] if len(dims) == 1 else dims) if dims else None, axis=axis)

    def roll(self, shifts: Any, dims: Any = None, *, axis: Any = None) -> Tensor:
        return ops.roll(self, shifts, dims, axis=axis)

    def unflatten(self, dim: int, sizes: Any) -> Tensor:
        return ops.unflatten(self, dim, sizes)

    def repeat_interleave(self, repeats: Any, dim: int | None = None, *, axis: int | None = None,
                          output_size: int | None = None) -> Tensor:
        return ops.repeat_interleave(self, repeats, dim, axis=axis, output_size=output_size)

    def diag(self, diagonal: int = 0) -> Tensor:
        return ops.diag(self, diagonal)

    def diagonal(self, offset: int = 0, dim1: int | None = None, dim2: int | None = None, *,
                 axis1: int | None = None, axis2: int | None = None) -> Tensor:
        return ops.diagonal(self, offset, dim1, dim2, axis1=axis1, axis2=axis2)

    def trace(self) -> Tensor:
        return ops.trace(self)

    def chunk(self, chunks: int, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, ...]:
        return ops.chunk(self, chunks, dim, axis=axis)

    def tensor_split(self, indices_or_sections: Any, dim: int | None = None, *,
                     axis: int | None = None) -> tuple[Tensor, ...]:
        return ops.tensor_split(self, indices_or_sections, dim, axis=axis)

    def floor(self) -> Tensor:
        return ops.floor(self)

    def ceil(self) -> Tensor:
        return ops.ceil(self)

    def round(self, decimals: int = 0) -> Tensor:
        return ops.round(self, decimals)

    def trunc(self) -> Tensor:
        return ops.trunc(self)

    def frac(self) -> Tensor:
        return ops.frac(self)

    def __floordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return ops.floor_divide(other, self)

    def floor_divide(self, other: Any) -> Tensor:
        return ops.floor_divide(self, other)

    def __mod__(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return ops.remainder(other, self)

    def remainder(self, other: Any) -> Tensor:
        return ops.remainder(self, other)

    def fmod(self, other: Any) -> Tensor:
        return ops.fmod(self, other)

    def rsqrt(self) -> Tensor:
        return ops.rsqrt(self)

    def square(self) -> Tensor:
        return ops.square(self)

    def log2(self) -> Tensor:
        return ops.log2(self)

    def log10(self) -> Tensor:
        return ops.log10(self)

    def exp2(self) -> Tensor:
        return ops.exp2(self)

    def tan(self) -> Tensor:
        return ops.tan(self)

    def asin(self) -> Tensor:
        return ops.asin(self)

    def acos(self) -> Tensor:
        return ops.acos(self)

    def atan(self) -> Tensor:
        return ops.atan(self)

    def atan2(self, other: Any) -> Tensor:
        return ops.atan2(self, other)

    def sinh(self) -> Tensor:
        return ops.sinh(self)

    def cosh(self) -> Tensor:
        return ops.cosh(self)

    def asinh(self) -> Tensor:
        return ops.asinh(self)

    def acosh(self) -> Tensor:
        return ops.acosh(self)

    def atanh(self) -> Tensor:
        return ops.atanh(self)

    def logaddexp(self, other: Any) -> Tensor:
        return ops.logaddexp(self, other)

    def copysign(self, other: Any) -> Tensor:
        return ops.copysign(self, other)

    def hypot(self, other: Any) -> Tensor:
        return ops.hypot(self, other)

    def lerp(self, end: Any, weight: Any) -> Tensor:
        return ops.lerp(self, end, weight)

    def clamp_min(self, min: Any) -> Tensor:
        return ops.clamp_min(self, min)

    def clamp_max(self, max: Any) -> Tensor:
        return ops.clamp_max(self, max)

    def sort(self, dim: int | None = None, descending: bool = False, stable: bool = False, *,
             axis: int | None = None) -> Any:
        return ops.sort(self, dim, descending, stable, axis=axis)

    def argsort(self, dim: int | None = None, descending: bool = False, stable: bool = False, *,
                axis: int | None = None) -> Tensor:
        return ops.argsort(self, dim, descending, stable, axis=axis)

    def topk(self, k: int, dim: int | None = None, largest: bool = True, sorted: bool = True, *,
             axis: int | None = None) -> Any:
        return ops.topk(self, k, dim, largest, sorted, axis=axis)

    def kthvalue(self, k: int, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None,
                 keepdims: bool | None = None) -> Any:
        return ops.kthvalue(self, k, dim, keepdim, axis=axis, keepdims=keepdims)

    def median(self, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None,
               keepdims: bool | None = None) -> Any:
        return ops.median(self, dim, keepdim, axis=axis, keepdims=keepdims)

    # ------------------------------------------------------------------ reductions
    def sum(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None,
            dtype: Any = None) -> Tensor:
        return ops.sum(self, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)

    def mean(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None,
             dtype: Any = None) -> Tensor:
        return ops.mean(self, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)

    def max(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None) -> Any:
        """The largest value; over one ``dim``, the named tuple ``(values, indices)`` (as PyTorch)."""
        return ops.max(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def min(self, axis: Any = None, keepdims: bool = False, *, dim: Any = None, keepdim: bool | None = None) -> Any:
        """The smallest value; over one ``dim``, the named tuple ``(values, indices)`` (as PyTorch)."""
        return ops.min(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def amax(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None) -> Tensor:
        return ops.amax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def amin(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None) -> Tensor:
        return ops.amin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def prod(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None,
             dtype: Any = None) -> Tensor:
        return ops.prod(self, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
                  keepdim: bool | None = None) -> Tensor:
        return ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def var(self, axis: Axis = None, unbiased: bool | None = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None, correction: float | None = None, ddof: float | None = None) -> Tensor:
        return ops.var(self, axis, unbiased, keepdims, dim=dim, keepdim=keepdim, correction=correction, ddof=ddof)

    def std(self, axis: Axis = None, unbiased: bool | None = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None, correction: float | None = None, ddof: float | None = None) -> Tensor:
        return ops.std(self, axis, unbiased, keepdims, dim=dim, keepdim=keepdim, correction=correction, ddof=ddof)

    def argmax(self, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None,
               keepdim: bool | None = None) -> Tensor:
        return ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(self, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None,
               keepdim: bool | None = None) -> Tensor:
        return ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> Tensor:
        return ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, *dims: Any) -> Tensor:
        return ops.transpose(self, *dims)

    def permute(self, *dims: Any) -> Tensor:
        return ops.permute(self, *dims)

    def squeeze(self, axis: Axis = None, *, dim: Axis = None) -> Tensor:
        return ops.squeeze(self, axis, dim=dim)

    def unsqueeze(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        return ops.unsqueeze(self, dim, axis=axis)

    def expand(self, *sizes: Any) -> Tensor:
        return ops.expand(self, *sizes)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return ops.broadcast_to(self, shape)

    def split(self, split_size_or_sections: Any, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, ...]:
        return ops.split(self, split_size_or_sections, dim, axis=axis)

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    # ------------------------------------------------------------------ linear algebra
    def matmul(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def dot(self, other: Any) -> Tensor:
        return ops.dot(self, other)

    # ------------------------------------------------------------------ masks, gather/scatter, products, cumulative
    def __invert__(self) -> Tensor:
        return ops.bitwise_not(self)

    def bitwise_not(self) -> Tensor:
        return ops.bitwise_not(self)

    def logical_not(self) -> Tensor:
        return ops.logical_not(self)

    def logical_and(self, other: Any) -> Tensor:
        return ops.logical_and(self, other)

    def logical_or(self, other: Any) -> Tensor:
        return ops.logical_or(self, other)

    def logical_xor(self, other: Any) -> Tensor:
        return ops.logical_xor(self, other)

    def any(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None) -> Tensor:
        return ops.any(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def all(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None) -> Tensor:
        return ops.all(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def isnan(self) -> Tensor:
        return ops.isnan(self)

    def isinf(self) -> Tensor:
        return ops.isinf(self)

    def isfinite(self) -> Tensor:
        return ops.isfinite(self)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def nonzero(self, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
        return ops.nonzero(self, as_tuple=as_tuple)

    def masked_select(self, mask: Any) -> Tensor:
        return ops.masked_select(self, mask)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        return ops.masked_fill(self, mask, value)

    def tril(self, diagonal: int = 0) -> Tensor:
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return ops.triu(self, diagonal)

    def gather(self, dim: int | None = None, index: Any = None, *, axis: int | None = None) -> Tensor:
        return ops.gather(self, dim, index, axis=axis)

    def scatter(self, dim: int | None = None, index: Any = None, src: Any = None, *, value: Any = None,
                reduce: str | None = None, axis: int | None = None) -> Tensor:
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce, axis=axis)

    def scatter_add(self, dim: int | None = None, index: Any = None, src: Any = None, *, axis: int | None = None) -> Tensor:
        return ops.scatter_add(self, dim, index, src, axis=axis)

    def scatter_reduce(self, dim: int | None = None, index: Any = None, src: Any = None, reduce: str | None = None, *,
                       include_self: bool = True, axis: int | None = None) -> Tensor:
        return ops.scatter_reduce(self, dim, index, src, reduce, include_self=include_self, axis=axis)

    def index_select(self, dim: int | None = None, index: Any = None, *, axis: int | None = None) -> Tensor:
        return ops.index_select(self, dim, index, axis=axis)

    def mm(self, other: Any) -> Tensor:
        return ops.mm(self, other)

    def bmm(self, other: Any) -> Tensor:
        return ops.bmm(self, other)

    def t(self) -> Tensor:
        return ops.t(self)

    def norm(self, p: float | str | None = "fro", dim: Axis = None, keepdim: bool = False, dtype: Any = None, *,
             axis: Axis = None, keepdims: bool | None = None) -> Tensor:
        return ops.norm(self, p, dim, keepdim, dtype, axis=axis, keepdims=keepdims)

    def cumsum(self, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
        return ops.cumsum(self, dim, axis=axis, dtype=dtype)

    def cumprod(self, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
        return ops.cumprod(self, dim, axis=axis, dtype=dtype)

    def cummax(self, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, Tensor]:
        return ops.cummax(self, dim, axis=axis)

    def cummin(self, dim: int | None = None, *, axis: int | None = None) -> tuple[Tensor, Tensor]:
        return ops.cummin(self, dim, axis=axis)

    def logcumsumexp(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        return ops.logcumsumexp(self, dim, axis=axis)

    # ------------------------------------------------------------------ comparisons and bitwise ops as methods
    def eq(self, other: Any) -> Tensor:
        return ops.eq(self, other)

    def ne(self, other: Any) -> Tensor:
        return ops.ne(self, other)

    def lt(self, other: Any) -> Tensor:
        return ops.lt(self, other)

    def le(self, other: Any) -> Tensor:
        return ops.le(self, other)

    def gt(self, other: Any) -> Tensor:
        return ops.gt(self, other)

    def ge(self, other: Any) -> Tensor:
        return ops.ge(self, other)

    greater = gt
    greater_equal = ge
    less = lt
    less_equal = le
    not_equal = ne

    def equal(self, other: Any) -> bool:
        """Whether ``other`` has the same shape and the same values (a Python bool)."""
        return ops.equal(self, other)

    def __and__(self, other: Any) -> Tensor:
        return ops.bitwise_and(self, other)

    def __rand__(self, other: Any) -> Tensor:
        return ops.bitwise_and(other, self)

    def __or__(self, other: Any) -> Tensor:
        return ops.bitwise_or(self, other)

    def __ror__(self, other: Any) -> Tensor:
        return ops.bitwise_or(other, self)

    def __xor__(self, other: Any) -> Tensor:
        return ops.bitwise_xor(self, other)

    def __rxor__(self, other: Any) -> Tensor:
        return ops.bitwise_xor(other, self)

    def __lshift__(self, other: Any) -> Tensor:
        return ops.bitwise_left_shift(self, other)

    def __rlshift__(self, other: Any) -> Tensor:
        return ops.bitwise_left_shift(other, self)

    def __rshift__(self, other: Any) -> Tensor:
        return ops.bitwise_right_shift(self, other)

    def __rrshift__(self, other: Any) -> Tensor:
        return ops.bitwise_right_shift(other, self)

    def bitwise_and(self, other: Any) -> Tensor:
        return ops.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> Tensor:
        return ops.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> Tensor:
        return ops.bitwise_xor(self, other)

    def bitwise_left_shift(self, other: Any) -> Tensor:
        return ops.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other: Any) -> Tensor:
        return ops.bitwise_right_shift(self, other)

    def signbit(self) -> Tensor:
        return ops.signbit(self)

    def isposinf(self) -> Tensor:
        return ops.isposinf(self)

    def isneginf(self) -> Tensor:
        return ops.isneginf(self)

    def heaviside(self, values: Any) -> Tensor:
        return ops.heaviside(self, values)

    def count_nonzero(self, dim: Axis = None) -> Tensor:
        return ops.count_nonzero(self, dim)

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator: Any = None) -> Tensor:
        """``autograd.multinomial`` of this tensor's weights."""
        return creation.multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, *, generator: Any = None) -> Tensor:
        """``autograd.bernoulli`` of this tensor's probabilities."""
        return creation.bernoulli(self, generator=generator)

    # ------------------------------------------------------------------ PyTorch's other names, and more maths
    multiply = mul
    divide = div
    subtract = sub
    negative = neg
    absolute = abs
    fix = trunc
    sgn = sign
    arcsin = asin
    arccos = acos
    arctan = atan
    arctan2 = atan2
    arcsinh = asinh
    arccosh = acosh
    arctanh = atanh

    def true_divide(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def positive(self) -> Tensor:
        return self

    def reciprocal(self) -> Tensor:
        return ops.reciprocal(self)

    def xlogy(self, other: Any) -> Tensor:
        return ops.xlogy(self, other)

    def logit(self, eps: float | None = None) -> Tensor:
        return ops.logit(self, eps)

    def sinc(self) -> Tensor:
        return ops.sinc(self)

    def erfc(self) -> Tensor:
        return ops.erfc(self)

    def deg2rad(self) -> Tensor:
        return ops.deg2rad(self)

    def rad2deg(self) -> Tensor:
        return ops.rad2deg(self)

    def fmax(self, other: Any) -> Tensor:
        return ops.fmax(self, other)

    def fmin(self, other: Any) -> Tensor:
        return ops.fmin(self, other)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
        return ops.nan_to_num(self, nan, posinf, neginf)

    def logaddexp2(self, other: Any) -> Tensor:
        return ops.logaddexp2(self, other)

    def float_power(self, exponent: Any) -> Tensor:
        return ops.float_power(self, exponent)

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
        return ops.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
        return ops.addcdiv(self, tensor1, tensor2, value=value)

    def nansum(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None,
               dtype: Any = None) -> Tensor:
        return ops.nansum(self, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)

    def nanmean(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None,
                dtype: Any = None) -> Tensor:
        return ops.nanmean(self, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)

    def aminmax(self, *, dim: int | None = None, keepdim: bool = False) -> Any:
        return ops.aminmax(self, dim=dim, keepdim=keepdim)

    def mv(self, vec: Any) -> Tensor:
        return ops.mv(self, vec)

    def inner(self, other: Any) -> Tensor:
        return ops.inner(self, other)

    def vdot(self, other: Any) -> Tensor:
        return ops.vdot(self, other)

    def addmm(self, mat1: Any, mat2: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
        return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def kron(self, other: Any) -> Tensor:
        return ops.kron(self, other)

    def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
        return ops.index_add(self, dim, index, source, alpha=alpha)

    def index_fill(self, dim: int, index: Any, value: Any) -> Tensor:
        return ops.index_fill(self, dim, index, value)

    def index_copy(self, dim: int, index: Any, source: Any) -> Tensor:
        return ops.index_copy(self, dim, index, source)

    def index_add_(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Tensor:
        return self._update("index_add_", lambda: self.index_add(dim, index, source, alpha=alpha), source)

    def index_fill_(self, dim: int, index: Any, value: Any) -> Tensor:
        return self._update("index_fill_", lambda: self.index_fill(dim, index, value), value)

    def index_copy_(self, dim: int, index: Any, source: Any) -> Tensor:
        return self._update("index_copy_", lambda: self.index_copy(dim, index, source), source)

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
               dim: int | None = None) -> Any:
        return ops.unique(self, sorted, return_inverse, return_counts, dim)

    def bincount(self, weights: Any = None, minlength: int = 0) -> Tensor:
        return ops.bincount(self, weights, minlength)

    def quantile(self, q: Any, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
        return ops.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def inverse(self) -> Tensor:
        return ops.inverse(self)

    def det(self) -> Tensor:
        return ops.det(self)

    def slogdet(self) -> Any:
        return ops.slogdet(self)

    def logdet(self) -> Tensor:
        return ops.logdet(self)

    def matrix_power(self, n: int) -> Tensor:
        return ops.matrix_power(self, n)

    def cross(self, other: Any, dim: int | None = None) -> Tensor:
        return ops.cross(self, other, dim)

    # ------------------------------------------------------------------ more shape methods
    def movedim(self, source: Any, destination: Any) -> Tensor:
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        return ops.swapaxes(self, axis0, axis1)

    swapdims = swapaxes

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        return ops.narrow(self, dim, start, length)

    def select(self, dim: int, index: int) -> Tensor:
        return ops.select(self, dim, index)

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        return ops.unbind(self, dim)

    def tile(self, *dims: Any) -> Tensor:
        return ops.tile(self, *dims)

    def fliplr(self) -> Tensor:
        return ops.fliplr(self)

    def flipud(self) -> Tensor:
        return ops.flipud(self)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Tensor:
        return ops.rot90(self, k, dims)

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        return ops.unfold(self, dimension, size, step)

    def take(self, index: Any) -> Tensor:
        return ops.take(self, index)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        return ops.take_along_dim(self, indices, dim)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        return ops.diff(self, n, dim, prepend, append)

    def diagflat(self, offset: int = 0) -> Tensor:
        return ops.diagflat(self, offset)

    def ravel(self) -> Tensor:
        return ops.reshape(self, (-1,))

    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
        return ops.split(self, list(split_sizes), dim)

    def expand_as(self, other: Tensor) -> Tensor:
        return ops.expand(self, other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, other.shape)

    view_as = reshape_as

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    # ------------------------------------------------------------------ what PyTorch code asks of a tensor
    def is_floating_point(self) -> bool:
        return self.data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self.data.dtype.kind == "c"

    def is_signed(self) -> bool:
        return self.data.dtype.kind in "ifc"

    def ndimension(self) -> int:
        return self.data.ndim

    def nelement(self) -> int:
        return self.data.size

    def element_size(self) -> int:
        """Bytes per element."""
        return self.data.itemsize

    @property
    def itemsize(self) -> int:
        return self.data.itemsize

    @property
    def nbytes(self) -> int:
        return self.data.nbytes

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True: a Tensor is read as one row-major block (``contiguous()`` returns it as it is)."""
        return True

    def cpu(self) -> Tensor:
        return self

    @property
    def device(self) -> device:
        """Always the CPU, ``device("cpu")`` (equal to ``"cpu"``): the data is a NumPy array."""
        return _CPU

    @property
    def is_cpu(self) -> bool:
        return True

    @property
    def is_cuda(self) -> bool:
        return False

    def new_zeros(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Zeros of ``size`` in this tensor's dtype (unless given)."""
        return _new(np.zeros, size, dtype or self.dtype, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return _new(np.ones, size, dtype or self.dtype, requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return _new(np.zeros, size, dtype or self.dtype, requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        t = _new(np.empty, (size,), dtype or self.dtype, False)
        t.data[...] = fill_value
        return t.requires_grad_(True) if requires_grad else t

    def new_tensor(self, data: Any, *, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """A new leaf from ``data``, in this tensor's dtype (unless given)."""
        return Tensor(np.array(data.data if isinstance(data, Tensor) else data), requires_grad=requires_grad,
                      dtype=dtype or self.dtype)


_CPU = device("cpu")
_FIELDS = ("data", "grad_fn", "requires_grad")  # read directly by the compiled engine
_checked_subclasses: set[type] = set()


def _check_subclass(cls: type) -> None:
    """Refuse a subclass that redefines a field the engine reads directly: the compiled build could not honour it."""
    if cls in _checked_subclasses:
        return
    for klass in cls.__mro__[:cls.__mro__.index(Tensor)]:
        for name in _FIELDS:
            if name in vars(klass):
                raise TypeError(f"{cls.__name__} redefines Tensor.{name}; a Tensor subclass may add attributes and "
                                f"methods but not replace {', '.join(_FIELDS)}, which the engine reads directly")
    _checked_subclasses.add(cls)


def _new(make: Any, size: tuple[Any, ...], dtype: Any, requires_grad: bool) -> Tensor:
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], tuple | list) else tuple(size)
    t = Tensor._constant(make(shape, dtype=np.dtype(dtype)))
    return t.requires_grad_(True) if requires_grad else t


def _rebuild(cls: type[Tensor], data: np.ndarray, requires_grad: bool) -> Tensor:
    return cls(data, requires_grad=requires_grad)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Make a leaf Tensor (copies ``data``); same as ``Tensor(...)``."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a Tensor."""
    return isinstance(obj, Tensor)


def numel(t: Tensor) -> int:
    """The number of elements of ``t``."""
    return t.numel()


def is_floating_point(t: Tensor) -> bool:
    """Whether ``t`` has a floating-point dtype."""
    return t.is_floating_point()


# ndarray ⊕ Tensor: the ufuncs NumPy hands to Tensor.__array_ufunc__, and the ops that do them
_UFUNC_OPS = {"add": "add", "subtract": "sub", "multiply": "mul", "divide": "div", "power": "pow",
              "matmul": "matmul", "equal": "eq", "not_equal": "ne", "less": "lt", "less_equal": "le",
              "greater": "gt", "greater_equal": "ge", "bitwise_and": "bitwise_and", "bitwise_or": "bitwise_or",
              "bitwise_xor": "bitwise_xor", "left_shift": "bitwise_left_shift", "right_shift": "bitwise_right_shift"}

from . import creation, engine, ops  # noqa: E402  (they import Tensor)
from .function import _NO_ATTRS, _apply  # noqa: E402  (function.py imports Tensor)
from .ops.elementwise import Add, Div, Exp, Log, Mul, Neg, Relu, Sigmoid, Sub, Tanh  # noqa: E402
