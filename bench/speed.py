#!/usr/bin/env python3
"""Speed of the pass-through rewrite against CPython's own marshal round trip.

    python3.11 bench/speed.py [--tool build/bin/sleepy-rewrite] [--passes none] [--rounds 5]

Both sides process the same files, every .pyc of this interpreter's stdlib
(Lib/test included, site-packages and optimized caches excluded), copied into
the work directory (both read the copies), on one core:

  sleepy     `sleepy-rewrite STDLIB -o OUT --passes=none -j1`, the whole
             command (process start, reading, decoding every code object into
             a CFG, assembling, writing each file atomically)
  baseline   in this interpreter: read each file, marshal.loads,
             marshal.dumps, write the result

Rounds alternate between the two; the figures are the medians. Prints the
times and the ratio sleepy/baseline (the goal is at most 1.0), the median of
each round's own ratio (paired_ratio: the two sides of a round run back to
back, so a slow spell of the machine moves both), and the same for CPU time
(user + system; the tool's from the child's rusage, the baseline's from this
process), which a busy machine disturbs less.
"""
import argparse
import marshal
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from identity import DEFAULT_TOOL, copy_tree, output_name, stdlib_pycs  # noqa: E402


def cpu_self():
    t = os.times()
    return t.user + t.system


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_tool(cmd):
    """Runs `cmd`; returns (wall seconds, CPU seconds, the completed process)."""
    c0, t0 = cpu_children(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t0, cpu_children() - c0, proc


def baseline(pycs, outputs):
    """Reads, round-trips and writes each file to the output name the tool
    would use (making its directory), as the tool must. Returns (wall
    seconds, CPU seconds)."""
    c0, t0 = cpu_self(), time.perf_counter()
    made = set()
    for p, q in zip(pycs, outputs):
        with open(p, "rb") as f:
            data = f.read()
        code = marshal.loads(data[16:])
        d = os.path.dirname(q)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(q, "wb") as f:
            f.write(data[:16] + marshal.dumps(code))
    return time.perf_counter() - t0, cpu_self() - c0


def sleepy(tool, src, out, passes):
    wall, cpu, proc = run_tool([tool, f"--passes={passes}", "-j1", src, "-o", out])
    if proc.returncode != 0:
        sys.exit(f"speed: sleepy-rewrite failed:\n{proc.stderr[:2000]}")
    return wall, cpu


def paired_ratio(tool, base):
    """The median of the rounds' own ratios tool[r] / base[r]."""
    return statistics.median(t / b for t, b in zip(tool, base))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--lib", default=sysconfig.get_paths()["stdlib"])
    ap.add_argument("--passes", default="none")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--tmp", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                    help="where to write (default: /dev/shm, so disk noise stays out)")
    args = ap.parse_args()

    pycs = stdlib_pycs(args.lib, sys.implementation.cache_tag)
    size = sum(os.path.getsize(p) for p in pycs)
    work = tempfile.mkdtemp(prefix="sleepy-speed-", dir=args.tmp)
    try:
        src = os.path.join(work, "in", "lib")
        inputs = copy_tree(pycs, args.lib, src)
        times = {"sleepy": [], "baseline": []}
        cpu = {"sleepy": [], "baseline": []}
        for r in range(args.rounds):
            for which in (("sleepy", "baseline") if r % 2 == 0 else ("baseline", "sleepy")):
                out = os.path.join(work, f"out-{which}-{r}")
                os.makedirs(out)
                if which == "sleepy":
                    wall, c = sleepy(args.tool, src, out, args.passes)
                else:
                    outputs = [output_name(src, out, q) for q in inputs]
                    wall, c = baseline(inputs, outputs)
                times[which].append(wall)
                cpu[which].append(c)
                shutil.rmtree(out)
        s = statistics.median(times["sleepy"])
        b = statistics.median(times["baseline"])
        print(f"CPython {sys.version.split()[0]}: {len(pycs)} files, {size / 1e6:.1f} MB")
        print(f"sleepy-rewrite --passes={args.passes} -j1: {s:.3f} s "
              f"(rounds: {', '.join(f'{t:.3f}' for t in times['sleepy'])})")
        print(f"marshal.loads+dumps:                 {b:.3f} s "
              f"(rounds: {', '.join(f'{t:.3f}' for t in times['baseline'])})")
        print(f"ratio={s / b:.2f}")
        print(f"paired_ratio={paired_ratio(times['sleepy'], times['baseline']):.2f}")
        cs, cb = statistics.median(cpu["sleepy"]), statistics.median(cpu["baseline"])
        print(f"CPU time: sleepy-rewrite {cs:.3f} s, marshal {cb:.3f} s, cpu_ratio={cs / cb:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
