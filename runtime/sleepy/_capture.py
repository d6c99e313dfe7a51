"""Capturing the running program.

Before anything is disturbed, `plan` walks the frames from the caller of
suspend() out to the program's root and checks that each one is rewritten
code stopped at a call site, and that each call really called the next frame:
a C function between two Python frames (sorted with a key, map, re.sub with a
callback...) would be lost on resume, so it is refused, with its name.

Then, in a forked child, suspend() raises the Unwinder. The capture handler of
each frame's call site hands it the value stack below the call, the call's
offset, and the frame's cells; the Unwinder reads the frame's locals and
records it. When the root frame has been recorded the child writes the
snapshot and exits. The parent never unwinds anything.
"""

import builtins
import collections.abc
import gc
import os
import sys
import types

from . import _bytecode, _drivers, _generators, _registry, _slots
from ._config import SuspendError, task_boundaries, transparent
from ._records import (CO_ASYNC_GENERATOR, CO_OPTIMIZED, GENERATOR_FLAGS, NULL,
                       FrameRecord)
from ._registry import same_code as _same_code, where
from ._slots import lookup as _lookup


class PlannedFrame:
    __slots__ = ("frame", "info", "index", "twin", "entry", "site", "module", "result_kind",
                 "line", "where", "drive", "via")

    def __init__(self, frame, info, index, twin, entry, site):
        self.frame = frame
        self.info = info
        self.index = index
        self.twin = twin
        self.entry = entry
        self.site = site
        self.module = _registry.module_name(frame.f_globals)
        self.result_kind = "value"  # what resuming the call returns
        self.drive = None  # the generator a "drive" call resumes, if not recorded
        self.via = None  # the runtime frame (transparent) it called the next through
        self.line = frame.f_lineno
        self.where = where(frame)


def _resolve(prov, frame):
    """The object a provenance names in `frame`, without running user code,
    or raise LookupError."""
    kind = prov[0]
    if kind == "g":
        name = prov[1]
        if name in frame.f_globals:
            return frame.f_globals[name]
        return frame.f_builtins[name]
    if kind in ("l", "d"):
        loc = frame.f_locals
        return loc[prov[1]]
    if kind == "n":
        name = prov[1]
        for scope in (frame.f_locals, frame.f_globals, frame.f_builtins):
            if name in scope:
                return scope[name]
        raise LookupError(name)
    if kind in ("a", "m"):
        base = _resolve(prov[1], frame)
        name = prov[2]
        if type(base) is types.ModuleType and not name.startswith("__"):
            # What getattr_static finds on a plain module, without importing
            # inspect (milliseconds at the first suspension).
            try:
                attr = base.__dict__[name]
            except KeyError:
                raise LookupError(name) from None
        else:
            import inspect
            try:
                attr = inspect.getattr_static(base, name)
            except AttributeError:
                raise LookupError(name) from None
        if isinstance(attr, (staticmethod, classmethod)):
            return attr.__func__
        if isinstance(attr, property):
            raise LookupError(name)
        return attr
    if kind == "c":
        return frame.f_code.co_consts[prov[1]]
    raise LookupError(kind)


def _operand(prov, frame):
    """The operand a provenance names in `frame`, or _slots.MISSING."""
    if prov is None:
        return _slots.MISSING
    try:
        return _resolve(prov, frame)
    except (LookupError, TypeError):
        return _slots.MISSING


def _code_of(obj):
    """The code a callable runs when called directly, or None."""
    if isinstance(obj, types.FunctionType):
        return obj.__code__
    if isinstance(obj, types.MethodType) and isinstance(obj.__func__, types.FunctionType):
        return obj.__func__.__code__
    if isinstance(obj, types.CodeType):
        return obj
    return None


def _first_argument(frame):
    """The first argument of a frame (a method's self), or NULL."""
    args = frame.f_code.co_varnames[:1]
    return frame.f_locals.get(args[0], NULL) if args else NULL


def _describe(obj):
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if name:
        mod = getattr(obj, "__module__", None)
        return f"{mod}.{name}" if mod and mod != "builtins" else name
    return type(obj).__qualname__ + " object"


