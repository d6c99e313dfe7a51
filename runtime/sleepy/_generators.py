"""Generators and coroutines across a snapshot.

A generator that is running when the program suspends is a frame like any
other: it is captured as the stack unwinds, and comes back as a fresh
generator made from its resume twin (a "shell"), which resumes its frame the
first time something drives it: the FOR_ITER or SEND that was driving it
runs again, or the runtime calls send(None) in place of the next() or send()
that was interrupted.

A generator parked in the heap (created, partly consumed, not running) cannot
be unwound. Its frame is read instead: gc.get_referents() of a generator
lists its code, names, frame, and then its local slots and value stack (the
non-NULL ones), which the static shape of the yield it waits at makes
sense of. It comes back as a shell primed through its twin: the twin
restores the frame and yields once at the equivalent yield, so what is sent
next arrives as it would have. A generator not started is primed to wait
before its first line; a finished one comes back finished.

pickle.dumps() of a rewritten generator works wherever the runtime is
imported (a copyreg reducer).
"""

import builtins
import copyreg
import gc
import sys
import types

from . import _bytecode, _registry, _twin
from ._config import RunningGenerator, SuspendError
from ._records import NULL, ParkedState, frees_of, parked_tuple

_METHOD_DESCRIPTOR = 1 << 17  # Py_TPFLAGS_METHOD_DESCRIPTOR: LOAD_ATTR binds it lazily


def frame_of(gen):
    return gen.gi_frame if isinstance(gen, types.GeneratorType) else gen.cr_frame


def state_of(gen):
    import inspect
    if isinstance(gen, types.GeneratorType):
        return inspect.getgeneratorstate(gen)
    return inspect.getcoroutinestate(gen).replace("CORO_", "GEN_")


def find_generator(frame):
    """The generator or coroutine object that owns a running frame."""
    return find_generators([frame]).get(id(frame))


def find_generators(frames):
    """The generator or coroutine objects that own these running frames,
    by id(frame): one walk of the heap for all of them (a walk costs tens
    of milliseconds in a big heap, and a stack of `yield from` has a
    generator per frame)."""
    wanted = {id(f): f for f in frames}
    found = {}
    if not wanted:
        return found
    for obj in gc.get_referrers(*wanted.values()):
        if isinstance(obj, (types.GeneratorType, types.CoroutineType)):
            f = frame_of(obj)
            if f is not None and wanted.get(id(f)) is f:
                found[id(f)] = obj
    return found


# -- rebuilding -----------------------------------------------------------

def _shell(module_name, index, site, frees):
    """A fresh generator from the twin of code `index` of a module that
    resumes at `site`: it resumes its frame when first driven."""
    g = _registry.module_globals(module_name)
    info = _registry.info_for_globals(g)
    code = info.twin_code(index, site)
    fn = _twin.function(code, g, tuple(frees) or None)
    return fn()


def _prime(shell, state):
    """Runs a shell's twin up to the yield its generator waited at."""
    info = _registry.info_for_globals(_registry.module_globals(state.module))
    record = parked_tuple(info.entries[state.index], state)
    saved = getattr(builtins, "__sleepy_resume__", None)
    builtins.__sleepy_resume__ = lambda: record
    try:
        shell.send(None)
    finally:
        if saved is None:
            del builtins.__sleepy_resume__
        else:
            builtins.__sleepy_resume__ = saved


def _finished():
    def done():
        return
        yield  # pragma: no cover
    g = done()
    g.close()
    return g


# -- capturing ------------------------------------------------------------

def _located(gen):
    frame = frame_of(gen)
    located = _registry.locate(frame.f_code, frame.f_globals)
    if located is None:
        raise SuspendError(f"cannot save the generator {gen.__qualname__}: its code is not "
                           "rewritten (run sleepy-rewrite on its module)")
    return frame, located


def frame_items(gen):
    """What the frame of the generator `gen` holds, in the order its
    traversal visits it: its locals and cells (those bound), then its value
    stack. The generator's traversal visits its own fields, then the
    frame's function and code, then those (3.11 visits gi_code first too)."""
    refs = gc.get_referents(gen)
    code = gen.gi_code if isinstance(gen, types.GeneratorType) else gen.cr_code
    for i in range(1, len(refs)):
        if refs[i] is code and type(refs[i - 1]) is types.FunctionType:
            return refs[i + 1:]
    raise SuspendError(f"cannot save the generator {gen.__qualname__}: its frame's "
                       "contents are not where this interpreter was seen to keep them")


