"""nn.save / nn.load: exact round trips, atomic writes, and hostile or damaged files refused safely."""

import io
import json
import math
import os
import pickle
import stat
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.lib import format as npy

import autograd
import nn
from nn import CheckpointError, serialization
from nn.data import DataLoader, TensorDataset
from nn.optim import Adam

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

META = {"format": "chainrule-checkpoint", "version": 1, "root": {"array": "arr_0"}}


def _same(a, b):
    """Equal in type and, for numbers and arrays, bit for bit (NaN and -0.0 included)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, np.ndarray | np.generic):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)  # JSON has one NaN; arrays, stored as .npy, keep every payload
    elif isinstance(a, float):
        assert struct.pack("<d", a) == struct.pack("<d", b)
    elif isinstance(a, dict):
        assert list(a) == list(b) and [type(k) for k in a] == [type(k) for k in b]
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b


def _nested():
    rng = np.random.default_rng(0)
    return {
        "f32": rng.standard_normal((3, 4)).astype(np.float32),
        "f64": np.array([np.nan, -0.0, np.inf, 1e-310, np.pi]),
        "ints": [np.arange(5, dtype=np.int8), np.array([2**62, -1], dtype=np.int64), np.arange(3, dtype=np.uint16)],
        "bool": np.array([True, False]),
        "fortran": np.asfortranarray(rng.standard_normal((2, 3))),
        "strided": np.arange(10.0)[::3],
        "empty": np.zeros((0, 4), dtype=np.float32),
        "zero_d": np.array(2.5),
        "np_scalar": np.float32(1.25),
        "numbers": [0, -7, 2**100, 1.5, -0.0, math.nan, math.inf, True, False],
        "text": "héllo ✓",
        "none": None,
        "tuple": (1, (2.0, "x"), []),
        "optimizer_like": {"state": {0: {"step": 3, "exp_avg": np.ones(2)}, 7: {}}, "param_groups": [
            {"lr": 0.001, "betas": (0.9, 0.999), "amsgrad": False, "params": [0, 7]}]},
        "": {"": ""},
    }


def test_round_trip_is_exact(tmp_path):
    obj = _nested()
    nn.save(obj, tmp_path / "ckpt.npz")
    _same(obj, nn.load(tmp_path / "ckpt.npz"))


def test_compressed_round_trip_is_exact(tmp_path):
    obj = _nested()
    nn.save(obj, tmp_path / "ckpt.npz", compress=True)
    with zipfile.ZipFile(tmp_path / "ckpt.npz") as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_DEFLATED}
    _same(obj, nn.load(tmp_path / "ckpt.npz"))


def test_the_file_is_an_npz_of_plain_npy_members(tmp_path):
    nn.save({"w": np.arange(4.0)}, tmp_path / "ckpt.npz")
    with np.load(tmp_path / "ckpt.npz", allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["arr_0"], np.arange(4.0))
    with zipfile.ZipFile(tmp_path / "ckpt.npz") as zf:
        meta = json.loads(zf.read("chainrule.json"))
    assert meta["version"] == serialization.FORMAT_VERSION


def test_safetensors_round_trip(tmp_path):
    pytest.importorskip("safetensors")
    obj = _nested()  # safetensors has no complex dtype; _nested holds none
    nn.save(obj, tmp_path / "ckpt.safetensors")
    _same(obj, nn.load(tmp_path / "ckpt.safetensors"))


def test_rng_states_round_trip(tmp_path):
    pcg = np.random.default_rng(12345)
    pcg.standard_normal(3)
    mt = np.random.Generator(np.random.MT19937(7))
    autograd.manual_seed(3)
    states = {"pcg": pcg.bit_generator.state, "mt": mt.bit_generator.state, "library": autograd.get_rng_state()}
    assert states["pcg"]["state"]["state"] >= 2**64  # a 128-bit integer really is in there
    nn.save(states, tmp_path / "rng.npz")
    loaded = nn.load(tmp_path / "rng.npz")
    _same(states, loaded)
    restored = np.random.default_rng(0)
    restored.bit_generator.state = loaded["pcg"]
    np.testing.assert_array_equal(restored.standard_normal(5), pcg.standard_normal(5))
    restored_mt = np.random.Generator(np.random.MT19937(0))
    restored_mt.bit_generator.state = loaded["mt"]
    np.testing.assert_array_equal(restored_mt.random(5), mt.random(5))


class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(autograd.randn(3, 2, dtype=np.float64))
        self.bias = nn.Parameter(autograd.zeros(3, dtype=np.float64))

    def forward(self, x):
        return x @ self.weight.T + self.bias


def test_objects_with_state_dict_are_saved_as_their_state(tmp_path):
    autograd.manual_seed(0)
    model = nn.Sequential(Affine(), Affine())
    loader = DataLoader(TensorDataset(np.arange(6.0)), batch_size=2, shuffle=True, seed=1)
    nn.save({"model": model, "loader": loader, "tensor": autograd.tensor([1.0, 2.0]), "epoch": 4}, tmp_path / "c.npz")
    ckpt = nn.load(tmp_path / "c.npz")
    assert set(ckpt["model"]) == {"0.weight", "0.bias", "1.weight", "1.bias"}
    _same(model.state_dict(), ckpt["model"])
    _same(loader.state_dict(), ckpt["loader"])
    _same(np.array([1.0, 2.0], dtype=np.float32), ckpt["tensor"])
    fresh = nn.Sequential(Affine(), Affine())
    fresh.load_state_dict(ckpt["model"])
    for (name, p), (_, q) in zip(model.named_parameters(), fresh.named_parameters()):
        assert p.data.tobytes() == q.data.tobytes(), name


def test_optimizer_state_round_trips(tmp_path):
    autograd.manual_seed(0)
    model = Affine()
    opt = Adam(model.parameters(), lr=0.01)
    for _ in range(2):
        opt.zero_grad()
        (model(autograd.randn(4, 2, dtype=np.float64)) ** 2).sum().backward()
        opt.step()
    nn.save({"optimizer": opt}, tmp_path / "opt.npz")
    _same(opt.state_dict(), nn.load(tmp_path / "opt.npz")["optimizer"])


@pytest.mark.parametrize(("obj", "error", "message"), [
    ({"f": len}, TypeError, r"obj\['f'\]: cannot save an object of type builtin_function_or_method"),
    ({"a": [np.array([object()])]}, TypeError, r"obj\['a'\]\[0\]: cannot save an array of dtype object"),
    ({"s": np.array(["text"])}, TypeError, "dtype <U4"),
    ({(1, 2): 0}, TypeError, "dict keys must be str or int"),
    ({True: 0}, TypeError, "dict keys must be str or int"),
    ({1.5: 0}, TypeError, "dict keys must be str or int"),
    ({"set": {1, 2}}, TypeError, "type set"),
])
def test_unsaveable_objects_are_named_and_nothing_is_written(tmp_path, obj, error, message):
    with pytest.raises(error, match=message):
        nn.save(obj, tmp_path / "c.npz")
    assert os.listdir(tmp_path) == []


def test_a_structure_that_contains_itself_is_refused(tmp_path):
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        nn.save({"loop": loop}, tmp_path / "c.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("crash", [OSError("disk full"), KeyboardInterrupt()])
def test_a_crash_during_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch, crash):
    path = tmp_path / "ckpt.npz"
    previous = {"w": np.arange(5.0), "step": 1}
    nn.save(previous, path)
    write_array = npy.write_array
    calls = []

    def write_then_crash(fp, array, *args, **kwargs):
        calls.append(array.shape)
        if len(calls) == 2:  # the first array is written, the second is half written
            fp.write(b"\x93NUMPY partial")
            raise crash
        return write_array(fp, array, *args, **kwargs)

    monkeypatch.setattr(npy, "write_array", write_then_crash)
    with pytest.raises(type(crash)):
        nn.save({"w": np.zeros(5), "v": np.ones(1000), "step": 2}, path)
    assert len(calls) == 2
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # no temporary file left behind
    monkeypatch.undo()
    _same(previous, nn.load(path))


def test_a_crash_on_first_save_leaves_no_file(tmp_path, monkeypatch):
    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(npy, "write_array", crash)
    with pytest.raises(OSError):
        nn.save({"w": np.zeros(3)}, tmp_path / "ckpt.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="directories are fsync'd on POSIX only")
def test_save_fsyncs_the_file_and_its_directory(tmp_path, monkeypatch):
    synced = []
    fsync = os.fsync

    def record(fd):
        synced.append(stat.S_IFMT(os.fstat(fd).st_mode))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", record)
    nn.save({"w": np.zeros(3)}, tmp_path / "ckpt.npz")
    assert synced == [stat.S_IFREG, stat.S_IFDIR]


def test_save_replaces_an_existing_file_and_keeps_no_temporaries(tmp_path):
    path = tmp_path / "ckpt.npz"
    path.write_bytes(b"junk that is not a checkpoint")
    nn.save({"w": np.ones(2)}, path)
    _same({"w": np.ones(2)}, nn.load(path))
    assert os.listdir(tmp_path) == ["ckpt.npz"]


class Payload:
    """Unpickling this creates a directory: proof that code ran."""

    def __init__(self, sentinel):
        self.sentinel = str(sentinel)

    def __reduce__(self):
        return os.mkdir, (self.sentinel,)


def _npy(array, allow_pickle=False):
    buf = io.BytesIO()
    npy.write_array(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _header(shape, descr="<f8", data=b"\0" * 16, version=(1, 0)):
    buf = io.BytesIO()
    writer = npy.write_array_header_1_0 if version == (1, 0) else npy.write_array_header_2_0
    writer(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue() + data


def _zip(path, members, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _checkpoint(path, root=None, arrays=None, method=zipfile.ZIP_STORED, **meta):
    """A hand-made checkpoint: ``arrays`` are raw ``.npy`` bytes by member name."""
    arrays = {"arr_0": _npy(np.arange(3.0))} if arrays is None else arrays
    header = {**META, **meta, "root": META["root"] if root is None else root}
    members = {"chainrule.json": json.dumps(header).encode()}
    members.update({f"{name}.npy": data for name, data in arrays.items()})
    _zip(path, members, method)


def _patch_central(path, member, offset, fmt, value):
    """Overwrite a field of ``member``'s central-directory entry (offsets as in the zip specification)."""
    data = bytearray(path.read_bytes())
    start = 0
    while True:
        start = data.index(b"PK\x01\x02", start)
        name_len = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + name_len] == member.encode():
            break
        start += 4
    struct.pack_into(fmt, data, start + offset, value)
    path.write_bytes(bytes(data))