def _check_call(planned, callee_frame, suspend_fn):
    """Raise SuspendError unless the call at `planned`'s site called
    `callee_frame` (or, for the innermost frame, the suspend function)
    directly. Sets planned.result_kind for transparent calls."""
    frame, site = planned.frame, planned.site
    prov = site.callee
    if site.kind == "loop":
        # Between two iterations, where a signal's handler ran: nothing of
        # the program's runs above it.
        if callee_frame is not None:
            raise SuspendError(f"{where(frame)}: {where(callee_frame)} runs above a loop's "
                               "head, which cannot be resumed")
        return
    if site.kind == "attr":
        _check_getter(planned, callee_frame)
        return
    if site.kind == "op":
        # A dunder called through its operand's type slot (see _slots).
        name, arg, _ = _bytecode.instruction_at(planned.entry.normal.co_code, site.start)
        operands = tuple(_operand(p, frame) for p in (prov or ("o", None, None))[1:])
        planned.result_kind = ("op",) + _slots.running(frame, name, arg, operands,
                                                      callee_frame)
        return
    if site.kind in ("iter", "send"):
        # FOR_ITER or SEND runs again on resume and drives the generator,
        # which resumes itself. Anything else under them was called from C.
        if callee_frame is not None and callee_frame.f_code.co_flags & GENERATOR_FLAGS:
            return
        if site.kind == "iter" and callee_frame is not None:
            # FOR_ITER calling the iterator's __next__ through its type's
            # slot: the twin resumes __next__ and takes what it returns as
            # the next item (StopIteration ends the loop).
            it = _first_argument(callee_frame)
            fn = _lookup(type(it), "__next__") if it is not NULL else None
            if isinstance(fn, types.FunctionType) and _same_code(fn.__code__, callee_frame):
                planned.result_kind = "next"
                return
        op = "the for loop's iterator" if site.kind == "iter" else "yield from / await"
        inner = where(callee_frame) if callee_frame is not None else "suspend()"
        raise SuspendError(f"{where(frame)}: {op} there called {inner} from C (not a "
                           "generator), which cannot be resumed")
    target = None
    if prov is not None:
        try:
            target = _drivers.c_function(_resolve(prov, frame))
        except (LookupError, TypeError):
            target = None
    if callee_frame is None:
        if target is suspend_fn or prov is None or target is None:
            return
        raise SuspendError(f"{where(frame)}: the call there did not call "
                           f"{suspend_fn.__name__} directly")
    code = _code_of(target) if target is not None else None
    if code is not None and _same_code(code, callee_frame):
        return
    if code is None and target is not None and not isinstance(target, type):
        # An instance called through its type's slot: tp_call runs
        # type(target).__call__ with target first and returns what it
        # returns, so resuming that frame gives the call's result.
        call = _lookup(type(target), "__call__")
        if isinstance(call, types.FunctionType) and _same_code(call.__code__, callee_frame) \
                and _first_argument(callee_frame) is target:
            return
    if callee_frame.f_code.co_flags & GENERATOR_FLAGS and _drives(target, prov, planned,
                                                                   callee_frame):
        # next(gen), gen.send(v), gen.throw(...): resumed by send(None) on
        # the generator, which resumes itself.
        planned.result_kind = "drive"
        return
    if isinstance(target, type):
        init = None
        for klass in target.__mro__:
            if "__init__" in klass.__dict__:
                init = klass.__dict__["__init__"]
                break
        if isinstance(init, types.FunctionType) and _same_code(init.__code__, callee_frame):
            planned.result_kind = "self"
            return
        new = _lookup(target, "__new__")
        if isinstance(new, staticmethod):
            new = new.__func__
        if isinstance(new, types.FunctionType) and _same_code(new.__code__, callee_frame):
            # type.__call__ running the class's own __new__ (Fraction,
            # Decimal...): what __new__ returns is the call's result when
            # no __init__ runs after it.
            if init is object.__init__:
                return
            raise SuspendError(
                f"{where(frame)}: the call there runs {_describe(target)}.__new__ and "
                f"then {_describe(init)}, with the call's arguments, which cannot be "
                "done again after a resume")
        meta_call = None
        for klass in type(target).__mro__:
            if "__call__" in klass.__dict__:
                meta_call = klass.__dict__["__call__"]
                break
        if isinstance(meta_call, types.FunctionType) and _same_code(meta_call.__code__,
                                                                     callee_frame):
            return
    if prov is not None and prov[0] in ("m", "a") and target is None:
        # A method of an object we cannot name: look it up on the callee's
        # first argument, along the MRO (super() calls land here).
        name = prov[2]
        args = callee_frame.f_code.co_varnames[:1]
        if args:
            self = callee_frame.f_locals.get(args[0], NULL)
            if self is not NULL:
                klasses = list(type(self).__mro__)
                if isinstance(self, type):
                    klasses = list(self.__mro__) + klasses
                for klass in klasses:
                    attr = klass.__dict__.get(name)
                    if isinstance(attr, (staticmethod, classmethod)):
                        attr = attr.__func__
                    if isinstance(attr, types.FunctionType) and _same_code(attr.__code__,
                                                                           callee_frame):
                        return
                # super().__call__(...) in a metaclass: type.__call__ ran
                # __init__, and returns the instance it made.
                if name == "__call__":
                    for klass in type(self).__mro__:
                        init = klass.__dict__.get("__init__")
                        if isinstance(init, types.FunctionType):
                            if _same_code(init.__code__, callee_frame):
                                planned.result_kind = "self"
                                return
                            break
    if prov is None and _bytecode.is_with_exit(frame.f_code, frame.f_lasti):
        # The end of a `with` body calls the __exit__ that BEFORE_WITH left on
        # the stack, bound to the context manager: the callee must be the
        # __exit__ of its own first argument's type.
        manager = _first_argument(callee_frame)
        fn = _lookup(type(manager), "__exit__") if manager is not NULL else None
        if isinstance(fn, types.FunctionType) and _same_code(fn.__code__, callee_frame):
            return
    spec = None
    if _bytecode.positional_only(frame.f_code, frame.f_lasti):
        spec = _slots.builtin_running(target, callee_frame)
    elif (target is isinstance or target is issubclass) and \
            _bytecode.positional_only(frame.f_code, frame.f_lasti, 2):
        spec = _slots.check_running(target, _single_argument(frame, 2), callee_frame)
    if spec is not None:
        # len(x), hash(x), str(x)... running x's own dunder (see _slots).
        planned.result_kind = ("op",) + spec
        return
    callee = where(callee_frame)
    if target is not None and code is None and not isinstance(target, type):
        hint = ""
        if _drivers.folds(target) and callee_frame.f_code.co_flags & GENERATOR_FLAGS:
            hint = (" (under `python -m sleepy run --python-drivers` it folds a generator "
                    "in Python, and can be resumed)")
        elif _drivers.takes_key(target):
            hint = (" (under `python -m sleepy run --python-drivers` it calls a key "
                    "function of rewritten code from Python, and can be resumed)")
        raise SuspendError(
            f"{where(frame)}: {_describe(target)} is not Python code: it called "
            f"{callee} from C, and a C function cannot be resumed" + hint)
    if target is not None:
        raise SuspendError(
            f"{where(frame)}: the call there calls {_describe(target)}, but {callee} "
            "was called from C code under it (map, filter, a C iterator...), which "
            "cannot be resumed")
    raise SuspendError(
        f"{where(frame)}: cannot tell what the call there called; {callee} may "
        "have been called from C, which cannot be resumed")


