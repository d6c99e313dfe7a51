#!/usr/bin/env python3
"""Write malformed .pyc files for tests and fuzzing, from valid ones.

    python3.12 utils/make-bad-pyc.py KIND[:VARIANT] GOOD.pyc OUT.pyc
    python3.12 utils/make-bad-pyc.py --corpus DIR [GOOD.pyc...]
    python3.12 utils/make-bad-pyc.py --list
    python3.12 utils/make-bad-pyc.py --load FILE.pyc

Run it with the interpreter that wrote GOOD.pyc (3.11 to 3.13): opcode
numbers and inline cache counts come from that interpreter's opcode module.

The first form writes one malformed file and prints one line on stdout,

    KIND at 0xOFFSET [key=value...]

naming the byte offset where a reader should report the damage, worked out
here from the structure of the file (not from sleepy), plus a few facts that
the expected message contains. Tests check that sleepy reports that offset.

The second form writes every kind and variant (and the valid files they come
from, and some files with random damage) into DIR: the fuzzer's seed corpus
and the corpus the error tests run the tool over. It always uses a few sample
modules it compiles itself, and the GOOD.pyc files given. --list prints the
kinds with their variants. --load says whether this interpreter's marshal
loads a file ("loads", or "refused: Type: message"), so that a test can
show that CPython refuses what sleepy refuses.

A few kinds (nested-at-limit, extreme-line-numbers) are not damage but files
at a limit that sleepy must accept and write back unchanged; the corpus names
them valid-*.

Mutations patch bytes at offsets found by walking the marshal stream, so the
rest of the file stays byte for byte as the interpreter wrote it. An object is
only replaced where no reference names it, or it keeps FLAG_REF, so the
references after it still count right.
"""
import importlib.util
import marshal
import opcode
import os
import random
import re
import struct
import sys

HEADER = 16
MAX_DEPTH = 2000  # levels of nesting, the root's included (marshal.c's limit)
FLAG_REF = 0x80
EXT = opcode.EXTENDED_ARG


class Fail(Exception):
    """This kind cannot be made from this file."""


# --- the marshal stream --------------------------------------------------------

class Node:
    """One object of the marshal stream, with where its parts lie."""

    def __init__(self, start, type_, flag, depth, parent):
        self.start = start
        self.end = start
        self.type = type_
        self.flag = flag
        self.slot = None     # reference slot it reserves (FLAG_REF)
        self.depth = depth   # as sleepy counts it: the root is 0
        self.parent = parent
        self.children = []   # child nodes, in file order
        self.len_at = None   # offset of the length field
        self.payload = None  # offset of the payload of bytes and str
        self.size = None     # payload size, or item count
        self.index = None    # the slot a TYPE_REF names
        self.fields = {}     # code objects: field name -> Node or int
        self.field_at = {}   # code objects: int field name -> offset

    def is_leaf(self):
        return self.type not in "([<>{c)"

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


CODE_FIELDS = ("argcount", "posonlyargcount", "kwonlyargcount", "stacksize", "flags",
               "code", "consts", "names", "localsplusnames", "localspluskinds",
               "filename", "name", "qualname", "firstlineno", "linetable",
               "exceptiontable")
INT_FIELDS = {"argcount", "posonlyargcount", "kwonlyargcount", "stacksize", "flags",
              "firstlineno"}


