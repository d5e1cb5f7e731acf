"""Checkpoints without pickle: ``nn.save(obj, path)`` and ``nn.load(path)``.

A checkpoint is a nested structure of dicts (str or int keys), lists, tuples, numbers, strings, bools,
None and NumPy arrays; an object with a ``state_dict()`` method (a Module, an optimizer, a scheduler, a
DataLoader) is saved as its state_dict, and a Tensor as its array. ``load`` gives the structure back with
arrays as NumPy arrays, so resuming reads ``model.load_state_dict(ckpt["model"])``.

The file is a ``.npz``: a zip of ``.npy`` members written with ``allow_pickle=False`` plus one JSON member
that describes the structure and carries the format version. Paths ending in ``.safetensors`` use the
safetensors format instead (the ``safetensors`` extra), with the same JSON in its metadata. Saving is atomic:
a temporary file in the same directory, flushed and fsync'd, then renamed over the target. Loading never
unpickles and never trusts a size: every member is checked (zip entry, ``.npy`` header, dtype, declared
versus stored bytes, limits) before anything is allocated, and anything wrong raises ``CheckpointError``.
What a file may make ``load`` allocate is bounded by the file itself (``max_ratio`` times its size) and by
``max_bytes``; anything but a regular file (a FIFO, a device, a directory) is refused without being opened.

>>> import os, tempfile, numpy as np, nn
>>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
>>> nn.save({"model": nn.Sequential(), "step": 3, "w": np.eye(2)}, path)
>>> ckpt = nn.load(path)
>>> ckpt["step"], ckpt["w"].dtype, ckpt["model"]
(3, dtype('float64'), {})
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import secrets
import stat
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib import format as npy

from autograd import Tensor

__all__ = ["FORMAT_VERSION", "CheckpointError", "load", "save"]

FORMAT_NAME = "chainrule-checkpoint"
FORMAT_VERSION = 1
META_MEMBER = "chainrule.json"
MAX_META_BYTES = 100 * 2**20  # the structure, as JSON; safetensors caps its header the same way
MAX_BYTES = 2**30  # load's default cap on the arrays' total size: 1 GiB
MAX_RATIO = 100  # load's default cap on that total over the file's size; real weights deflate by far less
MAX_DEFLATE_RATIO = 1032  # deflate cannot expand more than ~1032:1, so a member claiming more lies about its size
MAX_DEPTH = 100
NUMERIC_KINDS = "biufc"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
               RuntimeError, struct.error, OverflowError, UnicodeDecodeError)


class CheckpointError(ValueError):
    """A file that is not a valid chainrule checkpoint: damaged, truncated, hostile or from an unknown version."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path, self.reason = os.fspath(path), reason
        super().__init__(f"{self.path}: {reason}")


def save(obj: Any, path: str | os.PathLike[str], compress: bool = False) -> None:
    """Write ``obj`` to ``path`` atomically: a crash mid-write leaves any previous file there intact.

    ``compress=True`` deflates the ``.npz`` members. Objects that cannot be stored (functions, arbitrary
    classes, object arrays) raise ``TypeError`` naming where they are, before anything is written. The
    temporary file is removed on any failure, and those that killed saves to the same path left behind
    are removed by the next save. When ``path`` is a symbolic link, the file it points to is replaced
    and the link stays; ``path`` must not be a directory or another kind of non-regular file.
    """
    arrays: list[np.ndarray] = []
    meta = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "root": _encode(obj, arrays, "obj", set())})
    if os.fspath(path).endswith(".safetensors"):
        if compress:
            raise ValueError("compress=True applies to .npz checkpoints; safetensors files are not compressed")
        st = _safetensors()
        contiguous = {f"arr_{i}": np.require(a, requirements="C") for i, a in enumerate(arrays)}  # keeps 0-d
        data = st.save(contiguous, {"chainrule": meta})
        _write_atomically(path, lambda f: f.write(data))
    else:
        _write_atomically(path, lambda f: _write_npz(f, meta, arrays, compress))


