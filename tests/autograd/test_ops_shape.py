"""Shape ops at their edges, against PyTorch: every pad mode with positive, zero and negative widths,
NumPy's pad spellings, repeat_interleave with per-element counts, chunk and tensor_split corner cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _compare(ours: Any, theirs: Any, *values: Any) -> None:
    """Forward values and gradients (for a random upstream gradient) equal to PyTorch's."""
    xs = [autograd.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    txs = [torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    out, tout = ours(*xs), theirs(*txs)
    outs, touts = (out, tout) if isinstance(out, tuple) else ((out,), (tout,))
    assert len(outs) == len(touts)
    rng = np.random.default_rng(0)
    upstream = [rng.standard_normal(o.shape) for o in outs]
    for o, t in zip(outs, touts, strict=True):
        assert o.shape == tuple(t.shape) and o.dtype == np.float64
        np.testing.assert_array_equal(o.data, t.detach().numpy())
    autograd.backward(list(outs), upstream)
    torch.autograd.backward(list(touts), [torch.tensor(u) for u in upstream])
    for x, tx in zip(xs, txs, strict=True):
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


X3 = np.arange(2 * 4 * 5, dtype=np.float64).reshape(2, 4, 5) ** 1.5  # distinct values: a wrong copy shows


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("widths", [(1, 2), (0, 3), (-1, 2), (2, -2), (-1, -1), (1, 0, 2, 3), (-2, 1, 3, -1),
                                    (0, 0, -3, 0), (3, 3)])
def test_pad_matches_torch(mode: str, widths: tuple[int, ...]) -> None:
    _compare(lambda x: autograd.pad(x, widths, mode=mode), lambda x: F.pad(x, widths, mode=mode), X3)


def test_pad_constant_value_and_three_dims_match_torch() -> None:
    _compare(lambda x: autograd.pad(x, (1, 1, 0, 2, -1, 1), value=-2.5),
             lambda x: F.pad(x, (1, 1, 0, 2, -1, 1), value=-2.5), X3)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_modes_second_derivative(mode: str) -> None:
    x = autograd.tensor(X3[0], requires_grad=True)
    assert autograd.gradcheck.gradgradcheck(lambda t: autograd.pad(t, (2, -1, 1, 1), mode=mode) ** 2, (x,))


def test_pad_numpy_spellings_keep_numpy_meaning() -> None:
    a = np.arange(6.0).reshape(2, 3)
    x = autograd.tensor(a)
    np.testing.assert_array_equal(autograd.pad(x, ((1, 0), (0, 2))).data, np.pad(a, ((1, 0), (0, 2))))
    np.testing.assert_array_equal(autograd.pad(x, ((1, 2),)).data, np.pad(a, ((1, 2),)))
    np.testing.assert_array_equal(autograd.pad(x, 1, constant_values=7.0).data, np.pad(a, 1, constant_values=7.0))
    np.testing.assert_array_equal(autograd.pad(x, ((0, 0), (1, 1)), mode="edge").data, np.pad(a, ((0, 0), (1, 1)), "edge"))
    np.testing.assert_array_equal(autograd.pad(x, ((1, 1), (2, 0)), mode="wrap").data, np.pad(a, ((1, 1), (2, 0)), "wrap"))


def test_pad_flat_pair_means_torch_last_dimension() -> None:
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(autograd.pad(autograd.tensor(a), (1, 2)).data,
                                  F.pad(torch.tensor(a), (1, 2)).numpy())
    assert autograd.pad(autograd.tensor(a), (1, 2)).shape == (2, 6)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda x: autograd.pad(x, (1, 2, 3)), ValueError, "divisible by 2"),
    (lambda x: autograd.pad(x, (1,) * 6), autograd.ShapeError, "too large"),
    (lambda x: autograd.pad(x, (3, 0), mode="reflect"), autograd.ShapeError, "less than"),
    (lambda x: autograd.pad(x, (0, 4), mode="circular"), autograd.ShapeError, "more than once"),
    (lambda x: autograd.pad(x, (-2, -2)), autograd.ShapeError, "crop more"),
    (lambda x: autograd.pad(x, (1, 1), mode="symmetric"), ValueError, "pad mode"),
    (lambda x: autograd.pad(x, (1, 1), mode="reflect", value=1.0), ValueError, "value"),
    (lambda x: autograd.pad(x, ((1, 1), (1, 1), (1, 1))), autograd.ShapeError, "do not fit"),
])
def test_pad_refuses_bad_widths(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call(autograd.tensor(np.ones((2, 3))))


def test_pad_errors_are_torch_errors_too() -> None:
    x = torch.ones(1, 2, 3)
    for widths, mode in [((3, 0), "reflect"), ((0, 4), "circular")]:
        with pytest.raises(RuntimeError):
            F.pad(x, widths, mode=mode)
        with pytest.raises(RuntimeError):
            autograd.pad(autograd.tensor(np.ones((1, 2, 3))), widths, mode=mode)


@pytest.mark.parametrize(("repeats", "dim"), [([2, 0, 1], 0), ([1, 3], 1), ([2], 1), (3, None), (2, -1)])
def test_repeat_interleave_matches_torch(repeats: Any, dim: int | None) -> None:
    a = np.arange(6.0).reshape(3, 2) ** 2
    ours_r = autograd.tensor(np.array(repeats)) if isinstance(repeats, list) else repeats
    theirs_r = torch.tensor(repeats) if isinstance(repeats, list) else repeats
    _compare(lambda x: autograd.repeat_interleave(x, ours_r, dim=dim),
             lambda x: torch.repeat_interleave(x, theirs_r, dim=dim), a)


def test_repeat_interleave_of_counts_alone_gives_indices() -> None:
    out = autograd.repeat_interleave(autograd.tensor(np.array([2, 0, 3])))
    expected = torch.repeat_interleave(torch.tensor([2, 0, 3]))
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.data, expected.numpy())