def _check_fold(planned, folding):
    """The call at `planned`'s site called the _drivers function that
    folds in `fold` (a generator, or calling its key: `keyed`): resuming
    calls fold.run again (with the key's call resumed)."""
    fold, keyed = folding
    target = None
    if planned.site.kind == "call" and planned.site.callee is not None:
        try:
            target = _resolve(planned.site.callee, planned.frame)
        except (LookupError, TypeError):
            pass
    if target is not _drivers.SURROGATES.get(fold.kind):
        raise SuspendError(f"{where(planned.frame)}: cannot tell that the call there "
                           f"called {fold.kind}()")
    planned.result_kind = ("restart", fold, keyed)


_DRIVERS = ("send", "throw", "__next__")


def _drives(target, prov, planned, callee_frame):
    """Is this call next(), send() or throw() of the generator or coroutine
    that runs `callee_frame` (not of a C iterator over it, such as
    itertools.chain, which the resumed generator cannot stand for)?"""
    frame, driven = planned.frame, _slots.MISSING
    via = planned.via
    if via is not None and via.f_code.co_name == "_drive":
        driven = via.f_locals.get("gen", driven)  # a resumed frame's drive
    elif target is next:
        driven = _single_argument(frame)
    elif prov is not None and prov[0] in ("m", "a") and prov[2] in _DRIVERS:
        driven = _operand(prov[1], frame)
    elif isinstance(target, (types.BuiltinMethodType, types.MethodWrapperType)) and \
            getattr(target, "__name__", None) in _DRIVERS:
        driven = target.__self__
    return isinstance(driven, (types.GeneratorType, types.CoroutineType)) and \
        _generators.frame_of(driven) is callee_frame