def load(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES, max_ratio: float | None = MAX_RATIO) -> Any:
    """Read a checkpoint written by ``save``; raises ``CheckpointError`` for anything but a valid one.

    Checked before any array is read: ``max_bytes`` caps the total size of the arrays (1 GiB by
    default), and ``max_ratio`` that total over the file's size (100 by default, so a small file
    cannot demand much memory; an uncompressed checkpoint is about 1, and only a compressed file of
    mostly equal values exceeds 100: pass ``max_ratio=None`` to load one). Running out of memory
    while reading is a ``CheckpointError`` too; a missing file is ``FileNotFoundError``.
    """
    size = _regular_file_size(path)
    limit, why = max_bytes, f"max_bytes={max_bytes}"
    if max_ratio is not None and max_ratio * size < max_bytes:
        limit, why = int(max_ratio * size), f"max_ratio={max_ratio} times the file's {size} bytes"
    try:
        if os.fspath(path).endswith(".safetensors"):
            return _load_safetensors(path, limit, why, size)
        return _load_npz(path, limit, why)
    except MemoryError as e:
        raise CheckpointError(path, f"not enough memory to load its arrays: {e}") from e


def _regular_file_size(path: str | os.PathLike[str]) -> int:
    """The size of the regular file at ``path``; anything else is refused without opening it (a FIFO would hang)."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise CheckpointError(path, f"this is {kind}, not a checkpoint file; only regular files are read")
    return os.stat(path).st_size


def _encode(obj: Any, arrays: list[np.ndarray], where: str, active: set[int]) -> Any:
    """The JSON node for ``obj``; arrays are appended to ``arrays`` and referred to by name."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, Tensor):
        obj = obj.data
    if isinstance(obj, np.ndarray | np.generic):
        if obj.dtype.kind not in NUMERIC_KINDS or obj.dtype.fields is not None:
            raise TypeError(f"{where}: cannot save an array of dtype {obj.dtype}; checkpoints hold numeric arrays only")
        arrays.append(np.asarray(obj))
        return {"array" if isinstance(obj, np.ndarray) else "scalar": f"arr_{len(arrays) - 1}"}
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if not isinstance(obj, dict | list | tuple) and callable(getattr(obj, "state_dict", None)):
        return _encode(obj.state_dict(), arrays, f"{where}.state_dict()", active)
    if not isinstance(obj, dict | list | tuple):
        raise TypeError(f"{where}: cannot save an object of type {type(obj).__name__}; a checkpoint holds dicts, "
                        "lists, tuples, numbers, strings, bools, None, arrays and objects with state_dict()")
    if id(obj) in active:
        raise ValueError(f"{where}: the structure contains itself (a reference cycle)")
    active.add(id(obj))
    if isinstance(obj, dict):
        for k in obj:
            if isinstance(k, bool) or not isinstance(k, str | int):
                raise TypeError(f"{where}: dict keys must be str or int, got {type(k).__name__} {k!r}")
        node = {"dict": [[k if isinstance(k, str) else int(k), _encode(v, arrays, f"{where}[{k!r}]", active)]
                         for k, v in obj.items()]}
    else:
        node = {"tuple" if isinstance(obj, tuple) else "list":
                [_encode(v, arrays, f"{where}[{i}]", active) for i, v in enumerate(obj)]}
    active.discard(id(obj))
    return node


