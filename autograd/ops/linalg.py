"""Linear algebra: matmul for 1-d, 2-d and batched operands and the products built on it; einsum; norms (vector
and nuclear)."""

from __future__ import annotations

import string
from typing import Any, NamedTuple

import numpy as np

from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Context, Function, once_differentiable
from ..tensor import Tensor
from .axes import normalize_axis
from .elementwise import Cast, Where, _data, _tensor, abs, cast, sign
from .rearrange import broadcast_tensors, select
from .shape import SumTo, reshape, squeeze, stack, transpose, unsqueeze


def _swap_last(t: Any) -> Any:
    """The last two axes swapped, of a Tensor or (in a backward on arrays) of an array."""
    if t.ndim == 2:
        return t.T
    return np.swapaxes(t, -1, -2) if isinstance(t, np.ndarray) else transpose(t, -1, -2)


def _unbatched(g: Any, shape: tuple[int, ...]) -> Any:
    """A gradient over the broadcast batch dimensions, summed down to an operand's shape."""
    return g if g.shape == shape else SumTo.apply_in_backward(g, shape=shape)


class MatMul(Function):
    """Y = A·B (batched over leading axes);  ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = ctx.saved_tensors
        grad_a = grad_b = None
        in_a, in_b = ctx.inputs
        if grad.dtype != a.dtype:  # a gradient promoted further down (y·x64 for a float32 y): products do not promote
            grad = Cast.apply_in_backward(grad, dtype=a.dtype)
        if in_a.requires_grad:
            grad_a = _unbatched(grad @ _swap_last(b), a.shape)
        if in_b.requires_grad:
            grad_b = _unbatched(_swap_last(a) @ grad, b.shape)
        return grad_a, grad_b


def _same_dtype(name: str, a: Tensor, b: Tensor) -> None:
    """Products do not promote (PyTorch's rule): both operands must have one dtype, and not bool."""
    if a.dtype != b.dtype:
        raise DTypeError(f"{name}: expected both operands to have the same dtype, got {a.dtype} and {b.dtype} "
                           "(convert one with .to(), .float() or .double())")
    if a.dtype.kind == "b":
        raise DTypeError(f"{name}: not implemented for bool tensors (convert them with .int() or .float())")


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules for 1-d operands and broadcast batch dimensions; both operands of one
    dtype (float or integer), as PyTorch's."""
    a, b = _tensor(a), _tensor(b)
    shape_a, shape_b = a.data.shape, b.data.shape
    if len(shape_a) == 2 and len(shape_b) == 2 and shape_a[1] == shape_b[0] and a.data.dtype is b.data.dtype \
            and a.data.dtype.kind != "b":
        return MatMul.apply(a, b)  # the common case first: the checks below cost as much as a small product
    _same_dtype("matmul", a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul needs operands with at least 1 dimension, got shapes {a.shape} and {b.shape}")
    k_a, k_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ShapeError(f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied "
                         f"(inner dimensions {k_a} and {k_b} differ)")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ShapeError(f"matmul: batch dimensions of {a.shape} and {b.shape} do not broadcast") from None
    if a.ndim >= 2 and b.ndim >= 2:
        return MatMul.apply(a, b)
    out = MatMul.apply(reshape(a, (1, -1)) if a.ndim == 1 else a, reshape(b, (-1, 1)) if b.ndim == 1 else b)
    if b.ndim == 1:
        out = squeeze(out, -1)
    if a.ndim == 1:
        out = squeeze(out, -2 if out.ndim >= 2 else -1)
    return out


def dot(a: Any, b: Any) -> Tensor:
    """Inner product of two 1-d tensors."""
    a, b = _tensor(a), _tensor(b)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"dot needs two 1-d tensors, got shapes {a.shape} and {b.shape}")
    _same_dtype("dot", a, b)
    return matmul(a, b)


def outer(a: Any, b: Any) -> Tensor:
    """Outer product aᵢbⱼ of two 1-d tensors."""
    a, b = _tensor(a), _tensor(b)
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def mm(a: Any, b: Any) -> Tensor:
    """Product of two matrices (2-d only; ``matmul`` for other shapes)."""
    a, b = _tensor(a), _tensor(b)
    if a.ndim != 2 or b.ndim != 2:
        raise ShapeError(f"mm: both operands must be matrices, got shapes {a.shape} and {b.shape}")
    _same_dtype("mm", a, b)
    if a.shape[1] != b.shape[0]:
        raise ShapeError(f"mm: shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    return MatMul.apply(a, b)


def bmm(a: Any, b: Any) -> Tensor:
    """Batched matrix product of (b, n, k) and (b, k, m) tensors (no broadcasting)."""
    a, b = _tensor(a), _tensor(b)
    if a.ndim != 3 or b.ndim != 3:
        raise ShapeError(f"bmm: both operands must be 3-d, got shapes {a.shape} and {b.shape}")
    _same_dtype("bmm", a, b)
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise ShapeError(f"bmm: shapes {a.shape} and {b.shape} do not match as (b, n, k) and (b, k, m)")
    return MatMul.apply(a, b)


def mv(a: Any, v: Any) -> Tensor:
    """Product of a matrix and a vector."""
    a, v = _tensor(a), _tensor(v)
    if a.ndim != 2 or v.ndim != 1:
        raise ShapeError(f"mv: expected a matrix and a vector, got shapes {a.shape} and {v.shape}")
    _same_dtype("mv", a, v)
    if a.shape[1] != v.shape[0]:
        raise ShapeError(f"mv: size mismatch, got input ({a.shape[0]}x{a.shape[1]}) and vec ({v.shape[0]})")
    return matmul(a, v)


def vdot(a: Any, b: Any) -> Tensor:
    """Inner product of two 1-d tensors (``dot``: these tensors are real)."""
    return dot(a, b)


def inner(a: Any, b: Any) -> Tensor:
    """Sum of products over the last dims of ``a`` and ``b``: shape ``a.shape[:-1] + b.shape[:-1]``."""
    a, b = _tensor(a), _tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"inner() the last dimension must match on both input tensors but got shapes "
                         f"{a.shape} and {b.shape}")
    _same_dtype("inner", a, b)
    k = a.shape[-1]
    return reshape(MatMul.apply(reshape(a, (-1, k)), transpose(reshape(b, (-1, k)))), a.shape[:-1] + b.shape[:-1])


def addmm(x: Any, a: Any, b: Any, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """beta·x + alpha·(a @ b) for matrices a and b, ``x`` broadcast to the product (ignored when beta = 0)."""
    product = mm(a, b)
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        return product
    return product + (_tensor(x) if beta == 1 else _tensor(x) * beta)


def kron(a: Any, b: Any) -> Tensor:
    """The Kronecker product: every element of ``a`` times the whole of ``b``, as blocks."""
    a, b = _tensor(a), _tensor(b)
    n = max(a.ndim, b.ndim)
    sa, sb = (1,) * (n - a.ndim) + a.shape, (1,) * (n - b.ndim) + b.shape
    spread_a = reshape(a, tuple(v for d in sa for v in (d, 1)))
    spread_b = reshape(b, tuple(v for d in sb for v in (1, d)))
    return reshape(spread_a * spread_b, tuple(x * y for x, y in zip(sa, sb, strict=True)))


def t(x: Any) -> Tensor:
    """Transpose of a matrix; a 0-d or 1-d tensor is returned as it is (PyTorch's ``t``)."""
    x = _tensor(x)
    if x.ndim > 2:
        raise ShapeError(f"t() expects a tensor with <= 2 dimensions, got shape {x.shape}")
    return transpose(x) if x.ndim == 2 else x


def _explicit(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Input and output subscripts of an einsum equation, with '...' spelled out in unused letters."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ArgumentError(f"einsum: the equation has {len(terms)} operands but {len(shapes)} were given")
    free = iter(sorted(set(string.ascii_letters) - set(equation), reverse=True))
    n_dots = max([len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes, strict=True)
                           if "..." in t], default=0)
    dots = "".join(next(free) for _ in range(n_dots))
    subs = []
    for term, shape in zip(terms, shapes, strict=True):
        k = len(shape) - len(term.replace("...", ""))
        sub = term.replace("...", dots[n_dots - k:] if k else "")
        if len(sub) != len(shape):
            raise ShapeError(f"einsum: subscripts '{term}' do not fit an operand of shape {shape}")
        subs.append(sub)
    if arrow:
        out = rhs.replace("...", dots)
    else:
        letters = "".join(subs)
        out = dots + "".join(sorted(c for c in set(letters) - set(dots) if letters.count(c) == 1))
    return subs, out


class Einsum(Function):
    """y = einsum(equation, x₁, …, xₙ);  ∂L/∂xᵢ = einsum of G with the other operands into xᵢ's subscripts"""

    @staticmethod
    def forward(ctx: Context, *operands: np.ndarray, subs: tuple[str, ...], out: str) -> np.ndarray:
        ctx.subs, ctx.out = subs, out
        ctx.save_for_backward(*operands)
        return np.asarray(np.einsum(",".join(subs) + "->" + out, *operands, optimize=len(operands) > 2))

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        operands = ctx.saved_tensors
        sizes = {c: n for sub, x in zip(ctx.subs, operands, strict=True) for c, n in zip(sub, x.shape, strict=True)}
        grads = []
        for i, target in enumerate(ctx.subs):
            if not ctx.inputs[i].requires_grad:
                grads.append(None)
                continue
            others = [(s, o) for j, (s, o) in enumerate(zip(ctx.subs, operands, strict=True)) if j != i]
            terms = [(ctx.out, grad), *others]
            seen = "".join(s for s, _ in terms)
            # a repeated letter (a diagonal) gets a fresh letter tied to it by an identity matrix;
            # a letter summed away in xᵢ alone gets a ones vector, so the gradient broadcasts along it
            free = iter(sorted(set(string.ascii_letters) - set(seen) - set(target)))
            spelled = ""
            for c in target:
                if c in spelled:
                    fresh = next(free)
                    terms.append((c + fresh, np.eye(sizes[c], dtype=grad.dtype)))
                    c = fresh
                elif c not in seen and target.count(c) == 1:
                    terms.append((c, np.ones(sizes[c], dtype=grad.dtype)))
                spelled += c
            grads.append(Einsum.apply(*(o for _, o in terms), subs=tuple(s for s, _ in terms), out=spelled))
        return tuple(grads)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation as ``torch.einsum`` (operands as arguments or one list, of one dtype; '...' allowed; a
    dimension of size 1 broadcasts against the same subscript's size elsewhere, its gradient summed back)."""
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    xs = [_tensor(x) for x in operands]
    for x in xs[1:]:
        if x.dtype != xs[0].dtype:
            raise DTypeError(f"einsum: expected all operands to have the same dtype, got {xs[0].dtype} and "
                               f"{x.dtype} (convert with .to(), .float() or .double())")
    subs, out = _explicit(equation, [x.shape for x in xs])
    sizes: dict[str, int] = {}
    for sub, x in zip(subs, xs, strict=True):
        for c, n in zip(sub, x.shape, strict=True):
            if sizes.setdefault(c, n) == 1:
                sizes[c] = n
            elif n not in (1, sizes[c]):
                raise ShapeError(f"einsum: subscript '{c}' has size {sizes[c]} in one operand and {n} in another, "
                                 f"which do not broadcast (equation '{equation}', shapes {[x.shape for x in xs]})")
    for i, (sub, x) in enumerate(zip(subs, xs, strict=True)):
        # a size-1 dimension facing a larger one is dropped: einsum broadcasts the operand along that subscript,
        # and the reshape sums its gradient back
        for k, c in enumerate(sub):
            if sub.count(c) > 1 and x.shape[k] != sizes[c]:
                raise ShapeError(f"einsum: subscript '{c}' is repeated in operand {i} (a diagonal) but its sizes "
                                 f"there do not match {sizes[c]} (shape {x.shape})")
        keep = [k for k, c in enumerate(sub) if x.shape[k] == sizes[c]]
        if len(keep) < len(sub):
            xs[i] = reshape(x, tuple(x.shape[k] for k in keep))
            subs[i] = "".join(sub[k] for k in keep)
    return Einsum.apply(*xs, subs=tuple(subs), out=out)


class Norm(Function):
    """y = (Σ|x|ᵖ)^(1/p) over axes (p = ±∞: max/min |x|, p = 0: count of nonzeros);
    ∂y/∂x = sign(x)·|x|ᵖ⁻¹ / yᵖ⁻¹ (0 where y = 0, as PyTorch)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, p: float, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
        a = np.abs(x)
        if p == np.inf:
            y = np.max(a, axis=axes, keepdims=True)
        elif p == -np.inf:
            y = np.min(a, axis=axes, keepdims=True)
        elif p == 0:
            y = np.sum(a != 0, axis=axes, keepdims=True).astype(x.dtype)
        elif p == 2:
            y = np.sqrt(np.sum(a * a, axis=axes, keepdims=True))
        else:
            with np.errstate(divide="ignore"):  # p < 0: a zero makes the sum infinite and the norm 0
                y = np.sum(a**p, axis=axes, keepdims=True) ** (1 / p)
        ctx.p, ctx.axes, ctx.kept = p, axes, y.shape
        out = np.asarray(y if keepdims else y.reshape([n for i, n in enumerate(x.shape) if i not in axes]))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        # PyTorch's norm_backward, in Tensor ops; the double where keeps second derivatives finite at y = 0
        x, y = ctx.saved_tensors
        p, grad, y = ctx.p, grad.reshape(ctx.kept), y.reshape(ctx.kept)
        zero = np.zeros((), x.dtype)
        if p == 0:
            return x * zero
        if p == 1:
            return sign(x) * grad
        if p in (np.inf, -np.inf):
            hit = np.asarray((np.abs(_data(x)) == _data(y)) | np.isnan(_data(x)))
            share = hit / np.maximum(hit.sum(axis=ctx.axes, keepdims=True), 1)
            return sign(x) * grad * share.astype(x.dtype)
        at_zero = np.asarray(_data(y) == 0)
        scale = grad / Where.apply(np.ones((), x.dtype), y, cond=at_zero) ** (p - 1)
        scale = Where.apply(zero, scale, cond=at_zero)
        if p == 2:
            return x * scale
        if p < 1:  # |x|ᵖ⁻¹ is infinite at x = 0, where PyTorch's gradient is 0
            x_zero = np.asarray(_data(x) == 0)
            safe_abs = Where.apply(np.ones((), x.dtype), abs(x), cond=x_zero)
            return sign(x) * Where.apply(zero, safe_abs ** (p - 1), cond=x_zero) * grad * y ** (1 - p)
        return sign(x) * abs(x) ** (p - 1) * scale


class NuclearNorm(Function):
    """y = Σᵢ σᵢ(X), the sum of singular values of the matrices over two axes;  ∂y/∂X = U·Vᵀ of X's reduced SVD
    (PyTorch's; once differentiable, as the SVD's own derivative is not written out)"""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, axes: tuple[int, int], keepdims: bool) -> np.ndarray:
        u, s, vh = np.linalg.svd(np.moveaxis(x, axes, (-2, -1)), full_matrices=False)
        ctx.uv = np.moveaxis(u @ vh, (-2, -1), axes)  # a constant of X, like a mask
        ctx.axes = tuple(sorted(axes))
        y = s.sum(axis=-1)
        return np.asarray(np.expand_dims(y, ctx.axes) if keepdims else y)

    @once_differentiable
    def backward(ctx: Context, grad: Tensor) -> np.ndarray:
        g = grad.data
        return ctx.uv * (g if g.ndim == ctx.uv.ndim else np.expand_dims(g, ctx.axes))


def _nuclear(x: Tensor, dim: Any, keepdim: bool) -> Tensor:
    """``norm(x, 'nuc', dim)``: ``dim`` two axes, or None for a 2-d ``x``."""
    if dim is None:
        if x.ndim != 2:
            raise ShapeError(f"norm: p='nuc' needs a 2-d tensor or dim=(d1, d2), got shape {x.shape}")
        dim = (0, 1)
    if not (isinstance(dim, tuple | list) and len(dim) == 2) or dim[0] % x.ndim == dim[1] % x.ndim:
        raise ShapeError(f"norm: p='nuc' needs dim to be a pair of different dims, got {dim!r}")
    return NuclearNorm.apply(x, axes=normalize_axis(tuple(dim), x.ndim), keepdims=keepdim)


def norm(x: Any, p: float | str | None = "fro", dim: int | tuple[int, ...] | None = None, keepdim: bool = False,
         dtype: Any = None, *, axis: int | tuple[int, ...] | None = None, keepdims: bool | None = None) -> Tensor:
    """Vector p-norm over ``dim`` (all elements by default), as ``torch.norm``: p = 'fro' (default) is the 2-norm,
    p = inf / -inf the largest / smallest absolute value, p = 0 the count of nonzeros; p = 'nuc' is the nuclear
    norm (sum of singular values) of the matrices over a pair of dims (of a 2-d tensor by default)."""
    x = _tensor(x)
    if dtype is not None:
        x = cast(x, dtype)
    if x.dtype.kind != "f":
        raise DTypeError(f"norm: expected a floating point tensor, got {x.dtype}")
    if dim is not None and axis is not None:
        raise TypeError("norm: pass either dim or axis, not both")
    if isinstance(p, str):
        if p == "nuc":
            return _nuclear(x, axis if dim is None else dim, keepdim if keepdims is None else keepdims)
        if p != "fro":
            raise ArgumentError(f"norm: p={p!r} is not supported; use p='fro', 'nuc' or a number")
        p = 2.0
    axes = normalize_axis(axis if dim is None else dim, x.ndim)
    return Norm.apply(x, p=2.0 if p is None else float(p), axes=axes, keepdims=keepdim if keepdims is None else keepdims)


def cdist(x1: Any, x2: Any, p: float = 2.0) -> Tensor:
    """p-norm distances between the rows of x1 (…, P, M) and of x2 (…, R, M): shape (…, P, R)."""
    x1, x2 = _tensor(x1), _tensor(x2)
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(f"cdist: expected (..., P, M) and (..., R, M) tensors, got shapes {x1.shape} and {x2.shape}")
    if p < 0:
        raise ArgumentError(f"cdist only supports non-negative p values, got {p}")
    return norm(unsqueeze(x1, -2) - unsqueeze(x2, -3), p, dim=-1)


def _square(op: str, a: Tensor) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"{op}: A must be batches of square matrices, but they are {a.shape[-2:]} matrices"
                         if a.ndim >= 2 else f"{op}: the input must have at least 2 dimensions, got {a.ndim}")
    if a.dtype.kind != "f":
        raise DTypeError(f"{op}: expected a floating point tensor, got {a.dtype}")


class Inverse(Function):
    """Y = A⁻¹;  ∂L/∂A = −Yᵀ·G·Yᵀ"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray) -> np.ndarray:
        try:
            y = np.linalg.inv(a)
        except np.linalg.LinAlgError as e:
            raise ArgumentError(f"linalg.inv: the input matrix is singular ({e})") from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        y_t = _swap_last(y)
        return -(y_t @ grad @ y_t)


def inverse(a: Any) -> Tensor:
    """The inverse of a square matrix (or of each in a batch); a singular one raises."""
    a = _tensor(a)
    _square("inverse", a)
    return Inverse.apply(a)


class Det(Function):
    """y = det A;  ∂y/∂A = the cofactor matrix, y·A⁻ᵀ where A is invertible (from the SVD where it is not)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a)
        y = np.linalg.det(a)
        ctx.y = y
        return np.asarray(y)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Any:
        (a,) = ctx.saved_tensors
        y = ctx.y
        g = grad[..., None, None] if isinstance(grad, Tensor) else np.asarray(grad)[..., None, None]
        if np.all(y != 0) and isinstance(a, Tensor):  # a graph of the gradient: in Tensor ops
            return g * (Det.apply(a)[..., None, None] * _swap_last(Inverse.apply(a)))
        if isinstance(a, Tensor):
            raise RuntimeError("det: the second derivative at a singular matrix is not implemented")
        u, s, vt = np.linalg.svd(a)
        others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(s.shape[-1])], axis=-1)
        sign = np.linalg.det(u) * np.linalg.det(vt)
        cofactor = sign[..., None, None] * (u * others[..., None, :]) @ vt
        return g * cofactor


def det(a: Any) -> Tensor:
    """The determinant of a square matrix (or of each in a batch)."""
    a = _tensor(a)
    _square("det", a)
    return Det.apply(a)


class SlogDet(NamedTuple):
    """``slogdet``'s result: the determinant's sign and the log of its absolute value, as PyTorch's."""

    sign: Tensor
    logabsdet: Tensor


class LogAbsDet(Function):
    """y = ln |det A|;  ∂y/∂A = A⁻ᵀ"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, a: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a)
        return np.asarray(np.linalg.slogdet(a)[1])

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        (a,) = ctx.saved_tensors
        g = grad[..., None, None]
        return g * _swap_last(Inverse.apply_in_backward(a))


def slogdet(a: Any) -> SlogDet:
    """The sign of the determinant and the log of its absolute value (stable where the determinant is tiny)."""
    a = _tensor(a)
    _square("slogdet", a)
    return SlogDet(Tensor._constant(np.asarray(np.linalg.slogdet(a.data)[0])), LogAbsDet.apply(a))


def logdet(a: Any) -> Tensor:
    """ln det A: NaN where the determinant is negative, −inf where it is zero."""
    sign, logabs = slogdet(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return logabs + np.log(sign.data)


def matrix_power(a: Any, n: int) -> Tensor:
    """Aⁿ by repeated squaring; n = 0 gives the identity, n < 0 a power of the inverse."""
    a = _tensor(a)
    _square("matrix_power", a)
    if n == 0:  # the identity, linked to A with a zero gradient (as PyTorch's)
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return Where.apply(eye, a, cond=np.ones(a.shape, dtype=bool))
    base, result = (inverse(a) if n < 0 else a), None
    k = abs(n)
    while k:
        if k & 1:
            result = base if result is None else matmul(result, base)
        k >>= 1
        if k:
            base = matmul(base, base)
    return result


def cross(a: Any, b: Any, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (PyTorch's default: the first dim of size 3), broadcasting."""
    a, b = broadcast_tensors(a, b)
    if dim is None:
        sizes = [i for i, n in enumerate(a.shape) if n == 3]
        if not sizes:
            raise ShapeError(f"cross: no dimension of size 3 in input of shape {a.shape}")
        dim = sizes[0]
    (d,) = normalize_axis(dim, a.ndim)
    if a.shape[d] != 3:
        raise ShapeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[d]} and "
                         f"{b.shape[d]}")
    a0, a1, a2 = (select(a, d, i) for i in range(3))
    b0, b1, b2 = (select(b, d, i) for i in range(3))
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)