class Stream:
    """A .pyc parsed into nodes; the module's code object is the root."""

    def __init__(self, data):
        self.data = data
        self.pos = HEADER
        self.refs = []    # slot -> Node
        self.nodes = []   # pre-order (file order)
        self.codes = []   # code objects in the order they complete
        self.root = self.read(0, None)
        if self.pos != len(data):
            raise Fail("trailing bytes after the root object")

    def i32(self):
        v = struct.unpack_from("<i", self.data, self.pos)[0]
        self.pos += 4
        return v

    def u8(self):
        v = self.data[self.pos]
        self.pos += 1
        return v

    def read(self, depth, parent):
        d = self.data
        byte = d[self.pos]
        n = Node(self.pos, chr(byte & ~FLAG_REF), bool(byte & FLAG_REF), depth, parent)
        self.nodes.append(n)
        self.pos += 1
        t = n.type
        if n.flag and t != "r":
            n.slot = len(self.refs)
            self.refs.append(None)
        if t in "NTF.S":
            pass
        elif t == "i":
            self.pos += 4
        elif t in "Ig":
            self.pos += 8
        elif t == "y":
            self.pos += 16
        elif t == "l":
            n.len_at = self.pos
            self.pos += 2 * abs(self.i32())
        elif t == "f":
            n.len_at = self.pos
            self.pos += self.u8()
        elif t == "x":
            n.len_at = self.pos
            self.pos += self.u8()
            self.pos += self.u8()
        elif t in "sutaA":
            n.len_at = self.pos
            n.size = self.i32()
            n.payload = self.pos
            self.pos += n.size
        elif t in "zZ":
            n.len_at = self.pos
            n.size = self.u8()
            n.payload = self.pos
            self.pos += n.size
        elif t in "([<>)":
            n.len_at = self.pos
            n.size = self.u8() if t == ")" else self.i32()
            for _ in range(n.size):
                n.children.append(self.read(depth + 1, n))
        elif t == "{":
            while d[self.pos] != ord("0"):
                n.children.append(self.read(depth + 1, n))
                n.children.append(self.read(depth + 1, n))
            self.pos += 1
        elif t == "c":
            for name in CODE_FIELDS:
                if name in INT_FIELDS:
                    n.field_at[name] = self.pos
                    n.fields[name] = self.i32()
                else:
                    child = self.read(depth + 1, n)
                    n.children.append(child)
                    n.fields[name] = child
            self.codes.append(n)
        elif t == "r":
            n.index = self.i32()
        else:
            raise Fail(f"unexpected type code {t!r} at {n.start:#x}")
        n.end = self.pos
        if n.slot is not None:
            self.refs[n.slot] = n
        return n

    def resolve(self, n):
        return self.refs[n.index] if n.type == "r" else n

    def field(self, code, name):
        return self.resolve(code.fields[name])

    def co_code(self, code):
        return bytes(self.data[code.fields["code"].payload:code.fields["code"].end])

    def slots_before(self, offset):
        return sum(1 for n in self.nodes if n.slot is not None and n.start < offset)

    def truncation_offset(self, cut):
        """Where a reader reports a file cut to \\p cut bytes: the start of
        the missing object if the cut falls just before one, else the start of
        the innermost object the cut falls inside (its length or count, or an
        int field of a code object, is what runs out). A dict that lost its
        terminator is reported at the cut, and so is a container whose count
        of items is more than the bytes left (each item takes one at least)."""
        node = self.root
        while True:
            if cut == node.start:
                return cut
            if node.type in "([<>)":
                first = node.len_at + (1 if node.type == ")" else 4)
                if cut >= first and node.size > cut - first:
                    return node.start
            inner = None
            for c in node.children:
                if c.start <= cut < c.end:
                    inner = c
                    break
            if inner is None:
                if node.type == "{" and cut == node.end - 1:
                    return cut
                return node.start
            node = inner


def replace(data, start, end, new):
    return data[:start] + bytes(new) + data[end:]


def bytes_object(payload, flag=False):
    """A bytes object in the long form, as marshal writes bytes."""
    return bytes([ord("s") | (FLAG_REF if flag else 0)]) + struct.pack("<i", len(payload)) + payload


def replace_object(data, node, new_payload):
    """Replaces a bytes object (or a reference to one) by new bytes."""
    return replace(data, node.start, node.end, bytes_object(new_payload, node.flag and node.type != "r"))


# --- bytecode --------------------------------------------------------------------

def caches(op):
    table = opcode._inline_cache_entries
    if isinstance(table, dict):
        return table.get(opcode.opname[op], 0)
    return table[op]


def op(name):
    return opcode.opmap[name]


class Instr:
    def __init__(self, start, unit, op_, arg, ncaches):
        self.start, self.unit, self.op, self.arg, self.caches = start, unit, op_, arg, ncaches

    @property
    def end(self):
        return self.unit + 1 + self.caches


