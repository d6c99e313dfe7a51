"""Which code is rewritten, and what the rewriter said about it.

A rewritten .pyc holds two marshalled objects: the module's code object, which
the import system reads, and a trailer after it, which only this module reads
(format in lib/rewrite/Trailer.cpp). For each function with call sites the
trailer gives its sites, from which _twin builds its resume twin when one of
its frames is resumed; for every code object a hash, so that a snapshot taken
with other code is refused.
"""

import importlib
import importlib.util
import marshal
import opcode
import os
import struct
import sys
import types

from . import _bytecode, _twin

_TAG = b"sleepy"
# CPython 3.11's (3.12 has no IMPORT_STAR: the runtime must still import
# there, to say that a snapshot is from another CPython).
_IMPORT_STAR = opcode.opmap.get("IMPORT_STAR", -1)
_IMPORT_NAME = opcode.opmap["IMPORT_NAME"]
_LOAD_CONST = opcode.opmap["LOAD_CONST"]
_FORMAT = 4  # 4: loop sites; 3: dispatchers built by the runtime (_twin); 2: bare sites
_FOOTER = b"SLEEPY01"  # the last bytes of every rewritten .pyc


_SITE = struct.Struct("<BIIHH")
_KINDS = {"c": "call", "a": "attr", "i": "iter", "s": "send", "y": "yield", "e": "entry",
          "o": "op", "l": "loop"}


class Site:
    __slots__ = ("index", "kind", "bare", "start", "end", "depth", "shape", "callee")

    def __init__(self, index, kind, start, end, depth, shape, callee):
        self.index = index
        # A bare site has no capture handler: the frame is read directly.
        self.bare = chr(kind).isupper()
        self.kind = _KINDS[chr(kind).lower()]
        self.start, self.end = start, end
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


def _provenances(data, code, slots):
    """The provenances of a trailer entry's callees (see Trailer.cpp) as
    tuples: ("g"|"n"|"l"|"d", name), ("a"|"m", base, name), ("c", index in
    co_consts), ("o", first, second) for an operator's operands, or None
    where not known."""
    out, i = [], 0

    def one():
        nonlocal i
        kind = chr(data[i])
        i += 1
        if kind == "?":
            return None
        if kind == "o":
            return ("o", one(), one())
        v = shift = 0
        while True:
            b = data[i]
            i += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if kind == "c":
            return ("c", v)
        if kind in "ld":
            return (kind, slots[v][0]) if v < len(slots) else None
        name = code.co_names[v] if v < len(code.co_names) else None
        if kind in "am":
            base = one()
            return (kind, base, name) if name is not None else None
        return (kind, name) if name is not None else None

    try:
        while i < len(data):
            out.append(one())
    except IndexError:  # cut short: what follows is not known
        pass
    return out


