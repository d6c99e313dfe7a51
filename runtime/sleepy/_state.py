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
import io
import marshal
import pickle
import sys
import types

from . import _byvalue, _generators, _process, _registry, _twin

_MAIN_NAME = "__main__"


# -- rebuilding -----------------------------------------------------------

def _new_cell():
    return types.CellType()


def _set_cell(cell, state):
    # The contents come in a 1-tuple: pickle leaves out a state of None,
    # and a cell holding None must not come back empty.
    if state is not _EMPTY:
        cell.cell_contents = state[0]


class _Empty:
    def __reduce__(self):
        return (_empty, ())


def _empty():
    return _EMPTY


_EMPTY = _Empty()


def _function(module_name, index, site, closure):
    g = _registry.module_globals(module_name)
    info = _registry.info_for_globals(g)
    if info is None:
        raise pickle.UnpicklingError(f"module {module_name} is not rewritten code any more")
    if site is not None:  # the twin that resumes there
        return _twin.function(info.twin_code(index, site), g, closure)
    code = info.codes[index]
    return types.FunctionType(code, g, code.co_name, None, closure)


def _code(data):
    return marshal.loads(data)


# -- pickling -------------------------------------------------------------

def _types_by_name():
    """The types of the types module that pickle cannot find by their name
    (FunctionType is builtins.function, which does not exist)."""
    return {v: k for k, v in vars(types).items()
            if isinstance(v, type) and getattr(builtins, v.__name__, None) is not v}


_TYPES = _types_by_name()
_STRUCT = __import__("struct").Struct
_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: made at run time, by a class statement or type()
_IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE: most types made by C code


_SPECIAL = {types.FunctionType, types.MethodType, types.CellType, types.ModuleType,
            types.CodeType, staticmethod, classmethod, property, types.MappingProxyType,
            _STRUCT, types.TracebackType, types.GeneratorType, types.CoroutineType}


_BOUND = "bound"  # (see _Reductions._plain)


def _special_type(t):
    """Whether any reduction of _Reductions.reducer_override but the module
    binding may apply to objects of type `t` (the union of their tests on
    the type): for other types, pickle's own reduction is used."""
    return (t in _SPECIAL or issubclass(t, (type, BaseException))
            or _byvalue.is_enum_class(t) or _process.special_type(t)
            or _byvalue.has_own_reduce(t) or _byvalue.hooks_lookup(t)
            or _byvalue.new_needs_arguments(t) or _byvalue.fills_through_override(t))


def _by_value(cls):
    """Whether a class is saved by value: the main program's classes, and
    classes that no import finds again (made inside a function, by type(),
    or put into a rewritten module at run time)."""
    module = getattr(cls, "__module__", None)
    if module == _MAIN_NAME:
        return True
    if cls.__flags__ & (_HEAP_TYPE | _IMMUTABLE_TYPE) != _HEAP_TYPE:
        return False  # a C type (_csv.writer's is not found under its own name)
    if not _byvalue.importable(cls) or _inside_by_value(cls):
        return True
    g = getattr(sys.modules.get(module), "__dict__", None)
    info = _registry.info_for_globals(g) if isinstance(g, dict) else None
    return info is not None and not info.binds_at_top(cls.__qualname__.split(".")[0],
                                                      g.get("__package__"))


def _inside_by_value(obj):
    """Whether `obj` is found through a class saved by value (a method of
    a class made at run time): pickle's lookup by name would not find it
    in the resumed process."""
    found = sys.modules.get(obj.__module__)
    for part in obj.__qualname__.split(".")[:-1]:
        found = getattr(found, part, None)
        if isinstance(found, type) and _by_value(found):
            return True
    return False


