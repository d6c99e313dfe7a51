#!/usr/bin/env python3
"""A signal at random moments: `python -m sleepy run --suspend-on USR1`.

    SLEEPY_PYTHON=python3.11 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_signals.py [ROUNDS]

Runs programs/longjob.py uninterrupted, then again under
`--suspend-on USR1`, sending SIGUSR1 after a random delay to the running
process and to every process that resumes it, until the job ends. The
concatenated output must equal the uninterrupted run's. First, a trigger
that arrives once the program is over (from a finalizer) must not kill it.
Exits 1 otherwise.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.environ.get("SLEEPY_PYTHON", "python3.11")
TOOL = os.environ.get("SLEEPY_TOOL", os.path.join(HERE, "..", "..", "build", "bin",
                                                  "sleepy-rewrite"))


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


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rng = random.Random(int(os.environ.get("SLEEPY_SEED", "0")) or None)
    work = tempfile.mkdtemp(prefix="sleepy-signals-")
    failures = 0
    try:
        failures += not late_trigger(work)
        out = os.path.join(work, "out")
        subprocess.run([TOOL, f"--python={PYTHON}", os.path.join(HERE, "programs", "longjob.py"),
                        "-o", out], check=True)
        env = dict(os.environ, PYTHONPATH=out)
        prog = os.path.join(out, "longjob.pyc")
        t0 = time.time()
        ref = subprocess.run([PYTHON, prog], env=env, capture_output=True, text=True,
                             check=True).stdout
        duration = time.time() - t0
        for r in range(rounds):
            snap = os.path.join(work, f"snap{r}")
            cmd = [PYTHON, "-m", "sleepy", "run", "--suspend-on", "USR1",
                   "--snapshot", snap, prog]
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
                    print(f"round {r}: status {p.returncode}\n{e[-3000:]}")
                    failures += 1
                break
            got = "".join(outputs)
            ok = got == ref
            failures += not ok
            print(f"round {r}: {suspensions} suspensions, output "
                  f"{'matches' if ok else 'DIFFERS'}")
            if not ok:
                import difflib
                print("".join(difflib.unified_diff(ref.splitlines(True), got.splitlines(True),
                                                   "uninterrupted", "interrupted")))
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
