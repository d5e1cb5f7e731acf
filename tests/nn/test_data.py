"""nn.data: datasets, the DataLoader's batches, order, determinism and resumption, random_split."""

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn.data import DataLoader, Dataset, Subset, TensorDataset, random_split


def _rows(loader):
    """Every epoch-batch's first field as a list of NumPy arrays."""
    return [batch[0].numpy() for batch in loader]


def _dataset(n=10):
    X = np.arange(2 * n, dtype=np.float64).reshape(n, 2)
    return TensorDataset(X, np.arange(n) % 3)


class Squares(Dataset):
    """A map-style dataset read example by example."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float32), i % 2


class Plain(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.array([i, 2 * i])


def test_tensor_dataset_indexes_rows_and_checks_sizes():
    X, y = np.arange(6.0).reshape(3, 2), np.array([2, 0, 1])
    ds = TensorDataset(X, y)
    assert len(ds) == 3
    x1, y1 = ds[1]
    np.testing.assert_array_equal(x1, X[1])
    assert y1 == 0
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one array"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(np.array(1.0))


def test_base_dataset_says_what_is_missing():
    with pytest.raises(NotImplementedError, match="__len__"):
        len(Dataset())
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]


def test_batches_are_tensors_with_the_documented_dtypes():
    X32 = np.ones((4, 3), dtype=np.float32)
    images = np.zeros((4, 2, 2), dtype=np.uint8)
    labels = np.array([0, 1, 2, 1], dtype=np.uint8)
    xb, imb, yb, pyb = next(iter(DataLoader(TensorDataset(X32, images, labels, [0.5, 1.5, 2.5, 3.5]), batch_size=4)))
    for t in (xb, imb, yb, pyb):
        assert isinstance(t, Tensor) and not t.requires_grad
    assert xb.dtype == np.float32  # float arrays keep their dtype
    assert imb.dtype == autograd.get_default_dtype()  # integer images become the default float dtype
    assert yb.dtype == np.int64  # class labels become int64
    assert pyb.dtype == autograd.get_default_dtype()  # Python floats take the default dtype
    autograd.set_default_dtype(np.float64)
    (imb,) = next(iter(DataLoader(TensorDataset(images), batch_size=2)))
    assert imb.dtype == np.float64 and imb.shape == (2, 2, 2)


def test_shuffle_false_keeps_order_and_last_batch_is_partial():
    ds = _dataset(10)
    loader = DataLoader(ds, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 == len(batches)
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([xb.numpy() for xb, _ in batches]), ds.arrays[0])
    np.testing.assert_array_equal(np.concatenate([yb.numpy() for _, yb in batches]), ds.arrays[1])


def test_drop_last():
    loader = DataLoader(_dataset(10), batch_size=4, shuffle=True, drop_last=True, seed=1)
    sizes = [len(xb) for xb, _ in loader]
    assert sizes == [4, 4] and len(loader) == 2
    too_big = DataLoader(_dataset(3), batch_size=4, drop_last=True)
    assert len(too_big) == 0 and list(too_big) == []


def test_each_shuffled_epoch_is_a_permutation_and_epochs_differ():
    ds = _dataset(12)
    loader = DataLoader(ds, batch_size=5, shuffle=True, seed=3)
    epochs = [np.concatenate(_rows(loader))[:, 0] // 2 for _ in range(3)]
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), np.arange(12))
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(epochs[1], epochs[2])


def test_same_seed_same_epochs_other_seed_other_epochs():
    def run(seed):
        loader = DataLoader(_dataset(20), batch_size=3, shuffle=True, seed=seed)
        return [row for _ in range(3) for row in _rows(loader)]

    a, b, c = run(7), run(7), run(8)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_seed_none_is_decided_by_manual_seed():
    def run():
        autograd.manual_seed(5)
        return np.concatenate(_rows(DataLoader(_dataset(20), batch_size=20, shuffle=True)))

    np.testing.assert_array_equal(run(), run())


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_batch_size_validation_matches_pytorch(bad):
    with pytest.raises(ValueError) as ours:
        DataLoader(_dataset(), batch_size=bad)
    assert str(ours.value) == f"batch_size should be a positive integer value, but got batch_size={bad}"


def test_batch_size_message_is_pytorchs():
    torch = pytest.importorskip("torch")
    data = torch.utils.data
    with pytest.raises(ValueError) as theirs:
        data.DataLoader(data.TensorDataset(torch.zeros(3)), batch_size=0)
    with pytest.raises(ValueError) as ours:
        DataLoader(_dataset(), batch_size=0)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError) as theirs:
        data.DataLoader(data.TensorDataset(torch.zeros(3)), batch_size=2, drop_last="yes")
    with pytest.raises(ValueError) as ours:
        DataLoader(_dataset(), batch_size=2, drop_last="yes")
    assert str(ours.value) == str(theirs.value)


def test_shuffle_must_be_a_bool():
    with pytest.raises(ValueError, match="shuffle should be a boolean value, but got shuffle=yes"):
        DataLoader(_dataset(), shuffle="yes")
    assert DataLoader(_dataset(), shuffle=np.bool_(True)).shuffle is True


def test_empty_dataset_is_a_clear_error_when_iterated():
    loader = DataLoader(TensorDataset(np.zeros((0, 2))), batch_size=2, shuffle=True, seed=0)
    assert len(loader) == 0
    with pytest.raises(ValueError, match="nothing to load: the TensorDataset is empty"):
        next(iter(loader))


def test_map_style_dataset_is_collated_field_by_field():
    xb, yb = next(iter(DataLoader(Squares(), batch_size=4)))
    np.testing.assert_array_equal(xb.numpy(), [[0, 0], [1, 1], [2, 4], [3, 9]])
    assert xb.dtype == np.float32 and yb.dtype == np.int64
    np.testing.assert_array_equal(yb.numpy(), [0, 1, 0, 1])
    single = next(iter(DataLoader(Plain(), batch_size=2)))  # one field per example: a Tensor, as PyTorch gives
    assert isinstance(single, Tensor) and single.dtype == autograd.get_default_dtype()
    np.testing.assert_array_equal(single.numpy(), [[0, 0], [1, 2]])


def test_resumed_loader_draws_the_same_batches_mid_epoch():
    def fresh(seed):
        return DataLoader(_dataset(11), batch_size=3, shuffle=True, seed=seed)

    reference = fresh(0)
    it = iter(reference)
    seen = [next(it)[0].numpy() for _ in range(2)]  # two of four batches of epoch 0
    state = reference.state_dict()
    rest = [b[0].numpy() for b in it] + _rows(reference)  # the rest of epoch 0, then all of epoch 1
    assert len(seen) + len(rest) == 8
    resumed = fresh(99)
    resumed.load_state_dict(state)
    again = _rows(resumed) + _rows(resumed)
    assert len(again) == len(rest)
    assert all(np.array_equal(a, b) for a, b in zip(rest, again))
    assert resumed.state_dict()["epoch"] == reference.state_dict()["epoch"] == 2


def test_loader_state_survives_a_checkpoint_file(tmp_path):
    loader = DataLoader(_dataset(9), batch_size=2, shuffle=True, seed=4)
    _rows(loader)
    nn.save({"loader": loader}, tmp_path / "ckpt.npz")
    expected = _rows(loader)
    resumed = DataLoader(_dataset(9), batch_size=2, shuffle=True, seed=0)
    resumed.load_state_dict(nn.load(tmp_path / "ckpt.npz")["loader"])
    assert all(np.array_equal(a, b) for a, b in zip(expected, _rows(resumed)))


def test_load_state_dict_refuses_a_different_setup():
    state = DataLoader(_dataset(9), batch_size=2, shuffle=True, seed=4).state_dict()
    with pytest.raises(ValueError, match="batch_size=2, but this loader has batch_size=3"):
        DataLoader(_dataset(9), batch_size=3).load_state_dict(state)
    with pytest.raises(ValueError, match="dataset_length"):
        DataLoader(_dataset(8), batch_size=2).load_state_dict(state)
    with pytest.raises(ValueError, match="missing"):
        DataLoader(_dataset(9), batch_size=2).load_state_dict({"epoch": 0})


def test_random_split_sizes_are_disjoint_and_cover_everything():
    ds = _dataset(10)
    parts = random_split(ds, [6, 3, 1], seed=0)
    assert [len(p) for p in parts] == [6, 3, 1]
    indices = np.concatenate([p.indices for p in parts])
    np.testing.assert_array_equal(np.sort(indices), np.arange(10))
    x, y = parts[1][0]
    np.testing.assert_array_equal(x, ds.arrays[0][parts[1].indices[0]])
    assert y == ds.arrays[1][parts[1].indices[0]]
    again = random_split(ds, [6, 3, 1], seed=0)
    assert all(np.array_equal(a.indices, b.indices) for a, b in zip(parts, again))
    other = random_split(ds, [6, 3, 1], seed=1)
    assert not all(np.array_equal(a.indices, b.indices) for a, b in zip(parts, other))


def test_random_split_fractions_give_pytorchs_sizes():
    torch = pytest.importorskip("torch")
    for n, fractions in [(10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]), (101, [0.8, 0.1, 0.1])]:
        theirs = [len(s) for s in torch.utils.data.random_split(range(n), fractions)]
        assert [len(s) for s in random_split(_dataset(n), fractions, seed=0)] == theirs


def test_random_split_rejects_bad_lengths():
    with pytest.raises(ValueError, match="does not equal the length of the input dataset"):
        random_split(_dataset(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(_dataset(10), [1.5, -0.5])
    with pytest.raises(ValueError, match="non-negative integers"):
        random_split(_dataset(10), [12, -2])


def test_loader_over_a_subset_yields_its_rows():
    ds = _dataset(10)
    subset = Subset(ds, [7, 2, 5])
    (xb, yb), = list(DataLoader(subset, batch_size=3))
    np.testing.assert_array_equal(xb.numpy(), ds.arrays[0][[7, 2, 5]])
    np.testing.assert_array_equal(yb.numpy(), ds.arrays[1][[7, 2, 5]])