def instructions(code):
    out = []
    u = 0
    n = len(code) // 2
    while u < n:
        start, arg = u, 0
        while u < n and code[2 * u] == EXT:
            arg = (arg | code[2 * u + 1]) << 8
            u += 1
        if u == n:
            break
        o = code[2 * u]
        out.append(Instr(start, u, o, arg | code[2 * u + 1], caches(o)))
        u += 1 + caches(o)
    return out


def unknown_opcode():
    specialized = set(getattr(opcode, "_specialized_opmap", {}).values())
    for n in range(255, 0, -1):
        if opcode.opname[n].startswith("<") and n not in specialized:
            return n
    raise Fail("no unused opcode number")


def units(*pairs):
    """Code units from (opcode, arg) pairs, each followed by its zero caches."""
    out = bytearray()
    for o, a in pairs:
        out += bytes([o, a]) + b"\0\0" * caches(o)
    return out


def exception_entry(start, length, target, depth_lasti):
    out = bytearray()
    for k, v in enumerate((start, length, target, depth_lasti)):
        groups = []
        while True:
            groups.append(v & 63)
            v >>= 6
            if not v:
                break
        groups.reverse()
        for g, bits in enumerate(groups):
            b = bits | (0x40 if g + 1 < len(groups) else 0)
            if k == 0 and g == 0:
                b |= 0x80
            out.append(b)
    return bytes(out)


class Base:
    """A valid .pyc and where things are in it."""

    def __init__(self, data):
        self.data = bytes(data)
        if len(self.data) < HEADER or self.data[:4] != importlib.util.MAGIC_NUMBER:
            raise Fail("not a .pyc of this interpreter")
        self.s = Stream(self.data)

    def code_payload(self, code):
        return code.fields["code"].payload

    def direct_code(self, code):
        n = code.fields["code"]
        return n.type == "s" and n.payload is not None

    def pick_code(self, pred=lambda code, ins: True):
        """The first code object, in the order sleepy decodes them, whose
        bytecode satisfies \\p pred; returns (code, instructions)."""
        for code in self.s.codes:
            if not self.direct_code(code):
                continue
            ins = instructions(self.s.co_code(code))
            if pred(code, ins):
                return code, ins
        raise Fail("no code object fits")

    def replaceable(self, node):
        """Whether \\p node can be replaced without touching other objects:
        a reference, or an object that no reference names."""
        if node.slot is None:
            return True
        return not any(n.type == "r" and n.index == node.slot for n in self.s.nodes)

    def pick_table_code(self, field, pred=lambda code, ins: True):
        return self.pick_code(lambda c, ins: self.replaceable(c.fields[field]) and pred(c, ins))

    def overwrite(self, code, unit, new):
        """Overwrites whole code units of \\p code from \\p unit."""
        at = self.code_payload(code) + 2 * unit
        assert at + len(new) <= code.fields["code"].end
        return replace(self.data, at, at + len(new), new), at

    def pick_leaf(self, pred=lambda n: True):
        """The first object, in file order after the root's int fields, that
        no reference can name (no FLAG_REF) and that holds no other object."""
        for n in self.s.nodes:
            if n is not self.s.root and n.is_leaf() and not n.flag and n.type != "r" and pred(n):
                return n
        raise Fail("no plain leaf object")


# --- the kinds ---------------------------------------------------------------------
#
# Each returns (new bytes, offset, facts); `facts` go on the printed line.

KINDS = {}


def kind(name, variants=(None,)):
    def register(fn):
        KINDS[name] = (fn, variants)
        return fn
    return register


def header_with_magic(b, magic):
    return replace(b.data, 0, 2, struct.pack("<H", magic)), 0, {}


@kind("truncated-header", variants=(None, "0", "3"))
def truncated_header(b, v):
    n = int(v) if v is not None else 10
    return b.data[:n], 0, {"size": n}


