"""Which code is rewritten, and what the rewriter said about it.

A rewritten .pyc holds two marshalled objects: the module's code object, which
the import system reads, and a trailer after it, which only this module reads
(format in lib/rewrite/Trailer.cpp). For each function with call sites the
trailer gives its resume twin, its slots and its sites; for every code object
a hash, so that a snapshot taken with other code is refused.
"""

import marshal
import os
import struct
import sys
import types

_TAG = b"sleepy"
_FORMAT = 2  # 2: bare sites (kind in upper case)
_FOOTER = b"SLEEPY01"  # the last bytes of every rewritten .pyc


_SITE = struct.Struct("<BIIIIHH")
_KINDS = {"c": "call", "a": "attr", "i": "iter", "s": "send", "y": "yield", "e": "entry"}


class Site:
    __slots__ = ("index", "kind", "bare", "start", "end", "rstart", "rend", "depth",
                 "shape", "callee")

    def __init__(self, index, kind, start, end, rstart, rend, depth, shape, callee):
        self.index = index
        # A bare site has no capture handler: the frame is read directly.
        self.bare = chr(kind).isupper()
        self.kind = _KINDS[chr(kind).lower()]
        self.start, self.end, self.rstart, self.rend = start, end, rstart, rend
        self.depth = depth
        self.shape = shape
        self.callee = callee


def localsplus(code):
    """The frame's slots in localsplus order: (name, kind) with kind l
    (a local), c (a cell; an argument that is a cell shares its slot) or f (a
    free variable)."""
    cells = set(code.co_cellvars)
    slots = [(n, "c" if n in cells else "l") for n in code.co_varnames]
    varnames = set(code.co_varnames)
    slots += [(n, "c") for n in code.co_cellvars if n not in varnames]
    slots += [(n, "f") for n in code.co_freevars]
    return slots


def _varint_items(data):
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


def _shift_table(table, prefix, delta):
    """co_exceptiontable with every offset from `prefix` on moved by
    `delta` code units."""
    items = _varint_items(table)
    out = bytearray()
    for k in range(0, len(items), 4):
        start, length, target, depth_lasti = items[k:k + 4]
        end = start + length
        start += delta if start >= prefix else 0
        end += delta if end > prefix else 0
        target += delta if target >= prefix else 0
        out += _varint(start, True) + _varint(end - start, False)
        out += _varint(target, False) + _varint(depth_lasti, False)
    return bytes(out)


def _split_linetable(table, units):
    """The byte offset in a 3.11+ co_linetable where code unit `units`
    starts (an entry boundary: entries never span two instructions)."""
    covered, i = 0, 0
    while i < len(table) and covered < units:
        covered += (table[i] & 7) + 1
        i += 1
        while i < len(table) and not table[i] & 128:
            i += 1
    return i


class Entry:
    """What the trailer says of one rewritten code object."""

    __slots__ = ("index", "code", "exceptiontable", "linetable", "extra_consts",
                 "extra_names", "twin_stacksize", "delta", "prefix", "callees",
                 "sites", "slots", "_twin")

    def __init__(self, raw):
        (self.index, self.code, self.exceptiontable, self.linetable, self.extra_consts,
         self.extra_names, self.twin_stacksize, self.delta, self.prefix, packed,
         shapes, self.callees) = raw
        self.sites = []
        at = 0
        for k, (kind, start, end, rstart, rend, depth, callee) in enumerate(
                _SITE.iter_unpack(packed)):
            self.sites.append(Site(k, kind, start, end, rstart, rend, depth,
                                   shapes[at:at + depth],
                                   None if callee == 0xFFFF else self.callees[callee]))
            at += depth
        self._twin = None

    def site_at(self, lasti_units, in_twin):
        """The site whose instructions (or, in a twin, whose resume call)
        cover the code unit `lasti_units`."""
        for s in self.sites:
            if in_twin:
                if s.rstart <= lasti_units < s.rend:
                    return s
                if s.start <= lasti_units - self.delta < s.end:
                    return s
            elif s.start <= lasti_units < s.end:
                return s
        return None

    def twin(self, normal):
        """The resume twin of `normal`, made once: the normal code with, at
        `prefix`, a jump to the dispatcher appended after it."""
        if self._twin is None:
            import opcode
            code = normal.co_code
            units = len(code) // 2
            arg = units - self.prefix
            jump = bytearray()
            for shift in range(8 * (self.delta - 1), 0, -8):
                jump += bytes([opcode.EXTENDED_ARG, (arg >> shift) & 255])
            jump += bytes([opcode.opmap["JUMP_FORWARD"], arg & 255])
            p = 2 * self.prefix
            twin_code = code[:p] + bytes(jump) + code[p:] + self.code
            table = _shift_table(normal.co_exceptiontable, self.prefix, self.delta)
            cut = _split_linetable(normal.co_linetable, self.prefix)
            none = bytes([0x80 | (15 << 3) | (self.delta - 1)])
            lines = (normal.co_linetable[:cut] + none + normal.co_linetable[cut:]
                     + self.linetable)
            flags = normal.co_flags & ~(0x04 | 0x08)  # no *args, **kwargs
            self._twin = normal.replace(
                co_code=twin_code,
                co_consts=normal.co_consts + tuple(self.extra_consts),
                co_names=normal.co_names + tuple(self.extra_names),
                co_exceptiontable=table + self.exceptiontable,
                co_linetable=lines,
                co_stacksize=self.twin_stacksize,
                co_argcount=0, co_posonlyargcount=0, co_kwonlyargcount=0,
                co_flags=flags)
        return self._twin


