#!/usr/bin/env python3
"""The batch schedulers' command line, end to end.

    SLEEPY_PYTHON=python3.11 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_batch.py [-v]

A Kubernetes Job (restartPolicy: OnFailure) or a SLURM job with --requeue
runs the same command line again after the program was stopped:

    python -m sleepy run --snapshot PATH --resume-if-present --suspend-on TERM PROG

The program is sent SIGTERM twice while it works (as a scheduler does
before it stops a job), the command is run again each time, and the
pieces of output together must be an uninterrupted run's; once the program
has ended, the snapshot is gone, and the same command starts it afresh.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
import unittest

from e2e_env import PYTHON, SUSPENDED, TOOL

PROGRAM = textwrap.dedent("""\
    import sys

    def chunk(k):
        return sum(i * i % 11 for i in range(k * 1000, (k + 1) * 1000))

    total = 0
    for k in range(int(sys.argv[1])):
        total += chunk(k)
        if k % 1000 == 0:
            print("chunk", k, total, flush=True)
    print("total", total)
    """)


class BatchTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sleepy-batch-")
        src = os.path.join(self.dir, "src")
        os.makedirs(src)
        with open(os.path.join(src, "job.py"), "w") as f:
            f.write(PROGRAM)
        subprocess.run([TOOL, f"--python={PYTHON}", os.path.join(src, "job.py"), "-o",
                        self.dir], check=True, capture_output=True)
        self.snap = os.path.join(self.dir, "job.snapshot")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def command(self, n):
        return [PYTHON, "-m", "sleepy", "run", "--snapshot", self.snap, "--resume-if-present",
                "--suspend-on", "TERM", "job.pyc", str(n)]

    def test_the_same_command_goes_on(self):
        n = 40000
        expected = subprocess.run([PYTHON, os.path.join(self.dir, "src", "job.py"), str(n)],
                                  capture_output=True, text=True, timeout=300).stdout
        pieces, statuses = [], []
        for attempt in range(8):
            p = subprocess.Popen(self.command(n), cwd=self.dir, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            if attempt < 2:
                # Well after start-up (a signal before the interpreter can
                # catch it would kill the process; the scheduler would run
                # it again from the last snapshot or the start).
                first = p.stdout.readline()
                pieces.append(first)
                time.sleep(0.3)
                p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=300)
            pieces.append(out)
            statuses.append(p.returncode)
            if p.returncode != SUSPENDED:
                break
        self.assertEqual(statuses, [SUSPENDED, SUSPENDED, 0], err)
        self.assertEqual("".join(pieces), expected)
        self.assertFalse(os.path.exists(self.snap))
        # Ended: the same command starts the program afresh.
        again = subprocess.run(self.command(3), cwd=self.dir, capture_output=True, text=True,
                               timeout=120)
        self.assertEqual((again.returncode, again.stdout.splitlines()[-1]), (0, "total 11998"))

    def test_a_snapshot_of_other_code_is_refused(self):
        with open(self.snap, "wb") as f:
            f.write(b"not a snapshot")
        p = subprocess.run(self.command(3), cwd=self.dir, capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 1)
        self.assertIn(self.snap, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertTrue(os.path.exists(self.snap))  # nothing lost

    def test_needs_a_snapshot_path(self):
        p = subprocess.run([PYTHON, "-m", "sleepy", "run", "--resume-if-present", "job.pyc"],
                           cwd=self.dir, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--resume-if-present needs --snapshot PATH", p.stderr)


if __name__ == "__main__":
    unittest.main()
