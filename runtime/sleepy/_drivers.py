"""C functions that drive a generator, run as Python where the program asks
for it, so that a suspension inside the generator can be resumed.

`sum(f(x) for x in xs)`: the C function sum keeps its running total in a C
variable, out of reach; suspended inside f, the total would be lost. Once a
program calls sleepy.use_python_drivers() (`python -m sleepy run
--python-drivers`), and in every process resuming it, builtins.sum, min,
max, any, all and sorted are these functions instead, and so is
functools.reduce. That is not the
default: folding in Python costs more than the C loop (a generator-heavy
program runs 16 % slower, bench/overhead.py --under-sleepy), and so does
each call that goes on to the C function. Given anything
but one generator of rewritten code, each hands its arguments to the C
function at once; given such a generator, it folds it in a `Fold`, whose
state (the generator, what has been folded so far) lives in the Fold
object and nowhere else. So `Fold.run` can be restarted: a suspension
inside the generator saves the Fold (pickled with the generator, which
pickles as a running generator), and resume calls `run` again in place of
the call; it drives the generator, which resumes its frame, and folds on.
_capture accepts these frames between a rewritten caller and the generator
(see `restartable`).

Key functions: given a key of rewritten code, min, max and sorted (on any
iterable) call it from `Fold.run`, and so does functools.reduce its
function: a suspension inside it resumes that call (`run(resumed)` puts
its result where the call's would have gone) and folds on. sorted computes
every key in Python first, then has the C sort order the items' indices by
their keys (`keys.__getitem__`, a C method): the same comparisons, so the
same order, stable and reversed alike.

What stays refused: a suspension inside a comparison (`__lt__` called by
the C sort, or by min's `<`), and the C drivers that are types or methods
(list, tuple, set, dict, map, filter, str.join...), which cannot be
replaced without changing what `type(x) is list` says.
"""

import builtins
import functools
import types

from . import _registry

_C = {name: getattr(builtins, name) for name in ("sum", "min", "max", "any", "all",
                                                   "sorted")}
_C["reduce"] = functools.reduce
_C_SUM, _C_MIN, _C_MAX, _C_ANY, _C_ALL, _C_SORTED, _C_REDUCE = (
    _C[n] for n in ("sum", "min", "max", "any", "all", "sorted", "reduce"))
_GENERATOR = types.GeneratorType
_FUNCTION = types.FunctionType
_EMPTY = object()


def _empty_message():
    """What this interpreter's min() says of an empty iterable (3.11 and
    3.12 say it differently)."""
    try:
        _C_MIN(())
    except ValueError as e:
        return str(e)


_EMPTY_MESSAGE = _empty_message()


def _rewritten(code, g):
    """Is `code` (running with globals g) rewritten code? (By code object,
    looked up once.)"""
    known = _REWRITTEN.get(id(code))
    if known is None or known[0] is not code:
        known = (code, _registry.locate(code, g) is not None)
        _REWRITTEN[id(code)] = known
    return known[1]


def _driven(iterable):
    """Is `iterable` (a generator) one whose frame can be saved: rewritten
    code, not running?"""
    frame = iterable.gi_frame
    return frame is not None and not iterable.gi_running and \
        _rewritten(iterable.gi_code, frame.f_globals)


def _keyed(fn):
    """Is `fn` a function of rewritten code, which Fold.run can call and a
    suspension inside can resume?"""
    return type(fn) is _FUNCTION and _rewritten(fn.__code__, fn.__globals__)


_REWRITTEN = {}  # id(code) -> (code, is it rewritten)


class Fold:
    """One iterator being folded; `run` goes on from what `acc` holds and
    returns what the driver returns. `key` is min's, max's or sorted's, or
    reduce's function; `extra` min's or max's default, sorted's reverse;
    `pending` the item whose key was being computed; `keys` sorted's keys
    so far."""

    __slots__ = ("kind", "it", "acc", "key", "extra", "pending", "keys")

    def __init__(self, kind, it, acc, key=None, extra=None, pending=None, keys=None):
        self.kind, self.it, self.acc, self.key, self.extra = kind, it, acc, key, extra
        self.pending, self.keys = pending, keys

    def run(self, resumed=None):
        """`resumed`: where a suspension interrupted the call of `key` (on
        `pending`), that call resumed; its result is the key's."""
        # What has been folded is the local `acc` while the loop runs (a
        # local costs less than an attribute); `sync` reads it from the
        # frame when a suspension is planned.
        kind, acc = self.kind, self.acc
        if kind == "sum":
            for x in self.it:
                acc = acc + x
            return acc
        if kind == "sorted":
            if resumed is None:
                for x in self.it:
                    acc.append(x)
            if self.key is None:
                return _C_SORTED(acc, reverse=self.extra)
            keys, key = self.keys, self.key
            if resumed is not None:
                keys.append(resumed())
            for i in range(len(keys), len(acc)):
                keys.append(key(acc[i]))
            order = _C_SORTED(range(len(acc)), key=keys.__getitem__, reverse=self.extra)
            return [acc[i] for i in order]
        if kind == "reduce":
            fn = self.key
            if resumed is not None:
                acc = resumed()
            for x in self.it:
                acc = fn(acc, x)
            return acc
        if kind == "any":
            for x in self.it:
                if x:
                    return True
            return False
        if kind == "all":
            for x in self.it:
                if not x:
                    return False
            return True
        # min, max: acc is (key, item) of the best so far, or _EMPTY
        key = self.key
        if kind == "min":
            if resumed is not None:
                k, x = resumed(), self.pending
                if acc is _EMPTY or k < acc[0]:
                    acc = (k, x)
            for x in self.it:
                k = x if key is None else key(x)
                if acc is _EMPTY or k < acc[0]:
                    acc = (k, x)
        else:
            if resumed is not None:
                k, x = resumed(), self.pending
                if acc is _EMPTY or k > acc[0]:
                    acc = (k, x)
            for x in self.it:
                k = x if key is None else key(x)
                if acc is _EMPTY or k > acc[0]:
                    acc = (k, x)
        if acc is not _EMPTY:
            return acc[1]
        if self.extra is not _EMPTY:
            return self.extra
        raise ValueError(_EMPTY_MESSAGE.replace("min", kind, 1))

    def calls(self, frame):
        """Is `frame` the call of `key` that `run` makes (min's, max's or
        sorted's key, reduce's function), rather than a comparison?"""
        key = self.key
        return type(key) is _FUNCTION and frame.f_back is not None and \
            frame.f_back.f_code is restartable and _registry.same_code(key.__code__, frame)

    def sync(self, frame):
        """Takes what the frame running `run` has folded so far, and the
        item whose key it is computing."""
        here = frame.f_locals
        self.acc = here["acc"]
        self.pending = here.get("x")

    def __reduce__(self):
        return (Fold, (self.kind, self.it, self.acc, self.key, self.extra, self.pending,
                       self.keys))


