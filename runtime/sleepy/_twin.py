"""Resume twins, made when a frame is resumed.

The resume twin of a rewritten function is its code with a jump to a
dispatcher appended at the end (for a generator, the jump comes after
RETURN_GENERATOR and POP_TOP, so that calling the twin still makes a
generator). Normal calls never run it, and the rewriter does not write it:
the trailer describes the sites (where, what kind, the value-stack shape kept
below each, the handler that covers it in the rewritten code), and this
module builds the dispatcher from that, for the functions actually resumed,
one twin for each site a frame is resumed at. The dispatcher:

    R = __sleepy_resume__()            the frame's record, from the runtime
    for each slot i: if R[1+2i]: slot i = R[2+2i]   (cells by identity)
    check R[0], the site

and rebuilds the value stack kept below the site from R (NULLs with
PUSH_NULL, a saved exception state by replaying PUSH_EXC_INFO with the
exception to make current), then goes on as the site's kind says: call R's
callee in place of the call (under the site's capture handler, so that a
resumed frame can be suspended again), run FOR_ITER or SEND again, or yield
once to prime a generator. The record stays on top of the stack while the
slots are rebuilt, so the twin needs no extra locals. Record layout:
runtime/sleepy/_records.py (record_tuple). The instructions are this
interpreter's (runtime/sleepy/_bytecode.py).
"""

import bisect
import opcode
import types

from . import _bytecode
from ._records import LAZY_FLAGS

RESUME_NAME = "__sleepy_resume__"

_OP = opcode.opmap
_CACHES = _bytecode._CACHES
_EXTENDED_ARG = opcode.EXTENDED_ARG


def arg_prefixes(arg):
    """How many EXTENDED_ARG an argument needs."""
    n = 0
    while arg > 0xFF:
        arg >>= 8
        n += 1
    return n


def _encode(op, arg, width=None):
    """An instruction with its EXTENDED_ARG prefixes (`width` units in all,
    if given) and its inline caches."""
    n = arg_prefixes(arg) if width is None else width - 1
    out = bytearray()
    for shift in range(8 * n, 0, -8):
        out += bytes([_EXTENDED_ARG, (arg >> shift) & 0xFF])
    out += bytes([op, arg & 0xFF])
    out += bytes(2 * _CACHES[op])
    return out


def varints(data):
    """The values of an exception table, four per entry."""
    out, i = [], 0
    while i < len(data):
        b = data[i]
        i += 1
        v = b & 63
        while b & 64:
            b = data[i]
            i += 1
            v = (v << 6) | (b & 63)
        out.append(v)
    return out


def _varint(v, first):
    groups = [v & 63]
    v >>= 6
    while v:
        groups.append(v & 63)
        v >>= 6
    groups.reverse()
    out = bytearray(g | 64 for g in groups[:-1]) + bytes([groups[-1]])
    if first:
        out[0] |= 128
    return bytes(out)


def _entry(start, end, target, depth_lasti):
    return (_varint(start, True) + _varint(end - start, False)
            + _varint(target, False) + _varint(depth_lasti, False))


def _shift_table(items, prefix, delta):
    """An exception table (as `varints` gives it) with every offset from
    `prefix` on moved by `delta` code units."""
    out = bytearray()
    for k in range(0, len(items), 4):
        start, length, target, depth_lasti = items[k:k + 4]
        end = start + length
        start += delta if start >= prefix else 0
        end += delta if end > prefix else 0
        target += delta if target >= prefix else 0
        out += _entry(start, end, target, depth_lasti)
    return bytes(out)


def _split_linetable(table, units):
    """A co_linetable (3.11+) cut where code unit `units` starts: (the
    entries before, those from there on). An entry that spans the cut (one
    location for a run of instructions, 3.12+) becomes two, the second with
    no line change of its own."""
    covered, i = 0, 0
    while i < len(table) and covered < units:
        start = i
        length = (table[i] & 7) + 1
        i += 1
        while i < len(table) and not table[i] & 128:
            i += 1
        if covered + length > units:
            first = units - covered
            head = bytes([(table[start] & ~7) | (first - 1)]) + table[start + 1:i]
            rest = length - first
            return (table[:start] + head,
                    _same_location(table[start:i], rest) + table[i:])
        covered += length
    return table[:i], table[i:]


