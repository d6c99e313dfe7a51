#!/usr/bin/env python3
"""Rewrite a whole compiled stdlib with the default passes: time and loads.

    python3.11 bench/stdlib_rewrite.py [--tool build/bin/sleepy-rewrite] [--rounds 3]

Every .pyc of this interpreter's stdlib (Lib/test included, site-packages and
optimized caches excluded) is rewritten by `sleepy-rewrite -j1` with the
default passes; in the same run, the baseline is marshal.loads + dumps of the
same files (bench/speed.py). Both read copies of the files in the work
directory. Then every output is loaded back with this
interpreter's marshal: the module's code object and the trailer after it.
Prints the times, the ratio (goal: at most 2.0), the median of each round's
own ratio (paired_ratio), the same for CPU time, `errors=` and `loaded=A/N`.
"""
import argparse
import marshal
import os
import shutil
import statistics
import sys
import sysconfig
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from identity import DEFAULT_TOOL, copy_tree, output_name, stdlib_pycs  # noqa: E402
from speed import baseline, paired_ratio, run_tool  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--lib", default=sysconfig.get_paths()["stdlib"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tmp", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    args = ap.parse_args()
    pycs = stdlib_pycs(args.lib, sys.implementation.cache_tag)
    work = tempfile.mkdtemp(prefix="sleepy-stdlib-", dir=args.tmp)
    try:
        src = os.path.join(work, "in", "lib")
        inputs = copy_tree(pycs, args.lib, src)
        tool_times, base_times, tool_cpu, base_cpu, errors = [], [], [], [], ""
        for r in range(args.rounds):
            out = os.path.join(work, f"out{r}")
            wall, cpu, p = run_tool([args.tool, "-j1", src, "-o", out])
            tool_times.append(wall)
            tool_cpu.append(cpu)
            errors = p.stderr
            base_out = os.path.join(work, f"b{r}")
            wall, cpu = baseline(inputs, [output_name(src, base_out, q)
                                          for q in inputs])
            base_times.append(wall)
            base_cpu.append(cpu)
        out = os.path.join(work, f"out{args.rounds - 1}")
        loaded = 0
        problems = []
        for p in inputs:
            q = output_name(src, out, p)
            try:
                with open(q, "rb") as f:
                    f.seek(16)
                    marshal.load(f)
                    trailer = marshal.load(f)
                assert trailer[0] == b"sleepy", "no trailer"
                loaded += 1
            except Exception as e:
                problems.append(f"{q}: {type(e).__name__}: {e}")
        t, b = statistics.median(tool_times), statistics.median(base_times)
        print(f"CPython {sys.version.split()[0]}: {len(pycs)} files")
        print(f"sleepy-rewrite (default passes) -j1: {t:.2f} s   marshal.loads+dumps: "
              f"{b:.2f} s   ratio={t / b:.2f}")
        print(f"paired_ratio={paired_ratio(tool_times, base_times):.2f} (each round's own "
              "ratio, median)")
        ct, cb = statistics.median(tool_cpu), statistics.median(base_cpu)
        print(f"CPU time: {ct:.2f} s against {cb:.2f} s, cpu_ratio={ct / cb:.2f}")
        print(f"errors={len(errors.splitlines())} loaded={loaded}/{len(pycs)}")
        for line in (errors.splitlines() + problems)[:10]:
            print("  " + line)
        return 0 if loaded == len(pycs) and not errors else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