class Entry:
    """What the trailer says of one rewritten code object, `normal`."""

    __slots__ = ("index", "normal", "prefix", "delta", "callees", "sites", "slots",
                 "_twins")

    def __init__(self, raw, normal):
        self.index, self.prefix, packed, shapes, callees = raw
        self.normal = normal
        # In the twin, the normal code from `prefix` on comes `delta` code
        # units later (after the entry jump).
        self.delta = _twin.jump_size(len(normal.co_code) // 2, self.prefix)
        self.slots = localsplus(normal)
        self.callees = _provenances(callees, normal, self.slots)
        self.sites = []
        at = 0
        for k, (kind, start, end, depth, callee) in enumerate(_SITE.iter_unpack(packed)):
            self.sites.append(Site(k, kind, start, end, depth, shapes[at:at + depth],
                                   self.callees[callee] if callee < len(self.callees)
                                   else None))  # (0xFFFF: none)
            at += depth
        self._twins = {}

    def twin(self, site):
        """The resume twin (see _twin) that resumes at site number `site`,
        made once."""
        built = self._twins.get(site)
        if built is None:
            built = self._twins[site] = _twin.build(self.normal, self, site)
        return built

    def site_at(self, lasti_units, twin):
        """The site whose instructions (or, in `twin`, a _twin.Twin the
        frame runs, whose resume call) cover the code unit `lasti_units`."""
        resume = twin.resume if twin else {}
        for s in self.sites:
            if twin:
                region = resume.get(s.index)
                if region is not None and region[0] <= lasti_units < region[1]:
                    return s
                if s.start <= lasti_units - self.delta < s.end:
                    return s
            elif s.start <= lasti_units < s.end:
                return s
        # Stopped at a jump back, where a signal's handler runs: the loop
        # site whose NOP comes just before the jump's target.
        code = twin.code if twin else self.normal
        target = _bytecode.backward_jump_target(code.co_code, lasti_units)
        if target is not None:
            if twin:
                target -= self.delta
            for s in self.sites:
                if s.kind == "loop" and s.end == target:
                    return s
        return None


class _Entries:
    """A module's trailer entries by code index, each read when first asked
    for: a resume or a suspension looks at a few functions of a module
    whose trailer describes hundreds."""

    def __init__(self, raw, codes):
        # What could make reading an entry fail is checked here, where a
        # damaged trailer makes the whole module unreadable (read_info).
        for e in raw:
            if not (isinstance(e, tuple) and len(e) == 5 and isinstance(e[0], int)
                    and 0 <= e[0] < len(codes) and isinstance(e[2], bytes)
                    and len(e[2]) % _SITE.size == 0
                    and all(chr(k).lower() in _KINDS for k in e[2][::_SITE.size])
                    and isinstance(e[3], str) and isinstance(e[4], bytes)):
                raise ValueError(f"trailer entry {e[0] if isinstance(e, tuple) else e!r} "
                                 "is damaged")
        self._raw = {e[0]: e for e in raw}
        self._codes = codes
        self._read = {}

    def get(self, index, default=None):
        entry = self._read.get(index)
        if entry is None:
            raw = self._raw.get(index)
            if raw is None:
                return default
            entry = self._read[index] = Entry(raw, self._codes[index])
        return entry

    def __getitem__(self, index):
        entry = self.get(index)
        if entry is None:
            raise KeyError(index)
        return entry


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
        self.entries = _Entries(trailer[3], self.codes)
        self._index = {}
        for k, code in enumerate(self.codes):
            self._index.setdefault(code, k)
        self._twins = {}
        self._stars = None

    def _collect(self, code, seen):
        if id(code) in seen:
            return
        seen.add(id(code))
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                self._collect(c, seen)
        self.codes.append(code)

    def binds_at_top(self, name, package):
        """Whether importing the module binds `name` (a class its import
        makes again is bound there; one put into the module at run time, as
        enum's _convert_ or a `global` statement in a function does, is not):
        its top-level code names it, or it imports * from a module that has
        it. `package` resolves relative imports."""
        if name in self.module_code.co_names:
            return True
        for level, source in self._star_imports():
            if level:
                source = importlib.util.resolve_name("." * level + source, package)
            if hasattr(sys.modules.get(source), name):
                return True
        return False

    def _star_imports(self):
        """(level, module) of each `from module import *` at the top level
        (found once: the module's code does not change)."""
        if self._stars is None:
            code = self.module_code
            raw, consts = code.co_code, code.co_consts
            self._stars = [
                (consts[raw[i - 3]] if raw[i - 4] == _LOAD_CONST else 0,
                 code.co_names[raw[i + 1]])
                for i in range(4, len(raw) - 2, 2)
                if raw[i] == _IMPORT_NAME and raw[i + 2] == _IMPORT_STAR]
        return self._stars

    def lookup(self, code):
        """(index, twin) of a live code object, where twin is the
        _twin.Twin it is the code of (or None), or None."""
        k = self._index.get(code)
        if k is not None:
            return k, None
        # Twins exist only once made here (twin_code): no other code runs
        # them.
        return self._twins.get(code)

    def twin_code(self, index, site):
        """The code of the twin of code `index` that resumes at `site`."""
        twin = self.entries[index].twin(site)
        self._twins.setdefault(twin.code, (index, twin))
        return twin.code


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
        except (OSError, ValueError, EOFError, TypeError, IndexError, struct.error) as e:
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


_stdlib = None


def _stdlib_dirs():
    """The interpreter's stdlib directories, as configured and as real paths
    (computed once)."""
    global _stdlib
    if _stdlib is None:
        import sysconfig
        paths = sysconfig.get_paths()
        dirs = {paths[k] for k in ("stdlib", "platstdlib")}
        _stdlib = tuple({os.path.join(f(d), "") for d in dirs
                         for f in (os.path.abspath, os.path.realpath)})
    return _stdlib


def imported_afresh(name, module):
    """Whether the resumed process imports the module `name` afresh, its
    globals as its import makes them: a module of the interpreter's stdlib
    (rewritten or not; not site-packages), but the main module, which is
    the program wherever its code comes from."""
    path = getattr(module, "__file__", None)
    if name == "__main__" or not isinstance(path, str):
        return False
    path = os.path.abspath(path)
    return (path.startswith(_stdlib_dirs()) and os.sep + "site-packages" + os.sep not in path
            and os.sep + "dist-packages" + os.sep not in path)


def module(name):
    """The module `name`, imported if it is not yet."""
    found = sys.modules.get(name)
    if found is None:
        found = importlib.import_module(name)
    return found


def module_globals(name):
    return module(name).__dict__


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
    """(ModuleInfo, index, twin) of a code object running with globals `g`
    (twin: the _twin.Twin whose code it is, or None), or None if it is not
    rewritten code."""
    info = info_for_globals(g)
    if info is None:
        return None
    found = info.lookup(code)
    if found is None:
        return None
    return info, found[0], found[1]


def where(frame):
    """A frame as messages name it: file:line in qualified name."""
    code = frame.f_code
    return f"{code.co_filename}:{frame.f_lineno} in {code.co_qualname}"


def same_code(code, frame):
    """Does `frame` run `code` or its resume twin?"""
    if frame.f_code is code or frame.f_code == code:
        return True
    located = locate(frame.f_code, frame.f_globals)
    if located is None:
        return False
    info, index, _ = located
    return info.codes[index] == code