@kind("truncated-body", variants=(None, "first", "code", "payload", "middle"))
def truncated_body(b, v):
    code = b.s.codes[-1]
    co = code.fields["code"]
    if v is None:
        cut = len(b.data) - 1
    elif v == "first":
        cut = HEADER + 1
    elif v == "code":
        cut = co.start
    elif v == "payload":
        cut = co.payload + 1
    elif v == "middle":
        cut = (HEADER + len(b.data)) // 2
    else:
        cut = int(v)
    if not HEADER <= cut < len(b.data):
        raise Fail("cut outside the body")
    return b.data[:cut], b.s.truncation_offset(cut), {"size": cut}


@kind("bad-magic")
def bad_magic(b, v):
    return replace(b.data, 2, 4, b"\0\0"), 0, {}


@kind("unknown-magic")
def unknown_magic(b, v):
    return header_with_magic(b, 1000)


@kind("prerelease-magic")
def prerelease_magic(b, v):
    final = struct.unpack_from("<H", b.data)[0]
    out = header_with_magic(b, final - 1)
    out[2].update(magic=final - 1, final=final)
    return out


@kind("old-magic")
def old_magic(b, v):
    return header_with_magic(b, 3394)  # 3.7's final release


@kind("bad-flags")
def bad_flags(b, v):
    return replace(b.data, 4, 8, struct.pack("<I", 4)), 4, {}


@kind("unknown-type-code")
def unknown_type_code(b, v):
    n = b.s.root.fields["code"]
    byte = ord("?") | (FLAG_REF if n.flag else 0)
    return replace(b.data, n.start, n.start + 1, [byte]), n.start, {"code": f"{byte:#04x}"}


@kind("null-object")
def null_object(b, v):
    n = b.pick_leaf()
    return replace(b.data, n.start, n.end, b"0"), n.start, {}


@kind("ref-out-of-range", variants=(None, "negative"))
def ref_out_of_range(b, v):
    n = b.pick_leaf()
    index = -1 if v == "negative" else 1000000
    new = b"r" + struct.pack("<i", index)
    return (replace(b.data, n.start, n.end, new), n.start,
            {"index": index, "flagged": b.s.slots_before(n.start)})


@kind("ref-to-incomplete")
def ref_to_incomplete(b, v):
    n = b.pick_leaf(lambda n: any(a.slot is not None for a in n.ancestors()))
    slot = next(a.slot for a in n.ancestors() if a.slot is not None)
    new = b"r" + struct.pack("<i", slot)
    return replace(b.data, n.start, n.end, new), n.start, {"index": slot}


@kind("absurd-length", variants=(None, "negative", "long"))
def absurd_length(b, v):
    if v == "long":
        n = b.pick_leaf()
        new = b"l" + struct.pack("<i", 0x7FFFFFFF)
        out = replace(b.data, n.start, n.end, new)
        return out, n.start, {"left": len(out) - (n.start + 5)}
    n = b.s.root.fields["code"]
    if n.type != "s":
        raise Fail("co_code is not a plain bytes object")
    length = -1 if v == "negative" else 0x7FFFFFFF
    out = replace(b.data, n.len_at, n.len_at + 4, struct.pack("<i", length))
    return out, n.start, {"left": len(out) - (n.len_at + 4)}


@kind("too-deep", variants=(None, "huge"))
def too_deep(b, v):
    n = b.pick_leaf()
    levels = MAX_DEPTH + 5 - n.depth if v is None else 200000
    new = b")\x01" * levels + b"N"
    # The root is the first level, so the first object refused is the one at
    # depth MAX_DEPTH counting the root as 0.
    return replace(b.data, n.start, n.end, new), n.start + 2 * (MAX_DEPTH - n.depth), {}


@kind("bad-code-field")
def bad_code_field(b, v):
    code, _ = b.pick_code()
    n = code.fields["code"]
    payload = b.data[n.payload:n.end]
    new = bytes([ord("u") | (FLAG_REF if n.flag else 0)]) + struct.pack("<i", len(payload)) + payload
    return replace(b.data, n.start, n.end, new), n.start, {}


@kind("odd-code-length")
def odd_code_length(b, v):
    code, _ = b.pick_code()
    n = code.fields["code"]
    payload = b.data[n.payload:n.end] + b"\0"
    new = bytes([b.data[n.start]]) + struct.pack("<i", len(payload)) + payload
    return replace(b.data, n.start, n.end, new), n.start, {}


