"""C functions that drive a generator, run as Python where the program asks
for it, so that a suspension inside the generator can be resumed.

`sum(f(x) for x in xs)`: the C function sum keeps its running total in a C
variable, out of reach; suspended inside f, the total would be lost. Once a
program calls sleepy.use_python_drivers() (`python -m sleepy run
--python-drivers`), and in every process resuming it, builtins.sum, min,
max, any, all and sorted are these functions instead. That is not the
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

What stays refused: a suspension inside a key function of min, max or
sorted (the item being compared is held by the C comparison), and the C
drivers that are types or methods (list, tuple, set, dict, str.join...),
which cannot be replaced without changing what `type(x) is list` says.
"""

import builtins
import types

from . import _registry

_C = {name: getattr(builtins, name) for name in ("sum", "min", "max", "any", "all",
                                                   "sorted")}
_C_SUM, _C_MIN, _C_MAX, _C_ANY, _C_ALL, _C_SORTED = (_C[n] for n in ("sum", "min", "max",
                                                                "any", "all", "sorted"))
_GENERATOR = types.GeneratorType
_EMPTY = object()


def _driven(iterable):
    """Is `iterable` (a generator) one whose frame can be saved: rewritten
    code, not running? (By code object, looked up once.)"""
    code = iterable.gi_code
    known = _REWRITTEN.get(id(code))
    if known is None or known[0] is not code:
        frame = iterable.gi_frame
        known = (code, frame is not None and
                 _registry.locate(code, frame.f_globals) is not None)
        _REWRITTEN[id(code)] = known
    return known[1] and not iterable.gi_running and iterable.gi_frame is not None


_REWRITTEN = {}  # id(code) -> (code, is it rewritten)


class Fold:
    """One generator being folded; `run` goes on from what `acc` holds and
    returns what the driver returns. `key` is min's, max's or sorted's;
    `extra` min's or max's default, sorted's reverse."""

    __slots__ = ("kind", "it", "acc", "key", "extra")

    def __init__(self, kind, it, acc, key=None, extra=None):
        self.kind, self.it, self.acc, self.key, self.extra = kind, it, acc, key, extra

    def run(self):
        # What has been folded is the local `acc` while the loop runs (a
        # local costs less than an attribute); `sync` reads it from the
        # frame when a suspension is planned.
        kind, acc = self.kind, self.acc
        if kind == "sum":
            for x in self.it:
                acc = acc + x
            return acc
        if kind == "sorted":
            for x in self.it:
                acc.append(x)
            return _C_SORTED(acc, key=self.key, reverse=self.extra)
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
            for x in self.it:
                k = x if key is None else key(x)
                if acc is _EMPTY or k < acc[0]:
                    acc = (k, x)
        else:
            for x in self.it:
                k = x if key is None else key(x)
                if acc is _EMPTY or k > acc[0]:
                    acc = (k, x)
        if acc is not _EMPTY:
            return acc[1]
        if self.extra is not _EMPTY:
            return self.extra
        raise ValueError(f"{kind}() arg is an empty sequence")

    def sync(self, frame):
        """Takes what the frame running `run` has folded so far."""
        self.acc = frame.f_locals["acc"]

    def __reduce__(self):
        return (Fold, (self.kind, self.it, self.acc, self.key, self.extra))


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
    if len(args) != 1 or type(args[0]) is not _GENERATOR or not _driven(args[0]):
        return _C_MIN(*args, **kwargs)
    return _extreme("min", args[0], **kwargs)


def max(*args, **kwargs):
    if len(args) != 1 or type(args[0]) is not _GENERATOR or not _driven(args[0]):
        return _C_MAX(*args, **kwargs)
    return _extreme("max", args[0], **kwargs)


def _extreme(kind, gen, *, key=None, default=_EMPTY):
    return Fold(kind, gen, _EMPTY, key, default).run()


def sorted(iterable, /, *, key=None, reverse=False):
    if type(iterable) is not _GENERATOR or not _driven(iterable):
        return _C_SORTED(iterable, key=key, reverse=reverse)
    return Fold("sorted", iterable, [], key, reverse).run()


SURROGATES = {name: globals()[name] for name in _C}
for _name, _fn in SURROGATES.items():
    _fn.__module__, _fn.__qualname__ = "builtins", _name  # pickled as the builtins
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


def install():
    """builtins' drivers become these (for the program's life)."""
    for name, fn in SURROGATES.items():
        setattr(builtins, name, fn)
