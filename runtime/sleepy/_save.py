"""suspend() and checkpoint(): plan, fork, let the child unwind and write.

The parent checks what it can without disturbing anything (threads, frames,
calls), flushes stdio, and forks. The child unwinds the program through the
capture handlers, pickles what it found and writes the snapshot; it reports
"ok" or the reason it could not through a pipe. So the parent is never
unwound: on failure it raises SuspendError and the program goes on; on
success suspend() exits with status 75 and checkpoint() returns False.

Where the parent waits for the child anyway (suspend(), checkpoint() with
wait), it first pickles the globals of the saved modules and the values of
the frames' locals itself, into the snapshot's temporary file; the child
pickles the stack after them with the same pickler, whose memo it
inherits, so that objects keep their identity across the two. Pickling
touches every object it saves (the memo holds a reference), and in a
forked child each page touched is a copy-on-write fault: done before the
fork, the bulk of the heap costs what pickle.dump costs. Where that first
part cannot be pickled before the unwinding (a generator of the suspended
stack among the globals or locals, an object that cannot be saved), the
child pickles it all, as it does for checkpoint(wait=False).
"""

import atexit
import gc
import os
import sys
import types

from . import (_byvalue, _capture, _clocks, _generators, _process, _registry, _snapshot,
               _state, _task)
from ._config import RunningGenerator, SuspendError, boundaries, saving, settings
from ._records import CO_OPTIMIZED, NULL, settle_exceptions

_MODULE_SKIP = {"__name__", "__file__", "__cached__", "__loader__", "__spec__",
                "__builtins__", "__package__", "__path__", "__sleepy_pyc__",
                "__sleepy_main_bytes__"}


def _check_threads():
    threading = sys.modules.get("threading")
    if threading is None or not hasattr(threading, "enumerate"):
        # (Not imported, or its import is under way on this stack, which
        # the frames' check refuses: the import machinery is not rewritten.)
        return
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if others:
        names = ", ".join(repr(t.name) for t in others)
        raise SuspendError(f"other threads are alive ({names}); only a single-threaded "
                           "program can be suspended")


def _check_children():
    """A child process of the program's (os.fork, subprocess), running or
    ended and not yet waited for, would not be its child after resume: its
    output, its exit status and os.waitpid would be lost. (The snapshot
    writers of earlier checkpoints are the runtime's own.)"""
    ours = set(_children) | {pid for pid, _, _ in _background}
    found = set()
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as f:
                found.update(int(pid) for pid in f.read().split())
    except OSError:
        return  # (no /proc to tell)
    others = sorted(found - ours)
    if others:
        pids = ", ".join(str(pid) for pid in others[:5])
        raise SuspendError(f"the program has child processes ({pids}), which would not be "
                           "its children after resume; wait for them first")


def _main_module():
    main = sys.modules.get("__main__")
    path = _registry.module_pyc(main) if main is not None else None
    if path is None:
        raise SuspendError("the main module was not loaded from a rewritten .pyc")
    data = getattr(main, "__sleepy_main_bytes__", None)
    if data is None:
        with open(path, "rb") as f:
            data = f.read()
        main.__sleepy_main_bytes__ = data
    return path, data


def save(path, start, fn, stop, entering=None, wait=True, resuming=None, signalled=None):
    """Suspends (stop) or checkpoints the stack from `start` out. With
    `entering` (frame, info, index, entry, closure), `start` is calling a
    function whose frame has just started: it is saved as a call to make
    again on resume. With `resuming` (generator, what capture_parked
    says of it), `start` is resuming that generator, whose frame has just
    been entered: it is saved as parked, to be driven again on resume.
    With `signalled` (the signal's name, when it arrived by _clocks.now),
    a signal's handler asked for it: the header says how long after.

    The garbage collector waits meanwhile: a full collection that happened
    to fall here would walk the whole heap (tens of milliseconds for a big
    one) and, in the child, touch every page of it."""
    if saving[0]:
        raise SuspendError("a snapshot is being written (suspend() or checkpoint() called "
                           "while one is saved: from a finalizer or a signal handler?)")
    pid = os.getpid()
    enabled = gc.isenabled()
    gc.disable()
    saving[0] = True
    try:
        _timing.update(began=_clocks.now(), signalled=signalled)
        return _save(path, start, fn, stop, entering, wait, resuming)
    finally:
        saving[0] = False
        if enabled and os.getpid() == pid:  # the child unwinds through here
            gc.enable()