def test_repeat_interleave_refuses_bad_repeats() -> None:
    x = autograd.tensor(np.ones((3, 2)))
    with pytest.raises(autograd.ShapeError, match="3 elements"):
        autograd.repeat_interleave(x, autograd.tensor(np.array([1, 2])), dim=0)
    with pytest.raises(ValueError, match="negative"):
        autograd.repeat_interleave(x, -1)
    with pytest.raises(ValueError, match="output_size"):
        autograd.repeat_interleave(x, 2, dim=0, output_size=5)


@pytest.mark.parametrize("n", [0, 1, 5, 6, 7])
@pytest.mark.parametrize("chunks", [1, 3, 4, 8])
def test_chunk_and_tensor_split_match_torch(n: int, chunks: int) -> None:
    a = np.arange(2.0 * n).reshape(2, n)
    for ours, theirs in [(autograd.chunk, torch.chunk), (autograd.tensor_split, torch.tensor_split)]:
        got, expected = ours(autograd.tensor(a), chunks, dim=1), theirs(torch.tensor(a), chunks, dim=1)
        assert [g.shape for g in got] == [tuple(e.shape) for e in expected]
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_array_equal(g.data, e.numpy())


def test_tensor_split_indices_past_the_end_and_decreasing() -> None:
    a = np.arange(7.0)
    got = autograd.tensor_split(autograd.tensor(a), [5, 2, 9])
    expected = torch.tensor_split(torch.tensor(a), [5, 2, 9])
    assert [g.data.tolist() for g in got] == [e.tolist() for e in expected]


def test_roll_diag_diagonal_trace_repeat_flip_match_torch() -> None:
    a = np.arange(12.0).reshape(3, 4) ** 1.5
    _compare(lambda x: autograd.roll(x, (5, -1), (0, 1)), lambda x: torch.roll(x, (5, -1), (0, 1)), a)
    _compare(lambda x: autograd.roll(x, -7), lambda x: torch.roll(x, -7), a)
    _compare(lambda x: autograd.diag(x, 2), lambda x: torch.diag(x, 2), a)
    _compare(lambda x: autograd.diag(x, -5), lambda x: torch.diag(x, -5), a)
    _compare(lambda x: autograd.diag(x, -1), lambda x: torch.diag(x, -1), a[0])
    _compare(lambda x: autograd.diagonal(x, -1, 1, 0), lambda x: torch.diagonal(x, -1, 1, 0), a)
    _compare(autograd.trace, torch.trace, a)
    _compare(lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 3), a)
    _compare(lambda x: x.repeat(0, 2), lambda x: x.repeat(0, 2), a)
    _compare(lambda x: x.flip(1, 0), lambda x: x.flip(1, 0), a)


def test_meshgrid_default_is_ij_and_xy_swaps_the_first_two() -> None:
    a, b = np.arange(2.0), np.arange(3.0)
    ij = autograd.meshgrid(autograd.tensor(a), autograd.tensor(b))
    xy = autograd.meshgrid(autograd.tensor(a), autograd.tensor(b), indexing="xy")
    assert [g.shape for g in ij] == [(2, 3), (2, 3)] and [g.shape for g in xy] == [(3, 2), (3, 2)]
    _compare(lambda x, y: autograd.meshgrid(x, y, indexing="xy"), lambda x, y: torch.meshgrid(x, y, indexing="xy"),
             a, b)


@pytest.mark.parametrize(("call", "error"), [
    (lambda: autograd.repeat(autograd.tensor(np.ones((2, 3))), 2), autograd.ShapeError),
    (lambda: autograd.diag(autograd.tensor(np.ones((2, 2, 2)))), autograd.ShapeError),
    (lambda: autograd.trace(autograd.tensor(np.ones(3))), autograd.ShapeError),
    (lambda: autograd.diagonal(autograd.tensor(np.ones((2, 2))), 0, 1, 1), ValueError),
    (lambda: autograd.meshgrid(autograd.tensor(np.ones((2, 2)))), autograd.ShapeError),
    (lambda: autograd.meshgrid(autograd.tensor(np.ones(2)), indexing="ji"), ValueError),
    (lambda: autograd.chunk(autograd.tensor(np.ones(2)), 0), ValueError),
    (lambda: autograd.roll(autograd.tensor(np.ones((2, 2))), (1, 2), 0), ValueError),
])
def test_shape_ops_refuse_bad_arguments(call: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


def test_axis_is_accepted_beside_dim() -> None:
    x = autograd.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(autograd.flip(x, axis=1).data, autograd.flip(x, 1).data)
    np.testing.assert_array_equal(autograd.roll(x, 1, axis=1).data, autograd.roll(x, 1, 1).data)
    assert [c.shape for c in x.chunk(2, axis=1)] == [(2, 2), (2, 1)]
    assert [c.shape for c in x.tensor_split(3, axis=1)] == [(2, 1)] * 3
    np.testing.assert_array_equal(x.diagonal(1, axis1=1, axis2=0).data, np.diagonal(x.data, 1, axis1=1, axis2=0))
    with pytest.raises(TypeError, match="either"):
        autograd.flip(x, 0, axis=1)
