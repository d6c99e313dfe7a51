"""What the runtime reads and writes of this interpreter's bytecode, in one
place (3.11, 3.12 and 3.13).

The twin builder and the capture read a few instructions of the code they
work on: the instruction at an offset, where a FOR_ITER jumps when its
iterator is exhausted, whether a call ends a `with` body, whether a call has
one argument and what loaded it. The twin builder writes a few: calls,
conditional jumps forward, an equality test. What differs between versions
is the `Dialect` below, one row per version, as the C++ side's
(lib/pyc/Dialect.cpp): the rest of the runtime asks it, never the version.
"""

import collections
import opcode
import sys

from ._config import SuspendError

_OP = opcode.opmap
_EXTENDED_ARG = opcode.EXTENDED_ARG

Dialect = collections.namedtuple("Dialect", (
    "precall",       # a call is PRECALL n then CALL n (3.11); CALL n after
    "jump_if",       # the forward conditional jumps' name, less FALSE/TRUE/NONE
    "compare_eq",    # COMPARE_OP's argument for ==
    "for_iter_skip", # units FOR_ITER's exhausted path skips at its target (END_FOR)
    "attr_method_bit",  # LOAD_ATTR's low bit loads a method (3.12+)
    "compare_shift", # COMPARE_OP's comparison is its argument shifted right by this
    "null_after_callable",  # a call's NULL or self goes after the callable (3.13+)
    "exact_bool",    # a conditional jump takes an exact bool: TO_BOOL first (3.13+)
    "callee_raises_before",  # a Python callee's exception is looked up at the
                     # unit before the call (3.13+): the rewriter may put a NOP there
))

_EQ = opcode.cmp_op.index("==")
_DIALECTS = {
    (3, 11): Dialect(True, "POP_JUMP_FORWARD_IF_", _EQ, 0, False, 0, False, False, False),
    (3, 12): Dialect(False, "POP_JUMP_IF_", (_EQ << 4) | 8, 1, True, 4, False, False, False),
    # (== as bool(==): bit 16 makes its result an exact bool.)
    (3, 13): Dialect(False, "POP_JUMP_IF_", (_EQ << 5) | 16 | 8, 2, True, 5, True, True, True),
}


class _Unsupported:
    """The dialect of a version the runtime does not read: asked anything,
    it says so."""

    def __getattr__(self, name):
        raise SuspendError("sleepy's runtime reads the bytecode of CPython "
                           + " and ".join("%d.%d" % v for v in _DIALECTS)
                           + ", not of CPython %d.%d" % sys.version_info[:2])


DIALECT = _DIALECTS.get(sys.version_info[:2]) or _Unsupported()


def _caches():
    """Inline cache units by opcode (a list indexed by opcode through 3.12)."""
    entries = opcode._inline_cache_entries
    if isinstance(entries, dict):
        return [entries.get(opcode.opname[op], 0) for op in range(256)]
    return list(entries) + [0] * (256 - len(entries))


_CACHES = _caches()


def comparison(arg):
    """The comparison (an entry of opcode.cmp_op) of COMPARE_OP `arg`."""
    return opcode.cmp_op[arg >> DIALECT.compare_shift]


def loads_method(name, arg):
    """Does the instruction `name` with argument `arg` push a method and
    its self (or NULL and the attribute)?"""
    return name == "LOAD_METHOD" or \
        name == "LOAD_ATTR" and DIALECT.attr_method_bit and arg & 1


def call_units(argc):
    """The instructions of a call with `argc` positional arguments, as
    (name, argument) pairs."""
    if DIALECT.precall:
        return (("PRECALL", argc), ("CALL", argc))
    return (("CALL", argc),)


def call_start(code, lasti, argc):
    """The first code unit offset (in bytes, as f_lasti) of the call with
    `argc` positional arguments that the code stands at (`lasti` is at the
    CALL, or at 3.11's PRECALL where a builtin's call ran there,
    specialised), or None."""
    at = lasti
    if not DIALECT.precall:
        if code[at] != _OP["CALL"] or code[at + 1] != argc:
            return None
        if DIALECT.callee_raises_before and at >= 2 and code[at - 2] == _OP["NOP"]:
            at -= 2  # (the rewriter's, covering the unit before the call)
        return at
    if code[at] == _OP["CALL"] and code[at + 1] == argc:
        at -= 2 * (1 + _CACHES[_OP["PRECALL"]])
    if at < 2 or code[at] != _OP["PRECALL"] or code[at + 1] != argc:
        return None
    return at

# Operator sites whose instruction leaves nothing on the stack.
NO_RESULT = ("STORE_SUBSCR", "DELETE_SUBSCR")


def instruction_at(code, unit):
    """(name, argument, the unit after it) of the instruction whose first
    code unit (or EXTENDED_ARG prefix) is `unit` in the bytes `code`."""
    arg = 0
    while code[2 * unit] == _EXTENDED_ARG:
        arg = (arg | code[2 * unit + 1]) << 8
        unit += 1
    return opcode.opname[code[2 * unit]], arg | code[2 * unit + 1], unit + 1