_timing = {}  # this save's: when it began, and the signal that asked for it


def _took(header):
    """What the header says of how long this suspension took, in ms: from
    the signal that asked for it (when one did), and the save itself
    (capturing, pickling, writing: up to the header)."""
    now = _clocks.now()
    took = {"saving_ms": round(1000 * (now - _timing["began"]), 3)}
    if _timing.get("signalled"):
        name, since = _timing["signalled"]
        took.update(signal=name, since_signal_ms=round(1000 * (now - since), 3))
    header["took"] = took
    return header


def _save(path, start, fn, stop, entering, wait, resuming):
    clocks = _clocks.reading()  # where the program stopped: saving does not count
    _finish_background()
    # Under sleepy.call() (_task), the task is saved, not its host: neither
    # the host's threads and children, nor its modules and process state.
    task = _task.under_task(start)
    if not task:
        _check_threads()
        _check_children()
    frames = _capture.plan(start, fn, boundaries,
                           entering[0] if entering else
                           _generators.frame_of(resuming[0]) if resuming else None)
    entry_record = _capture.entry_record(*entering) if entering else None
    if resuming:
        frames[0].drive = resuming[0]  # (not recorded: saved as parked)
    main_path, main_bytes = _main_module() if not task else (None, b"")
    if task and stop:
        path = _task.snapshot_file()  # read back into the Suspended exception
    innermost_exc = sys.exc_info()[1]
    _process.flush_files()
    # (Before the globals are pickled here too: what is noted is this save's.)
    _process.note_positions_before_fork()
    # Before fork: the random module reseeds itself in a forked child, and
    # a child's CPU clocks start at 0.
    if task:
        saved_settings = dict(task=True, random=None, clocks=None, logging=None, csv=None,
                              warnings=None, interpreter=None)
    else:
        saved_settings = dict(settings, random=_process.random_state(), clocks=clocks,
                              logging=_process.logging_state(), csv=_process.csv_state(),
                              warnings=_process.warnings_state(),
                              interpreter=_process.interpreter_settings())
    states = _module_states() if not task else {}
    codes = set()
    in_flight = _capture.selves(frames, entering[0] if entering else None)
    unquiet = _process.quiet_warnings()
    started = None
    try:
        if wait:
            started = _pickle_globals(path, main_bytes, states, codes, in_flight,
                                      _frame_values(frames, entering))
        _process.note_locks_before_fork()
        r, w = os.pipe()
        pid = os.fork()
    except BaseException:
        unquiet()
        if started is not None:
            started[0].abort()
        raise
    if pid == 0:
        _process.in_writer[0] = True
        os.close(r)
        sys.setprofile(None)  # a signal's hook, if any, must not see the unwinding
        _child(frames, path, w, fn.__name__ == "checkpoint", innermost_exc,
               main_path, main_bytes, saved_settings, entry_record, states, codes, started,
               in_flight, resuming)
        os._exit(70)  # not reached: the unwinding ends the child
    unquiet()
    os.close(w)
    _process.forget_positions()  # (they would keep the files open)
    if started is not None:
        started[0].close()  # the child writes the rest
    if not wait:
        _background.append((pid, r, path))
        return False
    message = _read_all(r)
    if message == "ok":
        # The snapshot is on disk. The child is still tearing down its copy
        # of the heap: do not wait for that.
        if stop and task:
            _reap_later(pid)
            _task.leave(path)  # unwinds the task to its boundary
        if stop:
            os._exit(75)
        _reap_later(pid)
        return False
    _, status = os.waitpid(pid, 0)
    if started is not None:
        started[0].abort()  # the child's temporary file, should it have died
    if not message:
        message = f"the process that writes the snapshot failed (status {status})"
    raise SuspendError(message)


_children = []
_background = []  # checkpoints being written: (pid, read end, path)


def _read_all(r):
    chunks = []
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    return b"".join(chunks).decode("utf-8", "replace")


def _finish_background():
    """Waits for background checkpoints; reports those that failed."""
    while _background:
        pid, r, path = _background.pop(0)
        message = _read_all(r)
        if message == "ok":
            _reap_later(pid)
            continue
        os.waitpid(pid, 0)
        print(f"sleepy: warning: the checkpoint to {path} failed: "
              f"{message or 'its writer died'}", file=sys.stderr)


atexit.register(_finish_background)


