#!/usr/bin/env python3
"""Identity check: rewrite a whole compiled stdlib with --passes=none and compare.

Run it with the interpreter whose stdlib to check:

    python3.12 bench/identity.py [--tool build/bin/sleepy-rewrite] [--lib DIR] [--sample N]

Every .pyc of the interpreter's stdlib (Lib/test included, site-packages and
optimized caches excluded) is rewritten by `sleepy-rewrite --passes=none`, and
each output is loaded with this interpreter's marshal and compared with its
input:

  equal   the code objects compare equal (==, as CPython compares them)
  strict  equal, and so are the fields == ignores (stacksize, qualname,
          filename, name, flags, kinds of locals) in every nested code object
  bytes   the output file is byte for byte the input

Prints `equal=A/N strict=B/N bytes=C/N`, then the first differences found.
Exits 1 unless every file is equal.
"""

import argparse
import marshal
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TOOL = os.path.join(HERE, "..", "build", "bin", "sleepy-rewrite")
FIELDS = ("co_argcount", "co_posonlyargcount", "co_kwonlyargcount", "co_stacksize",
          "co_flags", "co_code", "co_names", "co_varnames", "co_freevars", "co_cellvars",
          "co_filename", "co_name", "co_qualname", "co_firstlineno", "co_linetable",
          "co_exceptiontable")


def stdlib_pycs(lib, tag):
    out = []
    for root, dirs, files in os.walk(lib):
        dirs[:] = sorted(d for d in dirs if d != "site-packages")
        if os.path.basename(root) != "__pycache__":
            continue
        for f in sorted(files):
            if f.endswith(f".{tag}.pyc"):
                out.append(os.path.join(root, f))
    return out


def copy_tree(pycs, lib, dest):
    """Copies exactly these files of `lib` into a tree under `dest`, laid out
    as in `lib` (the tool takes a directory). Returns the copies' paths, in
    the order of `pycs`. A timed comparison reads these on both sides: links
    would make one side resolve a link per file that the other does not."""
    copies = []
    for p in pycs:
        q = os.path.join(dest, os.path.relpath(p, lib))
        os.makedirs(os.path.dirname(q), exist_ok=True)
        shutil.copyfile(p, q)
        copies.append(q)
    return copies


def rewrite_program(tool, name, work):
    """Rewrites bench/programs/NAME.py into WORK/out with this interpreter.
    Returns (out, the rewritten .pyc)."""
    out = os.path.join(work, "out")
    subprocess.run([tool, f"--python={sys.executable}",
                    os.path.join(HERE, "programs", name + ".py"), "-o", out], check=True)
    return out, os.path.join(out, name + ".pyc")


def output_name(lib, out, pyc):
    rel = os.path.relpath(pyc, lib)
    parts = rel.split(os.sep)
    assert parts[-2] == "__pycache__"
    mod = parts[-1].split(".")[0] + ".pyc"
    return os.path.join(out, os.path.basename(lib.rstrip(os.sep)), *parts[:-2], mod)


def strict_diff(a, b, path="<module>"):
    """The first field that differs between two code objects, or None."""
    for f in FIELDS:
        if getattr(a, f, None) != getattr(b, f, None):
            return f"{path}: {f}: {getattr(a, f, None)!r:.80} != {getattr(b, f, None)!r:.80}"
    if len(a.co_consts) != len(b.co_consts):
        return f"{path}: co_consts length"
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, types.CodeType):
            d = strict_diff(x, y, f"{path}.{x.co_name}")
            if d:
                return d
        elif type(x) is not type(y) or (x != y and x == x):
            return f"{path}: constant {x!r:.60} != {y!r:.60}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--lib", default=sysconfig.get_paths()["stdlib"])
    ap.add_argument("--sample", type=int, default=0, help="check N files chosen at random")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", type=int, default=0)
    ap.add_argument("--keep", help="write the output here and keep it")
    args = ap.parse_args()

    tag = sys.implementation.cache_tag
    pycs = stdlib_pycs(args.lib, tag)
    if args.sample:
        random.Random(args.seed).shuffle(pycs)
        pycs = sorted(pycs[: args.sample])
    if not pycs:
        sys.exit(f"identity: no {tag} .pyc files under {args.lib}")
    out = args.keep or tempfile.mkdtemp(prefix="sleepy-identity-")
    try:
        # The tool mirrors a directory input; give it a tree of the sample.
        stage = tempfile.mkdtemp(prefix="sleepy-identity-in-")
        src = os.path.join(stage, os.path.basename(args.lib.rstrip(os.sep)))
        for p in pycs:
            dst = os.path.join(src, os.path.relpath(p, args.lib))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.symlink(p, dst)
        cmd = [args.tool, "--passes=none", src, "-o", out]
        if args.j:
            cmd.append(f"-j{args.j}")
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        shutil.rmtree(stage)
        errors = proc.stderr.strip().splitlines()

        equal = strict = same_bytes = nan_files = 0
        problems = []
        for p in pycs:
            q = output_name(src, out, os.path.join(src, os.path.relpath(p, args.lib)))
            try:
                with open(p, "rb") as f:
                    a_bytes = f.read()
                with open(q, "rb") as f:
                    b_bytes = f.read()
            except OSError as e:
                problems.append(f"{p}: no output ({e.strerror})")
                continue
            a = marshal.loads(a_bytes[16:])
            try:
                b = marshal.loads(b_bytes[16:])
            except Exception as e:
                problems.append(f"{p}: output does not load: {e}")
                continue
            # A code object holding a NaN constant is not == even to itself
            # (CPython compares constants by identity first); compare those
            # field by field, where NaN matches NaN.
            if a == marshal.loads(a_bytes[16:]):
                same = a == b
            else:
                nan_files += 1
                same = strict_diff(a, b) is None
            if same and a_bytes[:16] == b_bytes[:16]:
                equal += 1
                d = strict_diff(a, b)
                if d is None:
                    strict += 1
                else:
                    problems.append(f"{p}: not strictly equal: {d}")
            else:
                problems.append(f"{p}: not equal: {strict_diff(a, b)}")
            same_bytes += a_bytes == b_bytes
        n = len(pycs)
        print(f"CPython {sys.version.split()[0]}: {args.lib}")
        print(f"equal={equal}/{n} strict={strict}/{n} bytes={same_bytes}/{n} "
              f"tool_errors={len(errors)} time={elapsed:.2f}s")
        if nan_files:
            print(f"  ({nan_files} files hold NaN constants, which are never ==; "
                  "those were compared field by field)")
        for line in (errors + problems)[:20]:
            print("  " + line)
        sys.exit(0 if equal == n and not errors else 1)
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
