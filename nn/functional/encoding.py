"""Class indices as vectors: one_hot, and embedding (a learned row per index)."""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Context, DTypeError, Function, ShapeError, Tensor
from autograd.graph import increment_version
from autograd.ops.indexing import IndexAdd

from ._arguments import _array, _tensor


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """An int64 tensor of shape (*, C) with a 1 at each class index and 0 elsewhere; C = max + 1 when -1.

    >>> import numpy as np, nn
    >>> nn.functional.one_hot(np.array([0, 2]))
    tensor([[1, 0, 0],
           [0, 0, 1]], dtype=int64)
    """
    index = _array(tensor)
    if index.dtype.kind not in "iu":
        raise TypeError(f"one_hot: class indices must be integers, got dtype {index.dtype} (use .astype(int))")
    if num_classes == -1:
        if index.size == 0:
            raise ValueError("one_hot: cannot infer the number of classes from an empty tensor; pass num_classes")
        num_classes = int(index.max()) + 1
    elif num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be -1 (infer) or non-negative, got {num_classes}")
    if index.size and index.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {index.min()}")
    if index.size and index.max() >= num_classes:
        raise ValueError(f"one_hot: class values must be smaller than num_classes={num_classes}, got {index.max()}")
    return autograd.tensor(np.arange(num_classes) == index[..., None], dtype=np.int64)


def _padding_index(padding_idx: int | None, num_embeddings: int) -> int | None:
    """``padding_idx`` as a row number (a negative one counts from the end), checked as PyTorch checks it."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError(f"Padding_idx must be within num_embeddings: got padding_idx={padding_idx} for "
                             f"{num_embeddings} embeddings")
    return padding_idx % num_embeddings


class Embedding(Function):
    """y = W[i], a row of W per index;  ∂ℓ/∂W adds each row of ∂ℓ/∂y back at its index, times c (0 for
    padding_idx, 1/count with scale_grad_by_freq)"""

    arrays_ok = True

    @staticmethod
    def forward(ctx: Context, weight: np.ndarray, index: np.ndarray, coef: np.ndarray | None) -> np.ndarray:
        ctx.index, ctx.shape, ctx.coef = index, weight.shape, coef
        return weight[index]

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> Tensor:
        if ctx.coef is not None:
            grad = grad * ctx.coef
        return IndexAdd.apply_in_backward(grad, index=ctx.index, shape=ctx.shape)


def _renorm_rows(weight: Tensor, index: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale each looked-up row whose p-norm exceeds max_norm to max_norm/(norm + 10⁻⁷) of it, in place (PyTorch's
    ``embedding_renorm_``; no gradient)."""
    rows = np.unique(index)
    norms = np.linalg.norm(weight.data[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        weight.data[rows[over]] *= (max_norm / (norms[over] + 1e-7))[:, None].astype(weight.dtype)
        increment_version(weight)


def embedding(input: Any, weight: Any, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """The rows of ``weight`` (V, D) at the integer indices ``input`` (any shape): a tensor of shape (*, D).

    ``padding_idx``'s row gets no gradient. ``max_norm`` first rescales, in place, each looked-up row whose
    ``norm_type``-norm exceeds it. ``scale_grad_by_freq`` divides each row's gradient by how often its index occurs
    in ``input``.

    >>> import numpy as np, autograd, nn
    >>> nn.functional.embedding(np.array([[2, 0]]), autograd.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    tensor([[[4., 5.],
            [0., 1.]]], dtype=float32)
    """
    if sparse:
        raise NotImplementedError("embedding: sparse=True (a sparse gradient) is not supported; use sparse=False")
    w = _tensor(weight)
    if w.ndim != 2:
        raise ShapeError(f"embedding: 'weight' must be 2-D (num_embeddings, embedding_dim), got shape {w.shape}")
    index = _array(input)
    if index.dtype.kind not in "iu":
        raise DTypeError(f"embedding: indices must be an integer tensor (int64 or int32), got dtype {index.dtype}")
    n = w.shape[0]
    if index.size and (index.min() < 0 or index.max() >= n):
        bad = index[(index < 0) | (index >= n)].flat[0]
        raise IndexError(f"embedding: index out of range in self: index {bad} for {n} embeddings (valid indices "
                         f"are 0..{n - 1})")
    index = index.copy()  # kept for backward: later changes to the caller's array must not reach it
    padding = _padding_index(padding_idx, n)
    if max_norm is not None:
        _renorm_rows(w, index, max_norm, norm_type)
    coef = None
    if scale_grad_by_freq or padding is not None:
        coef = np.ones(index.shape, dtype=w.dtype)
        if scale_grad_by_freq:
            coef = np.asarray(1 / np.bincount(index.ravel(), minlength=n)[index], dtype=w.dtype)
        if padding is not None:
            coef[index == padding] = 0
        coef = coef[..., None]
    return Embedding.apply(w, index=index, coef=coef)
