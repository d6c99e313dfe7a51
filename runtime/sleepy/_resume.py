"""Running a rewritten program, and resuming one from a snapshot.

Resuming rebuilds the stack outermost first. Each frame is entered through
its resume twin (built by _twin), whose dispatcher calls the builtin
__sleepy_resume__ for its record: its slots, its site, the values of its
stack, and what to call in place of the interrupted call. That is the next frame's twin (so the frames
nest as they did, with no runtime frame in between), or for the innermost
frame a function returning what suspend() or checkpoint() returns there.
"""

import builtins
import functools
import gc
import importlib
import importlib.util
import io
import marshal
import os
import sys
import types

from . import _clocks, _process, _registry, _signals, _slots, _snapshot, _state, _twin
from ._config import boundaries, phase, settings, transparent
from ._records import frees_of, record_tuple


def _new_main(path, data, spec=None):
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = builtins
    main.__spec__ = spec
    main.__loader__ = None
    main.__package__ = spec.parent if spec is not None else None
    main.__sleepy_pyc__ = path
    main.__sleepy_main_bytes__ = data
    sys.modules["__main__"] = main
    return main


def _run_main(code, g):
    """Runs the program's main module (its code, or a resumed one's twin):
    the frame under which the program's stack ends."""
    phase[0] = "running"
    _signals.started()
    try:
        exec(code, g)
    finally:
        phase[0] = "ended"


def find_module_pyc(name):
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ImportError(f"no module named {name!r}")
    for p in (spec.origin, spec.cached):
        if isinstance(p, str) and p.endswith(".pyc") and os.path.exists(p):
            return p, spec
    raise ImportError(f"module {name!r} has no .pyc (found {spec.origin})")


class ProgramError(Exception):
    """A program that cannot be run: `path: why`."""


