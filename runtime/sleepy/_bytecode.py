"""What the runtime reads of CPython 3.11 bytecode, in one place.

The twin builder and the capture read a few instructions of the code they
work on: the instruction at an offset, where a FOR_ITER jumps when its
iterator is exhausted, whether a call ends a `with` body, whether a call has
one argument and what loaded it. These are 3.11's layouts (PRECALL before
CALL, inline caches, EXTENDED_ARG prefixes): another version reads them
here, differently (see issue 15's version seam).
"""

import opcode

_OP = opcode.opmap
_CACHES = opcode._inline_cache_entries
_EXTENDED_ARG = opcode.EXTENDED_ARG

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
    return after + _CACHES[_OP[name]] + arg


_BACKWARD = {_OP.get(name) for name in ("JUMP_BACKWARD", "POP_JUMP_BACKWARD_IF_FALSE",
                                        "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_NONE",
                                        "POP_JUMP_BACKWARD_IF_NOT_NONE")} - {None}


def backward_jump_target(code, unit):
    """Where the jump back at code unit `unit` of the bytes `code` goes (a
    jump that checks for signals: a signal's handler runs there), or None
    if that is not such a jump. `unit` is the jump's own (f_lasti), after
    its EXTENDED_ARG prefixes."""
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
    normally: `LOAD_CONST None` three times, then PRECALL 2 and CALL 2,
    which calls the bound __exit__ below them (the first None standing as
    its self)? No other source compiles to that: a call's callable is
    loaded before its arguments, and None cannot be called."""
    code, consts = code_obj.co_code, code_obj.co_consts
    at = lasti
    if code[at] != _OP["CALL"] or code[at + 1] != 2:
        return False
    at -= 2 * (1 + _CACHES[_OP["PRECALL"]])
    if at < 6 or code[at] != _OP["PRECALL"] or code[at + 1] != 2:
        return False
    for k in (1, 2, 3):
        op, arg = code[at - 2 * k], code[at - 2 * k + 1]
        if op != _OP["LOAD_CONST"] or consts[arg] is not None:
            return False
    return at - 8 < 0 or code[at - 8] != _EXTENDED_ARG


def positional_call(code_obj, lasti, nargs=1):
    """Where the PRECALL is of the call with `nargs` positional arguments
    the code stands at (PRECALL n then CALL n; `lasti` is at PRECALL where
    a builtin's call ran there, specialised), or None."""
    code = code_obj.co_code
    at = lasti
    if code[at] == _OP["CALL"] and code[at + 1] == nargs:
        at -= 2 * (1 + _CACHES[_OP["PRECALL"]])
    if at < 2 or code[at] != _OP["PRECALL"] or code[at + 1] != nargs:
        return None
    return at


def positional_only(code_obj, lasti, nargs=1):
    """Is the code stopped at a call with `nargs` positional arguments and
    no keywords?"""
    at = positional_call(code_obj, lasti, nargs)
    return at is not None and code_obj.co_code[at - 2] != _OP["KW_NAMES"]


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
        attrs.insert(0, code_obj.co_names[arg])
    for name, kind in (("LOAD_FAST", "l"), ("LOAD_DEREF", "d"), ("LOAD_GLOBAL", "g"),
                       ("LOAD_NAME", "n")):
        found = before(at, name)
        if found is None:
            continue
        names = slots if kind in "ld" else code_obj.co_names
        arg = found[1] >> 1 if kind == "g" else found[1]
        if arg >= len(names):
            return None
        prov = (kind, names[arg])
        for attr in attrs:
            prov = ("a", prov, attr)
        return prov
    return None