def _write_pickle(path, sentinel):
    path.write_bytes(pickle.dumps(Payload(sentinel)))


def _write_object_member(path, sentinel):
    _checkpoint(path, arrays={"arr_0": _npy(np.array([Payload(sentinel)], dtype=object), allow_pickle=True)})


def _write_plain_object_npz(path, sentinel):
    np.savez(path, arr_0=np.array([Payload(sentinel)], dtype=object), allow_pickle=True)


def _write_truncated(path, sentinel):
    nn.save({"w": np.arange(100.0)}, path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _write_forged_size(path, sentinel):
    _checkpoint(path, arrays={"arr_0": _npy(np.zeros(100))}, method=zipfile.ZIP_DEFLATED)
    _patch_central(path, "arr_0.npy", 24, "<I", 2**32 - 2)  # claims ~4 GiB uncompressed


def _write_overlapping(path, sentinel):
    root = {"list": [{"array": "arr_0"}, {"array": "arr_1"}]}
    _checkpoint(path, root=root, arrays={"arr_0": _npy(np.zeros(4)), "arr_1": _npy(np.ones(4))})
    with zipfile.ZipFile(path) as zf:
        first = zf.getinfo("arr_0.npy").header_offset
    _patch_central(path, "arr_1.npy", 42, "<I", first)


def _write_encrypted(path, sentinel):
    _checkpoint(path)
    _patch_central(path, "arr_0.npy", 8, "<H", 1)


def _write_bad_crc(path, sentinel):
    _checkpoint(path, arrays={"arr_0": _npy(np.zeros(64))})
    data = bytearray(path.read_bytes())
    data[data.index(b"\x93NUMPY") + 200] ^= 0xFF  # inside the array data
    path.write_bytes(bytes(data))


def _deep(levels):
    node = {"array": "arr_0"}
    for _ in range(levels):
        node = {"list": [node]}
    return node


HOSTILE = {
    "pickle payload renamed .npz": (_write_pickle, "this is a pickle"),
    "object-dtype member": (_write_object_member, "object arrays are refused"),
    "np.savez file with an object array": (_write_plain_object_npz, "'chainrule.json' is missing"),
    "random bytes": (lambda p, s: p.write_bytes(np.random.default_rng(0).bytes(4096)), "not a zip archive"),
    "empty file": (lambda p, s: p.write_bytes(b""), "the file is empty"),
    "truncated zip": (_write_truncated, "damaged checkpoint: BadZipFile"),
    "a single .npy": (lambda p, s: p.write_bytes(_npy(np.ones(3))), r"single \.npy array"),
    "header declares 1e11 elements": (lambda p, s: _checkpoint(p, arrays={"arr_0": _header((10**11,))}),
                                      r"declares shape \(100000000000,\)"),
    "dimension beyond 2**64": (lambda p, s: _checkpoint(p, arrays={"arr_0": _header((2**70,), version=(2, 0))}),
                               "declares shape"),
    "negative dimension": (lambda p, s: _checkpoint(p, arrays={"arr_0": _header((-2, -1))}), "negative dimension"),
    "data shorter than declared": (lambda p, s: _checkpoint(p, arrays={"arr_0": _header((4,))}),
                                   "holds 16 bytes of data"),
    "string member": (lambda p, s: _checkpoint(p, arrays={"arr_0": _npy(np.array(["ab"]))}), "only numeric arrays"),
    "structured member": (lambda p, s: _checkpoint(p, arrays={"arr_0": _npy(np.zeros(2, dtype="i4,f8"))}),
                          "only numeric arrays"),
    "npy format 3.0": (lambda p, s: _checkpoint(p, arrays={"arr_0": _header((2,), version=(2, 0)).replace(
        b"NUMPY\x02", b"NUMPY\x03", 1)}), r"format version \(3, 0\)"),
    "missing metadata": (lambda p, s: np.savez(p, arr_0=np.ones(3)), "'chainrule.json' is missing"),
    "unknown version": (lambda p, s: _checkpoint(p, version=2),
                        "unsupported checkpoint format version 2; .* reads format version 1"),
    "version is a bool": (lambda p, s: _checkpoint(p, version=True), "unsupported checkpoint format version True"),
    "foreign metadata": (lambda p, s: _checkpoint(p, format="something-else"), "not a chainrule checkpoint"),
    "metadata not JSON": (lambda p, s: _zip(p, {"chainrule.json": b"{not json"}), "not valid JSON"),
    "metadata not UTF-8": (lambda p, s: _zip(p, {"chainrule.json": b"\xff\xfe"}), "not valid JSON"),
    "metadata nested too deep": (lambda p, s: _checkpoint(p, root=_deep(150)), "nested deeper than 100"),
    "JSON deeper than the parser": (lambda p, s: _zip(p, {"chainrule.json": b"[" * 100_000 + b"]" * 100_000}),
                                    "not valid JSON"),
    "reference to a missing array": (lambda p, s: _checkpoint(p, root={"array": "arr_9"}), "refers to arrays"),
    "array referenced twice": (lambda p, s: _checkpoint(p, root={"list": [{"array": "arr_0"}, {"array": "arr_0"}]}),
                               "refers to arrays"),
    "unreferenced member": (lambda p, s: _checkpoint(p, arrays={"arr_0": _npy(np.ones(1)), "arr_1": _npy(np.ones(1))}),
                            "refers to arrays"),
    "unknown node": (lambda p, s: _checkpoint(p, root={"call": ["os.system", "x"]}), "malformed structure node"),
    "raw JSON list node": (lambda p, s: _checkpoint(p, root=[1, 2]), "malformed structure node"),
    "bool dict key": (lambda p, s: _checkpoint(p, root={"dict": [[True, {"array": "arr_0"}]]}), "malformed dict entry"),
    "unexpected member": (lambda p, s: _zip(p, {"chainrule.json": json.dumps(META).encode(), "data.pkl": b"x"}),
                          "unexpected member 'data.pkl'"),
    "forged uncompressed size (zip bomb)": (_write_forged_size, "more than deflate can"),
    "overlapping members": (_write_overlapping, "overlaps"),
    "encrypted member": (_write_encrypted, "encrypted"),
    "corrupted array data": (_write_bad_crc, "damaged checkpoint: BadZipFile: Bad CRC-32"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_and_damaged_files_raise_checkpoint_error_and_run_nothing(tmp_path, case):
    write, message = HOSTILE[case]
    path, sentinel = tmp_path / "ckpt.npz", tmp_path / "code-ran"
    write(path, sentinel)
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match=message) as err:
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert type(err.value) is CheckpointError and isinstance(err.value, ValueError)
    assert err.value.path == str(path) and str(path) in str(err.value)
    assert not sentinel.exists()
    assert peak < 16 * 2**20  # nothing near what a header claims was allocated


def test_the_pickle_payload_is_live(tmp_path):
    """The hostile files above would really have run code if they had been unpickled."""
    sentinel = tmp_path / "code-ran"
    pickle.loads(pickle.dumps(Payload(sentinel)))
    assert sentinel.exists()


def test_max_bytes_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.npz"
    nn.save({"w": np.zeros(2**21)}, path, compress=True)  # 16 MiB of zeros, a few KiB on disk
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match="max_bytes=1048576"):
            nn.load(path, max_bytes=2**20, max_ratio=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    assert nn.load(path, max_ratio=None)["w"].shape == (2**21,)


def test_a_small_file_cannot_demand_much_memory(tmp_path):
    """Failure 2: a few-KiB .npz claiming 64 MiB was read by default; the file's size now bounds what it may allocate."""
    path = tmp_path / "bomb.npz"
    nn.save({"w": np.zeros(2**23)}, path, compress=True)  # deflate's best ratio, about 1000:1
    size = path.stat().st_size
    assert size < 2**17
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match=rf"max_ratio=100 times the file's {size} bytes"):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    assert serialization.MAX_BYTES < 2**33  # the absolute default is lower than the 8 GiB it was
    assert nn.load(path, max_ratio=None)["w"].shape == (2**23,)
    ordinary = tmp_path / "weights.npz"  # real weights are nowhere near the limit, compressed or not
    weights = {"w": np.random.default_rng(0).normal(size=(256, 256)).astype(np.float32)}
    for compress in (False, True):
        nn.save(weights, ordinary, compress=compress)
        _same(weights, nn.load(ordinary))


def test_running_out_of_memory_is_a_checkpoint_error(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.ones(10)}, path)

    def exhausted(*args, **kwargs):
        raise MemoryError("Unable to allocate 1.00 GiB")

    monkeypatch.setattr(npy, "read_array", exhausted)
    with pytest.raises(CheckpointError, match=r"not enough memory.*1\.00 GiB"):
        nn.load(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_at_once_without_being_opened(tmp_path):
    """Failure 5: nn.load on a FIFO waited forever for a writer."""
    fifo = tmp_path / "ckpt.npz"
    os.mkfifo(fifo)
    code = f"import nn\ntry:\n    nn.load({str(fifo)!r})\nexcept nn.CheckpointError as e:\n    print(e)"
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert "FIFO" in result.stdout and "only regular files are read" in result.stdout, result.stderr


@pytest.mark.parametrize("where", ["directory", "device"])
def test_directories_and_devices_are_refused(tmp_path, where):
    path = tmp_path if where == "directory" else "/dev/null"
    if where == "device" and not os.path.exists(path):
        pytest.skip("no /dev/null here")
    with pytest.raises(CheckpointError, match=f"this is a {where}"):
        nn.load(path)
    with pytest.raises((IsADirectoryError, ValueError)):
        nn.save({"w": np.ones(2)}, path)


def test_temporary_files_of_killed_saves_are_removed_by_the_next_save(tmp_path):
    """Failure 3: each save killed mid-write left its temporary file behind for ever."""
    path = tmp_path / "ckpt.npz"
    code = ("import os, time, numpy as np, nn\n"
            "os.fsync = lambda fd: time.sleep(60)  # stall once the data is written\n"
            f"nn.save({{'w': np.ones(2**18)}}, {str(path)!r})")
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for _ in range(2):
        process = subprocess.Popen([sys.executable, "-c", code], env=env)
        try:
            for _ in range(600):
                if any(name.endswith(".tmp") and os.path.getsize(tmp_path / name) > 2**20
                       for name in os.listdir(tmp_path)):
                    break
                time.sleep(0.05)
        finally:
            process.kill()
            process.wait()
    left = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert len(left) == 1  # the second save removed what the first kill left; the second kill left this one
    live = tmp_path / f".ckpt.npz.{os.getpid()}-0123456789ab.tmp"  # a save in progress in a live process
    live.write_bytes(b"x")
    other = tmp_path / f".other.npz.{process.pid}-0123456789ab.tmp"  # another target's
    other.write_bytes(b"x")
    nn.save({"w": np.zeros(3)}, path)
    assert sorted(os.listdir(tmp_path)) == sorted(["ckpt.npz", live.name, other.name])
    _same({"w": np.zeros(3)}, nn.load(path))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_saving_to_a_symlink_writes_the_file_it_points_to(tmp_path):
    """Failure 5: saving to a symlinked path replaced the link with a file."""
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / "real.npz"
    nn.save({"w": np.ones(2)}, target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    nn.save({"w": np.zeros(2)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    _same({"w": np.zeros(2)}, nn.load(target))
    assert sorted(os.listdir(tmp_path)) == ["latest.npz", "store"] and os.listdir(tmp_path / "store") == ["real.npz"]
    dangling = tmp_path / "new.npz"
    dangling.symlink_to(tmp_path / "store" / "new.npz")
    nn.save({"w": np.ones(1)}, dangling)
    assert dangling.is_symlink() and (tmp_path / "store" / "new.npz").is_file()


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "nothing.npz")


@pytest.mark.parametrize("content", [b"", b"\x80\x04not safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}"])
def test_damaged_safetensors_raise_checkpoint_error(tmp_path, content):
    pytest.importorskip("safetensors")
    path = tmp_path / "ckpt.safetensors"
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as err:
        nn.load(path)
    assert err.value.path == str(path)


def test_truncated_safetensors_raise_checkpoint_error(tmp_path):
    pytest.importorskip("safetensors")
    path = tmp_path / "ckpt.safetensors"
    nn.save({"w": np.arange(100.0)}, path)
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(CheckpointError, match="damaged safetensors"):
        nn.load(path)


def test_safetensors_refuses_compress(tmp_path):
    with pytest.raises(ValueError, match=r"compress=True applies to \.npz"):
        nn.save({"w": np.ones(2)}, tmp_path / "c.safetensors", compress=True)


def test_safetensors_without_the_package_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r'pip install "chainrule\[safetensors\]"'):
        nn.save({"w": np.ones(2)}, tmp_path / "c.safetensors")


leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=5),
    hnp.arrays(st.sampled_from(["f4", "f8", "i1", "i8", "u2", "?", "c16"]), hnp.array_shapes(min_dims=0, max_side=3)),
)
structures = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), inner, max_size=3)), max_leaves=10)


@given(structures)
def test_any_nested_structure_round_trips_exactly(tmp_path_factory, obj):
    path = tmp_path_factory.mktemp("rt") / "c.npz"
    nn.save(obj, path)
    _same(obj, nn.load(path))
