#!/usr/bin/env python3
"""Tasks suspended below a boundary (sleepy.call), end to end.

    SLEEPY_PYTHON=python3.12 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_tasks.py [-v]

A host script that is not rewritten and not run by `python -m sleepy` (as a
task engine's worker is not) runs a task of a rewritten module with
sleepy.call(); the task suspends itself, in a loop, in a nested call and
in a generator; each snapshot is resumed with sleepy.resume_call() in a
fresh host process (from the file Suspended.save wrote, or from the bytes)
until the task returns, which must be what an uninterrupted run returns.
Also: a host with threads of its own; a host that resumes the task in the
same process; a checkpoint in a task; a refusal inside a task (the task
goes on, told why); snapshots of tasks and of programs each refused where
the other kind is resumed; `python -m sleepy info` on a task's snapshot;
sleepy.suspend_on(): SIGTERM suspends the running task (one that calls
functions, one that loops without calls), and with no task running, or a
task that is not rewritten code, it goes to the host's own handler.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
import unittest

from e2e_env import PYTHON, RUNTIME, TOOL

JOBS = textwrap.dedent("""\
    import sys
    import threading
    import sleepy

    def squares(n):
        for i in range(n):
            if i == n // 2:
                sleepy.suspend()
            yield i * i

    def step(i, acc):
        for sq in squares(i + 2):
            acc.append(sq)
        if i % 2:
            sleepy.suspend()
        return sum(acc)

    def job(n, label):
        acc, total = [], 0
        try:
            for i in range(n):
                total = step(i, acc)
        finally:
            print("finally", label, flush=True)  # once, when the task ends
        return label, total, len(acc)

    def keeper(path):
        first = sleepy.checkpoint(path)
        return "resumed" if first else "went on"

    def spin(n):
        total = 0
        for i in range(n):
            total += weigh(i)
        return total

    def weigh(i):
        return i % 7

    def loop_only(n):
        total = 0
        for i in range(n):
            total += i % 7
        return total

    def refused():
        lock = threading.Lock()  # saved; a frame object is not
        here = sys._getframe()
        try:
            sleepy.suspend()
        except sleepy.SuspendError as e:
            return "refused: " + str(e).split(": ", 1)[0].rsplit("/", 1)[-1]
        return "suspended", lock, here
    """)

# The host: not rewritten. `start NAME ARGS...` calls jobs.NAME; `resume
# [bytes]` resumes ./snap. Either saves a new snapshot in ./snap when the
# task suspends. With `threads`, a thread of the host's own runs meanwhile.
HOST = textwrap.dedent("""\
    import sys, threading, time
    import sleepy, jobs
    args = sys.argv[1:]
    if args[0] == "idle":  # a signal with no task running: the host's handler
        import os, signal
        signal.signal(signal.SIGTERM, lambda *a: print("host's handler", flush=True))
        sleepy.suspend_on("TERM")
        os.kill(os.getpid(), signal.SIGTERM)
        print("task ended first:", sleepy.call(jobs.weigh, 9), flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        print("done", flush=True)
        sys.exit()
    if args[0] == "opaque":  # a task of code that is not rewritten
        import os, signal

        def plain(n):
            total = 0
            for i in range(n):
                total += i % 7
            return total

        def handler(*a):
            print("host's handler", flush=True)
            sys.exit(3)

        signal.signal(signal.SIGTERM, handler)
        sleepy.suspend_on("TERM")
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
        print("result", sleepy.call(plain, 10**9))
    if args[0] == "signal":  # sleepy.suspend_on(SIGTERM) first
        args.pop(0)
        sleepy.suspend_on("TERM")
        print("ready", flush=True)
    if args[0] == "threads":
        args.pop(0)
        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
    try:
        if args[0] == "start":
            result = sleepy.call(getattr(jobs, args[1]), *[int(a) if a.isdigit() else a
                                                          for a in args[2:]])
        elif args[0] == "again":  # suspend, then resume here, until it ends
            try:
                result = sleepy.call(jobs.job, int(args[1]), "here")
            except sleepy.Suspended as s:
                snapshot = s.snapshot
                while True:
                    try:
                        result = sleepy.resume_call(snapshot)
                        break
                    except sleepy.Suspended as again:
                        snapshot = again.snapshot
        else:
            source = "snap"
            if args[1:] == ["bytes"]:
                with open("snap", "rb") as f:
                    source = f.read()
            result = sleepy.resume_call(source)
        print("result", result)
    except sleepy.Suspended as s:
        s.save("snap")
        print("suspended", s.signal or "")
    """)


class TaskTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sleepy-tasks-")
        os.makedirs(os.path.join(cls.dir, "src"))
        src = os.path.join(cls.dir, "src", "jobs.py")  # (not beside the host)
        with open(src, "w") as f:
            f.write(JOBS)
        cls.lib = os.path.join(cls.dir, "lib")
        subprocess.run([TOOL, f"--python={PYTHON}", src, "-o", cls.lib], check=True,
                       capture_output=True)
        with open(os.path.join(cls.dir, "host.py"), "w") as f:
            f.write(HOST)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.work = tempfile.mkdtemp(dir=self.dir)

    def host(self, *args, check=True):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([self.lib, RUNTIME]))
        p = subprocess.run([PYTHON, os.path.join(self.dir, "host.py"), *args], cwd=self.work,
                           env=env, capture_output=True, text=True, timeout=120)
        if check:
            self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def uninterrupted(self, n):
        env = dict(os.environ, PYTHONPATH=RUNTIME)
        code = ("import sys, types; sys.modules['sleepy'] = types.SimpleNamespace("
                "suspend=lambda: None, SuspendError=Exception); exec(sys.stdin.read()); "
                f"print('result', job({n}, 'a'))")
        p = subprocess.run([PYTHON, "-c", code], input=JOBS, capture_output=True, text=True,
                           env=env, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def run_to_end(self, first, again):
        out = [self.host(*first).stdout]
        while out[-1].endswith("suspended \n") and len(out) < 40:
            out.append(self.host(*again).stdout)
        return out

    def test_suspends_and_resumes_in_fresh_hosts(self):
        for n, again in ((5, ["resume"]), (4, ["resume", "bytes"])):
            with self.subTest(n=n, again=again):
                pieces = self.run_to_end(["start", "job", str(n), "a"], again)
                self.assertGreater(len(pieces), 3)
                # Each suspension left the task's finally alone.
                self.assertEqual("".join(pieces),
                                 "suspended \n" * (len(pieces) - 1) + self.uninterrupted(n))

    def test_signal_suspends_the_running_task(self):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([self.lib, RUNTIME]))
        for name, n in (("spin", 12_000_000), ("loop_only", 30_000_000)):
            with self.subTest(task=name):
                p = subprocess.Popen([PYTHON, os.path.join(self.dir, "host.py"), "signal",
                                      "start", name, str(n)], cwd=self.work, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                self.assertEqual(p.stdout.readline(), "ready\n")
                time.sleep(0.3)
                p.send_signal(signal.SIGTERM)
                out, err = p.communicate(timeout=120)
                self.assertEqual((p.returncode, out), (0, "suspended SIGTERM\n"), err)
                out = self.host("signal", "resume").stdout
                expected = sum(i % 7 for i in range(n))
                self.assertEqual(out, f"ready\nresult {expected}\n")

    def test_signal_without_a_task_goes_to_the_host(self):
        out = self.host("idle").stdout
        self.assertEqual(out, "host's handler\ntask ended first: 2\nhost's handler\ndone\n")

    def test_task_that_is_not_rewritten_passes_the_signal_on(self):
        """It cannot suspend: the host's handler runs at once (it does not
        wait, armed and crawling, for a suspension that cannot come), and
        stderr says why, once."""
        p = self.host("opaque", check=False)
        self.assertEqual((p.returncode, p.stdout), (3, "host's handler\n"), p.stderr)
        self.assertEqual(p.stderr.count("not suspended: the task __main__.plain is not "
                                        "rewritten code"), 1, p.stderr)

    def test_host_with_threads(self):
        pieces = self.run_to_end(["threads", "start", "job", "3", "a"], ["threads", "resume"])
        self.assertEqual("".join(pieces)[-len(self.uninterrupted(3)):], self.uninterrupted(3))

    def test_resumed_in_the_same_host(self):
        out = self.host("again", "4").stdout
        self.assertEqual(out, self.uninterrupted(4).replace("'a'", "'here'")
                         .replace("finally a", "finally here"))

    def test_checkpoint_in_a_task(self):
        path = os.path.join(self.work, "kept")
        self.assertEqual(self.host("start", "keeper", path).stdout, "result went on\n")
        os.replace(path, os.path.join(self.work, "snap"))
        self.assertEqual(self.host("resume").stdout, "result resumed\n")

    def test_refusal_inside_a_task(self):
        out = self.host("start", "refused").stdout
        self.assertTrue(out.startswith("result refused: jobs.py:"), out)
        self.assertFalse(os.path.exists(os.path.join(self.work, "snap")))

    def test_kinds_are_not_mixed(self):
        self.host("start", "job", "3", "a")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([self.lib, RUNTIME]))
        p = subprocess.run([PYTHON, "-m", "sleepy", "resume", "snap"], cwd=self.work, env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("the snapshot of a task run by sleepy.call()", p.stderr)
        info = subprocess.run([PYTHON, "-m", "sleepy", "info", "snap"], cwd=self.work,
                              env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("a task (sleepy.call)", info.stdout)
        self.assertIn("in step", info.stdout)
        # A whole program's snapshot, given to resume_call.
        prog = os.path.join(self.work, "prog.py")
        with open(prog, "w") as f:
            f.write("import sleepy\nsleepy.suspend()\nprint('done')\n")
        subprocess.run([TOOL, f"--python={PYTHON}", prog, "-o", self.work], check=True,
                       capture_output=True)
        p = subprocess.run([PYTHON, "-m", "sleepy", "run", "--snapshot", "snap", "prog.pyc"],
                           cwd=self.work, env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 75, p.stderr)
        p = self.host("resume", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("the snapshot of a whole program, not of a task", p.stderr)


if __name__ == "__main__":
    unittest.main()
