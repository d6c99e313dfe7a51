#!/usr/bin/env python3
"""How long checkpoint(wait=False) pauses the program, against the heap size.

    python3.11 bench/checkpoint_pause.py [--tool build/bin/sleepy-rewrite]

bench/programs/heap.py builds a heap of N MB (lists of small objects), then
times, in the same process: a bare os.fork() (child exits at once), and
checkpoint(wait=False), each a few times; the medians are printed with their
difference. Goal: the checkpoint's pause is under the fork's cost + 5 ms at
100 MB.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from identity import DEFAULT_TOOL, rewrite_program  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--sizes", default="10,50,100,200")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sleepy-pause-")
    try:
        out, prog = rewrite_program(args.tool, "heap", work)
        print(f"CPython {sys.version.split()[0]}, medians of 5, milliseconds")
        print(f"{'heap MB':>8} {'RSS MB':>7} {'fork':>7} {'checkpoint':>11} {'difference':>11}")
        for mb in [int(x) for x in args.sizes.split(",")]:
            p = subprocess.run([sys.executable, prog, str(mb)],
                               env=dict(os.environ, PYTHONPATH=out,
                                        SLEEPY_SNAPSHOT=os.path.join(work, "snap")),
                               capture_output=True, text=True, check=True)
            print(p.stdout.strip())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