def _same_location(entry, units):
    """A line-table entry for `units` code units at the location `entry`
    gives, where the line `entry` moved to is already current."""
    code = (entry[0] >> 3) & 15
    first = 0x80 | (units - 1)
    if code < 10 or code == 15:  # short forms: same line; no location
        return bytes([first | (code << 3)]) + entry[1:]
    if code <= 12:  # one line form: the line moved by code - 10
        return bytes([first | (10 << 3)]) + entry[1:]
    # 13 (no columns) and 14 (long form) start with the line's delta.
    k = 1
    while entry[k] & 64:
        k += 1
    return bytes([first | (code << 3), 0]) + entry[k + 1:]


def _dispatcher_lines(normal, base, units, regions):
    """Line-table entries for a dispatcher of `units` code units starting at
    unit `base`: each resume call (`regions`: site, begin, end) at the line
    of its site, so that a traceback through a resumed frame, or a
    suspension inside it, names the line it stopped at; the rest has no
    source position. Lines are deltas from the last line of the normal
    code's table."""
    spans = list(normal.co_lines())
    current = next((line for _, _, line in reversed(spans) if line is not None),
                   normal.co_firstlineno)
    out, at = bytearray(), base
    for site, begin, end in sorted(regions, key=lambda r: r[1]):
        line = next((line for start, stop, line in spans if start <= 2 * site.start < stop),
                    None)
        if line is None or begin < at:
            continue
        out += _no_location(begin - at)
        n = end - begin
        while n > 0:
            k = min(n, 8)
            out.append(0x80 | (13 << 3) | (k - 1))  # a line, no columns
            out += _signed_varint(line - current)
            current = line
            n -= k
        at = end
    return bytes(out + _no_location(base + units - at))


def _signed_varint(v):
    v = (-v << 1) | 1 if v < 0 else v << 1
    out = bytearray()
    while v >= 64:
        out.append((v & 63) | 64)
        v >>= 6
    out.append(v)
    return bytes(out)


def _no_location(units):
    """Line-table entries giving `units` code units no source position."""
    out = bytearray()
    while units > 0:
        n = min(units, 8)
        out.append(0x80 | (15 << 3) | (n - 1))
        units -= n
    return bytes(out)


class _Label:
    __slots__ = ("at", "depth")

    def __init__(self):
        self.at = None
        self.depth = 0  # of a handler: the stack it keeps


class _Dispatcher:
    """Instructions, labels and jumps, laid out after `base` code units."""

    def __init__(self):
        # (op, arg, target) where target is None, a _Label, or an int: a
        # code unit of the twin before the dispatcher.
        self.items = []

    def emit(self, op, arg=0):
        self.items.append((_OP[op], arg, None))

    def jump(self, op, target):
        self.items.append((_OP[op], 0, target))

    def jump_if(self, test, target):
        """A conditional jump forward: `test` is FALSE, TRUE or NONE."""
        self.jump(_bytecode.DIALECT.jump_if + test, target)

    def call(self, argc=0):
        for op, arg in _bytecode.call_units(argc):
            self.emit(op, arg)

    def truth(self):
        """[.. x] -> [.. bool(x)] where a conditional jump takes an exact
        bool (TO_BOOL, 3.13+); else nothing."""
        if _bytecode.DIALECT.exact_bool:
            self.emit("TO_BOOL")

    def begin_call(self, label):
        """Places `label` where a resume call's region begins, the call
        about to be emitted: at the instruction before it where a Python
        callee's exception is looked up there (3.13+)."""
        if _bytecode.DIALECT.callee_raises_before:
            self.items.insert(len(self.items) - 1, label)
        else:
            self.place(label)

    def place(self, label):
        self.items.append(label)

    def assemble(self, base):
        """co_code of the dispatcher, which starts at code unit `base`.
        Jumps take one width: enough for the whole twin, whose size with
        the widest jumps bounds every distance (one pass where trying the
        widths in turn would lay large dispatchers out twice)."""
        def size(op, arg, target, width):
            return (width if target is not None else 1 + arg_prefixes(arg)) + _CACHES[op]

        instrs = [i for i in self.items if not isinstance(i, _Label)]
        bound = base + sum(size(*i, 4) for i in instrs)
        for width in range(1 + arg_prefixes(bound), 5):
            at, starts = base, []
            for item in self.items:
                if isinstance(item, _Label):
                    item.at = at
                    continue
                starts.append(at)
                at += size(*item, width)
            code, fits = bytearray(), True
            for (op, arg, target), start in zip(instrs, starts):
                if target is None:
                    code += _encode(op, arg)
                    continue
                after = start + width + _CACHES[op]  # (jumps count from past caches)
                dest = target.at if isinstance(target, _Label) else target
                arg = dest - after if dest >= after else after - dest
                if arg_prefixes(arg) >= width:
                    fits = False
                    break
                code += _encode(op, arg, width)
            if fits:
                return bytes(code)
        raise ValueError("dispatcher too large")