def _single_argument(frame, nargs=1):
    """The last argument of the call with `nargs` positional arguments
    that `frame` stands at, where _bytecode can tell what loaded it; else
    MISSING."""
    prov = _bytecode.argument_provenance(
        frame.f_code, frame.f_lasti, [n for n, _ in _registry.localsplus(frame.f_code)],
        nargs)
    return _operand(prov, frame)


def _check_getter(planned, callee_frame):
    """An attribute load suspends only inside the Python code the lookup
    runs, whose result is the attribute: a property's getter, a
    descriptor's __get__, or the object's type's __getattribute__ or
    __getattr__ (given the name), on the object loaded from."""
    frame, (_, base_prov, name) = planned.frame, planned.site.callee
    if callee_frame is not None:
        missing = _slots.MISSING
        base = _operand(base_prov, frame)
        me, second = _slots.argument(callee_frame, 0), _slots.argument(callee_frame, 1)
        obj = base if base is not missing else me
        if me is obj and me is not missing:
            attr = _lookup(type(me), name)
            if (isinstance(attr, property) and isinstance(attr.fget, types.FunctionType)
                    and _same_code(attr.fget.__code__, callee_frame)):
                return
            if type(second) is str and second == name and any(
                    _slots.runs(callee_frame, me, hook)
                    for hook in ("__getattribute__", "__getattr__")):
                return
        # A descriptor's __get__(descriptor, instance, owner): the
        # descriptor is what the class (or, loading from a class, its MRO)
        # holds under the name.
        obj = base if base is not missing else second
        if obj is not missing and me is not missing:
            holder = obj if isinstance(obj, type) else type(obj)
            if me is _lookup(holder, name) and _slots.runs(callee_frame, me, "__get__") \
                    and (second is obj or second is None and holder is obj):
                return
    callee = where(callee_frame) if callee_frame is not None else "suspend()"
    raise SuspendError(f"{where(frame)}: loading .{name} there ran {callee}, which is not "
                       "a property getter, a descriptor's __get__ or __getattr__ of the "
                       "object loaded from; it cannot be resumed")


def plan(start, suspend_fn, boundaries, entering=None):
    """The frames to capture, innermost first, or raise SuspendError. With
    `entering`, `start` called that frame, which has just started. The
    error's `blocker` is the frame that stands in the way, if one does:
    while it stays where it is, no suspension below it can succeed."""
    blocker = [None]
    try:
        return _plan(start, suspend_fn, boundaries, entering, blocker)
    except SuspendError as e:
        e.blocker = blocker[0]
        raise


