"""The snapshot file.

    b"sleepy-snapshot 2\\n"
    the main program's .pyc: 8-byte little-endian length, then the bytes
    payload: pickles (protocol 5) streamed as they are made, read by one
             unpickler (so they share its memo): the globals of the saved
             modules, then the stack and the process state
    header: one line of JSON (the CPython that wrote it, its magic number,
            the frames, the hash of every code object the snapshot needs,
            sizes, whether it is signed)
    b"hmac-sha256 <hex>\\n" when signed with $SLEEPY_KEY (over all of the above)
    footer: offset and length of the header (8 bytes each), the SHA-256 of
            every byte before it (32 bytes, raw), b"SLEEPYS2"

The header goes last so that the payload can be written while it is pickled;
the writer keeps running hashes of what it writes. Writes go to a temporary
file in the same directory, fsynced, then renamed into place: a crash while
writing leaves any previous snapshot intact.

Nothing in a snapshot is trusted, not even the footer's offsets, before its
checksum matches: a file damaged anywhere (truncated, a byte changed) is
refused as damaged, never run or half-read (format 1 had no checksum, and a
flipped byte in the pickle could resume with silently changed state). The
checksum catches accidents, not forgeries: a signed snapshot's HMAC is
checked after it. `info` loads nothing of the payload (it reads the
header and the pickle's opcodes), and only once the whole file is checked.
"""

import hashlib
import hmac
import importlib.util
import json
import os
import struct
import sys

MAGIC = b"sleepy-snapshot 2\n"
_MAGIC_PREFIX = b"sleepy-snapshot "
FORMAT = 2
FOOTER = b"SLEEPYS2"  # not format 1's b"SLEEPYSN": no changed byte makes one format the other
_DIGEST_SIZE = 32
_FOOTER_SIZE = 16 + _DIGEST_SIZE + len(FOOTER)
_SIG = b"hmac-sha256 "
_CHUNK = 1 << 20


class SnapshotError(Exception):
    """A snapshot that cannot be resumed here."""


def _key():
    key = os.environ.get("SLEEPY_KEY")
    return key.encode() if key else None


def describe_python():
    return {
        "implementation": sys.implementation.name,
        "version": sys.version.split()[0],
        "magic": importlib.util.MAGIC_NUMBER.hex(),
    }


class _Writer:
    """A file that keeps the checksum, and the MAC when there is a key, of
    what goes through it."""

    def __init__(self, f, key):
        self.f = f
        self.sha = hashlib.sha256()
        self.mac = hmac.new(key, digestmod=hashlib.sha256) if key else None
        self.size = 0

    def write(self, data, signed=True):
        if signed and self.mac is not None:
            self.mac.update(data)
        self.sha.update(data)
        # nbytes, not len(): the pickler hands large buffers over as they are
        # (a PickleBuffer has no len(), a memoryview counts items).
        self.size += memoryview(data).nbytes
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
        import tempfile  # here: resuming (which starts with this module) needs none of it
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
                w.write(_SIG + w.mac.hexdigest().encode() + b"\n", signed=False)
            w.write(struct.pack("<QQ", head_at, len(head)), signed=False)
            self.raw.write(w.sha.digest() + FOOTER)
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


def _check(path, size, head, tail, digest):
    """(header offset, header length) of a snapshot of `size` bytes that
    begins with `head` (its first 64 bytes or fewer) and ends
    with `tail` (its last _FOOTER_SIZE bytes or fewer), once digest(), the
    SHA-256 of all of it but the last 40 bytes, matches the one it carries.
    Raises SnapshotError otherwise."""
    magic_ok = head.startswith(MAGIC)
    footer_ok = size >= len(MAGIC) + _FOOTER_SIZE and tail.endswith(FOOTER)
    if not magic_ok and not footer_ok:
        if size == 0:
            raise SnapshotError(f"{path}: not a sleepy snapshot (empty file)")
        if size < len(MAGIC) and MAGIC.startswith(head):
            raise SnapshotError(f"{path}: damaged snapshot (truncated to {size} bytes)")
        line = head.split(b"\n", 1)
        if head.startswith(_MAGIC_PREFIX) and len(line) == 2:
            other = line[0][len(_MAGIC_PREFIX):].decode("ascii", "replace")
            raise SnapshotError(
                f"{path}: a snapshot of format {other}, written by another version of "
                f"sleepy; this one reads format {FORMAT} (suspend the program again)")
        raise SnapshotError(f"{path}: not a sleepy snapshot")
    if not magic_ok:
        raise SnapshotError(f"{path}: damaged snapshot (bad magic)")
    if not footer_ok:
        raise SnapshotError(f"{path}: damaged snapshot (truncated, or bad footer)")
    if not hmac.compare_digest(digest(), tail[16:16 + _DIGEST_SIZE]):
        raise SnapshotError(f"{path}: damaged snapshot (checksum mismatch)")
    head_at, head_len = struct.unpack("<QQ", tail[:16])
    end = head_at + head_len
    if head_at < len(MAGIC) + 8 or end > size - _FOOTER_SIZE:
        raise SnapshotError(f"{path}: damaged snapshot (bad footer)")  # a wrong writer
    return head_at, head_len


