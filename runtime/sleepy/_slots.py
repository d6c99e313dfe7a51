"""Dunders the interpreter calls through a type's slot, under an operator.

`a + b`, `a < b`, `c[k]`, `c[k] = v`, `del c[k]`, `x in c`, `-a`, `with m`,
`for x in obj`, `f"{obj}"`: the instruction (BINARY_OP, COMPARE_OP,
BINARY_SUBSCR, STORE_SUBSCR, DELETE_SUBSCR, CONTAINS_OP, UNARY_*,
BEFORE_WITH, GET_ITER, FORMAT_VALUE) calls a C slot, which calls the Python
dunder of an operand's type. So does WITH_EXCEPT_START, where an exception
leaves a `with` body: the manager's __exit__, bound when the block began
(the manager is not on the stack: __exit__'s self stands for it).

The rewriter makes these instructions sites of kind "op" and records the
operands' provenances; `running` tells, when a suspension is planned,
whether the frame above such a site is that dunder, called on that operand
(a C function between them, such as a tuple comparison calling its items'
__eq__, would be lost on resume), and `finish` turns what the resumed
dunder returns into the instruction's result, going on with the protocol
where CPython would: the reflected operand after NotImplemented, `is` for
== and !=, the TypeError when nothing applies, the format spec applied to
what an f-string's conversion gave.

Also the builtins that call one dunder of their argument (len, hash, repr,
str, iter, abs, bool, next): `builtin_running` and `finish` likewise.

The slot order follows Objects/abstract.c (binary_op1, binary_iop1) and
Objects/object.c (do_richcompare) of CPython 3.11.
"""

import dis
import opcode
import types

from . import _bytecode
from ._config import SuspendError, transparent
from ._registry import same_code, where

# BINARY_OP's argument: the dunder stem and symbol of each NB_* (the
# interpreter's own order, from dis); from NB_INPLACE_ADD on, in place.
_NB_STEMS = {"ADD": "add", "AND": "and", "FLOOR_DIVIDE": "floordiv", "LSHIFT": "lshift",
             "MATRIX_MULTIPLY": "matmul", "MULTIPLY": "mul", "REMAINDER": "mod",
             "OR": "or", "POWER": "pow", "RSHIFT": "rshift", "SUBTRACT": "sub",
             "TRUE_DIVIDE": "truediv", "XOR": "xor"}
_NB_OPS = []  # by argument: (stem, symbol, in place)
for _name, _symbol in dis._nb_ops:
    _inplace = _name.startswith("NB_INPLACE_")
    _NB_OPS.append((_NB_STEMS[_name[len("NB_INPLACE_" if _inplace else "NB_"):]],
                    _symbol, _inplace))

# COMPARE_OP's comparison (_bytecode.comparison); each comparison's dunder and the
# reflected one (what the right operand is asked).
_COMPARE = {"<": ("__lt__", "__gt__"), "<=": ("__le__", "__ge__"),
            "==": ("__eq__", "__eq__"), "!=": ("__ne__", "__ne__"),
            ">": ("__gt__", "__lt__"), ">=": ("__ge__", "__le__")}

# The one dunder each other instruction's slot calls on its first operand.
_SINGLE = {"BINARY_SUBSCR": ("__getitem__", "__missing__"),
           "STORE_SUBSCR": ("__setitem__",), "DELETE_SUBSCR": ("__delitem__",),
           "CONTAINS_OP": ("__contains__",), "UNARY_NEGATIVE": ("__neg__",),
           "UNARY_POSITIVE": ("__pos__",), "UNARY_INVERT": ("__invert__",),
           "BEFORE_WITH": ("__enter__",), "WITH_EXCEPT_START": ("__exit__",),
           "GET_ITER": ("__iter__",)}

# FORMAT_VALUE's argument: its conversion (the low two bits) and whether a
# spec is on the stack.
_CONVERSIONS = {1: "__str__", 2: "__repr__", 3: "__repr__"}  # !s, !r, !a
_HAVE_SPEC = 0x4