@kind("empty-code")
def empty_code(b, v):
    code, _ = b.pick_code()
    n = code.fields["code"]
    new = bytes([b.data[n.start]]) + struct.pack("<i", 0)
    return replace(b.data, n.start, n.end, new), n.start + 5, {}


# Counts that CPython's code constructor refuses (_PyCode_Validate): the
# tool names the code object. Each patches int fields, or the kinds of the
# locals, in place.

CO_VARARGS, CO_VARKEYWORDS = 0x4, 0x8
CO_FAST_LOCAL = 0x20


def patch_i32(data, at, value):
    return replace(data, at, at + 4, struct.pack("<i", value))


def locals_and_needed(b, code):
    """(locals that hold arguments, slots the arguments need) of \\p code."""
    kinds = b.s.field(code, "localspluskinds")
    local = sum(1 for k in b.data[kinds.payload:kinds.end] if k & CO_FAST_LOCAL)
    f = code.fields
    needed = (f["argcount"] + f["kwonlyargcount"] + bool(f["flags"] & CO_VARARGS)
              + bool(f["flags"] & CO_VARKEYWORDS))
    return local, needed


def pick_function(b):
    """The first code object that takes an argument."""
    code, _ = b.pick_code(lambda c, ins: c.fields["argcount"] > 0)
    return code


@kind("posonly-over-args")
def posonly_over_args(b, v):
    code = pick_function(b)
    n = code.fields["argcount"]
    out = patch_i32(b.data, code.field_at["posonlyargcount"], n + 1)
    return out, code.start, {"posonly": n + 1, "args": n}


@kind("negative-flags")
def negative_flags(b, v):
    code = pick_function(b)
    flags = (code.fields["flags"] | 0x80000000) & 0xFFFFFFFF
    out = replace(b.data, code.field_at["flags"], code.field_at["flags"] + 4,
                  struct.pack("<I", flags))
    return out, code.start, {"flags": f"{flags:#x}"}


@kind("varnames-too-small", variants=(None, "kwonly", "kinds"))
def varnames_too_small(b, v):
    """One argument more than the locals hold (positional by default, or
    keyword-only), or the same arguments with no kind of local marked
    CO_FAST_LOCAL."""
    if v == "kinds":
        def fits(c, ins):
            k = c.fields["localspluskinds"]
            return c.fields["argcount"] > 0 and k.type == "s" and k.payload is not None
        code, _ = b.pick_code(fits)
        kinds = code.fields["localspluskinds"]
        payload = bytes(k & ~CO_FAST_LOCAL for k in b.data[kinds.payload:kinds.end])
        out = replace(b.data, kinds.payload, kinds.end, payload)
        return out, code.start, {"locals": 0, "needed": locals_and_needed(b, code)[1]}
    code = pick_function(b)
    local, needed = locals_and_needed(b, code)
    name = "kwonlyargcount" if v == "kwonly" else "argcount"
    extra = local - needed + 1
    out = patch_i32(b.data, code.field_at[name], code.fields[name] + extra)
    return out, code.start, {"locals": local, "needed": needed + extra}


@kind("unknown-opcode")
def unknown_opcode_kind(b, v):
    code, ins = b.pick_code()
    number = unknown_opcode()
    out, at = b.overwrite(code, 0, [number, ins[0].arg & 0xFF])
    return out, at, {"opcode": number}


@kind("cache-as-instruction")
def cache_as_instruction(b, v):
    code, ins = b.pick_code()
    out, at = b.overwrite(code, 0, [opcode.opmap["CACHE"], 0])
    return out, at, {}


@kind("nonzero-cache")
def nonzero_cache(b, v):
    code, ins = b.pick_code(lambda c, ins: any(i.caches for i in ins))
    i = next(i for i in ins if i.caches)
    out, at = b.overwrite(code, i.unit + 1, b"\x01\x00")
    return out, at, {"op": opcode.opname[i.op]}


@kind("truncated-caches")
def truncated_caches(b, v):
    code, ins = b.pick_code(lambda c, ins: ins[-1].caches == 0 and ins[-1].start == ins[-1].unit)
    name = "LOAD_GLOBAL"
    out, at = b.overwrite(code, ins[-1].unit, [op(name), 0])
    return out, at, {"op": name, "caches": caches(op(name))}


