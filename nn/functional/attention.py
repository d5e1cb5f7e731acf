"""Scaled dot-product attention: softmax(Q·Kᵀ·s + M)·V, PyTorch's reference ("math") computation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from ._arguments import _array, _tensor
from .dropout import dropout


def scaled_dot_product_attention(query: Any, key: Any, value: Any, attn_mask: Any = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q·Kᵀ·s + M)·V over the last two dims, with s = 1/√E (or ``scale``), Q (…, L, E), K (…, S, E), V (…, S, Eᵥ).

    ``attn_mask`` broadcasts to (…, L, S): a bool mask says which keys a query may attend to (True:
    attend), a float mask is added to the scores. ``is_causal`` lets query i attend to keys 0..i.
    A query that may attend to no key gets zeros, as in PyTorch. ``dropout_p`` drops attention
    weights (always, as PyTorch's function does; pass 0.0 outside training). ``enable_gqa`` shares
    each key/value head among a group of query heads (dim −3).
    """
    q, k, v = _tensor(query), _tensor(key), _tensor(value)
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise ValueError(f"scaled_dot_product_attention: query, key and value must be at least 2-d, got shapes "
                         f"{q.shape}, {k.shape} and {v.shape}")
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"scaled_dot_product_attention: query {q.shape} and key {k.shape} need the same last dim, "
                         f"key and value {v.shape} the same number of keys (dim −2)")
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: pass attn_mask or is_causal=True, not both")
    if enable_gqa:
        k, v = _repeat_heads(k, q), _repeat_heads(v, q)
    s = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * s
    allowed = None
    if is_causal:
        allowed = np.tril(np.ones(scores.shape[-2:], dtype=bool))
    elif attn_mask is not None and _array(attn_mask).dtype == bool:
        allowed = _array(attn_mask)
    elif attn_mask is not None:
        scores = scores + (attn_mask if isinstance(attn_mask, Tensor) else _array(attn_mask).astype(q.dtype))
    if allowed is not None:
        scores = autograd.where(allowed, scores, np.asarray(-np.inf, dtype=scores.dtype))
    # a row with no key to attend to: softmax over −inf is NaN, so take it over zeros and zero it after
    empty = np.all(np.isneginf(scores.data), axis=-1, keepdims=True)
    if empty.any():
        zero = np.zeros((), dtype=scores.dtype)
        weights = autograd.where(empty, zero, autograd.softmax(autograd.where(empty, zero, scores), -1))
    else:
        weights = autograd.softmax(scores, -1)
    if dropout_p:
        weights = dropout(weights, dropout_p)
    return weights @ v


def _repeat_heads(t: Tensor, q: Tensor) -> Tensor:
    """Key or value heads (dim −3) repeated in place to match the query's heads: h₀h₀h₁h₁ (repeat_interleave)."""
    if t.ndim < 3 or q.ndim < 3 or q.shape[-3] % t.shape[-3]:
        raise ValueError(f"scaled_dot_product_attention: enable_gqa needs the query's heads (dim −3) to be a "
                         f"multiple of the key's and value's, got query {q.shape} and {t.shape}")
    heads, group = t.shape[-3], q.shape[-3] // t.shape[-3]
    grouped = t.unsqueeze(t.ndim - 2).broadcast_to((*t.shape[:-2], group, *t.shape[-2:]))
    return grouped.reshape(*t.shape[:-3], heads * group, *t.shape[-2:])
