#!/usr/bin/env python3
"""Rewritten programs under a tracer, end to end.

    SLEEPY_PYTHON=python3.13 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_tracing.py [-v]

A debugger or a coverage tool traces the program it runs: sys.settrace on
every version, sys.monitoring from 3.12 on, which puts INSTRUMENTED_*
instructions into the code it watches (co_code still reads the original).
The program is started under such a tool (a launcher that sets it up, then
runs `python -m sleepy`), suspends itself in a loop, in a method and in a
generator, and is resumed, under the tool again, in fresh processes until
it ends; a program that loops without calls is suspended by SIGTERM. The
output must be the uninterrupted run's, and the tool must have seen events
in every process.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from e2e_env import PYTHON, SUSPENDED, TOOL

PROGRAM = textwrap.dedent("""\
    import sleepy

    def squares(n):
        total = 0
        for i in range(n):
            total += i * i
            if i == n // 2:
                sleepy.suspend()
        return total

    class Acc:
        def __init__(self):
            self.items = []

        def add(self, x):
            self.items.append(x)
            if len(self.items) == 3:
                sleepy.suspend()

    def numbers():
        for k in range(4):
            if k == 2:
                sleepy.suspend()
            yield k

    a = Acc()
    for k in numbers():
        try:
            a.add(squares(10 + k))
        except ZeroDivisionError:
            pass
    print(a.items)
    """)

# Loops without calls, for the signal.
SPIN = textwrap.dedent("""\
    import sys
    total = 0
    for i in range(8_000_000):
        total += i % 7
    print(total)
    """)

# Sets the tool up, then runs `python -m sleepy ARGS`: MODE is settrace or
# monitoring. Says on stderr when the tool sees its first event.
LAUNCHER = textwrap.dedent("""\
    import os, runpy, sys
    sys.path.insert(0, os.getcwd())
    mode = sys.argv.pop(1)
    seen = [0]
    def count(*args):
        seen[0] += 1
        if seen[0] == 1:  # (a suspended process ends without atexit)
            os.write(2, b"tool saw events\\n")
    if mode == "monitoring":
        m = sys.monitoring
        m.use_tool_id(3, "test")
        events = (m.events.LINE | m.events.PY_START | m.events.BRANCH | m.events.RAISE
                  | m.events.CALL | m.events.PY_RETURN)
        for e in (m.events.LINE, m.events.PY_START, m.events.BRANCH, m.events.RAISE,
                  m.events.CALL, m.events.PY_RETURN):
            m.register_callback(3, e, count)
        m.set_events(3, events)
    else:
        def trace(frame, event, arg):
            count()
            return trace
        sys.settrace(trace)
    sys.argv = ["sleepy"] + sys.argv[1:]
    runpy.run_module("sleepy", run_name="__main__", alter_sys=True)
    """)


def modes():
    out = subprocess.run([PYTHON, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                         capture_output=True, text=True).stdout.strip()
    return ["settrace", "monitoring"] if out == "True" else ["settrace"]


class TracingTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sleepy-tracing-")
        with open(os.path.join(self.dir, "launch.py"), "w") as f:
            f.write(LAUNCHER)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def rewrite(self, name, source):
        src = os.path.join(self.dir, name + ".py")
        with open(src, "w") as f:
            f.write(source)
        out = os.path.join(self.dir, "out")
        subprocess.run([TOOL, f"--python={PYTHON}", src, "-o", out], check=True,
                       capture_output=True)
        return out

    def uninterrupted(self, source):
        p = subprocess.run([PYTHON, "-c", "import sys, types; sys.modules['sleepy'] = "
                            "types.SimpleNamespace(suspend=lambda: None); exec(sys.stdin.read())"],
                           input=source, capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def launch(self, out, mode, *args):
        return subprocess.Popen([PYTHON, os.path.join(self.dir, "launch.py"), mode, *args],
                                cwd=out, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def finish(self, p, pieces):
        stdout, stderr = p.communicate(timeout=300)
        pieces.append(stdout)
        self.assertIn("tool saw events", stderr)
        return p.returncode, stderr

    def test_suspend_under_each_tool(self):
        expected = self.uninterrupted(PROGRAM)
        out = self.rewrite("prog", PROGRAM)
        for mode in modes():
            with self.subTest(mode=mode):
                snap = os.path.join(self.dir, f"snap-{mode}")
                pieces, statuses = [], []
                p = self.launch(out, mode, "run", "--snapshot", snap, "prog.pyc")
                status, err = self.finish(p, pieces)
                statuses.append(status)
                while status == SUSPENDED and len(statuses) < 12:
                    status, err = self.finish(self.launch(out, mode, "resume", snap), pieces)
                    statuses.append(status)
                self.assertEqual(statuses, [SUSPENDED] * 6 + [0], err)
                self.assertEqual("".join(pieces), expected)

    def test_signal_under_each_tool(self):
        expected = self.uninterrupted(SPIN)
        out = self.rewrite("spin", SPIN)
        for mode in modes():
            with self.subTest(mode=mode):
                snap = os.path.join(self.dir, f"spin-{mode}")
                pieces = []
                p = self.launch(out, mode, "run", "--snapshot", snap, "--suspend-on", "TERM",
                                "spin.pyc")
                time.sleep(0.5)  # into the loop (traced, it runs for seconds)
                p.send_signal(signal.SIGTERM)
                status, err = self.finish(p, pieces)
                self.assertEqual(status, SUSPENDED, err)
                status, err = self.finish(self.launch(out, mode, "resume", snap), pieces)
                self.assertEqual(status, 0, err)
                self.assertEqual("".join(pieces), expected)


if __name__ == "__main__":
    unittest.main()
