"""The snapshot file.

    b"sleepy-snapshot 1\\n"
    header: one line of JSON (the CPython that wrote it, its magic number,
            the frames, the hash of every code object the snapshot needs,
            sizes, whether it is signed), then b"\\n"
    b"hmac-sha256 <hex>\\n" when signed with $SLEEPY_KEY
    payload: pickle protocol 5

Writes go to a temporary file in the same directory, fsynced, then renamed
into place: a crash while writing leaves any previous snapshot intact.
`info` reads the header only; nothing in the payload is loaded to show it.
"""

import hashlib
import hmac
import importlib.util
import json
import os
import platform
import sys
import tempfile

MAGIC = b"sleepy-snapshot 1\n"


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


def write(path, header, payload):
    """Writes a snapshot atomically."""
    key = _key()
    header = dict(header, python=describe_python(), signed=key is not None)
    head = MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n"
    sig = b""
    if key is not None:
        mac = hmac.new(key, head + payload, hashlib.sha256).hexdigest()
        sig = b"hmac-sha256 " + mac.encode() + b"\n"
    directory = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".sleepy-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(head)
            f.write(sig)
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def read_header(path):
    """(header, offset of the rest) of a snapshot, without loading it."""
    try:
        with open(path, "rb") as f:
            magic = f.read(len(MAGIC))
            if magic != MAGIC:
                raise SnapshotError(f"{path}: not a sleepy snapshot")
            line = f.readline()
            try:
                header = json.loads(line)
            except ValueError:
                raise SnapshotError(f"{path}: damaged snapshot header") from None
            return header, f.tell()
    except OSError as e:
        raise SnapshotError(f"{path}: {e.strerror}") from None


def read(path):
    """(header, payload bytes) of a snapshot that may be resumed here: the
    same CPython, and the signature checked if there is a key."""
    header, offset = read_header(path)
    with open(path, "rb") as f:
        data = f.read()
    head = data[:offset]
    rest = data[offset:]
    signed = rest.startswith(b"hmac-sha256 ")
    key = _key()
    if signed:
        end = rest.index(b"\n") + 1
        sig = rest[len(b"hmac-sha256 "):end - 1].decode()
        payload = rest[end:]
        if key is None:
            raise SnapshotError(f"{path}: the snapshot is signed; set SLEEPY_KEY to resume it")
        mac = hmac.new(key, head + payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(mac, sig):
            raise SnapshotError(f"{path}: the signature does not match: the snapshot was "
                                "changed or signed with another key; refusing to load it")
    else:
        payload = rest
        if key is not None:
            raise SnapshotError(f"{path}: the snapshot is not signed and SLEEPY_KEY is set; "
                                "refusing to load it")
    here = describe_python()
    there = header.get("python", {})
    if there.get("implementation") != here["implementation"] or there.get("magic") != here["magic"]:
        raise SnapshotError(
            f"{path}: written by {there.get('implementation')} {there.get('version')} "
            f"(magic {there.get('magic')}); this is {here['implementation']} "
            f"{here['version']} (magic {here['magic']})")
    return header, payload
