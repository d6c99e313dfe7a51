"""Process state beyond frames: open files, logging, warnings, random, csv,
locks.

Files. Once the runtime is imported, open() keeps a weak set of the files it
opened, so that suspend() and checkpoint() can flush them before forking
(the child's copy of a buffer must not be written twice). A file in the
snapshot is saved as its path, mode, position and text settings, and opened
again on resume without truncation: a file opened for writing goes on at
the same position ("w" becomes "r+"), an appended one keeps appending, an
input file is read on from where it was. The standard streams are saved by
name. Files opened from a descriptor (pipes, sockets) cannot be saved.

logging. The configuration of the logging module (each logger's level,
handlers, filters, propagation; the root's; logging.disable()) is saved and
put back into the resumed process's loggers, so a script configured once at
its start goes on logging where it did. Handlers are saved with their files
(reopened at their position, appending).

random. The module's hidden generator is saved by its state and restored
into the module of the resumed process, so that random.random() and friends,
and the functions imported from it, go on with the same sequence; every
random.Random instance is saved with its state and its own attributes.

csv. Readers and writers are saved where they were; the module's field size
limit (C state) is put back.

warnings. The filters and the default action are put back (a program that
silenced a warning at its start keeps it silenced), and what shows a warning
(assertWarns records them in a list of its own).

The interpreter's settings that a program changes with sys: the recursion
limit, the limit on int/str conversions (sys.set_int_max_str_digits, which
test.support changes around a test) and the thread switch interval are put
back.

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
import stat
import sys
import weakref

_files = weakref.WeakKeyDictionary()  # file -> its newline argument
_open = io.open


@functools.wraps(_open)
def _tracking_open(file, mode="r", buffering=-1, encoding=None, errors=None,
                   newline=None, closefd=True, opener=None):
    f = _open(file, mode, buffering, encoding, errors, newline, closefd, opener)
    try:
        _files[f] = newline
    except TypeError:
        pass
    return f


def install():
    if builtins.open is _open:
        builtins.open = _tracking_open
    if io.open is _open:
        io.open = _tracking_open


def flush_files():
    """Flushes every file open for writing, the standard streams and the
    logging handlers (whose files may have been opened before the runtime
    was imported)."""
    for f in list(_files.keys()) + [sys.stdout, sys.stderr]:
        try:
            if f is not None and not f.closed and f.writable():
                f.flush()
        except (AttributeError, ValueError, OSError):
            pass
    logging = sys.modules.get("logging")
    for ref in list(getattr(logging, "_handlerList", ())):
        handler = ref()
        try:
            if handler is not None:
                handler.flush()
        except (AttributeError, ValueError, OSError):
            pass


# -- files in snapshots ---------------------------------------------------

_STD = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
_FILE_TYPES = (io.TextIOWrapper, io.BufferedReader, io.BufferedWriter,
               io.BufferedRandom, io.FileIO)


def _std(name):
    return getattr(sys, name)


def _reopen(path, mode, position, encoding, errors, newline=None, by_descriptor=False):
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
                       errors=None if binary else errors,
                       newline=None if binary else newline)
    if not new.startswith("a"):
        f.seek(position)
    if by_descriptor:  # (its name is its descriptor's number, as os.fdopen's)
        _raw(f).name = f.fileno()
    return f


def _raw(f):
    while not isinstance(f, io.FileIO):
        f = f.buffer if isinstance(f, io.TextIOWrapper) else f.raw
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
    if not isinstance(name, str):  # opened from a descriptor (tempfile's files)
        fd = f.fileno()
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise TypeError(f"cannot save the file opened from descriptor {fd}: it is not a "
                            "regular file (a pipe, a socket, a terminal...)")
    mode = getattr(f, "mode", "r")
    if isinstance(f, io.FileIO):
        mode = f.mode
    known = _positions.get(id(f))
    position = known[1] if known is not None and known[0] is f else _tell(f)
    encoding = getattr(f, "encoding", None)
    errors = getattr(f, "errors", None)
    if not isinstance(name, str):
        if st.st_nlink == 0:  # a temporary file without a name: its contents go along
            if st.st_size > _TEMPORARY_MAX:
                raise TypeError(f"cannot save the temporary file of descriptor {fd}: its "
                                f"{st.st_size} bytes are more than the {_TEMPORARY_MAX} a "
                                "snapshot carries")
            return (_temporary, (os.pread(fd, st.st_size, 0), mode, position, encoding,
                                 errors, _files.get(f)))
        return (_reopen, (_path_of(fd, st), mode, position, encoding, errors, _files.get(f),
                          True))
    return (_reopen, (os.path.abspath(name), mode, position, encoding, errors,
                      _files.get(f)))


_TEMPORARY_MAX = 64 << 20  # bytes of an unnamed temporary file a snapshot carries


def _path_of(fd, st):
    """The path of the file open as `fd` (os.fdopen of a file opened by
    path), checked to still name that file."""
    try:
        path = os.readlink(f"/proc/self/fd/{fd}")
        there = os.stat(path)
    except OSError:
        path, there = None, None
    if there is None or (there.st_dev, there.st_ino) != (st.st_dev, st.st_ino):
        raise TypeError(f"cannot save the file opened from descriptor {fd}: no path names "
                        "it, to reopen it by")
    return path


def _temporary(data, mode, position, encoding, errors, newline):
    """An unnamed temporary file with these contents, open as it was."""
    import tempfile
    with tempfile.TemporaryFile("w+b") as raw:
        raw.write(data)
        raw.flush()
        fd = os.dup(raw.fileno())
    binary = "b" in mode
    f = _tracking_open(fd, mode.replace("x", "w"), encoding=None if binary else encoding,
                       errors=None if binary else errors,
                       newline=None if binary else newline)
    if "a" not in mode:
        f.seek(position)
    return f


def _tell(f):
    """The position of a file. A text file read by `for line in f` will not
    tell it (its read-ahead is not accounted for until the loop ends), so
    the position is found by reading: what is left to read from here, then
    the whole file from the start, which gives how many characters were
    consumed; reading that many again from the start puts the file back
    where it was, where tell() works. This costs reading the file twice.
    In the process that writes a snapshot, which shares the file's offset
    with the program's, the offset is put back after (see
    note_positions_before_fork: there, this is done before the fork)."""
    try:
        return f.tell()
    except OSError:
        if not isinstance(f, io.TextIOWrapper) or not f.seekable():
            raise
    offset = os.lseek(f.fileno(), 0, os.SEEK_CUR) if in_writer[0] else None
    try:
        left = _count(f)
        f.seek(0)
        consumed = _count(f) - left
        f.seek(0)
        while consumed > 0:
            consumed -= len(f.read(min(consumed, 1 << 20)))
        return f.tell()
    finally:
        if offset is not None:
            os.lseek(f.fileno(), offset, os.SEEK_SET)


_positions = {}  # id(file) -> (file, its position), found before a fork
in_writer = [False]  # in the process that writes a snapshot (forked)


def note_positions_before_fork():
    """The positions of the files the program opened that `for line in f`
    reads (which will not tell them), found in the program's own process:
    the process that writes the snapshot shares each file's offset with it,
    and reading there would move the offset under the program, which reads
    on if the suspension is refused (a line read twice, a line lost), or
    while a checkpoint is written in the background."""
    _positions.clear()
    for f in list(_files):
        if f.closed or not isinstance(f, io.TextIOWrapper):
            continue
        try:
            f.tell()
        except ValueError:
            continue  # (undecodable: the writer says why, if the file matters)
        except OSError:
            try:
                _positions[id(f)] = (f, _tell(f))
            except (OSError, ValueError):
                pass  # (not seekable: refused when saved, saying why)


def forget_positions():
    _positions.clear()


def _count(f):
    n = 0
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            return n
        n += len(chunk)


def is_file(obj):
    return isinstance(obj, _FILE_TYPES)


# -- csv readers and writers ------------------------------------------------

def is_csv(obj):
    csv = sys.modules.get("_csv")
    return csv is not None and type(obj) in (csv.Reader, csv.Writer)


_DIALECT = ("delimiter", "doublequote", "escapechar", "lineterminator", "quotechar",
            "quoting", "skipinitialspace", "strict")
_prefixed = {}  # id(chain) -> (chain, the iterator after its prefix)


def reduce_csv(obj):
    """A csv reader by its input iterator (a file reads on from its position),
    dialect and line count; a writer by its file and dialect."""
    import _csv
    import gc
    dialect = {k: getattr(obj.dialect, k) for k in _DIALECT}
    if type(obj) is _csv.Writer:
        write = next(r for r in gc.get_referents(obj) if callable(r) and
                     getattr(r, "__name__", None) == "write")
        return (_csv_writer, (write.__self__, dialect))
    source = next(r for r in gc.get_referents(obj) if r is not obj.dialect and
                  not isinstance(r, type))
    source = _prefixed.get(id(source), (None, source))[1]
    return (_csv_reader, (source, dialect, obj.line_num))


def _csv_writer(f, dialect):
    import csv
    return csv.writer(f, **dialect)


def _csv_reader(source, dialect, line_num):
    """A reader over `source` whose line_num goes on from `line_num`: it
    first reads that many empty lines."""
    import csv
    import itertools
    lines = itertools.chain(itertools.repeat("", line_num), source)
    _prefixed[id(lines)] = (lines, source)
    reader = csv.reader(lines, **dialect)
    for _ in range(line_num):
        next(reader)
    return reader


# -- random ---------------------------------------------------------------

def _random_inst():
    import random
    return random._inst


def is_random_inst(obj):
    random = sys.modules.get("random")
    return random is not None and obj is getattr(random, "_inst", None)


def csv_state():
    """The csv module's field size limit (C module state, which a fresh
    process would have at its default), or None if csv is not imported."""
    csv = sys.modules.get("_csv")
    return csv.field_size_limit() if csv is not None else None


def restore_csv(limit):
    if limit is not None:
        import _csv
        _csv.field_size_limit(limit)


def reduce_random(obj):
    """A random.Random (or subclass) instance with attributes of its own
    (`g.random = values.pop`, as test_random does): Random.__reduce__
    keeps its state but drops its __dict__. None for any other object."""
    random = sys.modules.get("random")
    if random is None or not isinstance(obj, random.Random) or not getattr(obj, "__dict__", None):
        return None
    cls = type(obj)
    return (cls.__new__, (cls,), (obj.getstate(), obj.__dict__), None, None, _set_random)


def _set_random(obj, state):
    obj.setstate(state[0])
    obj.__dict__.update(state[1])


def random_state():
    random = sys.modules.get("random")
    return random.getstate() if random is not None else None


def restore_random(state):
    if state is not None:
        import random
        random.setstate(state)


# -- the interpreter's settings ----------------------------------------------

_SETTINGS = (("recursionlimit", "getrecursionlimit", "setrecursionlimit"),
             ("int_max_str_digits", "get_int_max_str_digits", "set_int_max_str_digits"),
             ("switchinterval", "getswitchinterval", "setswitchinterval"))


def interpreter_settings():
    """The settings of this interpreter the program may have changed (see
    the module's docstring), by name."""
    return {name: getattr(sys, get)() for name, get, _ in _SETTINGS if hasattr(sys, get)}


def restore_interpreter_settings(saved):
    for name, _, put in _SETTINGS:
        if saved and name in saved and hasattr(sys, put):
            getattr(sys, put)(saved[name])


# -- locks ----------------------------------------------------------------

_LOCK = _thread.LockType
_RLOCK = _thread.RLock


def special_type(t):
    """Whether objects of type `t` may be saved by a reduction of this
    module's (files, Random generators, csv readers and writers, locks)."""
    random, csv = sys.modules.get("random"), sys.modules.get("_csv")
    return (issubclass(t, _FILE_TYPES) or t is _LOCK or t is _RLOCK
            or (random is not None and issubclass(t, random.Random))
            or (csv is not None and t in (csv.Reader, csv.Writer)))


def is_lock(obj):
    t = type(obj)
    return t is _LOCK or t is _RLOCK


def reduce_lock(lock):
    state = _before_fork.get(id(lock))
    if state is None:
        state = _lock_state(lock)
    return (_lock, (state,)) if type(lock) is _LOCK else (_rlock, (state,))


def _lock_state(lock):
    """Whether a Lock is held; how many times this thread holds an RLock."""
    if type(lock) is _LOCK:
        return lock.locked()
    if not lock._is_owned():
        return 0
    state = lock._release_save()  # (count, owner), put back at once
    lock._acquire_restore(state)
    return state[0]


# Locks that a forked child finds reset: logging re-creates every handler's
# lock after a fork (os.register_at_fork), so a handler held when the
# program stopped would come back released. Their states are read before
# the fork, for the child that writes the snapshot.
_before_fork = {}


def note_locks_before_fork():
    _before_fork.clear()
    logging = sys.modules.get("logging")
    for handler in list(getattr(logging, "_at_fork_reinit_lock_weakset", ())):
        lock = getattr(handler, "lock", None)
        if is_lock(lock):
            _before_fork[id(lock)] = _lock_state(lock)
    lock = getattr(logging, "_lock", None)
    if is_lock(lock):
        _before_fork[id(lock)] = _lock_state(lock)


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


def quiet_warnings():
    """Keeps the warnings that saving raises from the program: pickling
    runs __reduce__ methods, and some warn (3.12's itertools objects: "will
    be removed in Python 3.14"); from 3.12 on, os.fork() warns when the
    process has other threads (the runtime's own ticker, _signals), and
    would raise under -W error with the child already running. An entry
    that ignores every warning goes in front of the filters' list, without
    telling the warnings module (which would count a change of its filters
    and empty every module's __warningregistry__: warnings shown once
    would show again). An ignored warning is still noted in its module's
    registry: those are put back as they were. Returns the function that
    undoes it all (in the process that goes on; the snapshot's writer
    keeps the entry)."""
    filters = _filters()
    registries = []
    for module in list(sys.modules.values()):
        g = getattr(module, "__dict__", None)
        if isinstance(g, dict):
            r = g.get("__warningregistry__")
            registries.append((g, r, dict(r) if isinstance(r, dict) else None))
    entry = ("ignore", None, Warning, None, 0)
    filters.insert(0, entry)

    def undo():
        _take_out(filters, entry)
        for g, r, before in registries:
            now = g.get("__warningregistry__")
            if now is not r:
                if r is None:
                    g.pop("__warningregistry__", None)
                else:
                    g["__warningregistry__"] = r
            if before is not None and r != before:
                r.clear()
                r.update(before)
    return undo


def hide_fork_warning(own_threads):
    """From 3.12 on, os.fork() warns in the parent when the process has
    other threads ("This process ... is multi-threaded"): while the
    runtime's own threads are the only others (`own_threads()` of them:
    the ticker of a signal not acted on yet), a program that forks would
    be shown a warning its uninterrupted run never shows. Hidden by an
    entry in front of the filters, put there before the fork, which takes
    itself out when it matches that warning (3.12 warns before the
    after-fork hooks run, 3.13 after them), or in the child, or at the next
    fork should the warning not have come (the thread ended meanwhile).
    The program's own threads still make it warn. (One os.register_at_fork
    hook counts the threads of every caller.)"""
    if not _own_threads:
        os.register_at_fork(before=_before_fork_hide,
                            after_in_child=_FORK_WARNING_HOLDER.take_out)
    _own_threads.append(own_threads)


_own_threads = []


def _before_fork_hide():
    _FORK_WARNING_HOLDER.take_out()
    own = sum(count() for count in _own_threads)
    if own and _thread._count() <= own:
        _FORK_WARNING_HOLDER.put_in(_filters())


def _filters():
    """The filters' list the interpreter reads: the one it finds in the
    warnings module (catch_warnings() puts a copy there), or _warnings'."""
    import _warnings
    return getattr(sys.modules.get("warnings"), "filters", _warnings.filters)


def _take_out(filters, entry):
    for i, item in enumerate(filters):
        if item is entry:
            del filters[i]
            return


class _ForkWarningEntry:
    """The filters' entry that ignores the fork's warning, and the list it
    is in. The filters call match() on its message pattern, as on a
    compiled regex (re is not imported for it): the warning's match takes
    the entry out."""

    def __init__(self):
        self.entry = ("ignore", self, DeprecationWarning, None, 0)
        self.filters = None

    def put_in(self, filters):
        filters.insert(0, self.entry)
        self.filters = filters

    def take_out(self):
        if self.filters is not None:
            _take_out(self.filters, self.entry)
            self.filters = None

    def match(self, text):
        if text.startswith("This process") and "multi-threaded" in text:
            self.take_out()  # (the interpreter holds the entry it matched)
            return True
        return False


_FORK_WARNING_HOLDER = _ForkWarningEntry()


# -- logging --------------------------------------------------------------

# What shows a warning, which catch_warnings(record=True) (assertWarns) and
# programs replace: the module's attributes, put back as they were.
_SHOWING = ("showwarning", "_showwarnmsg_impl")


def warnings_state():
    """The warnings module's filters and default action (what
    warnings.simplefilter() and -W set, and unittest sets for its run), and
    what shows a warning (a catch_warnings(record=True) being entered
    appends them to its list), or None if the module is not in use."""
    warnings = sys.modules.get("warnings")
    if warnings is None:
        return None
    own = _FORK_WARNING_HOLDER.entry
    return ([f for f in warnings.filters if f is not own], warnings.defaultaction,
            {name: getattr(warnings, name) for name in _SHOWING if hasattr(warnings, name)})


def restore_warnings(state):
    if state is None:
        return
    import warnings
    filters, warnings.defaultaction, showing = state
    for name, value in showing.items():
        setattr(warnings, name, value)
    warnings.filters[:] = filters
    warnings._filters_mutated()


def filters_version():
    """The warnings filters' version (the interpreter's count of their
    changes), which every module's __warningregistry__ records: a registry
    of another version is emptied at the next warning, and its warnings
    shown again. It cannot be read, only seen in a registry that a warning
    checks, so this makes such a check under catch_warnings (a warning the
    filters then ignore), which changes the version three times: entering
    it, simplefilter, leaving it. Returns the version before and after.
    Changes it: only in the process that writes a snapshot, or before a
    resumed program runs."""
    import warnings
    registry = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.warn_explicit("probe", UserWarning, "<sleepy>", 1, registry=registry)
    seen = registry.get("version", 0)
    return seen - 2, seen + 1


def revalidate_registries(names, saved_version):
    """Keeps the __warningregistry__ of the saved modules `names` valid in
    this process, where it was at the suspension (of `saved_version`): the
    warnings shown once before are not shown again."""
    if saved_version is None:
        return
    registries = [getattr(sys.modules.get(name), "__dict__", {}).get("__warningregistry__")
                  for name in names]
    registries = [r for r in registries if isinstance(r, dict)
                  and r.get("version") == saved_version]
    if registries:
        current = filters_version()[1]
        for registry in registries:
            registry["version"] = current


def logging_state():
    """The logging module's configuration, or None if it is not in use."""
    logging = sys.modules.get("logging")
    if logging is None:
        return None
    manager = logging.root.manager

    def of(logger):
        return (logger.level, list(logger.handlers), list(logger.filters),
                logger.propagate, logger.disabled)
    loggers = {name: of(logger) for name, logger in list(manager.loggerDict.items())
               if isinstance(logger, logging.Logger)}
    return {"root": of(logging.root), "loggers": loggers, "disable": manager.disable}


def restore_logging(state):
    if state is None:
        return
    import logging

    def put(logger, saved):
        logger.level, handlers, filters, logger.propagate, logger.disabled = saved
        logger.handlers[:] = handlers
        logger.filters[:] = filters
        for handler in handlers:
            logging._addHandlerRef(handler)  # flushed and closed at exit
    put(logging.root, state["root"])
    for name, saved in state["loggers"].items():
        put(logging.getLogger(name), saved)
    logging.disable(state["disable"])
    logging.root.manager._clear_cache()
