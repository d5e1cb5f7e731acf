"""nn.datasets: generated toys (shapes, dtypes, balance, geometry, seeds), digits, and IDX files."""

import gzip
import struct
import sys
import tracemalloc

import numpy as np
import pytest

import autograd
from nn import datasets

CLASSIFIERS = [datasets.xor, datasets.moons, datasets.circles, datasets.spirals]
IDX_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


def _sorted_rows(X):
    return X[np.lexsort(X.T[::-1])]


@pytest.mark.parametrize("make", CLASSIFIERS)
@pytest.mark.parametrize("n", [1, 7, 200])
def test_classification_sets_shapes_dtypes_and_balance(make, n):
    X, y = make(n, noise=0.1, seed=0)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == autograd.get_default_dtype() and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1 and counts.sum() == n


@pytest.mark.parametrize("make", [*CLASSIFIERS, datasets.sine])
def test_reproducible_by_seed(make):
    a, b, c = make(50, noise=0.2, seed=3), make(50, noise=0.2, seed=3), make(50, noise=0.2, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    autograd.manual_seed(11)
    d = make(50, noise=0.2)
    autograd.manual_seed(11)
    np.testing.assert_array_equal(d[0], make(50, noise=0.2)[0])


@pytest.mark.parametrize("make", [*CLASSIFIERS, datasets.sine])
def test_default_dtype_is_followed(make):
    autograd.set_default_dtype(np.float64)
    X, y = make(10, noise=0.1, seed=0)
    assert X.dtype == np.float64
    assert y.dtype == (np.float64 if make is datasets.sine else np.int64)


def test_xor_without_noise_is_the_truth_table():
    X, y = datasets.xor(40, noise=0.0, seed=0)
    assert set(map(tuple, X.astype(int))) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    np.testing.assert_array_equal(y, X[:, 0].astype(int) ^ X[:, 1].astype(int))


@pytest.mark.parametrize("n", [9, 100])
def test_moons_and_circles_lie_on_scikit_learns_curves(n):
    sk = pytest.importorskip("sklearn.datasets")
    autograd.set_default_dtype(np.float64)  # same formulas in float64: rows sort identically
    for ours, theirs in [(datasets.moons(n, noise=0.0, seed=0), sk.make_moons(n, shuffle=False)),
                         (datasets.circles(n, noise=0.0, seed=0, factor=0.3),
                          sk.make_circles(n, shuffle=False, factor=0.3))]:
        rows = np.column_stack([ours[0], ours[1]])
        expected = np.column_stack([theirs[0], theirs[1]])
        np.testing.assert_allclose(_sorted_rows(rows), _sorted_rows(expected), rtol=0, atol=1e-12)


def test_noise_is_a_gaussian_of_the_given_scale():
    clean, _ = datasets.moons(4000, noise=0.0, seed=0)
    noisy, _ = datasets.moons(4000, noise=0.3, seed=0)
    # the same seed shuffles identically, so the difference is the noise alone
    residual = (noisy - clean).astype(np.float64).ravel()
    assert abs(residual.std() - 0.3) < 0.02 and abs(residual.mean()) < 0.02


def test_spiral_arms_follow_their_formula():
    K = 3
    X, y = datasets.spirals(300, noise=0.0, seed=0, n_classes=K)
    X = X.astype(np.float64)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.05 - 1e-6 and r.max() <= 1 + 1e-6
    phase = np.arctan2(X[:, 1], X[:, 0]) - 2 * np.pi * (1.25 * r + y / K)
    np.testing.assert_allclose(np.cos(phase), 1.0, atol=1e-5)
    assert np.array_equal(np.unique(y), np.arange(K))


def test_sine_targets():
    X, y = datasets.sine(500, noise=0.0, seed=0)
    assert X.shape == y.shape == (500, 1)
    assert X.min() >= -np.pi and X.max() <= np.pi
    np.testing.assert_allclose(y, np.sin(X.astype(np.float64)), atol=1e-6)


@pytest.mark.parametrize("make", [*CLASSIFIERS, datasets.sine])
def test_bad_arguments_are_named(make):
    with pytest.raises(ValueError, match="n_samples should be a positive integer, got 0"):
        make(0)
    with pytest.raises(ValueError, match="noise is a standard deviation"):
        make(10, noise=-1.0)
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=float("nan"))