def _plan(start, suspend_fn, boundaries, entering, blocker):
    frames = []
    callee = entering
    f = start
    fold = None  # a _drivers.Fold folding the callee's generator
    via = None  # the runtime frame the next frame called the callee through
    while f is not None and f.f_code not in boundaries:
        if f.f_code in transparent or f.f_code in _drivers.passing:
            via = f
            f = f.f_back  # the callee stays the frame it called
            continue
        blocker[0] = f
        if f.f_code is _drivers.restartable:
            fold = f.f_locals.get("self")
            if callee is not None and isinstance(fold.it, types.GeneratorType) and \
                    _generators.frame_of(fold.it) is callee:
                keyed = False  # inside the generator it folds
            elif callee is not None and fold.calls(callee):
                keyed = True  # inside its key (reduce's function)
            else:
                inner = where(callee) if callee is not None else "suspend()"
                raise SuspendError(f"{where(f)}: {fold.kind}() called {inner} to compare "
                                   "two items, which cannot be resumed")
            fold.sync(f)
            fold = (fold, keyed)
            f = f.f_back
            continue
        if f.f_code.co_flags & CO_ASYNC_GENERATOR:
            raise SuspendError(f"{where(f)}: the frame is an async generator; "
                               "suspending inside one is not supported yet")
        located = _registry.locate(f.f_code, f.f_globals)
        if located is None:
            why = _registry.unreadable(f.f_globals)
            raise SuspendError(f"{where(f)}: " + (why or "the frame is not rewritten code "
                                                  "(run sleepy-rewrite on its module)"))
        info, index, twin = located
        entry = info.entries.get(index)
        lasti_units = f.f_lasti // 2
        site = entry.site_at(lasti_units, twin) if entry else None
        if site is None:
            op = _bytecode.instruction_at(f.f_code.co_code, f.f_lasti // 2)[0]
            inner = where(callee) if callee is not None else "suspend()"
            raise SuspendError(f"{where(f)}: {op} there called {inner} from C (an "
                               "operator, an iterator, a descriptor...), which cannot "
                               "be resumed")
        if "x" in site.shape:
            raise SuspendError(f"{where(f)}: the call there cannot be resumed (the "
                               "value stack differs between paths)")
        code = f.f_code
        if not (code.co_flags & CO_OPTIMIZED) and code.co_name != "<module>":
            raise SuspendError(f"{where(f)}: suspending inside a class body is not supported")
        planned = PlannedFrame(f, info, index, twin, entry, site)
        planned.via, via = via, None
        if fold is not None:
            _check_fold(planned, fold)
            fold = None
        else:
            _check_call(planned, callee, suspend_fn)
        frames.append(planned)
        callee = f
        f = f.f_back
    blocker[0] = None
    if not frames:
        raise SuspendError("nothing to suspend")
    root = frames[-1].frame
    if root.f_code.co_name != "<module>" and (f is None or f.f_code not in task_boundaries):
        raise SuspendError(f"{where(root)}: the outermost frame is not the program's "
                           "main module; its caller is not rewritten code")
    return frames


def _unwrap(slot):
    refs = gc.get_referents(slot)
    return refs[0] if refs else NULL


class Unwinder(BaseException):
    """Raised in the child to unwind the program; the capture handlers call
    it with what they hold.

    The capture handlers recognise it as the frame's builtins.__build_class__
    (what LOAD_BUILD_CLASS pushes), so rewritten code needs no name of its
    own: while it unwinds, the unwinder stands in for that builtin, and
    builds classes as the builtin would should a class statement run
    meanwhile (a __del__, say). Before that lookup they test a flag of the
    exception's type, the one MATCH_SEQUENCE reads: the class is registered
    as a Sequence below, so that other exceptions are told apart at once."""

    def __init__(self, frames, finish):
        super().__init__("sleepy: unwinding to suspend")
        self.frames = frames
        self.records = []
        self.finish = finish
        self.running = {}  # id(generator) -> (generator, its record)
        self.build_class = builtins.__build_class__
        self._owners = None  # id(frame) -> its generator, found once

    def install(self):
        builtins.__build_class__ = self

    def uninstall(self):
        builtins.__build_class__ = self.build_class

    def __call__(self, *args, **kwargs):
        if kwargs or len(args) != 1 or type(args[0]) is not tuple:
            return self.build_class(*args, **kwargs)  # a class statement
        try:
            return self._capture(sys._getframe(1), args[0])
        except BaseException as e:  # never let the program see an error here
            self.uninstall()
            self.finish(None, e, None)
            os._exit(70)

    def _capture(self, frame, packed):
        # Frames stopped at bare sites had no handler to report them: they
        # are inside this one, already left, their locals kept by their frame
        # objects.
        while self.frames[len(self.records)].site.bare:
            planned = self.frames[len(self.records)]
            self._record(planned, planned.frame, [], [])
        planned = self.frames[len(self.records)]
        if frame is not planned.frame:
            raise RuntimeError(f"captured {where(frame)}, expected {where(planned.frame)}")
        entry, site = planned.entry, planned.site
        d = site.depth
        stack = []
        for j in range(d):
            v = packed[j]
            if site.shape[j] in "nmu":
                v = _unwrap(v)
            elif site.shape[j] == "l" and planned.twin:
                v -= entry.delta  # offsets in the normal code, in code units
            stack.append(v)
        # packed[d] is lasti, packed[d + 1] the unwinder itself.
        self._record(planned, frame, stack, list(packed[d + 2:]))
        if len(self.records) == len(self.frames):
            self.uninstall()
            self.finish(self.records, None, self.running)
            os._exit(0)
        return self

    def at_boundary(self):
        """The unwinding reached the boundary under the saved frames (a
        task's, whose outermost frame may stand at a bare site: no handler
        reported it). Records what is left, in the snapshot's writer."""
        try:
            while len(self.records) < len(self.frames):
                planned = self.frames[len(self.records)]
                if not planned.site.bare:
                    raise RuntimeError(f"{where(planned.frame)} was not captured")
                self._record(planned, planned.frame, [], [])
        except BaseException as e:
            self.uninstall()
            self.finish(None, e, None)
            os._exit(70)
        self.uninstall()
        self.finish(self.records, None, self.running)
        os._exit(0)

    def _record(self, planned, frame, stack, cells):
        """Records `frame`, stopped at `planned`'s site with `stack` under it
        and `cells`."""
        entry, site = planned.entry, planned.site
        locals_ = {}
        if frame.f_code.co_flags & CO_OPTIMIZED:
            snapshot = frame.f_locals
            for name, kind in entry.slots:
                if kind == "l" and name in snapshot:
                    locals_[name] = snapshot[name]
        rec = FrameRecord(planned.module, planned.index, site.index, locals_, cells,
                          stack, site.shape)
        rec.result_kind = planned.result_kind
        if frame.f_code.co_flags & GENERATOR_FLAGS:
            if self._owners is None:
                self._owners = _generators.find_generators(
                    [p.frame for p in self.frames
                     if p.frame.f_code.co_flags & GENERATOR_FLAGS])
            gen = self._owners.get(id(frame))
            if gen is None:
                raise RuntimeError(f"no generator owns {where(frame)}")
            self.running[id(gen)] = (gen, rec)
            rec.gen = gen
        if planned.result_kind == "drive":
            rec.drive = planned.drive if planned.drive is not None else self.records[-1].gen
        self.records.append(rec)


# MATCH_SEQUENCE in the capture handlers reads this from the type's flags.
collections.abc.Sequence.register(Unwinder)


def selves(frames, entering=None):
    """The ids of the objects whose methods run in the saved frames (their
    first arguments), to be saved as they are (see _byvalue)."""
    found = set()
    for f in [p.frame for p in frames] + ([entering] if entering is not None else []):
        if f.f_code.co_argcount:
            first = _first_argument(f)
            if first is not NULL:
                found.add(id(first))
    return found


# In place of a closure: the function's free variables are the cells of the
# same names in its caller (see entry_record).
FROM_CALLER = object()


def entry_record(frame, info, index, entry, closure):
    """The record of a frame that has just started: its arguments, fresh
    cells for its cell variables, its closure's cells, and its entry site.
    With FROM_CALLER for the closure, the free variables' places hold their
    names until take_frees_from_caller() fills them in."""
    site = next(s for s in entry.sites if s.kind == "entry")
    bound = frame.f_locals
    locals_, cells = {}, []
    frees = iter(closure if closure is not FROM_CALLER else ())
    for name, kind in entry.slots:
        if kind == "l":
            if name in bound:
                locals_[name] = bound[name]
        elif kind == "c":
            cells.append(types.CellType(bound[name]) if name in bound else types.CellType())
        else:
            cells.append(name if closure is FROM_CALLER else next(frees))
    rec = FrameRecord(_registry.module_name(frame.f_globals), index, site.index, locals_,
                      cells, [], "")
    rec.hash = info.hashes[index]
    return rec


def take_frees_from_caller(rec, caller, caller_entry):
    """Fills in the free variables an entry record names with the cells of
    its caller's record (captured as the stack unwound)."""
    by_name = dict(zip([name for name, kind in caller_entry.slots if kind != "l"],
                       caller.cells))
    rec.cells = [by_name[c] if isinstance(c, str) else c for c in rec.cells]