def _as_format_value(name, arg):
    """3.13's f-string instructions as the FORMAT_VALUE they split:
    FORMAT_SIMPLE and FORMAT_WITH_SPEC format (without, with a spec),
    CONVERT_VALUE converts (str, repr, ascii) and formats nothing, as
    FORMAT_VALUE with that conversion and no spec."""
    if name == "FORMAT_SIMPLE":
        return "FORMAT_VALUE", 0
    if name == "FORMAT_WITH_SPEC":
        return "FORMAT_VALUE", _HAVE_SPEC
    if name == "CONVERT_VALUE":
        return "FORMAT_VALUE", arg
    return name, arg


def dunders(name, arg):
    """The dunders the instruction `name` (with `arg`) may call, on either
    operand."""
    name, arg = _as_format_value(name, arg)
    if name == "BINARY_OP":
        stem, _, inplace = _NB_OPS[arg]
        return ((f"__i{stem}__",) if inplace else ()) + (f"__{stem}__", f"__r{stem}__")
    if name == "COMPARE_OP":
        return _COMPARE[_bytecode.comparison(arg)] + ("__eq__",)
    if name == "FORMAT_VALUE":
        return ("__format__", "__str__", "__repr__")
    return _SINGLE.get(name, ())


def lookup(klass, name):
    """`name` in the class dictionaries along klass's MRO, as a slot finds
    it, or None."""
    for k in klass.__mro__:
        if name in k.__dict__:
            return k.__dict__[name]
    return None


def runs(frame, obj, name):
    """Is `frame` running type(obj)'s Python `name`, with obj first?"""
    fn = lookup(type(obj), name)
    if not isinstance(fn, types.FunctionType):
        return False
    args = frame.f_code.co_varnames[:1]
    if not args or frame.f_locals.get(args[0], MISSING) is not obj:
        return False
    return same_code(fn.__code__, frame)


MISSING = object()


def argument(frame, k):
    """The frame's k-th argument, or MISSING."""
    names = frame.f_code.co_varnames[:frame.f_code.co_argcount]
    return frame.f_locals.get(names[k], MISSING) if k < len(names) else MISSING


def _binary_attempts(a, b, stem):
    """The calls binary_op1 makes for `a OP b`, in order: (object, dunder,
    other)."""
    fwd, rfl = f"__{stem}__", f"__r{stem}__"
    ta, tb = type(a), type(b)
    forward, reflected = (a, fwd, b), (b, rfl, a)
    if ta is tb:
        return [forward]
    mine = lookup(tb, rfl)
    if mine is not None and issubclass(tb, ta):
        theirs = lookup(ta, fwd)
        if theirs is None:
            theirs = lookup(ta, rfl)
        # A subclass's reflected dunder goes first, where it overrides (for
        # a class with dunders in Python: method_is_overloaded).
        if isinstance(theirs, types.WrapperDescriptorType) or theirs is None \
                or mine is not lookup(ta, rfl):
            return [reflected, forward]
    return [forward, reflected]


def _compare_attempts(a, b, symbol):
    fwd, rfl = _COMPARE[symbol]
    forward, reflected = (a, fwd, b), (b, rfl, a)
    if type(a) is not type(b) and issubclass(type(b), type(a)):
        return [reflected, forward]
    return [forward, reflected]


def _matches(frame, attempt):
    """Does `frame` run this attempt? The transformation of its result, or
    None: False for none, True for `not` (object's default __ne__ runs
    __eq__ and negates it)."""
    obj, name, other = attempt
    if runs(frame, obj, name):
        return False
    if name == "__ne__" and lookup(type(obj), "__ne__") is object.__ne__ \
            and runs(frame, obj, "__eq__"):
        return True
    return None


