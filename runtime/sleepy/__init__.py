"""sleepy: suspend a running program to a file and resume it in a new process.

Programs whose bytecode was rewritten by `sleepy-rewrite` can call

    sleepy.suspend(path=None)      save the whole stack, then exit with status 75
    sleepy.checkpoint(path=None)   save it and go on (False; True once resumed)
    sleepy.call(fn, *args)         run a task that can suspend inside a host
    sleepy.resume_call(snapshot)   continue it, here or in another process
    sleepy.suspend_on("TERM")      a signal suspends the running task

and be continued with `python -m sleepy resume [PATH]`. See README.md.

This package is pure Python and uses the standard library only.
"""

import sys


def _started_as_tool():
    """Is this package being imported by `python -m sleepy` (runpy looking
    for sleepy.__main__, with the command line in sys.argv)?"""
    f = sys._getframe(1)
    while f is not None:
        if f.f_code.co_name == "_get_module_details" and f.f_locals.get("mod_name") == "sleepy":
            return True
        f = f.f_back
    return False


if sys.argv[:1] == ["-m"] and _started_as_tool():
    # First of all: a trigger signal that found no handler would end the
    # process (see _triggers).
    from . import _triggers
    _triggers.install_from_argv(sys.argv[1:])

from . import _generators  # noqa: F401,E402  (pickle.dumps of rewritten generators)
from . import _process  # noqa: E402
from ._config import EXIT_SUSPENDED, SuspendError, snapshot_path  # noqa: E402

_process.install()  # open() remembers files, to flush and save them
from ._snapshot import SnapshotError  # noqa: E402

from ._task import Suspended  # noqa: E402

__all__ = ["suspend", "checkpoint", "call", "resume_call", "Suspended", "suspend_on",
           "is_rewritten",
           "use_python_drivers", "SuspendError", "SnapshotError", "EXIT_SUSPENDED"]


def suspend(path=None):
    """Save the whole stack of the calling thread, from the caller of
    suspend() out to the program's root, and everything it reaches; then end
    the process with exit status 75. In the process that resumes the
    snapshot, the call returns None and the program goes on.

    Raises SuspendError, with nothing written and nothing changed, when the
    state cannot be saved."""
    from . import _save
    _save.save(snapshot_path(path), sys._getframe(1), suspend, stop=True)


def checkpoint(path=None, *, wait=True):
    """Save the state as suspend() does, while the program keeps running.
    Returns False once the snapshot is safely on disk, and True in a process
    resumed from it.

    With wait=False the program is paused only for the checks and a fork: a
    child process writes the snapshot while the program goes on, and
    checkpoint() returns False at once. A checkpoint that then fails leaves
    any previous snapshot in place and is reported on stderr; the next
    checkpoint() or suspend() first waits for the one still being written."""
    from . import _save
    return _save.save(snapshot_path(path), sys._getframe(1), checkpoint, stop=False,
                      wait=wait)


def call(fn, /, *args, **kwargs):
    """Run `fn(*args, **kwargs)` as a resumable task, in a process that is
    not itself run by `python -m sleepy` (a worker), and return its result.
    When the task suspends (suspend() in it), only its frames are saved:
    this raises Suspended, whose `snapshot` holds the snapshot's bytes (its
    save(path) writes them to a file atomically); the task's frames are left
    without running their except, finally or with exits. checkpoint(path)
    in the task saves the task and goes on."""
    from . import _task
    return _task.call(fn, args, kwargs)


def resume_call(snapshot):
    """Continue the task whose snapshot is `snapshot` (the bytes of a
    Suspended, or a path to them), here, and return its result (or raise
    Suspended again). Refused with SnapshotError, before anything runs, for
    a snapshot of another CPython or of code that changed since, or whose
    signature does not match (SLEEPY_KEY)."""
    from . import _task
    return _task.resume_call(snapshot)


def suspend_on(*signals):
    """What `python -m sleepy run --suspend-on` does, in a host: a task
    running under call() when one of these signals ("TERM", signal.SIGINT...)
    arrives suspends at its next resumable point (Suspended says which
    signal). With no task running, or once a task has ended first, the
    signal goes to the handler the host had before (its default action, if
    none)."""
    from . import _signals
    _signals.install_for_tasks([s.name if hasattr(s, "name") else str(s) for s in signals])


def use_python_drivers():
    """From now on, and in every process that resumes this program, sum,
    min, max, any, all and sorted given a generator of rewritten code fold
    it in Python, so that a suspension inside the generator can be resumed
    (`python -m sleepy run --python-drivers` does this before the program
    starts). Each such call costs more than the C function's (see
    bench/results/figures.md); with anything else, the C function runs."""
    from . import _config, _drivers
    _config.settings["python_drivers"] = True
    _drivers.install()


def is_rewritten(obj):
    """Whether a function, method or code object is code rewritten by
    sleepy-rewrite (and so can be suspended and resumed)."""
    import types
    from . import _registry
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    if isinstance(obj, types.FunctionType):
        return _registry.locate(obj.__code__, obj.__globals__) is not None
    if isinstance(obj, types.CodeType):
        for module in list(sys.modules.values()):
            g = getattr(module, "__dict__", None)
            if isinstance(g, dict) and _registry.locate(obj, g) is not None:
                return True
        return False
    raise TypeError(f"is_rewritten() takes a function, method or code object, "
                    f"not {type(obj).__name__}")