@kind("too-many-extended-args")
def too_many_extended_args(b, v):
    code, ins = b.pick_code(lambda c, ins: ins[-1].end >= 5)
    out, at = b.overwrite(code, 0, [EXT, 0] * 4)
    return out, at, {}


@kind("extended-arg-at-end")
def extended_arg_at_end(b, v):
    code, ins = b.pick_code(lambda c, ins: ins[-1].caches == 0 and ins[-1].start == ins[-1].unit)
    out, at = b.overwrite(code, ins[-1].unit, [EXT, 1])
    return out, at, {}


@kind("jump-out-of-range", variants=(None, "backward"))
def jump_out_of_range(b, v):
    if v == "backward":
        code, ins = b.pick_code(lambda c, ins: ins[0].caches == 0)
        out, at = b.overwrite(code, 0, units((op("JUMP_BACKWARD_NO_INTERRUPT"), 5)))
        return out, at, {"op": "JUMP_BACKWARD_NO_INTERRUPT", "target": 1 - 5}
    code, ins = b.pick_code(lambda c, ins: ins[-1].caches == 0 and ins[-1].start == ins[-1].unit)
    last = ins[-1]
    out, at = b.overwrite(code, last.unit, units((op("JUMP_FORWARD"), 10)))
    return out, at, {"op": "JUMP_FORWARD", "target": last.unit + 1 + 10}


@kind("jump-into-middle")
def jump_into_middle(b, v):
    def fits(code, ins):
        return ins[0].caches == 0 and any(i.caches and i.unit < 255 for i in ins)
    code, ins = b.pick_code(fits)
    target = next(i for i in ins if i.caches).unit + 1
    out, at = b.overwrite(code, 0, units((op("JUMP_FORWARD"), target - 1)))
    return out, at, {"target": f"{b.code_payload(code) + 2 * target:#x}"}


def with_exception_table(b, code, table):
    """Replaces the exception table of \\p code; returns the new bytes and the
    offset of the new table's payload."""
    n = code.fields["exceptiontable"]
    out = replace_object(b.data, n, table)
    return out, n.start + 5


@kind("handler-out-of-range", variants=(None, "end"))
def handler_out_of_range(b, v):
    code, ins = b.pick_table_code("exceptiontable")
    size = ins[-1].end
    if v == "end":
        out, at = with_exception_table(b, code, exception_entry(0, size + 3, 0, 0))
        return out, at, {"end": size + 3, "units": size}
    out, at = with_exception_table(b, code, exception_entry(0, 1, size + 5, 0))
    return out, at, {"target": size + 5}


@kind("overlapping-handlers")
def overlapping_handlers(b, v):
    code, ins = b.pick_table_code("exceptiontable", lambda c, ins: ins[-1].end >= 3)
    first = exception_entry(0, 2, 0, 0)
    out, at = with_exception_table(b, code, first + exception_entry(1, 2, 0, 0))
    return out, at + len(first), {}


@kind("bad-exception-table", variants=(None, "unmarked", "interrupted"))
def bad_exception_table(b, v):
    code, ins = b.pick_table_code("exceptiontable")
    if v == "unmarked":
        table = b"\x00\x01\x00\x00"
    elif v == "interrupted":
        table = b"\x80\x41\x80\x00\x00"
    else:
        table = b"\x80\x01"
    out, at = with_exception_table(b, code, table)
    return out, at + {"unmarked": 0, "interrupted": 2}.get(v, 2), {}


@kind("handler-too-deep")
def handler_too_deep(b, v):
    code, ins = b.pick_table_code("exceptiontable", lambda c, ins: not c.fields["flags"] & 0x3A0)
    out, at = with_exception_table(b, code, exception_entry(0, 1, 0, 5 << 1))
    return out, b.code_payload(code), {"op": opcode.opname[ins[0].op]}


