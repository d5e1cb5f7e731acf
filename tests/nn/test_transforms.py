"""Data augmentation: shifts checked pixel by pixel, noise statistics, reproducibility, and use with a DataLoader."""

import numpy as np
import pytest

import autograd
import nn
from nn.data import DataLoader, TensorDataset
from nn.transforms import Compose, GaussianNoise, RandomShift, TransformedDataset


def test_random_shift_moves_the_image_and_fills_with_zeros():
    image = np.arange(1.0, 26.0).reshape(5, 5)
    shift = RandomShift(2, (5, 5), seed=0)
    seen = set()
    for _ in range(200):
        out = shift(image.ravel()).reshape(5, 5)
        # find the shift by hand: the pixel 1 (top-left) moved to (dy, dx) when the shift is non-negative
        for dy in range(-2, 3):
            for dx in range(-2, 3):
                expected = np.zeros((5, 5))
                src = image[max(0, -dy):5 - max(0, dy), max(0, -dx):5 - max(0, dx)]
                expected[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
                if np.array_equal(out, expected):
                    seen.add((dy, dx))
                    break
            else:
                continue
            break
        else:
            pytest.fail(f"not a shift of the image:\n{out}")
    assert seen == {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)}


def test_random_shift_keeps_shape_and_zero_shift_is_identity():
    x = np.random.default_rng(0).uniform(size=64)
    np.testing.assert_array_equal(RandomShift(0, (8, 8), seed=1)(x), x)
    assert RandomShift(1, (8, 8), seed=1)(x.reshape(8, 8)).shape == (8, 8)


def test_gaussian_noise_statistics_and_dtype():
    x = np.zeros(100_000, dtype=np.float32)
    out = GaussianNoise(0.5, seed=0)(x)
    assert out.dtype == np.float32
    assert out.mean() == pytest.approx(0.0, abs=0.01)
    assert out.std() == pytest.approx(0.5, rel=0.01)


def test_transforms_are_reproducible_from_a_seed_or_manual_seed():
    x = np.arange(64.0)
    make = lambda **kw: Compose([RandomShift(1, (8, 8), **kw), GaussianNoise(0.1, **kw)])  # noqa: E731
    a, b = make(seed=3), make(seed=3)
    for _ in range(5):
        np.testing.assert_array_equal(a(x), b(x))
    autograd.manual_seed(0)
    c = make()
    autograd.manual_seed(0)
    np.testing.assert_array_equal(c(x), make()(x))


def test_transformed_digits_through_a_dataloader():
    X, y = nn.datasets.digits()
    data = TransformedDataset(TensorDataset(X[:100], y[:100]), Compose([RandomShift(1, (8, 8), seed=0),
                                                                        GaussianNoise(0.5, seed=0)]))
    assert len(data) == 100
    xb, yb = next(iter(DataLoader(data, batch_size=32)))
    assert xb.shape == (32, 64) and yb.dtype == np.int64
    np.testing.assert_array_equal(yb.numpy(), y[:32])        # labels untouched
    assert not np.allclose(xb.numpy(), X[:32])               # features changed
    first, second = data[0][0], data[0][0]
    assert not np.array_equal(first, second)                 # a fresh variant each time it is read


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="max_shift must be a non-negative integer"):
        RandomShift(-1, (8, 8))
    with pytest.raises(ValueError, match="each larger than max_shift"):
        RandomShift(8, (8, 8))
    with pytest.raises(ValueError, match="not an image of shape"):
        RandomShift(1, (8, 8))(np.zeros(10))
    with pytest.raises(ValueError, match="std must be non-negative"):
        GaussianNoise(-0.1)
    with pytest.raises(TypeError, match="transform must be callable"):
        TransformedDataset(TensorDataset(np.zeros((2, 2))), "shift")
