#!/usr/bin/env python3
"""End-to-end: run each scenario program uninterrupted and interrupted, and
compare.

    run_scenarios.py --python python3.11 --tool build/bin/sleepy-rewrite [NAME...]

Every scenario (scenarios/*.py but support.py) is rewritten with the default
passes. Then:

1. the reference run: the rewritten program with SLEEPY_TEST=count, which
   never suspends and reports how many times pause() was called; the
   original program, run from its source, must print the same (unless the
   scenario has a `# original differs: WHY` line);
2. the interrupted run: SLEEPY_TEST=suspend makes every pause() suspend the
   program (exit status 75); each snapshot is resumed in a fresh process
   (`python -m sleepy resume`, from another working directory) until the
   program ends.

The concatenated output of the interrupted run must equal the reference
output, its exit status must be the reference's, and it must have been
suspended once per pause(). Scenarios whose first line is `# mode: expect`
instead run once and must print the lines of their `# expect:` comments
(regular expressions), in order.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")


def run(cmd, env, cwd, timeout=120):
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def check_roundtrip(name, python, out, work):
    env = dict(os.environ, PYTHONPATH=out, PYTHONHASHSEED="0")
    env.pop("SLEEPY_KEY", None)
    prog = os.path.join(out, name + ".pyc")
    rc, ref_out, ref_err = run([python, prog], dict(env, SLEEPY_TEST="count"), work)
    m = re.search(r"pauses=(\d+)", ref_err)
    if not m:
        return f"reference run printed no pause count (status {rc}):\n{ref_err[-2000:]}"
    expected = int(m.group(1))
    # The untouched program, from its source, must print the same: what the
    # rewriting adds changes nothing while no suspension happens.
    # A scenario that shows what only rewritten code can do says so in a
    # `# original differs: WHY` line.
    with open(os.path.join(SCENARIOS, name + ".py")) as f:
        exempt = "\n# original differs: " in f.read()
    rc0, orig_out, orig_err = run([python, "-B", os.path.join(SCENARIOS, name + ".py")],
                                  dict(env, SLEEPY_TEST="count"), work)
    if not exempt and (rc0, orig_out) != (rc, ref_out):
        import difflib
        diff = "".join(difflib.unified_diff(orig_out.splitlines(True), ref_out.splitlines(True),
                                            "original", "rewritten"))
        return (f"the rewritten program (status {rc}) does not run as the original "
                f"(status {rc0}):\n{diff}\n{orig_err[-2000:]}")
    snap = os.path.join(work, "snap")
    senv = dict(env, SLEEPY_TEST="suspend", SLEEPY_SNAPSHOT=snap)
    outputs = []
    # Start under the runtime's `run`, resume from elsewhere.
    rc, o, e = run([python, "-m", "sleepy", "run", prog], senv, work)
    outputs.append(o)
    suspensions = 0
    elsewhere = os.path.join(work, "elsewhere")
    os.makedirs(elsewhere, exist_ok=True)
    while rc == 75:
        suspensions += 1
        if suspensions > expected + 5:
            return f"more than {expected} suspensions"
        rc, o, e = run([python, "-m", "sleepy", "resume", snap], senv, elsewhere)
        outputs.append(o)
    got = "".join(outputs)
    problems = []
    if got != ref_out:
        import difflib
        diff = "".join(difflib.unified_diff(ref_out.splitlines(True), got.splitlines(True),
                                            "uninterrupted", "interrupted"))
        problems.append(f"output differs:\n{diff}")
    if rc != (0 if m else rc):
        problems.append(f"final status {rc}:\n{e[-3000:]}")
    if suspensions != expected:
        problems.append(f"{suspensions} suspensions, expected {expected}\n{e[-3000:]}")
    return "\n".join(problems) or None


def check_checkpoint(name, python, out, work):
    """checkpoint() at the first pause, waiting for the snapshot and then not
    (wait=False): the run goes on to the end (its output, less the marker
    printed where checkpoint() returned False, is the reference); resuming
    the snapshot prints what came after the marker."""
    problems = []
    for wait in ("1", "0"):
        sub = os.path.join(work, f"wait{wait}")
        os.makedirs(sub)
        p = _check_checkpoint(name, python, out, sub, wait)
        if p:
            problems.append(f"with wait={'True' if wait == '1' else 'False'}: {p}")
    return "\n".join(problems) or None


def _check_checkpoint(name, python, out, work, wait):
    env = dict(os.environ, PYTHONPATH=out, PYTHONHASHSEED="0", SLEEPY_TEST_WAIT=wait)
    prog = os.path.join(out, name + ".pyc")
    rc, ref_out, ref_err = run([python, prog], dict(env, SLEEPY_TEST="count"), work)
    snap = os.path.join(work, "snap")
    cenv = dict(env, SLEEPY_TEST="checkpoint", SLEEPY_SNAPSHOT=snap)
    rc1, o1, e1 = run([python, "-m", "sleepy", "run", prog], cenv, work)
    marker = "@@checkpoint@@\n"
    if marker not in o1:
        return f"no checkpoint was taken (status {rc1}):\n{o1}\n{e1[-3000:]}"
    before, after = o1.split(marker, 1)
    problems = []
    if before + after != ref_out or rc1 != rc:
        problems.append(f"the checkpointed run printed\n{o1}\ninstead of\n{ref_out}")
    if not os.path.exists(snap):
        problems.append("no snapshot on disk after checkpoint() returned")
    elsewhere = os.path.join(work, "elsewhere")
    os.makedirs(elsewhere, exist_ok=True)
    rc2, o2, e2 = run([python, "-m", "sleepy", "resume", snap], cenv, elsewhere)
    if o2 != after or rc2 != rc:
        problems.append(f"the resumed run printed (status {rc2})\n{o2}\ninstead of\n{after}"
                        f"\n{e2[-3000:]}")
    if "checkpoint returned True" not in e2:
        problems.append("checkpoint() did not return True in the resumed process")
    return "\n".join(problems) or None


def check_expect(name, python, out, work, source):
    env = dict(os.environ, PYTHONPATH=out, SLEEPY_TEST="suspend",
               SLEEPY_SNAPSHOT=os.path.join(work, "snap"))
    rc, o, e = run([python, os.path.join(out, name + ".pyc")], env, work)
    wanted = re.findall(r"^# expect: (.*)$", source, re.M)
    lines = o.splitlines()
    pos = 0
    for w in wanted:
        while pos < len(lines) and not re.fullmatch(w, lines[pos]):
            pos += 1
        if pos == len(lines):
            return f"no line matches {w!r} (status {rc}); output:\n{o}\n{e[-3000:]}"
        pos += 1
    if rc != 0:
        return f"status {rc}:\n{e[-3000:]}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", required=True)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    names = args.names or sorted(f[:-3] for f in os.listdir(SCENARIOS)
                                 if f.endswith(".py") and f != "support.py")
    tmp = tempfile.mkdtemp(prefix="sleepy-e2e-")
    try:
        out = os.path.join(tmp, "out")
        sources = [os.path.join(SCENARIOS, f) for f in os.listdir(SCENARIOS)
                   if f.endswith(".py")]
        p = subprocess.run([args.tool, f"--python={args.python}", *sources, "-o", out],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stderr)
            return 1
        failed = 0
        for name in names:
            work = os.path.join(tmp, "work-" + name)
            os.makedirs(work)
            with open(os.path.join(SCENARIOS, name + ".py")) as f:
                source = f.read()
            try:
                if source.startswith("# mode: expect"):
                    problem = check_expect(name, args.python, out, work, source)
                elif source.startswith("# mode: checkpoint"):
                    problem = check_checkpoint(name, args.python, out, work)
                else:
                    problem = check_roundtrip(name, args.python, out, work)
            except subprocess.TimeoutExpired:
                problem = "timed out"
            print(f"{'FAIL' if problem else 'ok  '} {name}")
            if problem:
                failed += 1
                print("    " + problem.replace("\n", "\n    "))
        print(f"{len(names) - failed}/{len(names)} scenarios passed")
        return 1 if failed else 0
    finally:
        if args.keep:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
