#!/usr/bin/env python3
"""Cost of rewritten code that does not suspend.

    python3.11 bench/overhead.py [--tool build/bin/sleepy-rewrite] [--rounds 7]

Each program of bench/suite is compiled by this interpreter and rewritten by
sleepy-rewrite (default passes). Both versions run in fresh processes,
alternating, `--rounds` times each; every program times its own work (start-up
excluded) and the median is taken. Prints the ratio rewritten/original per
program, their geometric mean and the worst. Goals: geomean <= 1.02, worst
<= 1.05.

With --instructions, each version runs once under valgrind (callgrind) and
the figures are the instructions it executed, less those of an interpreter
that starts and exits: exact and repeatable on a busy machine, blind to
cache and branch effects.

With --under-sleepy, the rewritten version runs as `python -m sleepy run`
(as a program that may be suspended runs): that adds what the runtime puts
in place while a program runs under it; with --python-drivers too, the
Python folds of sum, min, max, any, all and sorted over generators
(runtime/sleepy/_drivers.py).
"""
import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from identity import DEFAULT_TOOL  # noqa: E402


RUNTIME = os.path.join(HERE, "..", "runtime")


def command(python, pyc, under_sleepy):
    """`under_sleepy`: False, or the options of `python -m sleepy run`."""
    if under_sleepy is False:
        return [python, pyc]
    return [python, "-m", "sleepy", "run", *under_sleepy, pyc]


def timed(python, pyc, env, under_sleepy=False):
    p = subprocess.run(command(python, pyc, under_sleepy), capture_output=True, text=True,
                       env=env, check=True)
    m = re.search(r"time=([\d.]+) result=(.*)", p.stdout)
    return float(m.group(1)), m.group(2)


def instructions(python, pyc, env, under_sleepy=False):
    """Instructions executed by `python pyc` (callgrind), and its result."""
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        *command(python, pyc, under_sleepy)], capture_output=True, text=True,
                       env=env, check=True)
    count = int(re.search(r"Collected : (\d+)", p.stderr).group(1))
    m = re.search(r"result=(.*)", p.stdout)
    return count, m.group(1) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions under valgrind instead of timing")
    ap.add_argument("--under-sleepy", action="store_true",
                    help="run the rewritten version as `python -m sleepy run`")
    ap.add_argument("--python-drivers", action="store_true",
                    help="with --under-sleepy: `run --python-drivers`")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        sys.exit("overhead: --instructions needs valgrind (apt-get install valgrind)")
    suite = os.path.join(HERE, "suite")
    names = args.names or sorted(f[:-3] for f in os.listdir(suite) if f.endswith(".py"))
    work = tempfile.mkdtemp(prefix="sleepy-overhead-")
    try:
        orig = os.path.join(work, "orig")
        os.makedirs(orig)
        import py_compile
        for n in names:
            py_compile.compile(os.path.join(suite, n + ".py"), cfile=os.path.join(orig, n + ".pyc"),
                               doraise=True)
        # A program that starts and exits: the start-up to subtract.
        with open(os.path.join(work, "empty.py"), "w") as f:
            f.write("import time\n")
        py_compile.compile(os.path.join(work, "empty.py"), cfile=os.path.join(orig, "empty.pyc"),
                           doraise=True)
        rew = os.path.join(work, "rewritten")
        subprocess.run([args.tool, f"--python={sys.executable}", "-o", rew,
                        *[os.path.join(orig, n + ".pyc") for n in names + ["empty"]]],
                       check=True)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([rew, os.path.abspath(RUNTIME)]),
                   PYTHONHASHSEED="0")
        under = (["--python-drivers"] if args.python_drivers else []) \
            if args.under_sleepy else False
        ratios = []
        if args.instructions:
            base, _ = instructions(sys.executable, os.path.join(orig, "empty.pyc"), env)
            # (Under sleepy, its start-up too: the runtime's imports.)
            base_rew = instructions(sys.executable, os.path.join(rew, "empty.pyc"), env,
                                    under)[0] if under is not False else base
            print(f"CPython {sys.version.split()[0]}, millions of instructions "
                  f"(start-up, {base / 1e6:.0f}M, subtracted)")
            print(f"{'program':<12} {'original':>10} {'rewritten':>10} {'ratio':>7}")
            for n in names:
                a, ra = instructions(sys.executable, os.path.join(orig, n + ".pyc"), env)
                b, rb = instructions(sys.executable, os.path.join(rew, n + ".pyc"), env, under)
                b -= base_rew - base
                if ra != rb:
                    sys.exit(f"{n}: the rewritten program computed something else: {ra} {rb}")
                ratio = (b - base) / (a - base)
                ratios.append(ratio)
                print(f"{n:<12} {(a - base) / 1e6:>10.1f} {(b - base) / 1e6:>10.1f} {ratio:>7.3f}")
            geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            print(f"geomean={geo:.3f} worst={max(ratios):.3f}")
            return
        print(f"CPython {sys.version.split()[0]}, {args.rounds} rounds, median seconds"
              + (", rewritten under `python -m sleepy run`" if under is not False else ""))
        print(f"{'program':<12} {'original':>10} {'rewritten':>10} {'ratio':>7}")
        for n in names:
            a, b = [], []
            for r in range(args.rounds):
                order = [(orig, a), (rew, b)] if r % 2 == 0 else [(rew, b), (orig, a)]
                results = set()
                for d, into in order:
                    t, res = timed(sys.executable, os.path.join(d, n + ".pyc"), env,
                                   under if d == rew else False)
                    into.append(t)
                    results.add(res)
                if len(results) != 1:
                    sys.exit(f"{n}: the rewritten program computed something else: {results}")
            ma, mb = statistics.median(a), statistics.median(b)
            ratios.append(mb / ma)
            print(f"{n:<12} {ma:>10.4f} {mb:>10.4f} {mb / ma:>7.3f}")
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"geomean={geo:.3f} worst={max(ratios):.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