class _Reductions:
    """How snapshots save what pickle cannot; shared by the pickler of
    snapshots and the tracer that names what failed. `codes` collects
    (module, index, hash) of every rewritten code object the snapshot
    refers to; `saved` names the modules whose globals the snapshot carries
    (their objects are saved by value, those of other modules by their
    binding: see _byvalue)."""

    def _setup(self, codes, running, saved, in_flight=(), bindings=None):
        self.codes = codes
        self.running = running or {}  # generators of the suspended stack
        self.saved = set(saved)
        self.in_flight = set(in_flight)  # ids of the saved frames' selves
        self._bindings = bindings
        # type -> whether none of the reductions below is for it, and if so
        # whether an object of that type is bound in a module (_BOUND)
        self._plain = {}
        self._asides = {}  # id(namespace) -> (namespace, its module made aside, or None)

    def reducer_override(self, obj):
        t = type(obj)
        plain = self._plain.get(t)
        if plain is None:
            plain = self._plain[t] = self._plain_kind(t)
        if plain is True:  # (most objects: pickle's own reduction)
            return NotImplemented
        if plain is _BOUND:  # (unless bound in a module)
            found = self._binding(obj)
            return NotImplemented if found is None else (_byvalue.binding, found)
        if t is types.FunctionType:
            return self._function(obj)
        if t is types.MethodType:
            return _byvalue.reduce_method(obj)
        if t is types.CellType:
            try:
                contents = (obj.cell_contents,)
            except ValueError:
                contents = _EMPTY
            return (_new_cell, (), contents, None, None, _set_cell)
        if t is types.ModuleType:
            if sys.modules.get(obj.__name__) is obj:
                return (_registry.module, (obj.__name__,))
            if obj.__name__ in sys.modules:
                raise pickle.PicklingError(
                    f"the module object {obj.__name__!r} is not the one imported under that "
                    "name (a second copy, made by test.support's import_fresh_module or "
                    "importlib?): a resumed process could not tell the two apart")
            # Made aside under a name of its own (a plugin loaded from its
            # path by importlib's module_from_spec): by value.
            return _byvalue.reduce_module(obj)
        if t is types.CodeType:
            return (_code, (marshal.dumps(obj),))
        if t is staticmethod or t is classmethod:
            return (t, (obj.__func__,), obj.__dict__ or None)
        if t is property:
            return (property, (obj.fget, obj.fset, obj.fdel, obj.__doc__))
        if isinstance(obj, type):
            if obj in _TYPES:
                return (getattr, (types, _TYPES[obj]))
            by_value = _by_value(obj)
            if by_value or not _byvalue.importable(obj):
                # A class bound at the top level of a module imported afresh
                # is that binding, whatever its __module__ says (_pydecimal
                # calls itself decimal; _collections_abc binds C iterator
                # types): by value it would be a copy, and the module's own
                # code would not know it.
                found = self._binding(obj)
                if found is not None:
                    return (_byvalue.binding, found)
            if by_value:
                return _byvalue.reduce_class(obj, self._added(obj))
            return NotImplemented
        found = self._binding(obj)
        if found is not None:
            return (_byvalue.binding, found)
        if id(obj) in self.in_flight and _byvalue.has_own_reduce(t) or \
                _byvalue.hooks_lookup(t):
            reduced = _byvalue.reduction_by_name(obj)
            if reduced is not None:
                return reduced  # (a registry's: the resumed process's own instance)
            reduced = _byvalue.reduce_in_flight(obj)
            if reduced is not NotImplemented:
                return reduced
            # Laid out in C (a Random whose method runs): the reductions
            # below, or its own.
        if t is types.MappingProxyType:
            return (types.MappingProxyType, (dict(obj),))
        if t is _STRUCT:
            return (_STRUCT, (obj.format,))
        if _byvalue.is_enum_member(obj) and _by_value(t):
            return _byvalue.reduce_enum_member(obj)
        if isinstance(obj, BaseException):
            return _byvalue.reduce_exception(obj)
        if t is types.TracebackType:
            return _byvalue.reduce_traceback(obj)
        if _process.is_file(obj):
            return _process.reduce_file(obj)
        if _process.is_random_inst(obj):
            return (_process._random_inst, ())
        reduced = _process.reduce_random(obj)
        if reduced is not None:
            return reduced
        if _process.is_csv(obj):
            return _process.reduce_csv(obj)
        if _process.is_lock(obj):
            return _process.reduce_lock(obj)
        if t is types.GeneratorType or t is types.CoroutineType:
            return _generators.reduce_generator(obj, self.running)
        if _byvalue.new_needs_arguments(t) or _byvalue.fills_through_override(t):
            return _byvalue.reduce_in_flight(obj)
        return NotImplemented

    def _plain_kind(self, t):
        if _special_type(t):
            return False
        return _BOUND if t in self._module_bindings().types else True

    def _module_bindings(self):
        if self._bindings is None:
            self._bindings = _byvalue.module_bindings(self.saved)
        return self._bindings

    def _binding(self, obj):
        """(module, name) where `obj` is bound at the top level of a module
        the resumed process imports afresh, or None."""
        found = self._module_bindings().get(id(obj))
        if found is None:
            return None
        module = sys.modules.get(found[0])
        if module is None or getattr(module, found[1], None) is not obj:
            return None  # rebound since the table was made
        info = _registry.info_for_globals(module.__dict__)
        if info is not None and not info.binds_at_top(found[1], module.__dict__.get("__package__")):
            return None  # bound at run time: importing the module does not make it
        return found

    def _added(self, obj):
        """(module, name) where the program bound `obj` at run time in a
        module the resumed process imports afresh (whose import does not
        bind that name), or None."""
        found = self._module_bindings().get(id(obj))
        if found is None:
            return None
        module = sys.modules.get(found[0])
        if module is None or getattr(module, found[1], None) is not obj or \
                not _registry.imported_afresh(found[0], module):
            return None
        info = _registry.info_for_globals(module.__dict__)
        if info is None or info.binds_at_top(found[1], module.__dict__.get("__package__")):
            return None
        return found

    def _module_of(self, g):
        """The module whose namespace is `g`: imported, or made aside (found
        once per save), or None."""
        name = _registry.module_name(g)
        if name is not None:
            return sys.modules[name]
        if id(g) not in self._asides:
            self._asides[id(g)] = (g, _byvalue.module_aside(g))  # (g kept: ids stay)
        return self._asides[id(g)][1]

    def _function(self, fn):
        located = _registry.locate(fn.__code__, fn.__globals__)
        if located is None:
            if _byvalue.importable(fn) and not _inside_by_value(fn):
                return NotImplemented  # by reference, as pickle does
            return _byvalue.reduce_function(fn, self._module_of(fn.__globals__))
        info, index, twin = located
        module_name = _registry.module_name(fn.__globals__)
        if not twin and module_name not in self.saved and _byvalue.importable(fn) and \
                not _inside_by_value(fn):
            # A function of a module the resumed process imports afresh (the
            # stdlib), found there by its name: that very function, by
            # reference, as pickle does, where a copy made from its code
            # would not be what the module's own code compares with
            # (enum's `__new__ in {Enum.__new__, ...}`).
            return NotImplemented
        self.codes.add((module_name, index, info.hashes[index]))
        state = _byvalue.function_state(fn)
        if twin:  # its parameters' defaults are the twin's own (see _twin.function)
            del state["__defaults__"], state["__kwdefaults__"]
        return (_function, (module_name, index, twin.site if twin else None, fn.__closure__),
                state,
                None, None, _byvalue.set_function)