def for_iter_exit(code, start):
    """The code unit where the FOR_ITER at unit `start` (or its
    EXTENDED_ARG prefixes) jumps when its iterator is exhausted."""
    name, arg, after = instruction_at(code, start)
    return after + _CACHES[_OP[name]] + arg + DIALECT.for_iter_skip


_BACKWARD = {_OP.get(name) for name in ("JUMP_BACKWARD", "POP_JUMP_BACKWARD_IF_FALSE",
                                        "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_NONE",
                                        "POP_JUMP_BACKWARD_IF_NOT_NONE")} - {None}


def backward_jump_target(code, unit):
    """Where the jump back at code unit `unit` of the bytes `code` goes (a
    jump that checks for signals: a signal's handler runs there), or None
    if that is not such a jump. `unit` is the jump's own (f_lasti as a
    signal's handler runs), or its first EXTENDED_ARG prefix's (as a tracer
    sees it)."""
    while code[2 * unit] == _EXTENDED_ARG:
        unit += 1
    op = code[2 * unit]
    if op not in _BACKWARD:
        return None
    arg, shift, at = code[2 * unit + 1], 8, unit - 1
    while at >= 0 and code[2 * at] == _EXTENDED_ARG:
        arg |= code[2 * at + 1] << shift
        shift += 8
        at -= 1
    return unit + 1 + _CACHES[op] - arg


def is_with_exit(code_obj, lasti):
    """Is the code stopped at `lasti` at the call that ends a `with` body
    normally: `LOAD_CONST None` three times, then the call with 2
    arguments, which calls the bound __exit__ below them (the first None
    standing as its self)? No other source compiles to that: a call's
    callable is loaded before its arguments, and None cannot be called."""
    code, consts = code_obj.co_code, code_obj.co_consts
    if code[lasti] != _OP["CALL"]:
        return False
    at = call_start(code, lasti, 2)
    if at is None or at < 6:
        return False
    for k in (1, 2, 3):
        op, arg = code[at - 2 * k], code[at - 2 * k + 1]
        if op != _OP["LOAD_CONST"] or consts[arg] is not None:
            return False
    return at - 8 < 0 or code[at - 8] != _EXTENDED_ARG


def positional_call(code_obj, lasti, nargs=1):
    """Where the call with `nargs` positional arguments the code stands at
    starts (see call_start), or None."""
    at = call_start(code_obj.co_code, lasti, nargs)
    return at if at is not None and at >= 2 else None


def positional_only(code_obj, lasti, nargs=1):
    """Is the code stopped at a call with `nargs` positional arguments and
    no keywords?"""
    at = positional_call(code_obj, lasti, nargs)
    return at is not None and code_obj.co_code[at - 2] != _OP.get("KW_NAMES")


def argument_provenance(code_obj, lasti, slots, nargs=1):
    """The provenance (see _registry) of the last argument of the call
    with `nargs` arguments the code stands at, where the code before
    PRECALL loads it from a name (LOAD_FAST, LOAD_DEREF, LOAD_GLOBAL,
    LOAD_NAME) and attributes of it (LOAD_ATTR), as in next(it),
    next(self.gen) or isinstance(x, numbers.Rational); else None. `slots`:
    the frame's slot names in localsplus order."""
    code = code_obj.co_code
    at = positional_call(code_obj, lasti, nargs)
    if at is None:
        return None

    def before(end, name):
        """The argument of instruction `name` that ends at `end`, or None."""
        start = end - 2 * (1 + _CACHES[_OP[name]])
        if start < 0 or code[start] != _OP[name] or \
                start >= 2 and code[start - 2] == _EXTENDED_ARG or \
                any(code[k] != _OP["CACHE"] for k in range(start + 2, end, 2)):
            return None
        return start, code[start + 1]

    attrs = []
    while (found := before(at, "LOAD_ATTR")) is not None:
        at, arg = found
        if DIALECT.attr_method_bit:
            if arg & 1:
                return None  # a method's load, not an attribute's
            arg >>= 1
        attrs.insert(0, code_obj.co_names[arg])
    for name, kind in (("LOAD_FAST", "l"), ("LOAD_DEREF", "d"), ("LOAD_GLOBAL", "g"),
                       ("LOAD_NAME", "n"), ("LOAD_FAST_LOAD_FAST", "l"),
                       ("STORE_FAST_LOAD_FAST", "l")):
        if name not in _OP:
            continue
        found = before(at, name)
        if found is None:
            continue
        names = slots if kind in "ld" else code_obj.co_names
        arg = found[1] >> 1 if kind == "g" else found[1]
        if name in ("LOAD_FAST_LOAD_FAST", "STORE_FAST_LOAD_FAST"):
            arg &= 15  # the local loaded (last) (3.13+): the last argument's
        if arg >= len(names):
            return None
        prov = (kind, names[arg])
        for attr in attrs:
            prov = ("a", prov, attr)
        return prov
    return None
