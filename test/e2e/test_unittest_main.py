#!/usr/bin/env python3
"""A program run as `python -m sleepy run -m unittest` on a rewritten
stdlib, suspended in each of three tests and resumed each time.

    SLEEPY_PYTHON=python3.11 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_unittest_main.py

There the main module is the stdlib's own unittest/__main__.py: its globals
are the program's and must be saved like any main module's (they were not,
and after one resume every suspension was refused at the root); of a
stdlib module, what the program put there at run time is kept. Uses the
rewritten stdlib that bench/realworld.py keeps (building it if needed).
Exits 1 on failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import realworld  # noqa: E402  (the rewritten stdlib's interpreter)

TOOL = os.environ.get("SLEEPY_TOOL", realworld.DEFAULT_TOOL)

TESTS = """\
import dataclasses
import pickle
import string
import unittest

import sleepy


class Steps(unittest.TestCase):
    def test_first(self):
        sleepy.suspend()
        self.assertEqual(sum(range(5)), 10)

    def test_second(self):
        sleepy.suspend()
        self.assertTrue(True)

    def test_third(self):
        # A class put into a stdlib module at run time, as test_dataclasses
        # does with `global`: the fresh import on resume does not make it.
        @dataclasses.dataclass
        class Made:
            x: int
        Made.__module__, Made.__qualname__ = "string", "Made"
        string.Made = Made
        sleepy.suspend()
        self.assertIs(string.Made, Made)
        self.assertEqual(pickle.loads(pickle.dumps(Made(3))), Made(3))
"""


def main():
    home_py = realworld.shared_home(TOOL, realworld.default_cache())
    work = tempfile.mkdtemp(prefix="sleepy-unittest-")
    try:
        src = os.path.join(work, "src")
        os.makedirs(src)
        with open(os.path.join(src, "steps.py"), "w") as f:
            f.write(TESTS)
        out = os.path.join(work, "out")
        subprocess.run([TOOL, f"--python={home_py}", os.path.join(src, "steps.py"), "-o", out],
                       check=True, capture_output=True)
        env = dict(realworld.env_for(out))
        snap = os.path.join(work, "snap")
        run = [home_py, "-X", "frozen_modules=off", "-m", "sleepy"]
        cmd = run + ["run", "--snapshot", snap, "-m", "unittest", "-v", "steps"]
        statuses, err = [], ""
        for _ in range(5):
            p = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True,
                               timeout=300)
            statuses.append(p.returncode)
            err += p.stderr
            if p.returncode != 75:
                break
            cmd = run + ["resume", snap]
        ok = statuses == [75, 75, 75, 0] and "Ran 3 tests" in err and "\nOK" in err
        print(f"unittest as the main module: statuses {statuses}, {'ok' if ok else 'FAILED'}")
        if not ok:
            print(err[-3000:])
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