def running(site_frame, name, arg, operands, callee):
    """What `finish` needs to make the result of the instruction `name`
    (with `arg`) at which `site_frame` stands, from what the dunder in the
    frame `callee` returns: a tuple for the record; or raise SuspendError
    when `callee` is not that dunder called on the instruction's operand
    (`operands`: the objects the site's provenances give, MISSING where
    unknown)."""
    name, arg = _as_format_value(name, arg)
    first, second = operands
    if callee is None:
        raise SuspendError(f"{where(site_frame)}: {name} there called suspend() from C")
    if name in ("BINARY_OP", "COMPARE_OP"):
        # An operand loaded by code that cannot be looked at again (a call's
        # result, a subscript) is the dunder's self where its other argument
        # is the known operand, or that other argument where it runs on the
        # known operand. (A dunder that rebinds that parameter and then
        # returns NotImplemented would have the protocol go on with the new
        # value.)
        me, other = argument(callee, 0), argument(callee, 1)
        if first is MISSING and second is not MISSING:
            first = other if me is second else me if other is second else MISSING
        elif second is MISSING and first is not MISSING:
            second = other if me is first else me if other is first else MISSING
        if name == "BINARY_OP":
            stem, symbol, inplace = _NB_OPS[arg]
        else:
            symbol = _bytecode.comparison(arg)
        if first is not MISSING and second is not MISSING:
            if name == "COMPARE_OP":
                attempts = _compare_attempts(first, second, symbol)
            else:
                attempts = _binary_attempts(first, second, stem)
                if inplace:
                    attempts.insert(0, (first, f"__i{stem}__", second))
            for k, attempt in enumerate(attempts):
                negate = _matches(callee, attempt)
                if negate is not None:
                    return (name, symbol, negate, attempts[k + 1:], first, second)
            what = "the operands there"
        else:
            what = "its operands"
        raise SuspendError(
            f"{where(site_frame)}: {symbol} there ran {where(callee)}, which is not a "
            f"dunder of {what} (or they cannot be told without running code): it was "
            "called from C, which cannot be resumed")
    if name == "FORMAT_VALUE":
        return _format_running(site_frame, arg, operands, callee)
    # Where the operand cannot be told (a call's result), the dunder's own
    # self stands for it: C types that forward these slots to another
    # object (mappingproxy, weakref.proxy) return what its dunder returns.
    me = first if first is not MISSING else argument(callee, 0)
    for dunder in _SINGLE.get(name, ()):
        if me is not MISSING and runs(callee, me, dunder):
            return (name, arg, me)
    raise SuspendError(
        f"{where(site_frame)}: {name} there ran {where(callee)}, which is not the "
        f"{'/'.join(_SINGLE.get(name, ('?',)))} of its operand (or that cannot be told "
        "without running code): it was called from C, which cannot be resumed")


def _format_running(site_frame, arg, operands, callee):
    """FORMAT_VALUE (an f-string's field) converts its value with __str__ or
    __repr__ (!s, !r, !a), then formats what that gives with the spec, or
    formats the value itself: its type's __format__, or __str__ through
    object.__format__ when there is no spec."""
    value, spec = operands
    me = value if value is not MISSING else argument(callee, 0)
    if arg & _HAVE_SPEC and spec is MISSING:
        raise SuspendError(f"{where(site_frame)}: the f-string's field there ran "
                           f"{where(callee)}, and its format spec (computed) cannot be told: "
                           "it cannot be resumed")
    spec = spec if arg & _HAVE_SPEC else None
    conversion = _CONVERSIONS.get(arg & 3)
    if conversion is not None:
        if me is not MISSING and runs(callee, me, conversion):
            return ("FORMAT_VALUE", arg, "convert", spec)
    elif me is not MISSING:
        if runs(callee, me, "__format__"):
            return ("FORMAT_VALUE", arg, "__format__", spec)
        if not spec and lookup(type(me), "__format__") is object.__format__ and \
                runs(callee, me, "__str__"):
            return ("FORMAT_VALUE", arg, "__str__", spec)
    raise SuspendError(
        f"{where(site_frame)}: the f-string's field there ran {where(callee)}, which is not "
        "the __format__, __str__ or __repr__ of its value (or that cannot be told without "
        "running code): it was called from C, which cannot be resumed")


def _format_result(arg, stage, spec, result):
    """What FORMAT_VALUE pushes, from what its resumed dunder returned."""
    if stage == "__format__":
        if not isinstance(result, str):
            raise TypeError(f"__format__ must return a str, not {type(result).__name__}")
        return result
    dunder = "__str__" if stage == "__str__" or arg & 3 == 1 else "__repr__"
    result = _builtin_result(dunder, result)
    if stage == "__str__":
        return result
    if arg & 3 == 3:  # ascii(): repr's, with what is not ASCII escaped
        result = result.encode("ascii", "backslashreplace").decode("ascii")
    if type(result) is str and spec is None:
        return result
    return format(result, "" if spec is None else spec)


# Builtins whose one-argument call runs one dunder of the argument's type
# and makes the call's result from what it returns.
_BUILTINS = {len: "__len__", hash: "__hash__", repr: "__repr__", str: "__str__",
             iter: "__iter__", abs: "__abs__", bool: "__bool__", next: "__next__"}