def _read_program(path):
    """The bytes and the code of a rewritten program's .pyc. One written for
    another CPython would crash this one (its bytecode means other things
    here): refused, as a damaged one is."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ProgramError(f"{path}: {e.strerror or e}") from None
    if data[:4] != importlib.util.MAGIC_NUMBER:
        magic = int.from_bytes(data[:2], "little") if len(data) >= 4 else None
        here = int.from_bytes(importlib.util.MAGIC_NUMBER[:2], "little")
        what = f"magic number {magic}" if magic is not None else "too short for a .pyc"
        raise ProgramError(f"{path}: not a .pyc of this CPython {sys.version_info[0]}."
                           f"{sys.version_info[1]} ({what}, this one reads {here}); "
                           "rewrite it with sleepy-rewrite --python for this interpreter")
    try:
        code = marshal.loads(memoryview(data)[16:])
    except (EOFError, ValueError, TypeError) as e:
        raise ProgramError(f"{path}: damaged .pyc ({e})") from None
    if not isinstance(code, types.CodeType):
        raise ProgramError(f"{path}: damaged .pyc (holds a {type(code).__name__}, "
                           "not code)")
    return data, code


def run(target, args, module=False):
    """Runs a rewritten program as __main__."""
    spec = None
    if module:
        try:
            spec = importlib.util.find_spec(target)
            if spec is not None and spec.submodule_search_locations is not None:
                target += ".__main__"  # a package runs its __main__, as -m does
            path, spec = find_module_pyc(target)
        except ImportError as e:
            raise ProgramError(f"-m {target}: {e}") from None
    else:
        path = os.path.abspath(target)
    data, code = _read_program(path)
    main = _new_main(path, data, spec)
    sys.argv = [path if not module else target] + list(args)
    _run_main(code, main.__dict__)


def _function_for(rec, info):
    entry = info.entries[rec.index]
    g = sys.modules[rec.module].__dict__
    code = info.twin_code(rec.index, rec.site)
    return _twin.function(code, g, tuple(frees_of(entry, rec.cells)) or None)


def _drive(gen):
    """In place of next(gen), gen.send(v) or gen.throw(...) interrupted while
    the generator ran: start its shell, which resumes its frame."""
    return gen.send(None)


def _constructed(init, obj):
    """In place of a class called while its __init__ ran: resume __init__,
    and return the object it was building."""
    init()
    return obj


# Frames of these functions are where a program's stack ends; those of these
# pass a call on.
boundaries.add(_run_main.__code__)
transparent.update({_drive.__code__, _constructed.__code__})


def resume(path):
    """Continues the program saved in the snapshot at `path`."""
    code, g = _prepare(path)
    # Nothing of the snapshot is held here any more (the unpickler's memo,
    # the records): once a resumed frame drops an object, it goes, as it
    # would have in the original run (gc.collect() counts it, its __del__
    # and weak references' callbacks run).
    _clocks.go_on()
    _run_main(code, g)


def _prepare(path):
    """Reads the snapshot at `path` and sets up its frames' records: the
    root frame's twin code and the main module's globals, to run."""
    header, main_bytes, data = _snapshot.read(path)
    if header.get("task"):
        raise _snapshot.SnapshotError(f"{path}: the snapshot of a task run by sleepy.call(): "
                                      "continue it with sleepy.resume_call()")
    # Before any module of the program is imported (`from time import
    # monotonic` must find the clock that goes on).
    _clocks.go_on_from(header.get("clocks"))
    if header.get("python_drivers"):
        # Before the globals are read too: one that holds a driver
        # (`from functools import reduce`) is pickled as the name it stands
        # for, which must find the driver again.
        from . import _drivers
        _drivers.install()
    if header.get("suspend_on"):
        # As early as can be: a signal that finds no handler ends the process.
        _signals.install(header["suspend_on"], header.get("grace"))
    main_path = header["main"]["pyc"]
    _check_codes(path, header, main_path, main_bytes)
    main = _new_main(main_path, main_bytes)
    state = _load(data)
    os.chdir(state["cwd"])
    sys.argv = state["argv"]
    settings.update(state["settings"])
    for name, values in state["modules"].items():
        module = sys.modules.get(name) or importlib.import_module(name)
        module.__dict__.update(values)
    _process.restore_interpreter_settings(state.get("interpreter"))
    _process.restore_random(state.get("random"))
    _process.restore_csv(state.get("csv"))
    _process.restore_warnings(state.get("warnings"))
    _process.revalidate_registries(state["modules"], state.get("warnings_version"))
    _process.restore_logging(state.get("logging"))
    records, infos = _hand_over(state["records"])
    return infos[0].twin_code(records[0].index, records[0].site), main.__dict__


def prepare_task(path):
    """Reads the snapshot of a task (see _task) at `path` and sets up its
    frames' records. Returns the function that resumes the task's outermost
    frame. Nothing of the process is changed: a task's snapshot holds its
    frames only."""
    header, main_bytes, data = _snapshot.read(path)
    if not header.get("task"):
        raise _snapshot.SnapshotError(f"{path}: the snapshot of a whole program, not of a "
                                      "task: continue it with `python -m sleepy resume`")
    _check_codes(path, header, None, main_bytes)
    state = _load(data)
    records, infos = _hand_over(state["records"])
    return _function_for(records[0], infos[0])


def _check_codes(path, header, main_path, main_bytes):
    """Refuses a snapshot of code that changed since."""
    for module, index, expected in header["codes"]:
        if module == "__main__":
            if main_path:
                info = _registry.read_info(main_path, main_bytes)
            else:  # a task's: of the host's main module
                main = sys.modules.get("__main__")
                info = _registry.info_for_globals(getattr(main, "__dict__", None))
        else:
            try:
                pyc, _ = find_module_pyc(module)
            except ImportError as e:
                raise _snapshot.SnapshotError(f"{path}: {e}") from None
            info = _registry.read_info(pyc)
        if info is None or index >= len(info.hashes) or info.hashes[index] != expected:
            raise _snapshot.SnapshotError(
                f"{path}: the snapshot was taken with other code: module {module} "
                "changed since (rewrite and run it again)")


def _load(data):
    """The saved state: the pickles read by one unpickler (module globals,
    the frames' locals pickled with them, then the stack: see _save)."""
    stream = io.BytesIO(data)
    unpickler = _state.Unpickler(stream)
    # The collector waits meanwhile, as while saving: every object the
    # unpickler makes counts as an allocation, and its collections would
    # walk the growing heap again and again (half the time of loading
    # 200,000 objects), to find nothing (nothing is garbage yet).
    enabled = gc.isenabled()
    gc.disable()
    try:
        state = unpickler.load()
        while stream.tell() < len(data):
            state.update(unpickler.load())
        state.pop("preloaded", None)
    finally:
        if enabled:
            gc.enable()
    return state


def _hand_over(records):
    """Sets up what each resumed frame's twin asks for (its record, and what
    to call in place of its interrupted call). Returns the records and their
    modules' trailer infos, outermost first."""
    infos = []
    for rec in records:
        module = sys.modules.get(rec.module) or importlib.import_module(rec.module)
        infos.append(_registry.info_for_globals(module.__dict__))
    # What each frame calls in place of its interrupted call.
    tuples = []
    innermost = records[-1]
    result = innermost.result

    def finish():
        return result

    callees = []
    for k, rec in enumerate(records):
        kind = infos[k].entries[rec.index].sites[rec.site].kind
        rk = rec.result_kind
        innermost = k + 1 == len(records)
        if kind in ("iter", "send", "loop") and rk != "next":
            callees.append(None)  # FOR_ITER or SEND runs again; a loop goes on
        elif type(rk) is tuple and rk[0] == "restart":
            _, fold, keyed = rk
            # It drives the generator on, or first resumes its key's call.
            callees.append(functools.partial(fold.run, _function_for(records[k + 1],
                                                                     infos[k + 1]))
                           if keyed else fold.run)
        elif rk == "drive":
            callees.append(functools.partial(_drive, rec.drive))
        elif innermost:
            # (The innermost frame is a generator's driver where the
            # generator was caught as it resumed: see above.)
            callees.append(finish)
        else:
            nxt = _function_for(records[k + 1], infos[k + 1])
            if type(rk) is tuple and rk[0] == "op":
                callees.append(functools.partial(_slots.finish, nxt, rk[1:]))
            elif rk == "self":
                self_name = infos[k + 1].entries[records[k + 1].index].slots[0][0]
                self_obj = records[k + 1].locals.get(self_name)
                callees.append(functools.partial(_constructed, nxt, self_obj))
            else:
                callees.append(nxt)
    for rec, info, callee in zip(records, infos, callees):
        entry = info.entries[rec.index]
        tuples.append(record_tuple(entry, entry.sites[rec.site], rec.locals, rec.cells,
                                   rec.stack, rec.exc_sets, callee))
    tuples.reverse()

    def next_record():
        """What each resumed frame's twin asks for, outermost first (let go
        of once handed over); gone once the last has it."""
        if len(tuples) == 1:
            del builtins.__sleepy_resume__
        return tuples.pop()

    builtins.__sleepy_resume__ = next_record
    return records, infos
