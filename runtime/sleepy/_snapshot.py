"""The snapshot file.

    b"sleepy-snapshot 1\\n"
    the main program's .pyc: 8-byte little-endian length, then the bytes
    payload: pickles (protocol 5) streamed as they are made, read by one
             unpickler (so they share its memo): the globals of the saved
             modules, then the stack and the process state (older snapshots
             have one pickle with both)
    header: one line of JSON (the CPython that wrote it, its magic number,
            the frames, the hash of every code object the snapshot needs,
            sizes, whether it is signed)
    b"hmac-sha256 <hex>\\n" when signed with $SLEEPY_KEY (over all of the above)
    footer: offset and length of the header (8 bytes each), b"SLEEPYSN"

The header goes last so that the payload can be written while it is pickled.
Writes go to a temporary file in the same directory, fsynced, then renamed
into place: a crash while writing leaves any previous snapshot intact.
`info` reads the header only; nothing in the payload is loaded to show it.
A signed snapshot is checked before anything in it is read.
"""

import hashlib
import hmac
import importlib.util
import json
import os
import platform
import struct
import sys
import tempfile

MAGIC = b"sleepy-snapshot 1\n"
FOOTER = b"SLEEPYSN"
_FOOTER_SIZE = 16 + len(FOOTER)
_SIG = b"hmac-sha256 "


class SnapshotError(Exception):
    """A snapshot that cannot be resumed here."""


def _key():
    key = os.environ.get("SLEEPY_KEY")
    return key.encode() if key else None


def describe_python():
    return {
        "implementation": sys.implementation.name,
        "version": platform.python_version(),
        "magic": importlib.util.MAGIC_NUMBER.hex(),
    }


class _Writer:
    """A file that keeps a MAC of what goes through it."""

    def __init__(self, f, key):
        self.f = f
        self.mac = hmac.new(key, digestmod=hashlib.sha256) if key else None
        self.size = 0

    def write(self, data):
        if self.mac is not None:
            self.mac.update(data)
        self.size += len(data)
        return self.f.write(data)


class Pending:
    """A snapshot being written: a temporary file in the directory of `path`
    that holds the magic and the main program so far. The payload is
    pickled into `file`; commit(header) adds the header, fsyncs and renames
    the file into place; abort() removes it. After fork() the child may go on
    writing what the parent began (flush() first)."""

    def __init__(self, path, main_bytes):
        self.path = path
        self.directory = os.path.dirname(os.path.abspath(path)) or "."
        fd, self.tmp = tempfile.mkstemp(prefix=".sleepy-", suffix=".tmp", dir=self.directory)
        try:
            self.raw = os.fdopen(fd, "wb")
            self.file = _Writer(self.raw, _key())
            self.file.write(MAGIC)
            self.file.write(struct.pack("<Q", len(main_bytes)))
            self.file.write(main_bytes)
        except BaseException:
            self.abort()
            raise
        self.payload_at = self.file.size

    def flush(self):
        self.raw.flush()

    def commit(self, header):
        try:
            w = self.file
            header = dict(header, python=describe_python(), signed=w.mac is not None)
            header.setdefault("sizes", {})["payload"] = w.size - self.payload_at
            head_at = w.size
            head = json.dumps(header, sort_keys=True).encode() + b"\n"
            w.write(head)
            if w.mac is not None:
                self.raw.write(_SIG + w.mac.hexdigest().encode() + b"\n")
            self.raw.write(struct.pack("<QQ", head_at, len(head)) + FOOTER)
            self.raw.flush()
            os.fsync(self.raw.fileno())
            self.raw.close()
            os.replace(self.tmp, self.path)
        except BaseException:
            self.abort()
            raise
        try:
            dfd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass

    def close(self):
        """Closes this process's handle, leaving the file to another."""
        try:
            self.raw.close()
        except (OSError, AttributeError):
            pass

    def abort(self):
        self.close()
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def _layout(path, data):
    """(header offset, header length, signature) of snapshot bytes."""
    if not data.startswith(MAGIC) or not data.endswith(FOOTER) or len(data) < _FOOTER_SIZE:
        raise SnapshotError(f"{path}: not a sleepy snapshot")
    head_at, head_len = struct.unpack("<QQ", data[-_FOOTER_SIZE:-len(FOOTER)])
    end = head_at + head_len
    if head_at < len(MAGIC) or end > len(data) - _FOOTER_SIZE:
        raise SnapshotError(f"{path}: damaged snapshot (bad footer)")
    sig = data[end:len(data) - _FOOTER_SIZE]
    return head_at, head_len, sig


def _header(path, raw):
    try:
        return json.loads(raw)
    except ValueError:
        raise SnapshotError(f"{path}: damaged snapshot header") from None