def builtin_running(target, callee):
    """The record's spec where the one-argument call of `target` (len,
    hash, repr, str, iter, abs, bool, next) runs, in `callee`, the dunder
    of its first argument's own type; else None."""
    try:
        name = _BUILTINS.get(target)
    except TypeError:  # (an unhashable callable)
        return None
    if name is None:
        return None
    me = argument(callee, 0)
    if me is MISSING or not runs(callee, me, name):
        return None
    return ("BUILTIN", name)


def check_running(target, klass, callee):
    """The record's spec where isinstance(x, klass) or issubclass(x,
    klass) runs, in `callee`, the __instancecheck__ or __subclasscheck__
    of klass's type with klass first (ABCMeta's: isinstance(x,
    numbers.Rational)); else None. `klass` is what the call's second
    argument was read to be (a tuple of classes is not: each of its items
    may be asked in turn)."""
    name = "__instancecheck__" if target is isinstance else "__subclasscheck__"
    if klass is MISSING or not runs(callee, klass, name):
        return None
    return ("BUILTIN", name)


def _builtin_result(name, result):
    """What the builtin makes of its dunder's result, as CPython does."""
    if name in ("__instancecheck__", "__subclasscheck__"):
        return bool(result)
    if name == "__len__":
        import operator
        n = operator.index(result)
        if n < 0:
            raise ValueError("__len__() should return >= 0")
        if n > 2 ** 63 - 1:
            raise OverflowError("cannot fit 'int' into an index-sized integer")
        return n
    if name == "__hash__":
        if not isinstance(result, int):
            raise TypeError("__hash__ method should return an integer")
        if -2 ** 63 <= result < 2 ** 63:
            return -2 if result == -1 else int(result)
        return hash(int(result))
    if name in ("__repr__", "__str__") and not isinstance(result, str):
        raise TypeError(f"{name} returned non-string (type {type(result).__name__})")
    if name == "__iter__" and not hasattr(type(result), "__next__"):
        raise TypeError(f"iter() returned non-iterator of type '{type(result).__name__}'")
    if name == "__bool__" and type(result) is not bool:
        raise TypeError(f"__bool__ should return bool, returned {type(result).__name__}")
    return result


def _call(attempt):
    obj, name, other = attempt
    fn = lookup(type(obj), name)
    if fn is None:
        return NotImplemented
    if name == "__ne__" and fn is object.__ne__:
        r = _call((obj, "__eq__", other))
        return r if r is NotImplemented else not r
    return fn(obj, other)


def finish(resumed, spec):
    """In place of an operator instruction interrupted while a dunder ran:
    resume the dunder, and make the instruction's result from what it
    returns (see `running`)."""
    result = resumed()
    name = spec[0]
    if name == "BUILTIN":
        return _builtin_result(spec[1], result)
    if name == "CONTAINS_OP":
        return bool(result) ^ bool(spec[1])
    if name == "GET_ITER":
        return _builtin_result("__iter__", result)
    if name == "FORMAT_VALUE":
        return _format_result(*spec[1:], result)
    if name == "BEFORE_WITH":
        # [__exit__, result] once the twin unpacks it.
        manager = spec[2]
        return result, lookup(type(manager), "__exit__").__get__(manager, type(manager))
    if name not in ("BINARY_OP", "COMPARE_OP"):
        return result
    _, symbol, negate, rest, first, second = spec
    if negate and result is not NotImplemented:
        result = not result
    for attempt in rest:
        if result is not NotImplemented:
            return result
        result = _call(attempt)
    if result is not NotImplemented:
        return result
    if symbol == "==":
        return first is second
    if symbol == "!=":
        return first is not second
    a, b = type(first).__name__, type(second).__name__
    if name == "COMPARE_OP":
        raise TypeError(f"'{symbol}' not supported between instances of '{a}' and '{b}'")
    if symbol == "**":
        symbol = "** or pow()"
    raise TypeError(f"unsupported operand type(s) for {symbol}: '{a}' and '{b}'")


# A dunder the protocol goes on to after resume is called by these: a
# suspension inside it finds its site through them (see running).
transparent.update({finish.__code__, _call.__code__})