def _decode(node: Any, fetch: Callable[[str, bool], Any], path: Any, depth: int = 0) -> Any:
    """Rebuild the structure from its JSON node, refusing anything ``_encode`` does not write.

    ``fetch(name, scalar)`` gives the array a node refers to; the first pass only records the names.
    """
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if depth > MAX_DEPTH:
        raise CheckpointError(path, f"the structure is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict) or len(node) != 1:
        raise CheckpointError(path, f"malformed structure node {str(node)[:80]}")
    ((tag, value),) = node.items()
    if tag in ("array", "scalar") and isinstance(value, str):
        return fetch(value, tag == "scalar")
    if tag in ("list", "tuple") and isinstance(value, list):
        items = [_decode(v, fetch, path, depth + 1) for v in value]
        return items if tag == "list" else tuple(items)
    if tag == "dict" and isinstance(value, list):
        out = {}
        for pair in value:
            if not (isinstance(pair, list) and len(pair) == 2 and type(pair[0]) in (str, int)):
                raise CheckpointError(path, f"malformed dict entry {str(pair)[:80]}")
            out[pair[0]] = _decode(pair[1], fetch, path, depth + 1)
        return out
    raise CheckpointError(path, f"malformed structure node {str(node)[:80]}")


def _plan(raw: bytes, path: Any, members: set[str]) -> Any:
    """Parse and check the structure description against the members; returns its root node.

    Runs before any array is read: format, version and every reference are settled first.
    """
    if len(raw) > MAX_META_BYTES:
        raise CheckpointError(path, f"the structure description is larger than {MAX_META_BYTES} bytes")
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise CheckpointError(path, f"the structure description is not valid JSON: {e}") from e
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise CheckpointError(path, "not a chainrule checkpoint (its metadata names no chainrule format)")
    version = meta.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise CheckpointError(path, f"unsupported checkpoint format version {version!r}; this version of "
                                    f"chainrule reads format version {FORMAT_VERSION}")
    names: list[str] = []
    _decode(meta.get("root"), lambda name, scalar: names.append(name), path)
    if len(set(names)) != len(names) or set(names) != members:
        raise CheckpointError(path, f"the structure refers to arrays {sorted(set(names))[:10]} but the file holds "
                                    f"{sorted(members)[:10]}")
    return meta.get("root")


def _target(path: str | os.PathLike[str]) -> str:
    """Where ``save`` writes: ``path``, or the file a symbolic link there points to; a non-regular file is refused."""
    path = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return path
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{path}: is a directory; cannot save a checkpoint over it")
    if not stat.S_ISREG(mode):
        raise ValueError(f"{path}: is not a regular file (a FIFO, device or socket); cannot save a checkpoint there")
    return path


def _remove_stale_temporaries(directory: str, name: str) -> None:
    """Remove temporary files that saves to ``name`` left when their process was killed (its id is in the name)."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)-[0-9a-f]{{12}}\.tmp")
    for entry in os.listdir(directory):
        match = pattern.fullmatch(entry)
        if match is None or _alive(int(match.group(1))):
            continue
        try:
            os.remove(os.path.join(directory, entry))
        except FileNotFoundError:  # another save removed it first
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be saving
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # exists (another user's), or cannot tell: keep the file
    return True


def _write_atomically(path: str | os.PathLike[str], write: Callable[[io.BufferedWriter], Any]) -> None:
    """Write to a temporary file next to ``path``, fsync it, rename it over ``path``, fsync the directory."""
    path = _target(path)
    directory, name = os.path.split(path)
    _remove_stale_temporaries(directory, name)
    tmp = os.path.join(directory, f".{name}.{os.getpid()}-{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    if os.name == "posix":  # the rename itself is durable only once the directory entry is on disk
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        except OSError:  # some file systems cannot sync a directory; the file itself is already synced
            pass
        finally:
            os.close(dir_fd)


def _write_npz(f: io.BufferedWriter, meta: str, arrays: list[np.ndarray], compress: bool) -> None:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(f, "w", compression=method) as zf:
        zf.writestr(META_MEMBER, meta)
        for i, arr in enumerate(arrays):
            with zf.open(f"arr_{i}.npy", "w", force_zip64=True) as member:
                npy.write_array(member, arr, allow_pickle=False)


def _sniff(path: str | os.PathLike[str]) -> None:
    """Name what the file is when it is not a zip archive at all."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head[:4] in _ZIP_MAGIC:
        return
    if not head:
        raise CheckpointError(path, "the file is empty")
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise CheckpointError(path, "this is a pickle, not a chainrule checkpoint; pickles are never loaded "
                                    "because unpickling can run arbitrary code")
    if head[:6] == npy.MAGIC_PREFIX:
        raise CheckpointError(path, "this is a single .npy array, not a chainrule checkpoint (.npz)")
    raise CheckpointError(path, f"not a chainrule checkpoint: not a zip archive (it starts with {head!r})")


def _load_npz(path: str | os.PathLike[str], max_bytes: int, why: str) -> Any:
    _sniff(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _check_members(zf, path, max_bytes, why)
            meta = infos.pop(META_MEMBER)
            if meta.file_size > MAX_META_BYTES:
                raise CheckpointError(path, f"the structure description is larger than {MAX_META_BYTES} bytes")
            root = _plan(zf.read(meta), path, set(infos))
            for info in infos.values():
                _check_header(zf, info, path)
            arrays = {}
            for name, info in infos.items():  # every check has passed: only now is memory allocated
                with zf.open(info) as fp:
                    arrays[name] = npy.read_array(fp, allow_pickle=False)
    except CheckpointError:
        raise
    except _ZIP_ERRORS as e:
        raise CheckpointError(path, f"damaged checkpoint: {type(e).__name__}: {e}") from e
    return _decode(root, lambda name, scalar: arrays[name][()] if scalar else arrays[name], path)


def _check_members(zf: zipfile.ZipFile, path: Any, max_bytes: int, why: str) -> dict[str, zipfile.ZipInfo]:
    """The zip entries by array name, after checking names, methods, sizes, ratios and overlap."""
    infolist = zf.infolist()
    if META_MEMBER not in {info.filename for info in infolist}:
        raise CheckpointError(path, f"not a chainrule checkpoint, or a damaged one: the structure member "
                                    f"{META_MEMBER!r} is missing")
    infos: dict[str, zipfile.ZipInfo] = {}
    total = end = 0
    for info in sorted(infolist, key=lambda i: i.header_offset):
        name = info.filename
        if name != META_MEMBER and not (name.startswith("arr_") and name.endswith(".npy")):
            raise CheckpointError(path, f"unexpected member {name!r}; not a chainrule checkpoint")
        key = name if name == META_MEMBER else name[:-4]
        if key in infos:
            raise CheckpointError(path, f"member {name!r} appears twice")
        if info.flag_bits & 0x1:
            raise CheckpointError(path, f"member {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise CheckpointError(path, f"member {name!r} uses an unsupported compression method {info.compress_type}")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise CheckpointError(path, f"member {name!r} is stored uncompressed but its sizes disagree "
                                        f"({info.compress_size} vs {info.file_size} bytes)")
        if info.file_size > MAX_DEFLATE_RATIO * max(info.compress_size, 1):
            raise CheckpointError(path, f"member {name!r} claims to inflate {info.compress_size} bytes to "
                                        f"{info.file_size}, more than deflate can: a zip bomb or a forged size")
        if info.header_offset < end:  # overlapping entries let a small file inflate many times over
            raise CheckpointError(path, f"member {name!r} overlaps the member before it")
        end = info.header_offset + 30 + len(info.orig_filename.encode()) + info.compress_size
        total += info.file_size
        if total > max_bytes:
            raise CheckpointError(path, f"the members hold more than {max_bytes} bytes, the limit {why} gives; "
                                        "pass a larger max_bytes, or max_ratio=None, to load a checkpoint like this")
        infos[key] = info
    return infos


def _check_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Any) -> None:
    """Read one member's ``.npy`` header and check it against the zip entry, allocating nothing."""
    name = info.filename
    with zf.open(info) as fp:
        try:
            version = npy.read_magic(fp)
            if version == (1, 0):
                shape, _, dtype = npy.read_array_header_1_0(fp)
            elif version == (2, 0):
                shape, _, dtype = npy.read_array_header_2_0(fp)
            else:
                raise CheckpointError(path, f"member {name!r} has .npy format version {version}; only 1.0 and 2.0 "
                                            "are read")
        except CheckpointError:
            raise
        except (ValueError, OverflowError, SyntaxError, TypeError, EOFError) as e:
            raise CheckpointError(path, f"member {name!r} has a malformed .npy header: {e}") from e
        header_bytes = fp.tell()
    if dtype.hasobject:
        raise CheckpointError(path, f"member {name!r} holds Python objects (dtype {dtype}); object arrays are "
                                    "refused because loading them would need pickle")
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise CheckpointError(path, f"member {name!r} has dtype {dtype}; only numeric arrays are read")
    if any(d < 0 for d in shape):
        raise CheckpointError(path, f"member {name!r} declares a negative dimension in shape {shape}")
    nbytes = math.prod(shape) * dtype.itemsize  # Python ints: no overflow whatever the header claims
    if header_bytes + nbytes != info.file_size:
        raise CheckpointError(path, f"member {name!r} declares shape {shape} of {dtype} ({nbytes} bytes) but holds "
                                    f"{info.file_size - header_bytes} bytes of data")


def _safetensors() -> Any:
    try:
        import safetensors.numpy
    except ImportError as e:
        raise ImportError('.safetensors checkpoints need the safetensors package: '
                          'pip install "chainrule[safetensors]"') from e
    return safetensors.numpy


def _load_safetensors(path: str | os.PathLike[str], max_bytes: int, why: str, size: int) -> Any:
    _safetensors()
    from safetensors import SafetensorError, safe_open

    if size > max_bytes + MAX_META_BYTES:
        raise CheckpointError(path, f"the file is larger than {max_bytes} bytes, the limit {why} gives")
    try:  # safetensors checks its header, offsets and sizes before it hands out a tensor
        with safe_open(os.fspath(path), framework="numpy") as f:
            root = _plan((f.metadata() or {}).get("chainrule", "").encode(), path, set(f.keys()))
            arrays = {name: f.get_tensor(name) for name in f.keys()}
    except CheckpointError:
        raise
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(path, f"damaged safetensors checkpoint: {e}") from e
    return _decode(root, lambda name, scalar: arrays[name][()] if scalar else arrays[name], path)