def _reap_later(pid):
    """Collects finished snapshot writers without blocking."""
    _children.append(pid)
    for child in list(_children):
        try:
            done, _ = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:
            done = child
        if done:
            _children.remove(child)


def _open(path, main_bytes):
    """The snapshot's temporary file, begun; SuspendError if it cannot be
    made."""
    try:
        return _snapshot.Pending(path, main_bytes)
    except OSError as e:
        raise SuspendError(f"could not write {path}: {type(e).__name__}: {e}") from None


def _frame_values(frames, entering):
    """The values of the saved functions' local variables, as they are
    before the unwinding (which leaves them as they are), but for the
    generators that run: only the unwinding can record those."""
    found = []
    for f in [p.frame for p in frames] + ([entering[0]] if entering else []):
        if not f.f_code.co_flags & CO_OPTIMIZED:
            continue  # (a module's or a class's body: its namespace is saved apart)
        found.extend(v for v in f.f_locals.values()
                     if not (type(v) in _GENERATORS and
                             _generators.state_of(v) == "GEN_RUNNING"))
    return found


_GENERATORS = (types.GeneratorType, types.CoroutineType)


def _pickle_globals(path, main_bytes, states, codes, in_flight, values):
    """Begins the snapshot with the module globals pickled, before the fork,
    and then `values`, the frames' local variables: the child that pickles
    the stack inherits the pickler's memo, and finds them there. Returns
    (pending snapshot, pickler), or None if the child must do it all (a
    global or a local holds a generator running on the stack, which only
    the unwinding records; a local cannot be saved, which the child names
    with its frame). What cannot be saved among the globals is refused
    here, before anything is forked."""
    pending = _open(path, main_bytes)
    part = "globals"
    try:
        pickler = _state.Pickler(pending.file, codes, saved=states, in_flight=in_flight)
        pickler.dump({"modules": states})
        part = "locals"
        if values:
            pickler.dump({"preloaded": values})
        pending.flush()
    except Exception as e:
        pending.abort()
        codes.clear()
        if part == "locals" or isinstance(e, RunningGenerator):
            return None
        raise SuspendError(_explain(e, [], [], states)) from None
    return pending, pickler


def _child(frames, path, w, is_checkpoint, innermost_exc, main_path, main_bytes,
           settings, entry_record, states, codes, started, in_flight, resuming):
    def report(text):
        os.write(w, text.encode("utf-8", "replace"))
        os.close(w)

    def finish(records, error, running):
        if error is not None:
            report(f"internal error while capturing: {type(error).__name__}: {error}")
            os._exit(70)
        if resuming is not None:  # (the unwinding has closed it since)
            running[id(resuming[0])] = resuming
        try:
            _write(records, frames, path, is_checkpoint, innermost_exc, main_path,
                   main_bytes, settings, running, entry_record, states, codes, started, in_flight)
        except SuspendError as e:
            report(str(e))
            os._exit(1)
        except BaseException as e:
            report(f"could not write {path}: {type(e).__name__}: {e}")
            os._exit(1)
        report("ok")
        os._exit(0)

    unwinder = _capture.Unwinder(frames, finish)

    def swallowed(unraisable, default=sys.unraisablehook):
        # The unwinding raised where nothing can propagate it (a generator
        # closed by a finalizer, a __del__): the child must not run on.
        if unraisable.exc_value is unwinder:
            report("the stack could not be unwound from there (an exception raised "
                   f"there is ignored: {unraisable.err_msg or 'in a finalizer'})")
            os._exit(70)
        default(unraisable)

    sys.unraisablehook = swallowed
    unwinder.install()
    raise unwinder


def _module_states():
    """The globals of every rewritten module outside the interpreter's
    stdlib, by name. Stdlib modules, rewritten or not, are imported afresh
    on resume (_registry.imported_afresh): a rewritten stdlib lets frames
    of its functions be saved, and saves no more state than the untouched
    one (a class the program put into one at run time is bound there again
    as it is loaded: see _byvalue.reduce_class). The main module is the
    program, wherever its code comes from (`-m unittest` runs the stdlib's
    unittest/__main__.py as __main__): its globals are saved."""
    states = {}
    for name, module in list(sys.modules.items()):
        g = getattr(module, "__dict__", None)
        if not isinstance(g, dict) or _registry.imported_afresh(name, module):
            continue
        if _registry.info_for_globals(g) is None:
            continue
        state = states[name] = {k: v for k, v in g.items() if k not in _MODULE_SKIP}
        if isinstance(state.get("__warningregistry__"), dict):
            # (As it is now: what saving warns is noted there meanwhile.)
            state["__warningregistry__"] = dict(state["__warningregistry__"])
    return states


