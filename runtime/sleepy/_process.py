"""Process state beyond frames: open files and the random module.

Files. Once the runtime is imported, open() keeps a weak set of the files it
opened, so that suspend() and checkpoint() can flush them before forking
(the child's copy of a buffer must not be written twice). A file in the
snapshot is saved as its path, mode, position and text settings, and opened
again on resume without truncation: a file opened for writing goes on at
the same position ("w" becomes "r+"), an appended one keeps appending, an
input file is read on from where it was. The standard streams are saved by
name. Files opened from a descriptor (pipes, sockets) cannot be saved.

random. The module's hidden generator is saved by its state and restored
into the module of the resumed process, so that random.random() and friends,
and the functions imported from it, go on with the same sequence; every
random.Random instance pickles with its state anyway.

Locks. A threading.Lock or RLock (and so Condition, Event, Semaphore,
queue.Queue, logging's handlers, sched...) is saved by its state: a lock
held when the program stopped is held again on resume, an RLock as many
times by the resumed thread, so the `with` or `finally` that releases it
finds it as it left it. No other thread can hold one: a program with other
live threads is refused.
"""

import _thread
import builtins
import functools
import io
import os
import sys
import weakref

_files = weakref.WeakSet()
_open = io.open


@functools.wraps(_open)
def _tracking_open(*args, **kwargs):
    f = _open(*args, **kwargs)
    try:
        _files.add(f)
    except TypeError:
        pass
    return f


def install():
    if builtins.open is _open:
        builtins.open = _tracking_open
    if io.open is _open:
        io.open = _tracking_open


def flush_files():
    """Flushes every file open for writing, and the standard streams."""
    for f in list(_files) + [sys.stdout, sys.stderr]:
        try:
            if f is not None and not f.closed and f.writable():
                f.flush()
        except (AttributeError, ValueError, OSError):
            pass


# -- files in snapshots ---------------------------------------------------

_STD = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
_FILE_TYPES = (io.TextIOWrapper, io.BufferedReader, io.BufferedWriter,
               io.BufferedRandom, io.FileIO)


def _std(name):
    return getattr(sys, name)


def _reopen(path, mode, position, encoding, errors):
    binary = "b" in mode
    base = mode.replace("b", "").replace("t", "")
    if base.startswith("a"):
        new = "a+" if "+" in base else "a"
    elif base.startswith("r") and "+" not in base:
        new = "r"
    else:  # w, w+, x, x+, r+: go on in place, never truncate
        new = "r+"
    new += "b" if binary else ""
    f = _tracking_open(path, new, encoding=None if binary else encoding,
                       errors=None if binary else errors)
    if not new.startswith("a"):
        f.seek(position)
    return f


def _closed(path, binary):
    """A closed file in place of a closed file (its name is not kept)."""
    f = _open(os.devnull, "rb" if binary else "r")
    f.close()
    return f


def reduce_file(f):
    """The reduction of a file object, or NotImplemented."""
    for name in _STD:
        if getattr(sys, name, None) is f:
            return (_std, (name,))
    name = getattr(f, "name", None)
    binary = not isinstance(f, io.TextIOWrapper)
    if f.closed:
        return (_closed, (name if isinstance(name, str) else None, binary))
    if not isinstance(name, str):
        raise TypeError(f"cannot save the file opened from descriptor {name!r}: only "
                        "files opened by path can be reopened")
    mode = getattr(f, "mode", "r")
    if isinstance(f, io.FileIO):
        mode = f.mode
    position = f.tell()
    encoding = getattr(f, "encoding", None)
    errors = getattr(f, "errors", None)
    return (_reopen, (os.path.abspath(name), mode, position, encoding, errors))


def is_file(obj):
    return isinstance(obj, _FILE_TYPES)


# -- random ---------------------------------------------------------------

def _random_inst():
    import random
    return random._inst


def is_random_inst(obj):
    random = sys.modules.get("random")
    return random is not None and obj is getattr(random, "_inst", None)


def random_state():
    random = sys.modules.get("random")
    return random.getstate() if random is not None else None


def restore_random(state):
    if state is not None:
        import random
        random.setstate(state)


# -- locks ----------------------------------------------------------------

_LOCK = _thread.LockType
_RLOCK = _thread.RLock


def is_lock(obj):
    t = type(obj)
    return t is _LOCK or t is _RLOCK


def reduce_lock(lock):
    if type(lock) is _LOCK:
        return (_lock, (lock.locked(),))
    count = 0
    if lock._is_owned():
        state = lock._release_save()  # (count, owner), put back at once
        lock._acquire_restore(state)
        count = state[0]
    return (_rlock, (count,))


def _lock(locked):
    lock = _thread.allocate_lock()
    if locked:
        lock.acquire()
    return lock


def _rlock(count):
    lock = _thread.RLock()
    for _ in range(count):
        lock.acquire()
    return lock
