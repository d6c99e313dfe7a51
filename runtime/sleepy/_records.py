"""What a snapshot says of each frame, and the record a resume twin reads.

A FrameRecord is one frame captured as the stack unwound (a ParkedState one
generator parked in the heap): its module and code index, its site, its
locals by name, its cells in slot order, the values of its value stack kept
below the site (NULLs as the NULL object) and, for each saved exception
state on that stack, the exception to make current again.

A twin's dispatcher reads a flat tuple (`record_tuple`):

    (site, has0, slot0, has1, slot1, ..., stack0, stack1, ..., callee)

one pair per frame slot in localsplus order (cells by identity), then one
value per stack slot of the site's shape (None where the twin pushes NULL,
the exception to make current for a saved exception state, offsets shifted
into the twin), then what to call in place of the interrupted call.

Code flags are named here, as CPython's Include/cpython/code.h names them.
"""

from . import _bytecode

CO_OPTIMIZED = 0x0001
CO_VARARGS = 0x0004
CO_VARKEYWORDS = 0x0008
CO_GENERATOR = 0x0020
CO_COROUTINE = 0x0080
CO_ITERABLE_COROUTINE = 0x0100
CO_ASYNC_GENERATOR = 0x0200

# Frames owned by a generator or coroutine object.
GENERATOR_FLAGS = CO_GENERATOR | CO_COROUTINE | CO_ITERABLE_COROUTINE
# Code whose call makes an object rather than running the body.
LAZY_FLAGS = GENERATOR_FLAGS | CO_ASYNC_GENERATOR


class Null:
    """A NULL stack slot, in records; one object, kept by pickling."""

    def __reduce__(self):
        return "NULL"

    def __repr__(self):
        return "<NULL>"


NULL = Null()


class _Frame:
    """What a snapshot keeps of any frame: where it is (module, code index,
    site) and what it holds (locals by name, cells in slot order, the value
    stack below its site)."""

    def __init__(self, module, index, site, locals_, cells, stack):
        self.module = module
        self.index = index
        self.site = site
        self.locals = locals_
        self.cells = cells
        self.stack = stack


class FrameRecord(_Frame):
    """One frame captured as the stack unwound, as pickled."""

    def __init__(self, module, index, site, locals_, cells, stack, site_shape):
        super().__init__(module, index, site, locals_, cells, stack)
        self.site_shape = site_shape
        self.exc_sets = {}  # filled in once all frames are recorded
        self.result = None
        self.result_kind = "value"  # what resuming the call returns
        self.drive = None  # the generator a "drive" call resumes
        self.gen = None  # the generator this frame belongs to
        self.hash = None  # of its code, for a frame entered by a signal


class ParkedState(_Frame):
    """A parked generator's frame, and the exception state it saved."""

    def __init__(self, module, index, site, locals_, cells, stack, exc):
        super().__init__(module, index, site, locals_, cells, stack)
        self.exc = exc


def exception_sets(shape, stack, current):
    """For each saved exception state (`p`) in a site's stack shape, the
    exception to make current again when it is rebuilt, walking the frame's
    handlers from the innermost out, where `current` is what is current
    inside the innermost. Returns (sets, what is current outside them)."""
    sets = {}
    for j in reversed([j for j, k in enumerate(shape) if k == "p"]):
        if j + 1 < len(shape) and shape[j + 1] == "e":
            sets[j] = stack[j + 1]
        else:
            sets[j] = current
        current = stack[j]
    return sets, current


def settle_exceptions(records, innermost_exc):
    """Fills in each record's exception sets (records outermost first), the
    innermost frame's current exception being `innermost_exc`."""
    inherited = innermost_exc
    for rec in reversed(records):
        rec.exc_sets, inherited = exception_sets(rec.site_shape, rec.stack, inherited)


def record_tuple(entry, site, locals_, cells, stack, exc_sets, callee):
    """The tuple a twin's dispatcher reads (see the module's docstring)."""
    out = [site.index]
    cells = iter(cells)
    for name, kind in entry.slots:
        if kind == "l":
            if name in locals_:
                out += [True, locals_[name]]
            else:
                out += [False, None]
        else:
            out += [True, next(cells)]
    stack = list(stack)
    # A method and its self (LOAD_ATTR's pair: a MaybeNull slot 'm' that
    # holds the method, self after it, or, where NULL or self goes after
    # the callable, 3.13+, that holds self, the method before it): NULL and
    # the bound method instead, which call the same way.
    after = _bytecode.DIALECT.null_after_callable
    for j, kind in enumerate(site.shape):
        if kind == "m" and stack[j] is not NULL:
            method, self = (j - 1, j) if after else (j, j + 1)
            if 0 <= method and self < len(stack):
                bound = stack[method].__get__(stack[self], type(stack[self]))
                stack[method], stack[self] = (bound, NULL) if after else (NULL, bound)
    for j, kind in enumerate(site.shape):
        v = stack[j]
        if kind in "nm":
            out.append(None)
        elif kind == "u":
            out.append(() if v is NULL else (v,))  # see _twin._rebuild_stack
        elif kind == "p":
            out.append(exc_sets.get(j))
        elif kind == "l":
            out.append(v + entry.delta)
        else:
            out.append(v)
    out.append(callee)
    return tuple(out)


def parked_tuple(entry, state):
    """The tuple a parked generator's shell is primed with."""
    site = entry.sites[state.site]
    sets, _ = exception_sets(site.shape, state.stack, state.exc)
    return record_tuple(entry, site, state.locals, state.cells, state.stack, sets, None)


def frees_of(entry, cells):
    """The closure cells among a record's cells (its free variables)."""
    nonlocal_slots = [s for s in entry.slots if s[1] != "l"]
    return [cell for (name, kind), cell in zip(nonlocal_slots, cells) if kind == "f"]