def capture_parked(gen, resuming=False):
    """(module, index, frees, ParkedState) of a generator that is not
    running, or, `resuming`, of one whose frame has just been entered to
    resume it (its profile "call" event: nothing of it has run yet, and the
    value sent sits on its stack, which must be None: what the FOR_ITER,
    SEND or next() that drives it sends again on resume)."""
    state = state_of(gen)
    frame, (info, index, twin) = _located(gen)
    entry = info.entries.get(index)
    if entry is None:
        raise SuspendError(f"cannot save the generator {gen.__qualname__}: its code has "
                           "no resume points (an async generator?)")
    if state == "GEN_CREATED":
        site = next((s for s in entry.sites if s.kind == "entry"), None)
    else:
        site = entry.site_at(frame.f_lasti // 2, twin)
    if resuming and (site is None or site.kind not in ("yield", "entry")):
        raise SuspendError(f"cannot save the generator {gen.__qualname__} as it resumes "
                           "there")
    if resuming and _handled_at(frame.f_code, frame.f_lasti // 2):
        # Unwinding from there would run the generator's own except,
        # finally or __exit__ (the exception a profile hook raises as a
        # generator resumes is looked up in its exception table).
        raise SuspendError(f"{_registry.where(frame)}: the generator {gen.__qualname__} "
                           "resumes inside a try or with block, which the unwinding would "
                           "run")
    if site is None or site.kind not in ("yield", "entry"):
        raise SuspendError(f"cannot save the generator {gen.__qualname__}: it is not "
                           "paused where it can be resumed")
    items = frame_items(gen)
    sent = resuming and site.kind == "yield"  # after the stack below the yield
    bound = frame.f_locals
    pos = 0
    locals_, cells = {}, []
    for name, kind in entry.slots:
        if kind == "l":
            if name in bound:
                locals_[name] = items[pos]
                pos += 1
        else:
            cells.append(items[pos])
            pos += 1
    shape = site.shape if site.kind == "yield" else ""
    known = sum(1 for k in shape if k not in "nm")
    maybe = shape.count("m")
    # What is left is the stack (NULLs skipped), then maybe the generator's
    # exception state. A method pending under the yield is there or not.
    extra = len(items) - pos - known - sent
    if maybe == 0 or extra == 0:
        present_m = 0
    elif extra in (maybe, maybe + 1) and not (maybe == 1 and extra == 1):
        present_m = maybe
    elif maybe == 1 and extra == 1:
        # One method pending and no exception state, or the reverse.
        before = shape[:shape.index("m")]
        at = pos + sum(1 for k in before if k not in "nm")
        if _bytecode.DIALECT.null_after_callable:
            # [callable, self or NULL] (3.13+): LOAD_ATTR pushed self after
            # a method descriptor (a function of the class), NULL after
            # anything else.
            present_m = 1 if type(items[at - 1]).__flags__ & _METHOD_DESCRIPTOR else 0
        else:
            # [method or NULL, self or attribute]: a method is callable and
            # sits where the shape puts it.
            candidate = items[at]
            present_m = 1 if callable(candidate) and \
                not isinstance(candidate, BaseException) else 0
    else:
        raise SuspendError(f"cannot save the generator {gen.__qualname__}: it is paused "
                           "inside a method call's arguments")
    stack = []
    for k in shape:
        if k == "n" or (k == "m" and present_m == 0):
            stack.append(NULL)
        else:
            stack.append(items[pos])
            pos += 1
    if sent:
        if items[pos] is not None:
            raise SuspendError(f"cannot save the generator {gen.__qualname__} as it resumes: "
                               "a value was sent to it")
        pos += 1
    exc = items[pos] if pos < len(items) else None
    module = _registry.module_name(frame.f_globals)
    frees = frees_of(entry, cells)
    return module, index, frees, ParkedState(module, index, site.index, locals_, cells,
                                             stack, exc)


def _handled_at(code, unit):
    """Does an entry of code's exception table cover code unit `unit`?"""
    table = _twin.varints(code.co_exceptiontable)
    return any(table[k] <= unit < table[k] + table[k + 1] for k in range(0, len(table), 4))


def reduce_generator(gen, running=None):
    """The reduction of a generator or coroutine for pickle."""
    if running is not None and id(gen) in running:
        gen_obj, rec = running[id(gen)]
        if type(rec) is tuple:  # caught as it resumed: saved as parked there
            module, index, frees, parked = rec
            return (_shell, (module, index, parked.site, frees), parked, None, None, _prime)
        info = _registry.info_for_globals(sys.modules[rec.module].__dict__)
        entry = info.entries[rec.index]
        return (_shell, (rec.module, rec.index, rec.site, frees_of(entry, rec.cells)))
    state = state_of(gen)
    if state == "GEN_CLOSED":
        return (_finished, ())
    if state == "GEN_RUNNING":
        raise RunningGenerator(f"cannot save the generator {gen.__qualname__} while it runs "
                           "outside the suspended stack")
    module, index, frees, parked = capture_parked(gen)
    return (_shell, (module, index, parked.site, frees), parked, None, None, _prime)


def _copyreg_reducer(gen):
    try:
        return reduce_generator(gen)
    except SuspendError as e:
        import pickle
        raise pickle.PicklingError(str(e)) from None


copyreg.pickle(types.GeneratorType, _copyreg_reducer)
copyreg.pickle(types.CoroutineType, _copyreg_reducer)