class ModuleInfo:
    """The rewritten code of one .pyc file."""

    def __init__(self, path, data):
        self.path = path
        self.data = data
        import io
        f = io.BytesIO(data)
        f.seek(16)
        self.module_code = marshal.load(f)
        trailer = marshal.load(f)
        if not isinstance(trailer, tuple) or len(trailer) != 5 or trailer[0] != _TAG:
            raise ValueError(f"{path}: not a sleepy-rewritten .pyc")
        if trailer[1] != _FORMAT:
            raise ValueError(f"{path}: rewritten by another version of sleepy-rewrite "
                             f"(trailer format {trailer[1]}, this runtime reads {_FORMAT}); "
                             "rewrite it again")
        if tuple(trailer[2]) != sys.version_info[:2]:
            raise ValueError(f"{path}: rewritten for CPython {trailer[2][0]}.{trailer[2][1]}, "
                             f"this is {sys.version_info[0]}.{sys.version_info[1]}")
        self.hashes = trailer[4]
        # Code objects in the order marshal reads them: children first.
        self.codes = []
        self._collect(self.module_code, set())
        if len(self.codes) != len(self.hashes):
            raise ValueError(f"{path}: trailer describes {len(self.hashes)} code objects, "
                             f"the module has {len(self.codes)}")
        self.entries = {e[0]: Entry(e) for e in trailer[3]}
        for idx, entry in self.entries.items():
            entry.slots = localsplus(self.codes[idx])
        self._index = {}
        for k, code in enumerate(self.codes):
            self._index.setdefault(code, k)
        self._twins = {}

    def _collect(self, code, seen):
        if id(code) in seen:
            return
        seen.add(id(code))
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                self._collect(c, seen)
        self.codes.append(code)

    def lookup(self, code):
        """(index, is_twin) of a live code object, or None."""
        k = self._index.get(code)
        if k is not None:
            return k, False
        k = self._twins.get(code)
        if k is not None:
            return k, True
        # Twins are made on demand; make them all once.
        for idx, entry in self.entries.items():
            self._twins.setdefault(entry.twin(self.codes[idx]), idx)
        k = self._twins.get(code)
        return (k, True) if k is not None else None

    def twin_code(self, index):
        return self.entries[index].twin(self.codes[index])


_by_path = {}
_unreadable = {}  # path -> why a .pyc that sleepy-rewrite wrote cannot be used


def read_info(path, data=None):
    """The ModuleInfo of the .pyc at `path` (cached), or None if it is not
    rewritten or cannot be read (then unreadable() says why)."""
    try:
        key = (path, os.stat(path).st_mtime_ns) if data is None else (path, hash(data))
    except OSError:
        return None
    info = _by_path.get(key)
    if info is None:
        info = False
        try:
            if data is None:
                with open(path, "rb") as f:
                    # Most modules are not rewritten: look at the footer first.
                    f.seek(-len(_FOOTER), 2)
                    if f.read() == _FOOTER:
                        f.seek(0)
                        data = f.read()
            if data is not None:
                info = ModuleInfo(path, data)
                _unreadable.pop(path, None)
        except (OSError, ValueError, EOFError, TypeError) as e:
            if data is not None:
                _unreadable[path] = str(e)
        _by_path[key] = info
    return info or None


def unreadable(g):
    """Why the rewritten .pyc of the module whose globals are `g` cannot be
    used, or None."""
    name = module_name(g)
    path = module_pyc(sys.modules[name]) if name is not None else None
    return _unreadable.get(path) if path else None


def module_pyc(module):
    """The .pyc file a module was loaded from, or None."""
    path = getattr(module, "__sleepy_pyc__", None)
    if path:
        return path
    for attr in ("__cached__", "__file__"):
        p = getattr(module, attr, None)
        if isinstance(p, str) and p.endswith(".pyc"):
            return os.path.abspath(p)
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None) if spec else None
    if isinstance(origin, str) and origin.endswith(".pyc"):
        return origin
    cached = getattr(spec, "cached", None) if spec else None
    if isinstance(cached, str) and cached.endswith(".pyc"):
        return cached
    return None


def module_name(g):
    """The name in sys.modules of the module whose globals are `g`, or None.
    Its spec's name first: a module may set its own __name__
    (_collections_abc calls itself collections.abc)."""
    spec = g.get("__spec__")
    for name in (getattr(spec, "name", None), g.get("__name__")):
        if isinstance(name, str):
            module = sys.modules.get(name)
            if module is not None and getattr(module, "__dict__", None) is g:
                return name
    return None


def info_for_globals(g):
    """ModuleInfo of the module whose globals are `g`, or None."""
    name = module_name(g)
    if name is None:
        return None
    module = sys.modules[name]
    path = module_pyc(module)
    if path is None:
        return None
    if name == "__main__" and getattr(module, "__sleepy_main_bytes__", None):
        return read_info(path, module.__sleepy_main_bytes__)
    return read_info(path)


def locate(code, g):
    """(ModuleInfo, index, is_twin) of a code object running with globals
    `g`, or None if it is not rewritten code."""
    info = info_for_globals(g)
    if info is None:
        return None
    found = info.lookup(code)
    if found is None:
        return None
    return info, found[0], found[1]