class Pickler(_Reductions, pickle.Pickler):
    """The pickler of snapshots."""

    def __init__(self, file, codes, running=None, saved=(), in_flight=()):
        pickle.Pickler.__init__(self, file, protocol=5)
        self._setup(codes, running, saved, in_flight)


class Unpickler(pickle.Unpickler):
    pass


class _Tracer(_Reductions, pickle._Pickler):
    """The pure-Python pickler with the same reductions, which keeps the
    chain of objects it is saving when something fails."""

    def __init__(self, saved, bindings):
        pickle._Pickler.__init__(self, io.BytesIO(), protocol=5)
        self._setup(set(), None, saved, bindings=bindings)
        self.chain = []
        self.failed = None

    def save(self, obj, save_persistent_id=True):
        self.chain.append(obj)
        try:
            super().save(obj, save_persistent_id)
        except Exception:
            if self.failed is None:
                self.failed = list(self.chain)
            raise
        finally:
            self.chain.pop()


def find_unpicklable(obj, saved=(), bindings=None):
    """Where in `obj` saving fails, as (path, the object there, the error),
    or None. The path is written from `obj` on (`._registries['type'][None]`),
    through the objects pickle was saving when it failed; objects that a
    reduction made along the way (argument tuples, state dicts) are passed
    over. `bindings` is module_bindings(saved), if already made."""
    tracer = _Tracer(saved, bindings)
    try:
        tracer.dump(obj)
        return None
    except Exception as e:
        error = e
    chain = tracer.failed or [obj]
    path, here = "", chain[0]
    for child in chain[1:]:
        label = _label(here, child)
        if label is not None:
            path += label
            here = child
    return path, chain[-1], error


def _label(parent, child):
    """How `child` is reached from `parent` (`[key]`, `.attribute`), or None
    if it is not one of its parts."""
    if isinstance(parent, dict):
        for k, v in parent.items():
            if v is child:
                return f"[{k!r}]"
        return None
    if isinstance(parent, (list, tuple)):
        for i, v in enumerate(parent):
            if v is child:
                return f"[{i}]"
        return None
    if isinstance(parent, (set, frozenset)):
        return "{...}" if child in parent else None
    if type(parent) is types.CellType:
        try:
            return ".cell_contents" if parent.cell_contents is child else None
        except ValueError:
            return None
    names = list(getattr(parent, "__dict__", {}) or {})
    for klass in type(parent).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    for name in names:
        try:
            if getattr(parent, name) is child:
                return f".{name}"
        except Exception:
            continue
    return None