class Twin:
    """A built twin: its code object, the site it resumes at, and where that
    site's resume instructions are in it (code units, by site index)."""

    __slots__ = ("code", "site", "resume")

    def __init__(self, code, site, resume):
        self.code = code
        self.site = site
        self.resume = resume


def jump_size(units, prefix):
    """Code units of the entry jump of a twin whose normal code has `units`
    units, placed at `prefix`: everything from `prefix` on moves by this."""
    return 1 + arg_prefixes(units - prefix)


def build(normal, entry, resumed):
    """The resume twin of the rewritten code object `normal`, whose trailer
    entry is `entry` (see _registry.Entry: sites, slots, prefix), that
    resumes at site number `resumed`: its dispatcher has that site's resume
    instructions only (a function with hundreds of sites is resumed at one;
    a frame running the twin is suspended again at any site, in the normal
    code, or at that one's resume call)."""
    code = normal.co_code
    units = len(code) // 2
    prefix = entry.prefix
    delta = jump_size(units, prefix)

    def moved(unit):
        return unit + delta if unit >= prefix else unit

    table = varints(normal.co_exceptiontable)
    starts = [table[k] for k in range(0, len(table), 4)]

    def handler_at(unit):
        """(target, depth_lasti) of the entry covering `unit`, or None."""
        k = bisect.bisect_right(starts, unit) - 1
        # Entries do not overlap: only the last one starting at or before
        # the unit can cover it.
        if k >= 0 and unit < table[4 * k] + table[4 * k + 1]:
            return moved(table[4 * k + 2]), table[4 * k + 3]
        return None

    consts = list(normal.co_consts)
    known = {}

    def const(value):
        key = (type(value), value)
        if key not in known:
            known[key] = len(consts)
            consts.append(value)
        return known[key]

    d = _Dispatcher()
    d.emit("LOAD_GLOBAL", (len(normal.co_names) << 1) | 1)
    d.call(0)
    for i in range(len(entry.slots)):
        skip = _Label()
        d.emit("COPY", 1)
        d.emit("LOAD_CONST", const(1 + 2 * i))
        d.emit("BINARY_SUBSCR")
        d.jump_if("FALSE", skip)
        d.emit("COPY", 1)
        d.emit("LOAD_CONST", const(2 + 2 * i))
        d.emit("BINARY_SUBSCR")
        d.emit("STORE_FAST", i)
        d.place(skip)
    d.emit("COPY", 1)
    d.emit("LOAD_CONST", const(0))
    d.emit("BINARY_SUBSCR")
    site = entry.sites[resumed]
    # The dispatcher never holds more than the site's slots and four more.
    stack = max(normal.co_stacksize, site.depth + 4)
    same = _Label()
    d.emit("COPY", 1)
    d.emit("LOAD_CONST", const(site.index))
    d.emit("COMPARE_OP", _bytecode.DIALECT.compare_eq)
    d.jump_if("TRUE", same)
    d.emit("RAISE_VARARGS", 0)  # another site: never asked for
    d.place(same)
    d.emit("POP_TOP")  # the site number
    base = 1 + 2 * len(entry.slots)
    _rebuild_stack(d, site, base, const)
    # The resume region between two labels, and its handler.
    regions = []
    _resume_site(d, site, base, const, moved, code, regions, handler_at,
                 normal.co_flags & LAZY_FLAGS)

    dispatcher = d.assemble(units + delta)
    jump = _encode(_OP["JUMP_FORWARD"], units - prefix, delta)
    p = 2 * prefix
    twin_code = code[:p] + bytes(jump) + code[p:] + dispatcher

    exceptions = bytearray(_shift_table(table, prefix, delta))
    resume = {}
    for at, begin, end, handler in regions:
        if at is not None:
            resume[at.index] = (begin.at, end.at)
        if isinstance(handler, _Label):  # a handler of the dispatcher's own
            handler = (handler.at, handler.depth << 1)
        if handler is not None:
            exceptions += _entry(begin.at, end.at, *handler)
    before, after = _split_linetable(normal.co_linetable, prefix)
    lines = (before + _no_location(delta) + after
             + _dispatcher_lines(normal, units + delta, len(dispatcher) // 2,
                                 [(at, begin.at, end.at) for at, begin, end, _ in regions
                                  if at is not None]))
    code = normal.replace(
        co_code=twin_code,
        co_consts=tuple(consts),
        co_names=normal.co_names + (RESUME_NAME,),
        co_exceptiontable=bytes(exceptions),
        co_linetable=lines,
        co_stacksize=stack)
    return Twin(code, resumed, resume)