@kind("stack-underflow")
def stack_underflow(b, v):
    # Generators start with a value on the stack before 3.13; skip them.
    code, ins = b.pick_code(lambda c, ins: not c.fields["flags"] & 0x3A0 and ins[0].caches == 0)
    out, at = b.overwrite(code, 0, units((op("POP_TOP"), 0)))
    return out, at, {}


@kind("huge-argument")
def huge_argument(b, v):
    # BUILD_TUPLE pops its argument's worth of items: an argument near 2^32
    # must not wrap the stack depth around.
    code, ins = b.pick_code(lambda c, ins: any(j.start == 4 for j in ins))
    new = units((EXT, 0xFF), (EXT, 0xFF), (EXT, 0xFF), (op("BUILD_TUPLE"), 0xFF))
    out, at = b.overwrite(code, 0, new)
    return out, at + 6, {}  # messages name an instruction by its opcode unit


@kind("runs-off-end")
def runs_off_end(b, v):
    code, ins = b.pick_code(lambda c, ins: ins[-1].caches == 0 and ins[-1].start == ins[-1].unit)
    out, at = b.overwrite(code, ins[-1].unit, units((op("NOP"), 0)))
    return out, at, {}


def with_line_table(b, code, extra):
    n = code.fields["linetable"]
    old = b.data[b.s.resolve(n).payload:b.s.resolve(n).end]
    out = replace_object(b.data, n, old + extra)
    return out, n.start + 5 + len(old)


@kind("bad-linetable", variants=(None, "truncated", "no-header", "column"))
def bad_linetable(b, v):
    code, ins = b.pick_table_code("linetable")
    extra = {
        "truncated": b"\xf0",  # a long-form entry without its fields
        "no-header": b"\x00",
        # A long-form entry whose column, 2^33, fits no int32.
        "column": b"\xf0\x00\x00" + b"\x40" * 5 + b"\x08\x01",
    }.get(v, b"\xff")  # default: 8 more code units than there are
    out, at = with_line_table(b, code, extra)
    return out, at, {"units": ins[-1].end}


# --- valid files at the edges -----------------------------------------------------
#
# Not damaged: files at a limit that sleepy must accept and write back byte for
# byte. The corpus names them valid-*.

VALID_KINDS = set()


def valid_kind(name):
    VALID_KINDS.add(name)
    return kind(name)


def line_table_varint(v):
    out = bytearray()
    while v >= 64:
        out.append(0x40 | (v & 63))
        v >>= 6
    out.append(v)
    return bytes(out)


@valid_kind("nested-at-limit")
def nested_at_limit(b, v):
    # A constant nested as deep as marshal.c loads: the innermost object is
    # on the last level allowed.
    def in_consts(n):
        return n.parent is not None and n.parent.type in ")(" and n.parent.parent is not None \
            and n.parent.parent.type == "c" and n.parent.parent.fields["consts"] is n.parent
    n = b.pick_leaf(in_consts)
    new = b")\x01" * (MAX_DEPTH - 1 - n.depth) + b"N"
    return replace(b.data, n.start, n.end, new), n.start, {}


@valid_kind("extreme-line-numbers")
def extreme_line_numbers(b, v):
    # co_firstlineno of -2^31 and a first line 2^31 + 1 past it: line deltas
    # leave int32 range. The new table is laid out as sleepy's assembler lays
    # it out (3.11: an entry per instruction; later: one run for the code),
    # so the file comes back byte for byte.
    code, ins = b.pick_table_code("linetable")
    runs = [i.end - i.start for i in ins] if sys.version_info < (3, 12) else [ins[-1].end]
    table = bytearray()
    delta = 2 ** 31 + 1
    for run in runs:
        while run:
            n = min(run, 8)
            table.append(0x80 | (13 << 3) | (n - 1))  # no-column form
            table += line_table_varint(delta << 1)
            delta, run = 0, run - n
    n = code.fields["linetable"]
    out = replace_object(b.data, n, bytes(table))
    at = code.field_at["firstlineno"]
    out = replace(out, at, at + 4, struct.pack("<i", -2 ** 31))
    return out, at, {}


# --- driver --------------------------------------------------------------------------

