#!/usr/bin/env python3
"""A signal at random moments: `python -m sleepy run --suspend-on USR1`.

    SLEEPY_PYTHON=python3.11 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_signals.py [ROUNDS]

Runs programs/longjob.py, pagerank.py, vectors.py, genpipe.py, loops.py
and (with --python-drivers) folds.py uninterrupted, then
again under `--suspend-on USR1`, sending SIGUSR1 after a random delay to the
running process and to every process that resumes it, until the job ends.
The concatenated output must equal the uninterrupted run's. Also: a trigger
that arrives once the program is over (from a finalizer) must not kill it;
a signal that arrives where the stack cannot be saved is reported once and
acted on as soon as it can (programs/blocked.py); a loop that calls no
rewritten function is suspended between two iterations (spinning.py), and
so is one that waits in time.sleep (waiting.py); with --grace, a program
that cannot be suspended in time exits with status 1. Exits 1 otherwise.
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from e2e_env import HERE, PYTHON, TOOL


def wait_for_handler(pid, sig, timeout=20):
    """Waits until the process catches `sig` (its handler is installed): a
    signal sent before that would end it, and it would not be our bug."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("SigCgt:"):
                        if int(line.split()[1], 16) >> (sig - 1) & 1:
                            return True
        except OSError:
            return False
        time.sleep(0.005)
    return False


LATE = """\
import os, signal

class Last:
    def __del__(self):  # runs in the interpreter's finalization
        os.kill(os.getpid(), signal.SIGUSR1)
        print("outlived the trigger", flush=True)

last = Last()
print("done", flush=True)
"""


def late_trigger(work):
    """A trigger that arrives when the program is over (here, from a
    finalizer, after the interpreter has put default signal actions back)
    does not kill the process that finished its work."""
    src = os.path.join(work, "late.py")
    with open(src, "w") as f:
        f.write(LATE)
    out = os.path.join(work, "late-out")
    subprocess.run([TOOL, f"--python={PYTHON}", src, "-o", out], check=True)
    p = subprocess.run([PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1",
                        os.path.join(out, "late.pyc")],
                       env=dict(os.environ, PYTHONPATH=out), capture_output=True, text=True)
    ok = p.returncode == 0 and p.stdout == "done\noutlived the trigger\n"
    print(f"late trigger: status {p.returncode}, {'ok' if ok else 'FAILED'}")
    if not ok:
        print(p.stdout, p.stderr[-2000:])
    return ok


def rewrite(work, name):
    out = os.path.join(work, "out-" + name)
    subprocess.run([TOOL, f"--python={PYTHON}", os.path.join(HERE, "programs", name + ".py"),
                    "-o", out], check=True)
    return dict(os.environ, PYTHONPATH=out), os.path.join(out, name + ".pyc")


def random_signals(work, name, rounds, rng, options=()):
    """The program under `--suspend-on USR1` (and `options`), signalled at
    random moments (again after each resume) until it ends, must print what
    it prints uninterrupted."""
    env, prog = rewrite(work, name)
    t0 = time.time()
    ref = subprocess.run([PYTHON, prog], env=env, capture_output=True, text=True,
                         check=True).stdout
    duration = time.time() - t0
    failures = 0
    for r in range(rounds):
        snap = os.path.join(work, f"snap-{name}-{r}")
        cmd = [PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1", "--snapshot", snap,
               *options, prog]
        outputs, suspensions = [], 0
        while True:
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            # Once the handler is installed (before the program runs on),
            # at a random moment of the computation.
            wait_for_handler(p.pid, signal.SIGUSR1)
            time.sleep(rng.uniform(0, duration * 0.6))
            if p.poll() is None:
                p.send_signal(signal.SIGUSR1)
            o, e = p.communicate(timeout=300)
            outputs.append(o)
            if p.returncode == 75:
                suspensions += 1
                cmd = [PYTHON, "-m", "sleepy", "resume", snap]
                continue
            if p.returncode != 0:
                print(f"{name} round {r}: status {p.returncode}\n{e[-3000:]}")
                failures += 1
            break
        got = "".join(outputs)
        ok = got == ref
        failures += not ok
        print(f"{name} round {r}: {suspensions} suspensions, output "
              f"{'matches' if ok else 'DIFFERS'}")
        if not ok:
            import difflib
            print("".join(difflib.unified_diff(ref.splitlines(True), got.splitlines(True),
                                               "uninterrupted", "interrupted")))
    return failures


