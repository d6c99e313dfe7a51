"""Which code is rewritten, and what the rewriter said about it.

A rewritten .pyc holds two marshalled objects: the module's code object, which
the import system reads, and a trailer after it, which only this module reads
(format in lib/rewrite/Trailer.cpp). For each function with call sites the
trailer gives its resume twin, its slots and its sites; for every code object
a hash, so that a snapshot taken with other code is refused.
"""

import marshal
import os
import sys
import types

_TAG = b"sleepy"
_FORMAT = 1
_FOOTER = b"SLEEPY01"  # the last bytes of every rewritten .pyc


class Site:
    __slots__ = ("index", "kind", "start", "end", "rstart", "rend", "depth",
                 "shape", "callee")

    def __init__(self, index, raw):
        (self.kind, self.start, self.end, self.rstart, self.rend, self.depth,
         self.shape, self.callee) = raw
        self.index = index


class Entry:
    """What the trailer says of one rewritten code object."""

    __slots__ = ("index", "twin_code_bytes", "extra_consts", "extra_names",
                 "twin_exceptiontable", "twin_linetable", "twin_stacksize", "delta",
                 "slots", "sites", "_twin")

    def __init__(self, raw):
        (self.index, self.twin_code_bytes, self.extra_consts, self.extra_names,
         self.twin_exceptiontable, self.twin_linetable, self.twin_stacksize,
         self.delta, slots, sites) = raw
        self.slots = slots
        self.sites = [Site(k, s) for k, s in enumerate(sites)]
        self._twin = None

    def site_at(self, lasti_units, in_twin):
        """The site whose call (or, in a twin, whose resume call) covers the
        code unit `lasti_units`."""
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
        """The resume twin of `normal`, made once."""
        if self._twin is None:
            flags = normal.co_flags & ~(0x04 | 0x08)  # no *args, **kwargs
            self._twin = normal.replace(
                co_code=self.twin_code_bytes,
                co_consts=normal.co_consts + tuple(self.extra_consts),
                co_names=normal.co_names + tuple(self.extra_names),
                co_exceptiontable=self.twin_exceptiontable,
                co_linetable=self.twin_linetable,
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
        if (not isinstance(trailer, tuple) or len(trailer) != 5 or trailer[0] != _TAG
                or trailer[1] != _FORMAT):
            raise ValueError(f"{path}: not a sleepy-rewritten .pyc")
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


def read_info(path, data=None):
    """The ModuleInfo of the .pyc at `path` (cached), or None if it is not
    rewritten."""
    try:
        key = (path, os.stat(path).st_mtime_ns) if data is None else (path, hash(data))
    except OSError:
        return None
    info = _by_path.get(key)
    if info is None:
        try:
            if data is None:
                with open(path, "rb") as f:
                    # Most modules are not rewritten: look at the footer first.
                    f.seek(-len(_FOOTER), 2)
                    if f.read() != _FOOTER:
                        raise ValueError("not rewritten")
                    f.seek(0)
                    data = f.read()
            info = ModuleInfo(path, data)
        except (OSError, ValueError, EOFError, TypeError):
            info = False
        _by_path[key] = info
    return info or None


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


def info_for_globals(g):
    """ModuleInfo of the module whose globals are `g`, or None."""
    name = g.get("__name__")
    module = sys.modules.get(name) if isinstance(name, str) else None
    if module is None or getattr(module, "__dict__", None) is not g:
        return None
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