SAMPLES = {
    "sample": '''
import sys

COUNT = 3

def f(xs):
    total = 0
    for x in xs:
        try:
            total += 10 // x
        except ZeroDivisionError:
            continue
    return total

def gen(n):
    for i in range(n):
        yield i * COUNT

class C:
    def method(self, y):
        def inner():
            return y + self.z
        return inner

async def co(a):
    async with a as b:
        await b
    return [x async for x in a]

def matcher(v):
    match v:
        case [1, *rest]:
            return rest
        case {"k": k}:
            return k
        case _:
            with open(v) as fh:
                return fh.read()
''',
    "empty": "",
    "big": "X = (" + ", ".join(str(k * 1000003) for k in range(300)) + ")\n"
           "def g(a):\n" + "".join(f"    a = a + {k} if a > {k} else a - {k}\n" for k in range(200))
           + "    return a\n",
}


def compile_sample(name, source):
    code = compile(source, name + ".py", "exec")
    flags = 1  # hash-based, unchecked: the bytes do not depend on the time
    return (importlib.util.MAGIC_NUMBER + struct.pack("<I", flags)
            + importlib.util.source_hash(source.encode()) + marshal.dumps(code))


def make(kind_spec, data):
    name, _, variant = kind_spec.partition(":")
    if name not in KINDS:
        raise SystemExit(f"make-bad-pyc: unknown kind {name!r} (see --list)")
    fn, _ = KINDS[name]
    return fn(Base(data), variant or None)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def corpus(outdir, goods):
    os.makedirs(outdir, exist_ok=True)
    bases = [(name, compile_sample(name, src)) for name, src in SAMPLES.items()]
    for g in goods:
        with open(g, "rb") as f:
            bases.append((os.path.splitext(os.path.basename(g))[0], f.read()))
    rng = random.Random(552)
    count = 0
    for base, data in bases:
        write(os.path.join(outdir, f"valid-{base}.pyc"), data)
        count += 1
        for name, (fn, variants) in KINDS.items():
            for v in variants:
                label = name if v is None else f"{name}-{v}"
                try:
                    out, _, _ = fn(Base(data), v)
                except Fail:
                    continue
                if name in VALID_KINDS:
                    label = f"valid-{base}-{label}.pyc"
                else:
                    label = f"{base}-{label}.pyc"
                write(os.path.join(outdir, label), out)
                count += 1
        # Random damage: a few flipped bytes, or a cut.
        for k in range(20):
            buf = bytearray(data)
            if k % 5 == 4:
                buf = buf[:rng.randrange(HEADER, len(buf))]
            else:
                for _ in range(1 + k % 3):
                    buf[rng.randrange(HEADER, len(buf))] = rng.randrange(256)
            write(os.path.join(outdir, f"{base}-random-{k}.pyc"), bytes(buf))
            count += 1
    print(f"wrote {count} files to {outdir}")


def main():
    args = sys.argv[1:]
    if sys.version_info < (3, 11):
        sys.exit("make-bad-pyc: run it with CPython 3.11 or later")
    if args == ["--list"]:
        for name, (_, variants) in KINDS.items():
            print(" ".join(name if v is None else f"{name}:{v}" for v in variants))
        return
    if len(args) == 2 and args[0] == "--load":
        with open(args[1], "rb") as f:
            data = f.read()
        try:
            marshal.loads(data[HEADER:])
            print("loads")
        except Exception as e:
            # Without the place in CPython's sources ("Objects/codeobject.c:250: bad
            # argument to internal function"), which moves from release to release.
            message = re.sub(r"^[\w/.]+:\d+: ", "", str(e))
            print(f"refused: {type(e).__name__}: {message}")
        return
    if len(args) >= 2 and args[0] == "--corpus":
        corpus(args[1], args[2:])
        return
    if len(args) != 3:
        sys.exit(__doc__)
    spec, good, out = args
    with open(good, "rb") as f:
        data = f.read()
    try:
        new, offset, facts = make(spec, data)
    except Fail as e:
        sys.exit(f"make-bad-pyc: {spec}: {good}: {e}")
    write(out, new)
    extra = "".join(f" {k}={v}" for k, v in facts.items())
    print(f"{spec} at {offset:#x}{extra}")


if __name__ == "__main__":
    main()