def _resume_site(d, site, base, const, moved, code, regions, handler_at, generator):
    """[.. the stack kept below `site`, R] -> what the site's kind does on
    resume: call R's callee in place of the interrupted call, run FOR_ITER
    or SEND again, go into a loop's next iteration, or prime a generator;
    then back into the normal code (`moved` maps its units into the twin).
    Appends the resume regions to `regions`."""
    begin, end = _Label(), _Label()
    if site.kind in ("call", "attr", "op"):
        _push_callee(d, site, base, const)
        d.begin_call(begin)
        d.call(0)
        d.place(end)
        regions.append((site, begin, end, None if site.bare else handler_at(site.start)))
        op, arg = _bytecode.instruction_at(code, site.start)[:2] if site.kind != "call" \
            else (None, 0)
        if op in _bytecode.NO_RESULT:
            d.emit("POP_TOP")  # a store or delete: the finisher's None
        elif op == "BEFORE_WITH":
            d.emit("UNPACK_SEQUENCE", 2)  # (result, __exit__)
        elif _bytecode.loads_method(op, arg):
            _push_null_under(d)  # [NULL, attribute], as for a non-method
        d.jump("JUMP_BACKWARD", moved(site.end))
        return
    if site.kind == "iter":
        _resume_iteration(d, site, base, const, moved, code, regions, handler_at)
        return
    d.emit("POP_TOP")  # the record
    if site.kind == "loop":
        d.jump("JUMP_BACKWARD", moved(site.start))  # into the next iteration
    elif site.kind == "send":
        d.emit("LOAD_CONST", const(None))
        d.jump("JUMP_BACKWARD", moved(site.start))
    elif site.kind == "yield":
        # Prime: yield once where the generator yielded; what is sent next
        # arrives as it would have at the original yield (and close() does
        # what it would have there: 3.13's RESUME says whether a try is
        # around the yield).
        name, arg, _ = _bytecode.instruction_at(code, site.start + 1)
        d.emit("LOAD_CONST", const(None))
        d.place(begin)
        d.emit("YIELD_VALUE")
        d.emit("RESUME", arg if name == "RESUME" else 1)
        d.place(end)
        regions.append((site, begin, end, handler_at(site.start)))
        d.jump("JUMP_BACKWARD", moved(site.end))
    elif site.kind == "entry":
        if generator:
            # A generator not started: park at a yield before its first line.
            d.emit("LOAD_CONST", const(None))
            d.place(begin)
            d.emit("YIELD_VALUE")
            d.emit("RESUME", 1)
            d.emit("POP_TOP")
            d.place(end)
            regions.append((site, begin, end, None))
        d.jump("JUMP_BACKWARD", moved(site.start))


def function(code, g, closure):
    """A function that runs the twin `code`, callable with no arguments.
    The twin keeps its code's parameters (super() without arguments reads
    the first one, and refuses a code object that has none); each has a
    default here, which the dispatcher overwrites with the saved value."""
    fn = types.FunctionType(code, g, code.co_name, (None,) * code.co_argcount or None,
                            closure)
    if code.co_kwonlyargcount:
        first = code.co_argcount
        fn.__kwdefaults__ = dict.fromkeys(code.co_varnames[first:first +
                                                           code.co_kwonlyargcount])
    return fn


