#!/usr/bin/env python3
"""What a snapshot costs, against pickle on the same objects.

    python3.11 bench/snapshot_cost.py [--tool build/bin/sleepy-rewrite] [--rounds 5]

bench/programs/bigstate.py holds 200,000 entries: a dict of lists, then
(STATE=objects) a dict of instances of a class of its own. For each, in one
run, medians over the rounds:

  suspend  from the suspend() call to the end of the process (fork, unwind,
           pickle, write, fsync, rename)     vs  pickle.dump of the dict to a file
  size     the snapshot file                 vs  that pickle
  resume   `python -m sleepy resume` from start until the program runs again
                                             vs  a fresh interpreter running the
                                                 program's imports and loading
                                                 the pickle

Goals: each ratio at most 1.2.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from identity import DEFAULT_TOOL, rewrite_program  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sleepy-cost-")
    try:
        out, prog = rewrite_program(args.tool, "bigstate", work)
        env = dict(os.environ, PYTHONPATH=out)
        print(f"CPython {sys.version.split()[0]}, {args.rounds} rounds (medians)")
        for state in ("lists", "objects"):
            measure(state, dict(env, STATE=state), prog, work, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(state, env, prog, work, rounds):
    snap = os.path.join(work, "snap")
    pick = os.path.join(work, "data.pickle")
    rows = {k: [] for k in ("suspend", "dump", "size", "psize", "resume", "load")}
    for _ in range(rounds):
        p = subprocess.run([sys.executable, prog], env=dict(env, BASELINE=pick),
                           capture_output=True, text=True, check=True)
        m = re.search(r"dump=([\d.]+) size=(\d+)", p.stdout)
        rows["dump"].append(float(m.group(1)))
        rows["psize"].append(int(m.group(2)))
        p = subprocess.Popen([sys.executable, "-m", "sleepy", "run", "--snapshot", snap, prog],
                             env=env, stdout=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        p.wait()
        end = time.time()
        assert p.returncode == 75, p.returncode
        rows["suspend"].append(end - float(line.split("=")[1]))
        rows["size"].append(os.path.getsize(snap))
        start = time.time()
        p = subprocess.run([sys.executable, "-m", "sleepy", "resume", snap], env=env,
                           capture_output=True, text=True, check=True)
        rows["resume"].append(float(re.search(r"resumed_at=([\d.]+)", p.stdout).group(1))
                              - start)
        start = time.time()
        p = subprocess.run([sys.executable, prog], env=dict(env, LOAD=pick),
                           capture_output=True, text=True, check=True)
        rows["load"].append(float(p.stdout.split("=")[1]) - start)
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"{state}:")
    print(f"  suspend {med['suspend']:.3f} s   pickle.dump {med['dump']:.3f} s   "
          f"ratio={med['suspend'] / med['dump']:.2f}")
    print(f"  snapshot {med['size'] / 1e6:.2f} MB   pickle {med['psize'] / 1e6:.2f} MB   "
          f"ratio={med['size'] / med['psize']:.2f}")
    print(f"  resume {med['resume']:.3f} s   start+imports+pickle.load {med['load']:.3f} s   "
          f"ratio={med['resume'] / med['load']:.2f}")


if __name__ == "__main__":
    main()
