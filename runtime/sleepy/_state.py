"""Pickling what a suspended program holds.

Most objects pickle as usual. What needs help:

- functions whose code was rewritten: by value (their code is found again in
  the module's .pyc by index, so the snapshot holds no bytecode), with their
  closure cells, defaults and attributes;
- cells, by identity (a closure and the frame that made it share them);
- modules, by name; the main module and its classes by value, since the
  main program is not imported again on resume;
- code objects that were not rewritten, as marshal data.

Anything else that pickle refuses is refused with the path to it.
"""

import builtins
import copyreg
import importlib
import io
import marshal
import pickle
import sys
import types

from . import _process, _registry

_MAIN_NAME = "__main__"


# -- rebuilding -----------------------------------------------------------

def _new_cell():
    return types.CellType()


def _set_cell(cell, state):
    if state is not _EMPTY:
        cell.cell_contents = state


class _Empty:
    def __reduce__(self):
        return (_empty, ())


def _empty():
    return _EMPTY


_EMPTY = _Empty()


def _module(name):
    module = sys.modules.get(name)
    if module is None:
        module = importlib.import_module(name)
    return module


def _module_globals(name):
    return _module(name).__dict__


def _function(module_name, index, twin, closure):
    g = _module_globals(module_name)
    info = _registry.info_for_globals(g)
    if info is None:
        raise pickle.UnpicklingError(f"module {module_name} is not rewritten code any more")
    code = info.twin_code(index) if twin else info.codes[index]
    return types.FunctionType(code, g, code.co_name, None, closure)


def _set_function(fn, state):
    for attr, value in state.items():
        setattr(fn, attr, value)


def _code(data):
    return marshal.loads(data)


def _new_class(meta, name, bases):
    return type.__new__(meta, name, bases, {})


def _set_class(cls, state):
    for attr, value in state.items():
        try:
            setattr(cls, attr, value)
        except (AttributeError, TypeError):
            pass


_CLASS_SKIP = {"__dict__", "__weakref__"}


# -- pickling -------------------------------------------------------------

def _types_by_name():
    """The types of the types module that pickle cannot find by their name
    (FunctionType is builtins.function, which does not exist)."""
    return {v: k for k, v in vars(types).items()
            if isinstance(v, type) and getattr(builtins, v.__name__, None) is not v}


_TYPES = _types_by_name()


class Pickler(pickle.Pickler):
    """The pickler of snapshots. `codes` collects (module, index, hash) of
    every rewritten code object the snapshot refers to."""

    def __init__(self, file, codes, running=None):
        super().__init__(file, protocol=5)
        self.codes = codes
        self.running = running or {}  # generators of the suspended stack

    def reducer_override(self, obj):
        t = type(obj)
        if t is types.FunctionType:
            return self._function(obj)
        if t is types.CellType:
            try:
                contents = obj.cell_contents
            except ValueError:
                contents = _EMPTY
            return (_new_cell, (), contents, None, None, _set_cell)
        if t is types.ModuleType:
            return (_module, (obj.__name__,))
        if t is types.CodeType:
            return (_code, (marshal.dumps(obj),))
        if t is staticmethod or t is classmethod:
            return (t, (obj.__func__,), obj.__dict__ or None)
        if t is property:
            return (property, (obj.fget, obj.fset, obj.fdel, obj.__doc__))
        if isinstance(obj, type):
            if getattr(obj, "__module__", None) == _MAIN_NAME:
                return self._main_class(obj)
            if obj in _TYPES:
                return (getattr, (types, _TYPES[obj]))
        if _process.is_file(obj):
            return _process.reduce_file(obj)
        if _process.is_random_inst(obj):
            return (_process._random_inst, ())
        if _process.is_lock(obj):
            return _process.reduce_lock(obj)
        if t is types.GeneratorType or t is types.CoroutineType:
            from ._generators import reduce_generator
            return reduce_generator(obj, self.running)
        return NotImplemented

    def _function(self, fn):
        located = _registry.locate(fn.__code__, fn.__globals__)
        if located is None:
            return NotImplemented  # by reference, as pickle does
        info, index, twin = located
        module_name = _registry.module_name(fn.__globals__)
        self.codes.add((module_name, index, info.hashes[index]))
        state = {
            "__name__": fn.__name__,
            "__qualname__": fn.__qualname__,
            "__defaults__": fn.__defaults__,
            "__kwdefaults__": fn.__kwdefaults__,
            "__annotations__": fn.__annotations__,
            "__doc__": fn.__doc__,
            "__module__": fn.__module__,
            "__dict__": fn.__dict__,
        }
        return (_function, (module_name, index, twin, fn.__closure__), state,
                None, None, _set_function)

    def _main_class(self, cls):
        state = {k: v for k, v in cls.__dict__.items() if k not in _CLASS_SKIP}
        return (_new_class, (type(cls), cls.__name__, cls.__bases__), state,
                None, None, _set_class)


class Unpickler(pickle.Unpickler):
    pass


def find_unpicklable(obj, codes):
    """Where in `obj` pickling fails, as a short path, or None."""
    seen = set()

    def ok(x):
        try:
            Pickler(io.BytesIO(), set()).dump(x)
            return True
        except Exception:
            return False

    def walk(x, path, depth):
        if id(x) in seen or depth > 12:
            return None
        seen.add(id(x))
        if ok(x):
            return None
        children = []
        if isinstance(x, dict):
            children = [(f"{path}[{k!r}]", v) for k, v in x.items()]
        elif isinstance(x, (list, tuple, set, frozenset)):
            children = [(f"{path}[{i}]", v) for i, v in enumerate(x)]
        elif hasattr(x, "__dict__") and not isinstance(x, type):
            children = [(f"{path}.{k}", v) for k, v in vars(x).items()]
        for p, v in children:
            found = walk(v, p, depth + 1)
            if found:
                return found
        return f"{path} ({type(x).__module__}.{type(x).__qualname__})"

    return walk(obj, "", 0)