def test_generator_specific_arguments():
    with pytest.raises(ValueError, match="n_classes"):
        datasets.spirals(10, n_classes=1)
    with pytest.raises(ValueError, match="factor"):
        datasets.circles(10, factor=1.5)


def test_digits_is_scikit_learns_bundled_set():
    sk = pytest.importorskip("sklearn.datasets")
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.dtype == autograd.get_default_dtype() and y.dtype == np.int64
    reference = sk.load_digits()
    np.testing.assert_array_equal(X, reference.data)
    np.testing.assert_array_equal(y, reference.target)
    assert set(np.unique(y)) == set(range(10))


def test_digits_without_scikit_learn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'pip install "chainrule\[data\]"'):
        datasets.digits()


def _idx_bytes(arr, code=None):
    code = IDX_CODES[arr.dtype.type] if code is None else code
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


@pytest.mark.parametrize("dtype", list(IDX_CODES))
@pytest.mark.parametrize("gzipped", [False, True])
def test_load_idx_round_trip(tmp_path, dtype, gzipped):
    rng = np.random.default_rng(0)
    arr = (rng.standard_normal((5, 4, 3)) * 50).astype(dtype)
    data = _idx_bytes(arr)
    path = tmp_path / ("x.idx.gz" if gzipped else "x.idx")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    out = datasets.load_idx(path)
    assert out.shape == arr.shape and out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, arr)


def test_load_idx_reads_mnist_layout(tmp_path):
    images = np.arange(3 * 28 * 28, dtype=np.int64).reshape(3, 28, 28).astype(np.uint8)
    labels = np.array([7, 2, 1], dtype=np.uint8)
    (tmp_path / "images").write_bytes(_idx_bytes(images))
    (tmp_path / "labels.gz").write_bytes(gzip.compress(_idx_bytes(labels)))
    assert (tmp_path / "images").read_bytes()[:4] == bytes.fromhex("00000803")  # MNIST's image magic 2051
    np.testing.assert_array_equal(datasets.load_idx(tmp_path / "images"), images)
    np.testing.assert_array_equal(datasets.load_idx(tmp_path / "labels.gz"), labels)


GOOD = _idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))
CORRUPT = {
    "empty": (b"", "too short"),
    "bad magic": (b"\x01" + GOOD[1:], "two zero bytes"),
    "unknown type": (GOOD[:2] + b"\x07" + GOOD[3:], "unknown data type code 0x07"),
    "zero dims": (b"\0\0\x08\0", "0 dimensions"),
    "short header": (GOOD[:6], "declares 2 dimensions"),
    "truncated data": (GOOD[:-1], "needs 12 data bytes, the file has 11"),
    "trailing data": (GOOD + b"\0", "the file has 13"),
    "huge dims": (b"\0\0\x0e\x02" + struct.pack(">2I", 10**9, 10**9) + b"\0" * 8, "needs 8000000000000000000"),
}


@pytest.mark.parametrize("name", list(CORRUPT))
@pytest.mark.parametrize("gzipped", [False, True])
def test_load_idx_refuses_corrupt_files(tmp_path, name, gzipped):
    data, message = CORRUPT[name]
    path = tmp_path / "bad.idx"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    if gzipped and name == "trailing data":
        message = "the file has more"
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=message) as err:
            datasets.load_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(err.value)
    assert peak < 10 * 2**20  # nothing close to the size a header claims was allocated


def test_load_idx_refuses_a_truncated_gzip_stream(tmp_path):
    path = tmp_path / "cut.idx.gz"
    path.write_bytes(gzip.compress(GOOD)[:-10])
    with pytest.raises(ValueError, match=r"cut\.idx\.gz"):
        datasets.load_idx(path)