def read_header(path):
    """The header of a snapshot, without loading anything else."""
    try:
        with open(path, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                raise SnapshotError(f"{path}: not a sleepy snapshot")
            f.seek(0, 2)
            size = f.tell()
            if size < len(MAGIC) + _FOOTER_SIZE:
                raise SnapshotError(f"{path}: not a sleepy snapshot")
            f.seek(size - _FOOTER_SIZE)
            tail = f.read()
            if not tail.endswith(FOOTER):
                raise SnapshotError(f"{path}: not a sleepy snapshot")
            head_at, head_len = struct.unpack("<QQ", tail[:16])
            if head_at + head_len > size - _FOOTER_SIZE:
                raise SnapshotError(f"{path}: damaged snapshot (bad footer)")
            f.seek(head_at)
            return _header(path, f.read(head_len))
    except OSError as e:
        raise SnapshotError(f"{path}: {e.strerror}") from None


def read(path):
    """(header, main program bytes, payload bytes) of a snapshot that may be
    resumed here: the same CPython, and the signature checked first when
    there is a key."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SnapshotError(f"{path}: {e.strerror}") from None
    head_at, head_len, sig = _layout(path, data)
    signed_part = data[:head_at + head_len]
    key = _key()
    if sig:
        if not sig.startswith(_SIG) or not sig.endswith(b"\n"):
            raise SnapshotError(f"{path}: damaged signature")
        if key is None:
            raise SnapshotError(f"{path}: the snapshot is signed; set SLEEPY_KEY to resume it")
        mac = hmac.new(key, signed_part, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(mac, sig[len(_SIG):-1]):
            raise SnapshotError(f"{path}: the signature does not match: the snapshot was "
                                "changed or signed with another key; refusing to load it")
    elif key is not None:
        raise SnapshotError(f"{path}: the snapshot is not signed and SLEEPY_KEY is set; "
                            "refusing to load it")
    header = _header(path, data[head_at:head_at + head_len])
    here = describe_python()
    there = header.get("python", {})
    if (there.get("implementation") != here["implementation"]
            or there.get("magic") != here["magic"]):
        raise SnapshotError(
            f"{path}: written by {there.get('implementation')} {there.get('version')} "
            f"(magic {there.get('magic')}); this is {here['implementation']} "
            f"{here['version']} (magic {here['magic']})")
    main_bytes, payload = _contents(data, head_at)
    return header, main_bytes, payload


def _contents(data, head_at):
    """(main program bytes, payload) of snapshot bytes; the payload is a
    view, not a copy."""
    main_at = len(MAGIC) + 8
    n = struct.unpack("<Q", data[len(MAGIC):main_at])[0]
    return data[main_at:main_at + n], memoryview(data)[main_at + n:head_at]


def payload_of(path):
    """(header, payload bytes) without checking or loading anything, for
    `info`."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SnapshotError(f"{path}: {e.strerror}") from None
    head_at, head_len, _ = _layout(path, data)
    header = _header(path, data[head_at:head_at + head_len])
    return header, _contents(data, head_at)[1]


def sizes_by_type(payload):
    """Bytes of the pickle by the kind of value they encode, and instances
    by class, read from its opcodes without loading it."""
    import collections
    import io
    import pickletools
    kinds = {
        "str": ("UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8"),
        "bytes": ("BINBYTES", "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8"),
        "int": ("INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4"),
        "float": ("FLOAT", "BINFLOAT"),
        "list": ("EMPTY_LIST", "LIST", "APPEND", "APPENDS"),
        "dict": ("EMPTY_DICT", "DICT", "SETITEM", "SETITEMS"),
        "tuple": ("EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3"),
        "set": ("EMPTY_SET", "ADDITEMS", "FROZENSET"),
        "objects": ("REDUCE", "NEWOBJ", "NEWOBJ_EX", "BUILD", "GLOBAL", "STACK_GLOBAL",
                    "INST", "OBJ"),
    }
    kind_of = {op: k for k, ops in kinds.items() for op in ops}
    sizes = collections.Counter()
    instances = collections.Counter()
    strings = []
    ops = []
    stream = io.BytesIO(payload)
    while stream.tell() < len(payload):  # one pickle or more, one after the other
        ops += pickletools.genops(stream)
    for i, (op, arg, pos) in enumerate(ops):
        end = ops[i + 1][2] if i + 1 < len(ops) else len(payload)
        sizes[kind_of.get(op.name, "other")] += end - pos
        if isinstance(arg, str):
            strings.append(arg)
        if op.name == "GLOBAL" and isinstance(arg, str):
            instances[arg.replace(" ", ".")] += 1
        elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
            instances[f"{strings[-2]}.{strings[-1]}"] += 1
    return sizes, instances