def signalled_in_phase(work, args, extra):
    """Runs programs/blocked.py ARGS under `--suspend-on USR1 EXTRA...`,
    signalled as soon as its handler is in (its first phase cannot be
    suspended). Returns (status, stdout, stderr, seconds after the signal)."""
    env, prog = rewrite(work, "blocked")
    snap = os.path.join(work, "snap-blocked-" + "-".join(args + extra))
    p = subprocess.Popen([PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1",
                          "--snapshot", snap] + extra + [prog] + args,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_handler(p.pid, signal.SIGUSR1)
    time.sleep(0.2)
    t0 = time.time()
    p.send_signal(signal.SIGUSR1)
    o, e = p.communicate(timeout=300)
    return p.returncode, o, e, time.time() - t0, env, snap


def refused_then_suspended(work):
    """A signal that cannot be acted on yet is reported once, costs no
    attempt per call, and the program suspends when it can; the resumed
    run ends as the uninterrupted one."""
    env, prog = rewrite(work, "blocked")
    t0 = time.time()
    ref = subprocess.run([PYTHON, prog, "30"], env=env, capture_output=True, text=True,
                         check=True).stdout
    plain = time.time() - t0
    status, o, e, took, env, snap = signalled_in_phase(work, ["30"], [])
    lines = [line for line in e.splitlines() if line.startswith("sleepy:")]
    problems = []
    if status != 75:
        problems.append(f"status {status}, expected 75")
    if len(lines) != 1 or not lines[0].startswith("sleepy: SIGUSR1: cannot suspend yet: ") \
            or "sum is not Python code" not in lines[0]:
        problems.append(f"expected one refusal line, got {lines}")
    # Armed and waiting, the program runs at no less than half its speed.
    if took > 2 * plain + 1:
        problems.append(f"suspended {took:.1f} s after the signal; the run takes {plain:.1f} s")
    if status == 75:
        r = subprocess.run([PYTHON, "-m", "sleepy", "resume", snap], env=env,
                           capture_output=True, text=True, timeout=300)
        if o + r.stdout != ref or r.returncode != 0:
            problems.append(f"resumed output {o + r.stdout!r} (status {r.returncode}), "
                            f"expected {ref!r}\n{r.stderr[-2000:]}")
    print(f"refused then suspended: {'ok' if not problems else 'FAILED'} "
          f"({took:.2f} s after the signal, uninterrupted run {plain:.2f} s)")
    for problem in problems:
        print("   ", problem)
    return len(problems)


def grace_expires(work):
    """With --grace, a program that cannot be suspended in time says so once
    and exits with status 1, without waiting for its end."""
    status, o, e, took, env, snap = signalled_in_phase(work, ["100000"], ["--grace", "1"])
    lines = [line for line in e.splitlines() if line.startswith("sleepy:")]
    ok = (status == 1 and len(lines) == 2 and "cannot suspend yet" in lines[0]
          and lines[1].startswith("sleepy: SIGUSR1: could not suspend within 1 s: ")
          and took < 10 and not os.path.exists(snap))
    print(f"grace: status {status} after {took:.2f} s, {'ok' if ok else 'FAILED'}")
    if not ok:
        print(e[-3000:])
    return not ok


def signal_at_start(work):
    """A resumed process caught by the signal as soon as it can catch one
    (while the runtime is still starting) suspends again; it is never
    ended by it, and the run's output stays whole."""
    env, prog = rewrite(work, "pagerank")
    ref = subprocess.run([PYTHON, prog], env=env, capture_output=True, text=True,
                         check=True).stdout
    snap = os.path.join(work, "snap-start")
    cmd = [PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1", "--snapshot", snap, prog]
    outputs, statuses = [], []
    for attempt in range(6):
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        wait_for_handler(p.pid, signal.SIGUSR1, timeout=20)
        if attempt < 5:
            p.send_signal(signal.SIGUSR1)
        o, e = p.communicate(timeout=300)
        outputs.append(o)
        statuses.append(p.returncode)
        if p.returncode != 75:
            break
        cmd = [PYTHON, "-m", "sleepy", "resume", snap]
    ok = statuses[-1] == 0 and all(s == 75 for s in statuses[:-1]) and "".join(outputs) == ref
    print(f"signal at start: statuses {statuses}, {'ok' if ok else 'FAILED'}")
    if not ok:
        print(e[-3000:])
    return not ok


def self_signalled(work, name, *args):
    """Runs programs/NAME.py ARGS, which signals itself, under `--suspend-on
    USR1`, then resumes its snapshot: (env, snapshot, the run, the resume)."""
    env, prog = rewrite(work, name)
    snap = os.path.join(work, "snap-" + name)
    p = subprocess.run([PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1", "--snapshot",
                        snap, prog, *args], env=env, capture_output=True, text=True,
                       timeout=120)
    r = subprocess.run([PYTHON, "-m", "sleepy", "resume", snap], env=env,
                       capture_output=True, text=True, timeout=120)
    return env, snap, p, r


def report(what, ok, p, r):
    print(f"{what}: statuses {p.returncode} {r.returncode}, {'ok' if ok else 'FAILED'}")
    if not ok:
        print(p.stdout, p.stderr[-2000:], r.stdout, r.stderr[-2000:])
    return not ok


def comprehension_entry(work):
    """A signal that catches a comprehension as it starts suspends there:
    its closure is its caller's cells (found without a heap walk). (3.11:
    from 3.12 on, a list comprehension runs in its caller's frame, PEP 709,
    and has no start to be caught at.)"""
    version = subprocess.run([PYTHON, "-c", "import sys; print(sys.version_info[1])"],
                             capture_output=True, text=True, check=True).stdout
    if int(version) >= 12:
        print("comprehension entry: skipped: comprehensions are inlined (PEP 709)")
        return 0
    env, snap, p, r = self_signalled(work, "comprehension_entry")
    info = subprocess.run([PYTHON, "-m", "sleepy", "info", snap], env=env,
                          capture_output=True, text=True, timeout=120).stdout
    ok = (p.returncode == 75 and "sleepy:" not in p.stderr and r.returncode == 0
          and r.stdout == "29995 -1 -1\n" and "sum([lengths[n] + i" in info)
    return report("comprehension entry", ok, p, r)


def loop_without_calls(work):
    """A signal that arrives in a loop calling no rewritten function
    suspends it between two iterations (programs/spinning.py), where it
    used to wait for the loop's end; the resumed loop computes what the
    uninterrupted one does."""
    env, snap, p, r = self_signalled(work, "spinning", "signal")
    ref = subprocess.run([PYTHON, os.path.join(work, "out-spinning", "spinning.pyc")],
                         env=env, capture_output=True, text=True, timeout=120).stdout
    info = subprocess.run([PYTHON, "-m", "sleepy", "info", snap], env=env,
                          capture_output=True, text=True, timeout=120).stdout
    ok = (p.returncode == 75 and p.stdout == "" and "sleepy:" not in p.stderr and
          r.returncode == 0 and r.stdout == ref and ref.startswith("spun ") and
          re.search(r"spinning.py:\d+ in spin\n\s+total = \(total \+ i \* i\)", info))
    return report("loop without calls", ok, p, r)


def loops_that_wait(work):
    """A signal that arrives while a loop waits in C (time.sleep) between
    steps that call no rewritten function suspends the loop at its next
    jump back, within a step or two, where it used to wait for the loop's
    end (programs/waiting.py); the resumed loop computes what the
    uninterrupted one does. Each shape of loop: for, `while True`, and
    `while COND` (3.11 jumps back on a condition)."""
    env, prog = rewrite(work, "waiting")
    failures = 0
    for how in ("for", "forever", "while"):
        ref = subprocess.run([PYTHON, prog, how, "1000", "0"], env=env,
                             capture_output=True, text=True, check=True).stdout
        snap = os.path.join(work, "snap-waiting-" + how)
        p = subprocess.Popen([PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1",
                              "--snapshot", snap, prog, how, "1000"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_handler(p.pid, signal.SIGUSR1)
        time.sleep(0.3)
        t0 = time.time()
        p.send_signal(signal.SIGUSR1)
        o, e = p.communicate(timeout=60)
        took = time.time() - t0
        ok = p.returncode == 75 and o == "" and "sleepy:" not in e and took < 2
        r = None
        if ok:
            r = subprocess.run([PYTHON, "-m", "sleepy", "resume", snap], env=env,
                               capture_output=True, text=True, timeout=60)
            ok = r.returncode == 0 and r.stdout == ref
        print(f"loop that waits ({how}): status {p.returncode} {took:.2f} s after the "
              f"signal, {'ok' if ok else 'FAILED'}")
        if not ok:
            print(o, e[-2000:], r and r.stdout, r and r.stderr[-2000:])
        failures += not ok
    return failures


def factory_operators(work):
    """A signal that catches an operator's dunder as it starts, where the
    class's dunders come from one factory (one code object, a closure
    each), resumes that dunder (programs/factory_ops.py)."""
    env, snap, p, r = self_signalled(work, "factory_ops")
    ok = (p.returncode == 75 and "sleepy:" not in p.stderr and r.returncode == 0
          and r.stdout == "product 42 sum 13\n")
    return report("factory operators", ok, p, r)


def refused_while_reading(work):
    """Attempts refused in the middle of `for line in f` leave the file
    where the program reads it (programs/refused_reading.py): the program
    ends as the uninterrupted run, having said why it was not suspended."""
    env, prog = rewrite(work, "refused_reading")
    p = subprocess.run([PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1", prog, "signal"],
                       env=env, capture_output=True, text=True, timeout=300)
    ok = (p.returncode == 0 and p.stdout == "counted 1000000 499999500000\n"
          and "local 'm' (re.Match) cannot be saved" in p.stderr)
    print(f"refused while reading: status {p.returncode}, {'ok' if ok else 'FAILED'}")
    if not ok:
        print(p.stdout, p.stderr[-2000:])
    return not ok


def fork_while_pending(work):
    """A child forked while a signal is pending runs to its end; the parent
    suspends (programs/fork_child.py)."""
    env, snap, p, r = self_signalled(work, "fork_child")
    ok = (p.returncode == 75 and p.stdout == "child 0\n" and r.returncode == 0
          and r.stdout == "parent 2\n")
    return report("fork while pending", ok, p, r)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rng = random.Random(int(os.environ.get("SLEEPY_SEED", "0")) or None)
    work = tempfile.mkdtemp(prefix="sleepy-signals-")
    failures = 0
    try:
        failures += not late_trigger(work)
        failures += refused_then_suspended(work)
        failures += grace_expires(work)
        failures += signal_at_start(work)
        failures += comprehension_entry(work)
        failures += fork_while_pending(work)
        failures += loop_without_calls(work)
        failures += loops_that_wait(work)
        failures += factory_operators(work)
        failures += refused_while_reading(work)
        for name in ("longjob", "pagerank", "vectors", "genpipe", "loops"):
            failures += random_signals(work, name, rounds, rng)
        failures += random_signals(work, "folds", rounds, rng, ["--python-drivers"])
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