def _check_bytes(path, data):
    """_check for a snapshot read whole; returns (header offset, header
    length, signature)."""
    size = len(data)
    digest_at = max(size - _FOOTER_SIZE + 16, 0)
    head_at, head_len = _check(
        path, size, data[:64], data[-_FOOTER_SIZE:],
        lambda: hashlib.sha256(memoryview(data)[:digest_at]).digest())
    return head_at, head_len, data[head_at + head_len:size - _FOOTER_SIZE]


def _check_file(path, f):
    """_check for an open snapshot, read in chunks; returns (header
    offset, header length)."""
    f.seek(0, 2)
    size = f.tell()
    f.seek(0)
    head = f.read(64)
    f.seek(max(size - _FOOTER_SIZE, 0))
    tail = f.read()

    def digest():
        sha = hashlib.sha256()
        f.seek(0)
        left = size - _FOOTER_SIZE + 16
        while left > 0:
            chunk = f.read(min(left, _CHUNK))
            if not chunk:
                break
            sha.update(chunk)
            left -= len(chunk)
        return sha.digest()
    return _check(path, size, head, tail, digest)


def _header(path, raw):
    try:
        header = json.loads(raw)
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise SnapshotError(f"{path}: damaged snapshot (bad header)")  # a wrong writer
    return header


def peek_header(path):
    """The header of a snapshot as it stands, unchecked, or None: only for
    what a process must do before it can afford to check (install the
    signal triggers a resumed program keeps)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            if size < len(MAGIC) + _FOOTER_SIZE:
                return None
            f.seek(size - _FOOTER_SIZE)
            tail = f.read()
            if not tail.endswith(FOOTER):
                return None
            head_at, head_len = struct.unpack("<QQ", tail[:16])
            if head_at + head_len > size - _FOOTER_SIZE or head_len > 1 << 24:
                return None
            f.seek(head_at)
            header = json.loads(f.read(head_len))
    except (OSError, ValueError, struct.error):
        return None
    return header if isinstance(header, dict) else None


def read_header(path):
    """The header of a snapshot, without loading anything else (the whole
    file is checked first)."""
    try:
        with open(path, "rb") as f:
            head_at, head_len = _check_file(path, f)
            f.seek(head_at)
            return _header(path, f.read(head_len))
    except OSError as e:
        raise SnapshotError(f"{path}: {e.strerror}") from None


def _read_checked(path):
    """(bytes, header offset, header length, signature) of a snapshot whose
    checksum matches."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SnapshotError(f"{path}: {e.strerror}") from None
    return (data, *_check_bytes(path, data))


def read(path):
    """(header, main program bytes, payload bytes) of a snapshot that may be
    resumed here: undamaged, the same CPython, and the signature checked
    first when there is a key."""
    data, head_at, head_len, sig = _read_checked(path)
    signed_part = memoryview(data)[:head_at + head_len]
    key = _key()
    if sig:
        if not sig.startswith(_SIG) or not sig.endswith(b"\n"):
            raise SnapshotError(f"{path}: damaged snapshot (bad signature line)")
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
    main_bytes, payload = _contents(path, data, head_at)
    return header, main_bytes, payload


def _contents(path, data, head_at):
    """(main program bytes, payload) of checked snapshot bytes; the payload
    is a view, not a copy."""
    main_at = len(MAGIC) + 8
    n = struct.unpack("<Q", data[len(MAGIC):main_at])[0]
    if main_at + n > head_at:
        raise SnapshotError(f"{path}: damaged snapshot (bad length of the main program)")
    return data[main_at:main_at + n], memoryview(data)[main_at + n:head_at]


def payload_of(path):
    """(header, payload bytes) of a snapshot whose checksum matches, without
    loading anything, for `info`."""
    data, head_at, head_len, _ = _read_checked(path)
    header = _header(path, data[head_at:head_at + head_len])
    return header, _contents(path, data, head_at)[1]


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