# Each hands anything but a generator to the C function first thing (what
# that costs a call: bench/overhead.py --under-sleepy).

def sum(iterable, /, start=0):
    if type(iterable) is not _GENERATOR or not _driven(iterable):
        return _C_SUM(iterable, start)
    _C_SUM((), start)  # refuses a str or bytes start, as sum() would
    return Fold("sum", iterable, start).run()


def any(iterable, /):
    if type(iterable) is not _GENERATOR or not _driven(iterable):
        return _C_ANY(iterable)
    return Fold("any", iterable, None).run()


def all(iterable, /):
    if type(iterable) is not _GENERATOR or not _driven(iterable):
        return _C_ALL(iterable)
    return Fold("all", iterable, None).run()


def min(*args, **kwargs):
    if len(args) != 1 or not _foldable(args[0], kwargs.get("key")) or \
            not _EXTREME_KEYWORDS.issuperset(kwargs):
        return _C_MIN(*args, **kwargs)
    return _extreme("min", args[0], **kwargs)


def max(*args, **kwargs):
    if len(args) != 1 or not _foldable(args[0], kwargs.get("key")) or \
            not _EXTREME_KEYWORDS.issuperset(kwargs):
        return _C_MAX(*args, **kwargs)
    return _extreme("max", args[0], **kwargs)


_EXTREME_KEYWORDS = frozenset(("key", "default"))


def _foldable(iterable, key):
    """A generator of rewritten code, or a key of rewritten code: what a
    suspension inside can resume."""
    return type(iterable) is _GENERATOR and _driven(iterable) or \
        key is not None and _keyed(key)


def _extreme(kind, iterable, *, key=None, default=_EMPTY):
    return Fold(kind, iter(iterable), _EMPTY, key, default).run()


def sorted(iterable, /, *, key=None, reverse=False):
    if not _foldable(iterable, key):
        return _C_SORTED(iterable, key=key, reverse=reverse)
    _C_SORTED((), key=key, reverse=reverse)  # refuses what sorted() would
    return Fold("sorted", iter(iterable), [], key, bool(reverse), keys=[]).run()


def reduce(function, iterable, *initial):
    if len(initial) > 1 or not _keyed(function):
        return _C_REDUCE(function, iterable, *initial)
    it = iter(iterable)
    if initial:
        acc = initial[0]
    else:
        acc = next(it, _EMPTY)
        if acc is _EMPTY:
            raise TypeError("reduce() of empty iterable with no initial value")
    return Fold("reduce", it, acc, function).run()


SURROGATES = {name: globals()[name] for name in _C}
for _name, _fn in SURROGATES.items():
    # Pickled as what they stand for.
    _fn.__module__ = "functools" if _name == "reduce" else "builtins"
    _fn.__qualname__ = _name
    _fn.__doc__ = _C[_name].__doc__

# The frames between a rewritten caller and the generator it handed over.
restartable = Fold.run.__code__
passing = {fn.__code__ for fn in SURROGATES.values()} | {_extreme.__code__}


def c_function(fn):
    """The C function a surrogate stands for (itself otherwise): what a
    refusal names."""
    for name, surrogate in SURROGATES.items():
        if fn is surrogate:
            return _C[name]
    return fn


def folds(fn):
    """Is `fn` one of the C functions that a surrogate could fold with?"""
    for c in _C.values():
        if fn is c:
            return True
    return False


def takes_key(fn):
    """Is `fn` one of the C functions that call a key function (min, max,
    sorted) or a function of two (reduce), which a surrogate calls from
    Python?"""
    return fn is _C_MIN or fn is _C_MAX or fn is _C_SORTED or fn is _C_REDUCE


def install():
    """builtins' drivers and functools.reduce become these (for the
    program's life)."""
    for name, fn in SURROGATES.items():
        setattr(functools if name == "reduce" else builtins, name, fn)