def _resume_iteration(d, site, base, const, moved, code, regions, handler_at):
    """A `for` loop's FOR_ITER. Driving a generator, it runs again (the
    generator resumes itself). Driving an iterator whose `__next__` is
    Python code, the record's callee resumes that `__next__`: what it
    returns is the next item, and StopIteration ends the loop, as FOR_ITER
    would have."""
    rerun, stop, other = _Label(), _Label(), _Label()
    stop.depth = site.depth  # the iterator and what is below it
    # [.. it, R] -> is there a callee?
    d.emit("COPY", 1)
    d.emit("LOAD_CONST", const(base + site.depth))
    d.emit("BINARY_SUBSCR")
    d.jump_if("NONE", rerun)
    _push_callee(d, site, base, const)  # then [.. it, item]
    begin, end = _Label(), _Label()
    d.begin_call(begin)
    d.call(0)
    d.place(end)
    # Raised by the callee: StopIteration here, anything else as FOR_ITER
    # would have raised it (under the site's capture handler).
    regions.append((site, begin, end, stop))
    d.jump("JUMP_BACKWARD", moved(site.end))
    # [.. it, exc]
    d.place(stop)
    d.emit("LOAD_CONST", const(StopIteration))
    d.emit("CHECK_EXC_MATCH")
    d.jump_if("FALSE", other)
    d.emit("POP_TOP")
    d.emit("POP_TOP")
    d.jump("JUMP_BACKWARD", moved(_bytecode.for_iter_exit(code, site.start)))
    d.place(other)
    raise_begin, raise_end = _Label(), _Label()
    d.place(raise_begin)
    d.emit("RERAISE", 0)
    d.place(raise_end)
    regions.append((None, raise_begin, raise_end, handler_at(site.start)))
    d.place(rerun)
    d.emit("POP_TOP")  # the record
    d.jump("JUMP_BACKWARD", moved(site.start))


def _push_callee(d, site, base, const):
    """[.. R] -> [.. NULL, R[callee]] (or [.. R[callee], NULL], 3.13+),
    ready for a call with no argument."""
    d.emit("COPY", 1)
    d.emit("LOAD_CONST", const(base + site.depth))
    d.emit("BINARY_SUBSCR")
    d.emit("SWAP", 2)
    d.emit("POP_TOP")
    _push_null_under(d)


def _push_null_under(d):
    """[.. x] -> [.. NULL, x]: a callable, or LOAD_ATTR's attribute, as a
    call takes it (where the NULL goes after the callable, [.. x, NULL])."""
    d.emit("PUSH_NULL")
    if not _bytecode.DIALECT.null_after_callable:
        d.emit("SWAP", 2)


def _rebuild_stack(d, site, base, const):
    """Pushes the slots kept under `site` from the record R on top of the
    stack, keeping R on top."""
    shape = site.shape
    j = 0
    while j < site.depth:
        kind = shape[j]
        if kind in "nm":
            d.emit("PUSH_NULL")
            d.emit("SWAP", 2)
        elif kind == "u":
            # A comprehension's saved variable: () where it was unbound
            # (NULL), else (value,).
            unbound, done = _Label(), _Label()
            d.emit("COPY", 1)
            d.emit("LOAD_CONST", const(base + j))
            d.emit("BINARY_SUBSCR")
            d.emit("COPY", 1)
            d.truth()
            d.jump_if("FALSE", unbound)
            d.emit("UNPACK_SEQUENCE", 1)
            d.emit("SWAP", 2)
            d.jump("JUMP_FORWARD", done)
            d.place(unbound)
            d.emit("POP_TOP")
            d.emit("PUSH_NULL")
            d.emit("SWAP", 2)
            d.place(done)
        else:
            d.emit("COPY", 1)
            d.emit("LOAD_CONST", const(base + j))
            d.emit("BINARY_SUBSCR")
            if kind == "p":
                # [.. R, X] -> PUSH_EXC_INFO -> [.. R, prev, X], X current.
                d.emit("PUSH_EXC_INFO")
                if j + 1 < site.depth and shape[j + 1] == "e":
                    d.emit("SWAP", 2)
                    d.emit("SWAP", 3)
                    j += 1  # the exception was the next slot
                else:
                    d.emit("POP_TOP")
                    d.emit("SWAP", 2)
            else:
                d.emit("SWAP", 2)
        j += 1
