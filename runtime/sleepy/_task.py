"""Tasks: suspending below a boundary, in a host whose own frames are neither
rewritten nor saved (a worker of a task engine).

    result = sleepy.call(fn, *args, **kwargs)
    result = sleepy.resume_call(snapshot)       # bytes, or a path

`call` runs `fn(*args, **kwargs)` under a boundary frame of the runtime's
(`_enter`), where a plan of the stack stops as it does at a program's root.
A suspension below it saves the task's frames only: no module's globals
(the host has them: objects bound at the top level of a module are saved as
that binding), none of the process's state (the host's logging, random,
warnings), no check of the host's threads and children. The snapshot is
written to a file of its own, read back into bytes, and the task's frames
are unwound in this process as the snapshot's writer unwinds its copy of
them: through their capture handlers, none of their except, finally or
__exit__ running (as when a whole program suspends and exits); at the
boundary `call` raises Suspended with the snapshot. A checkpoint() in a
task saves the task and goes on. `resume_call` checks the snapshot as
`python -m sleepy resume` does (this CPython, the code it was taken with,
the signature when SLEEPY_KEY is set), rebuilds the task's frames under a
boundary again and returns what the task returns. A function that is not
rewritten code cannot suspend: `call` runs it as a plain call, and a
trigger that arrives meanwhile goes to the host, saying why.
"""

import functools
import os
import tempfile
import types

from . import _capture, _registry, _signals
from ._config import boundaries, phase, task_boundaries


class Suspended(Exception):
    """A task run by sleepy.call() suspended: `snapshot` holds the snapshot's
    bytes, for sleepy.resume_call() here or in another process; `signal`
    the name of the signal that asked for it (sleepy.suspend_on), or
    None."""

    def __init__(self, snapshot):
        super().__init__(f"the task suspended ({len(snapshot)} bytes of snapshot)")
        self.snapshot = snapshot
        self.signal = None

    def save(self, path):
        """Writes the snapshot to `path` atomically (a file beside it, synced,
        then renamed into place)."""
        write_atomically(path, self.snapshot)


def write_atomically(path, data):
    """Writes `data` to `path` as a whole or not at all: a file beside it,
    synced, then renamed into place."""
    path = os.path.abspath(os.fspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".sleepy-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _enter(fn, args, kwargs):
    """The frame under which a task's stack ends."""
    return fn(*args, **kwargs)


boundaries.add(_enter.__code__)
task_boundaries.add(_enter.__code__)


def under_task(frame):
    """Does the stack from `frame` out end at a task's boundary (rather than
    at the program's root)?"""
    while frame is not None:
        if frame.f_code in boundaries:
            return frame.f_code in task_boundaries
        frame = frame.f_back
    return False


def call(fn, args, kwargs, prepare=None):
    """Runs fn(*args, **kwargs) as a task; with `prepare`, the function
    that prepare() returns (a resumed task's outermost frame), prepared
    while the task already counts as running: a signal that arrives while
    its snapshot is read is the task's, acted on once it goes on."""
    if prepare is None and not _rewritten(fn):
        # It can never suspend: a signal goes to the host, as with no task
        # running, and says why.
        return _signals.run_opaque(_name(fn), fn, args, kwargs)
    running = _signals._tasks_running
    before = phase[0]
    running[0] += 1
    try:
        if prepare is not None:
            phase[0] = "starting"
            fn = prepare()
        phase[0] = "running"  # (for a signal's handler: the program runs)
        _signals.started()
        return _enter(fn, args, kwargs)
    except _Left as left:
        left.uninstall()
        suspended = Suspended(left.snapshot)
        suspended.signal = _signals.task_suspended()
        raise suspended from None
    except _capture.Unwinder as unwinder:
        unwinder.at_boundary()  # in the snapshot's writer: it ends there
        raise
    finally:
        running[0] -= 1
        phase[0] = before
        if not running[0]:
            _signals.task_ended()


def _function(fn):
    """The Python function `fn` runs first (through bound methods and
    partials), or None for another callable (a class, a C function, an
    object with __call__), which is not judged here."""
    for _ in range(8):
        if isinstance(fn, functools.partial):
            fn = fn.func
        elif isinstance(fn, types.MethodType):
            fn = fn.__func__
        else:
            break
    return fn if isinstance(fn, types.FunctionType) else None


def _rewritten(fn):
    function = _function(fn)
    return function is None or _registry.locate(function.__code__,
                                                function.__globals__) is not None


def _name(fn):
    function = _function(fn)
    return f"{function.__module__}.{function.__qualname__}" if function else repr(fn)


class _Left(_capture.Unwinder):
    """What unwinds a suspended task's frames in the process that goes on
    (the snapshot is on disk): each capture handler reports in and is let
    go, and `call` turns it into Suspended at the boundary."""

    def __init__(self, snapshot):
        super().__init__([], None)
        self.snapshot = snapshot

    def _capture(self, frame, packed):
        return self


def leave(path):
    """After a suspend() under a task wrote its snapshot to `path`: the
    snapshot's bytes go with the exception that unwinds the task."""
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    left = _Left(data)
    left.install()
    raise left


def snapshot_file():
    """Where a task's suspend() writes before the bytes are read back."""
    fd, path = tempfile.mkstemp(prefix="sleepy-task-", suffix=".snapshot")
    os.close(fd)
    return path


def resume_call(snapshot):
    from . import _resume
    if not isinstance(snapshot, (bytes, bytearray, memoryview)):
        path = os.path.abspath(os.fspath(snapshot))
        return call(None, (), {}, lambda: _resume.prepare_task(path))

    def prepare():
        path = snapshot_file()
        try:
            with open(path, "wb") as f:
                f.write(snapshot)
            return _resume.prepare_task(path)
        finally:
            os.unlink(path)
    return call(None, (), {}, prepare)