def _write(records, frames, path, is_checkpoint, innermost_exc, main_path, main_bytes,
           settings, running, entry_record, states, codes, started, in_flight):
    records = list(reversed(records))  # outermost first
    planned = list(reversed(frames))
    settle_exceptions(records, innermost_exc)
    records[-1].result = True if is_checkpoint else None
    for rec, p in zip(records, planned):
        codes.add((rec.module, rec.index, p.info.hashes[rec.index]))
    if entry_record is not None:
        _capture.take_frees_from_caller(entry_record, records[-1], planned[-1].entry)
        records.append(entry_record)
        codes.add((entry_record.module, entry_record.index, entry_record.hash))
    clocks = settings.pop("clocks")
    stack = {
        "records": records,
        "argv": list(sys.argv),
        "cwd": os.getcwd(),
        "random": settings.pop("random"),
        "logging": settings.pop("logging"),
        "csv": settings.pop("csv"),
        "warnings": settings.pop("warnings"),
        "interpreter": settings.pop("interpreter"),
        "warnings_version": _process.filters_version()[0],  # (here: it changes it)
        "settings": dict(settings),
    }
    if started is None:
        pending = _open(path, main_bytes)
        pickler = _state.Pickler(pending.file, codes, running, saved=states,
                                 in_flight=in_flight)
        parts = [{"modules": states}, stack]
    else:
        pending, pickler = started
        pickler.running = running
        parts = [stack]
    try:
        for part in parts:
            pickler.dump(part)
    except Exception as e:
        pending.abort()
        raise SuspendError(_explain(e, records, planned, states)) from None
    frames = [{"file": p.frame.f_code.co_filename, "line": p.line,
               "function": p.frame.f_code.co_qualname, "module": rec.module}
              for rec, p in zip(records, planned)]
    if entry_record is not None:  # caught as it started: at its first line
        info = _registry.info_for_globals(sys.modules[entry_record.module].__dict__)
        code = info.codes[entry_record.index]
        frames.append({"file": code.co_filename, "line": code.co_firstlineno,
                       "function": code.co_qualname + " (starting)",
                       "module": entry_record.module})
    pending.commit(_took({
        "frames": frames,
        "codes": sorted([list(c) for c in codes]),
        "main": {"pyc": main_path},
        "task": bool(settings.get("task")),
        "suspend_on": list(settings.get("suspend_on") or []),
        "grace": settings.get("grace"),
        "sizes": {"main": len(main_bytes)},
        "checkpoint": is_checkpoint,
        "clocks": clocks,
        "python_drivers": bool(settings.get("python_drivers")),
    }))


def _explain(error, records, planned, states):
    """Name the frame or global and the path to the object that could not be
    saved: `FILE:LINE in f: local 'ap' → ap._registries['type'][None]`."""
    bindings = _byvalue.module_bindings(states)  # once for every root tried

    def found(value, name):
        culprit = _state.find_unpicklable(value, states, bindings)
        if culprit is None:
            return None
        path, obj, why = culprit
        where = f"{name!r} → {name}{path}" if path else repr(name)
        return (f"{where} ({type(obj).__module__}.{type(obj).__qualname__}) cannot be "
                f"saved: {why}")

    places = [(rec, p.where) for rec, p in zip(records, planned)]
    if len(records) > len(planned):  # caught as it started: its entry record
        entry = records[-1]
        code = _registry.info_for_globals(
            sys.modules[entry.module].__dict__).codes[entry.index]
        places.append((entry, f"{code.co_filename}:{code.co_firstlineno} in "
                              f"{code.co_qualname} (starting)"))
    for rec, where in reversed(places):  # innermost first
        for name, value in rec.locals.items():
            message = found(value, name)
            if message:
                return f"{where}: local {message}"
        for j, value in enumerate(rec.stack):
            if value is NULL:
                continue
            message = found(value, f"stack[{j}]")
            if message:
                return f"{where}: the value {message}"
    for name, state in states.items():
        for key, value in state.items():
            message = found(value, key)
            if message:
                return f"module {name}: global {message}"
    return f"the program's state cannot be saved: {error}"
