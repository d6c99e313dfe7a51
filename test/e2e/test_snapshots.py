#!/usr/bin/env python3
"""End-to-end tests of snapshots as files: moving the build, resuming with
other code or another CPython, failed writes, `run -m`, `info`.

    SLEEPY_PYTHON=python3.11 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_snapshots.py [-v]

SLEEPY_OTHER_PYTHON, if set, is another CPython used to check that a
snapshot is refused there.
"""
import hashlib
import os
import shutil
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

PYTHON = os.environ.get("SLEEPY_PYTHON", "python3.11")
TOOL = os.environ.get("SLEEPY_TOOL", os.path.join(os.path.dirname(__file__), "..", "..",
                                                  "build", "bin", "sleepy-rewrite"))
OTHER_PYTHON = os.environ.get("SLEEPY_OTHER_PYTHON")
# The version (3.X) and magic number of PYTHON, which the snapshots record.
VERSION, MAGIC = subprocess.run(
    [PYTHON, "-c", "import importlib.util, sys; "
     "print('%d.%d' % sys.version_info[:2], importlib.util.MAGIC_NUMBER.hex())"],
    capture_output=True, text=True, check=True).stdout.split()
OTHER_MAGIC = "cb0d0d0a" if MAGIC != "cb0d0d0a" else "a70d0d0a"  # 3.12's, or 3.11's

PROGRAM = """
import sys
import helper
import sleepy

total = 0
for i in range(4):
    total += helper.step(i)
    if i == 1 and len(sys.argv) > 1 and sys.argv[1] == "stop":
        print("stopping", total, flush=True)
        sleepy.suspend()
print("total", total, helper.calls)
"""

HELPER = """
calls = 0

def step(i):
    global calls
    calls += 1
    return i * 10
"""


class SnapshotTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sleepy-snap-")
        self.src = os.path.join(self.dir, "src")
        os.makedirs(self.src)
        self.write("prog.py", PROGRAM)
        self.write("helper.py", HELPER)
        self.out = os.path.join(self.dir, "out")
        self.rewrite()
        self.snap = os.path.join(self.dir, "snap")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        with open(os.path.join(self.src, name), "w") as f:
            f.write(textwrap.dedent(text))

    def rewrite(self, *names, out=None):
        names = names or ("prog.py", "helper.py")
        p = subprocess.run([TOOL, f"--python={PYTHON}",
                            *[os.path.join(self.src, n) for n in names],
                            "-o", out or self.out], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def run_py(self, args, out=None, cwd=None, python=None):
        env = dict(os.environ, PYTHONPATH=out or self.out, SLEEPY_SNAPSHOT=self.snap)
        env.pop("SLEEPY_KEY", None)
        return subprocess.run([python or PYTHON, *args], capture_output=True, text=True,
                              env=env, cwd=cwd or self.dir, timeout=120)

    def suspend(self, out=None):
        p = self.run_py(["-m", "sleepy", "run", os.path.join(out or self.out, "prog.pyc"),
                         "stop"], out=out)
        self.assertEqual(p.returncode, 75, p.stderr)
        self.assertEqual(p.stdout, "stopping 10\n")
        self.assertTrue(os.path.exists(self.snap))

    def test_resume_after_the_build_moved(self):
        self.suspend()
        moved = os.path.join(self.dir, "moved")
        shutil.move(self.out, moved)
        elsewhere = os.path.join(self.dir, "elsewhere")
        os.makedirs(elsewhere)
        p = self.run_py(["-m", "sleepy", "resume", self.snap], out=moved, cwd=elsewhere)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "total 60 4\n")

    def test_resume_with_other_code_is_refused(self):
        self.suspend()
        self.write("helper.py", HELPER.replace("i * 10", "i * 11"))
        self.rewrite("helper.py")
        p = self.run_py(["-m", "sleepy", "resume", self.snap])
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        self.assertIn("taken with other code: module helper changed", p.stderr)

    def test_resume_on_another_cpython_is_refused(self):
        self.suspend()
        with open(self.snap, "rb") as f:
            data = f.read()
        forged = bytearray(data.replace(f'"magic": "{MAGIC}"'.encode(),
                                        f'"magic": "{OTHER_MAGIC}"'.encode(), 1))
        self.assertNotEqual(forged, data)
        forged[-40:-8] = hashlib.sha256(forged[:-40]).digest()  # else refused as damaged
        with open(self.snap, "wb") as f:
            f.write(forged)
        p = self.run_py(["-m", "sleepy", "resume", self.snap])
        self.assertEqual(p.returncode, 1)
        v = re.escape(VERSION)
        self.assertRegex(p.stderr, rf"written by cpython {v}\.\d+ \(magic {OTHER_MAGIC}\); "
                                   rf"this is cpython {v}\.\d+ \(magic {MAGIC}\)")

    def test_run_a_pyc_of_another_cpython_is_refused(self):
        # Its bytecode would mean other things here (it crashed this one).
        prog = os.path.join(self.out, "prog.pyc")
        with open(prog, "rb") as f:
            data = f.read()
        with open(prog, "wb") as f:
            f.write(bytes.fromhex(OTHER_MAGIC) + data[4:])
        p = self.run_py(["-m", "sleepy", "run", prog])
        self.assertEqual((p.returncode, p.stdout), (1, ""))
        other = int.from_bytes(bytes.fromhex(OTHER_MAGIC)[:2], "little")
        self.assertEqual(p.stderr, f"sleepy: error: {prog}: not a .pyc of this CPython "
                         f"{VERSION} (magic number {other}, this one reads "
                         f"{int.from_bytes(bytes.fromhex(MAGIC)[:2], 'little')}); rewrite "
                         "it with sleepy-rewrite --python for this interpreter\n")
        for cut in (10, 100):
            with open(prog, "wb") as f:
                f.write(data[:cut])
            p = self.run_py(["-m", "sleepy", "run", prog])
            self.assertEqual((p.returncode, p.stdout), (1, ""))
            self.assertRegex(p.stderr, rf"^sleepy: error: {re.escape(prog)}: damaged \.pyc "
                                       r"\([^\n]+\)\n$")
        p = self.run_py(["-m", "sleepy", "run", prog + ".missing"])
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"sleepy: error: {prog}.missing: No such file or directory\n")

    @unittest.skipUnless(OTHER_PYTHON, "SLEEPY_OTHER_PYTHON not set")
    def test_resume_with_a_real_other_cpython_is_refused(self):
        self.suspend()
        p = self.run_py(["-m", "sleepy", "resume", self.snap], python=OTHER_PYTHON)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"written by cpython {VERSION}", p.stderr)

    def test_a_pyc_from_another_sleepy_rewrite_is_named(self):
        # A trailer of another format: the program runs (the import system
        # ignores the trailer), and suspending says which file and why.
        self.write("prog.py", PROGRAM.replace("total += helper.step(i)",
                                              "total += helper.step(i, sleepy)"))
        self.write("helper.py", HELPER.replace("def step(i):", "def step(i, sleepy):\n"
                                               "    if i == 1:\n"
                                               "        sleepy.checkpoint()"))
        self.rewrite()
        pyc = os.path.join(self.out, "helper.pyc")
        # The .pyc is PYTHON's marshal: PYTHON changes the trailer's format.
        forge = ("import io, marshal, sys\n"
                 "data = open(sys.argv[1], 'rb').read()\n"
                 "f = io.BytesIO(data); f.seek(16)\n"
                 "code, trailer = marshal.load(f), marshal.load(f)\n"
                 "footer = f.read()\n"
                 "open(sys.argv[1], 'wb').write(data[:16] + marshal.dumps(code) + "
                 "marshal.dumps((trailer[0], 1) + trailer[2:]) + footer)\n"
                 "print(trailer[1])\n")
        fmt = subprocess.run([PYTHON, "-c", forge, pyc], capture_output=True, text=True,
                             check=True).stdout.strip()
        p = self.run_py(["-m", "sleepy", "run", os.path.join(self.out, "prog.pyc")])
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(f"helper.py:6 in step: {pyc}: rewritten by another version of "
                      f"sleepy-rewrite (trailer format 1, this runtime reads {fmt}); "
                      "rewrite it again", p.stderr)

    def test_failed_suspension_leaves_the_previous_snapshot(self):
        self.suspend()
        with open(self.snap, "rb") as f:
            before = f.read()
        self.write("bad.py", """
            import threading
            import sleepy
            tls = threading.local()
            try:
                sleepy.suspend()
            except sleepy.SuspendError as e:
                print("refused", "tls" in str(e))
        """)
        self.rewrite("bad.py")
        p = self.run_py([os.path.join(self.out, "bad.pyc")])
        self.assertEqual(p.stdout, "refused True\n", p.stderr)
        with open(self.snap, "rb") as f:
            self.assertEqual(f.read(), before)
        leftovers = [n for n in os.listdir(self.dir) if n.startswith(".sleepy-")]
        self.assertEqual(leftovers, [])

    def test_run_a_module_and_resume_twice(self):
        self.write("again.py", """
            import sleepy
            for i in range(3):
                print("round", i, flush=True)
                sleepy.suspend()
            print("finished")
        """)
        self.rewrite("again.py")
        p = self.run_py(["-m", "sleepy", "run", "-m", "again"])
        outputs = [p.stdout]
        while p.returncode == 75:
            p = self.run_py(["-m", "sleepy", "resume"])
            outputs.append(p.stdout)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual("".join(outputs), "round 0\nround 1\nround 2\nfinished\n")
        self.assertEqual(len(outputs), 4)

    def test_clocks_go_on_across_a_suspension(self):
        # Measured across a suspension: the monotonic and CPU clocks go on
        # from what they read (the second spent suspended does not count;
        # a fresh process's CPU clock would start again at 0), the wall
        # clock counts it. `from time import perf_counter` and a default
        # argument bound at import find the clock that goes on.
        self.write("timed.py", """
            import sched
            import time
            from time import perf_counter
            import sleepy

            def burn(seconds):
                end = time.process_time() + seconds
                while time.process_time() < end:
                    pass

            def main(clock=time.monotonic):
                s = sched.scheduler()
                burn(0.3)
                t0, c0, p0, w0 = clock(), perf_counter(), time.process_time(), time.time()
                n0 = time.monotonic_ns()
                s.enter(0.05, 1, lambda: print("fired", 0.05 <= clock() - t0 < 0.9))
                sleepy.suspend()
                print("monotonic", 0 <= clock() - t0 < 0.9, 0 <= perf_counter() - c0 < 0.9,
                      0 <= (time.monotonic_ns() - n0) / 1e9 < 0.9)
                print("process_time", time.process_time() >= p0)
                print("wall", time.time() - w0 >= 1.0)
                s.run()

            main()
            """)
        self.rewrite("timed.py")
        p = self.run_py(["-m", "sleepy", "run", os.path.join(self.out, "timed.pyc")])
        self.assertEqual(p.returncode, 75, p.stderr)
        time.sleep(1.0)
        p = self.run_py(["-m", "sleepy", "resume", self.snap])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "monotonic True True True\nprocess_time True\nwall True\n"
                                   "fired True\n")

    def test_info_shows_the_frames(self):
        self.suspend()
        p = self.run_py(["-m", "sleepy", "info", self.snap])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, rf"CPython {re.escape(VERSION)}\.\d+")
        self.assertIn("not signed", p.stdout)
        self.assertRegex(p.stdout, r"prog.py:11 in <module>\n\s+sleepy.suspend\(\)")

    def test_signed_snapshots(self):
        key = {"SLEEPY_KEY": "s3cret"}

        def run_key(args, extra):
            env = dict(os.environ, PYTHONPATH=self.out, SLEEPY_SNAPSHOT=self.snap)
            env.pop("SLEEPY_KEY", None)
            env.update(extra)
            return subprocess.run([PYTHON, *args], capture_output=True, text=True, env=env,
                                  cwd=self.dir, timeout=120)

        p = run_key(["-m", "sleepy", "run", os.path.join(self.out, "prog.pyc"), "stop"], key)
        self.assertEqual(p.returncode, 75, p.stderr)
        p = run_key(["-m", "sleepy", "info", self.snap], {})
        self.assertIn("  signed", p.stdout)
        p = run_key(["-m", "sleepy", "resume", self.snap], {})
        self.assertEqual(p.returncode, 1)
        self.assertIn("the snapshot is signed; set SLEEPY_KEY", p.stderr)
        p = run_key(["-m", "sleepy", "resume", self.snap], {"SLEEPY_KEY": "other"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("the signature does not match", p.stderr)
        self.assertEqual(p.stdout, "")
        with open(self.snap, "rb") as f:
            data = bytearray(f.read())
        tampered = os.path.join(self.dir, "tampered")
        data[len(data) // 2] ^= 0x01
        with open(tampered, "wb") as f:
            f.write(data)
        p = run_key(["-m", "sleepy", "resume", tampered], key)
        self.assertEqual(p.returncode, 1)
        self.assertIn("damaged snapshot (checksum mismatch)", p.stderr)
        # A forger can mend the checksum, not the signature.
        data[-40:-8] = hashlib.sha256(data[:-40]).digest()
        with open(tampered, "wb") as f:
            f.write(data)
        p = run_key(["-m", "sleepy", "resume", tampered], key)
        self.assertEqual(p.returncode, 1)
        self.assertIn("the signature does not match", p.stderr)
        p = run_key(["-m", "sleepy", "resume", self.snap], key)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "total 60 4\n")
        # An unsigned snapshot is refused when a key is set.
        self.suspend()
        p = run_key(["-m", "sleepy", "resume", self.snap], key)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not signed and SLEEPY_KEY is set", p.stderr)

    def test_info_sizes_by_type(self):
        self.suspend()
        p = self.run_py(["-m", "sleepy", "info", self.snap])
        self.assertRegex(p.stdout, r"payload by type \(bytes\):\n(    \w+ +\d+\n)+")
        self.assertRegex(p.stdout, r"\d+  sleepy\._records\.FrameRecord")

    def test_not_a_snapshot(self):
        with open(self.snap, "w") as f:
            f.write("hello")
        p = self.run_py(["-m", "sleepy", "resume", self.snap])
        self.assertEqual(p.returncode, 1)
        self.assertIn("not a sleepy snapshot", p.stderr)

    def test_damaged_snapshots_are_refused(self):
        # Every copy, truncated or with one byte changed anywhere (magic,
        # main program, payload, header, footer), is refused in one line
        # before anything in it runs: format 1 resumed 14 of these with
        # silently changed state and died in a traceback on 9.
        self.suspend()
        with open(self.snap, "rb") as f:
            data = f.read()
        n = len(data)
        magic = len(b"sleepy-snapshot 2\n")
        copies = {}
        for size in sorted({0, 1, magic - 1, magic + 4, n // 4, n // 2, 3 * n // 4, n - 1}):
            copies[f"cut{size}"] = (data[:size], size < magic)
        self.assertEqual(len(copies), 8)
        for i in range(24):
            at = round(i * (n - 1) / 23)
            flipped = bytearray(data)
            flipped[at] ^= 0x01 if i % 2 else 0x80
            copies[f"flip{at}"] = (bytes(flipped), False)
        self.assertEqual(len(copies), 32)
        for name, (damaged, cuts_magic) in copies.items():
            path = os.path.join(self.dir, name)
            with open(path, "wb") as f:
                f.write(damaged)
            for command in ("resume", "info"):
                with self.subTest(copy=name, command=command):
                    p = self.run_py(["-m", "sleepy", command, path])
                    self.assertEqual(p.returncode, 1, p.stderr)
                    self.assertEqual(p.stdout, "")
                    self.assertNotIn("Traceback", p.stderr)
                    lines = p.stderr.splitlines()
                    self.assertEqual(len(lines), 1, p.stderr)
                    self.assertTrue(lines[0].startswith("sleepy: error: "), p.stderr)
                    self.assertIn(path, lines[0])
                    if cuts_magic:
                        self.assertRegex(lines[0], "damaged snapshot|not a sleepy snapshot")
                    else:
                        self.assertIn("damaged snapshot", lines[0])
        # The snapshot itself was left as it was.
        p = self.run_py(["-m", "sleepy", "resume", self.snap])
        self.assertEqual((p.returncode, p.stdout), (0, "total 60 4\n"), p.stderr)

    def test_a_snapshot_of_format_1_is_refused(self):
        self.suspend()
        with open(self.snap, "rb") as f:
            data = f.read()
        head_at = int.from_bytes(data[-56:-48], "little")
        head_len = int.from_bytes(data[-48:-40], "little")
        old = (b"sleepy-snapshot 1\n" + data[18:head_at + head_len] +
               data[-56:-40] + b"SLEEPYSN")
        with open(self.snap, "wb") as f:
            f.write(old)
        for command in ("resume", "info"):
            p = self.run_py(["-m", "sleepy", command, self.snap])
            self.assertEqual(p.returncode, 1)
            self.assertEqual(p.stdout, "")
            self.assertEqual(p.stderr, f"sleepy: error: {self.snap}: a snapshot of format 1, "
                             "written by another version of sleepy; this one reads format 2 "
                             "(suspend the program again)\n")


if __name__ == "__main__":
    unittest.main()
