#!/usr/bin/env python3
"""Celery (sleepy.celery): a task preempted on one worker resumes on another.

    SLEEPY_PYTHON=/usr/bin/python3 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        /usr/bin/python3 test/e2e/test_celery.py [-v]

Runs on the interpreter that has Debian's python3-celery (this script is
the tasks' client too). Starts a real redis-server on a loopback port
(broker, result backend and, in one test, the snapshots' store), rewrites
a tasks module with sleepy-rewrite and starts real workers on it
(`python3 -m celery -A farm worker`). A long task is sent; the worker
running it gets SIGTERM, and so does its replacement; the third worker
finishes it. The result must be an uninterrupted run's, the task must have
ended once, and the store must be empty at the end. With --pool=solo (the
store a directory) and --pool=prefork (two pool processes, two tasks, the
store in Redis).

Also: sleepy.suspend() in a task yields its worker; a task that cannot be
saved goes on and the log says why, once; a snapshot taken by one worker
is not resumed by a second delivery; and a chaos run (50 tasks, workers
of both pools stopped at random moments and replaced; FARM_SEED picks
them; FARM_KEEP=1 keeps the workers' logs). In `make test` when the set-up (utils/install-deps.sh) has run.
"""
import gc
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from e2e_env import PYTHON, RUNTIME, TOOL

FARM = textwrap.dedent("""\
    import os
    import socket
    import sleepy.celery
    from celery import Celery

    BROKER = os.environ["FARM_BROKER"]
    app = Celery("farm", broker=BROKER, backend=BROKER)
    app.conf.update(worker_prefetch_multiplier=1, task_track_started=True,
                    broker_connection_retry_on_startup=True)
    if os.environ.get("FARM_VISIBILITY"):  # (seconds before an unacknowledged message comes back)
        app.conf.broker_transport_options = {
            "visibility_timeout": int(os.environ["FARM_VISIBILITY"])}
    sleepy.celery.install(app, store=os.environ["FARM_STORE"])


    def mix(x, i):
        return (x * 31 + i) % 1_000_003


    def compute(n, seed):
        x = seed
        for i in range(n):
            x = mix(x, i)
        return x


    def done(task_id):
        with open(os.path.join(os.environ["FARM_DONE"], "done.log"), "a") as f:
            f.write(f"{task_id}\\n")


    @app.task(bind=True, base=sleepy.celery.ResumableTask)
    def crunch(self, n, seed):
        result = compute(n, seed)
        done(self.request.id)
        return result


    @app.task(bind=True, base=sleepy.celery.ResumableTask)
    def yielding(self, n, seed):  # gives its worker up halfway, once
        x = seed
        for i in range(n):
            if i == n // 2:
                sleepy.suspend()
            x = mix(x, i)
        done(self.request.id)
        return x


    @app.task(bind=True, base=sleepy.celery.ResumableTask)
    def holding(self, n, seed):  # holds what no snapshot can save
        with socket.socket() as s:
            result = compute(n, seed)
        done(self.request.id)
        return result
    """)

N = 80_000_000  # about 8 s uninterrupted: each worker is stopped after 1 s of it


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CeleryTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sleepy-celery-")
        src = os.path.join(cls.dir, "src")
        os.makedirs(src)
        with open(os.path.join(src, "farm.py"), "w") as f:
            f.write(FARM)
        cls.lib = os.path.join(cls.dir, "lib")
        subprocess.run([TOOL, f"--python={PYTHON}", os.path.join(src, "farm.py"), "-o",
                        cls.lib], check=True, capture_output=True)
        port = free_port()
        cls.redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind",
                                      "127.0.0.1", "--save", "", "--appendonly", "no"],
                                     cwd=cls.dir, stdout=subprocess.DEVNULL)
        cls.broker = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sys.path[:0] = [src, RUNTIME]  # the client: the original module

    @classmethod
    def tearDownClass(cls):
        cls.redis.terminate()
        cls.redis.wait()
        if os.environ.get("FARM_KEEP"):  # (the workers' logs, to look at)
            print(f"kept {cls.dir}", file=sys.stderr)
        else:
            shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.work = tempfile.mkdtemp(dir=self.dir)
        self.done = os.path.join(self.work, "done")
        os.makedirs(self.done)
        self.workers = []
        import redis
        redis.Redis.from_url(self.broker).flushall()  # (what an earlier test left)

    def tearDown(self):
        gc.collect()  # (results waiting in the backend let go while Redis runs)
        for w, log in self.workers:
            if w.poll() is None:
                w.kill()
                w.wait()
            log.close()

    def env(self, store):
        return dict(os.environ, PYTHONPATH=os.pathsep.join([self.lib, RUNTIME]),
                    FARM_BROKER=self.broker, FARM_STORE=store, FARM_DONE=self.done)

    def worker(self, store, pool, **env):
        name = f"w{len(self.workers)}"
        log = open(os.path.join(self.work, name + ".log"), "w+")
        args = [PYTHON, "-m", "celery", "-A", "farm", "worker", f"--pool={pool}",
                "-n", f"{name}@%h", "--loglevel=INFO", "--without-gossip",
                "--without-mingle", "--without-heartbeat"]
        if pool == "prefork":
            args.append("--concurrency=2")
        w = subprocess.Popen(args, cwd=self.work, env=dict(self.env(store), **env), stdout=log,
                             stderr=subprocess.STDOUT)
        self.workers.append((w, log))
        return w, log

    def wait_for(self, log, text, times=1, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log.seek(0)
            found = log.read().count(text)
            if found >= times:
                return found
            time.sleep(0.1)
        log.seek(0)
        self.fail(f"no {text!r} in the worker's log:\n{log.read()[-3000:]}")

    def stop(self, w, log):
        w.send_signal(signal.SIGTERM)
        try:
            w.wait(timeout=60)
        except subprocess.TimeoutExpired:
            log.seek(0)
            self.fail(f"the worker did not stop:\n{log.read()[-3000:]}")

    def client(self, store):
        """The tasks' module as a client imports it (the original)."""
        os.environ.update(FARM_BROKER=self.broker, FARM_STORE=store, FARM_DONE=self.done)
        sys.modules.pop("farm", None)
        import farm
        return farm

    def assert_done_once(self, results):
        path = os.path.join(self.done, "done.log")
        found = open(path).read().split() if os.path.exists(path) else []
        self.assertEqual(sorted(found), sorted(r.id for r in results))

    def assert_store_empty(self, store):
        from sleepy._stores import open_store
        self.assertEqual(open_store(store).keys(), [])  # every snapshot deleted

    def whereabouts(self, ids):
        """What the broker and the workers' logs say of the tasks `ids`."""
        import redis
        broker = redis.Redis.from_url(self.broker)
        held = {"queue": broker.lrange("celery", 0, -1),
                "unacked": broker.hvals("unacked")}
        lines = []
        for task_id in ids:
            found = [where for where, messages in held.items()
                     if any(task_id.encode() in m for m in messages)]
            lines.append(f"{task_id}: in the broker's {' and '.join(found) or 'nothing'}")
            for w, log in self.workers:
                log.seek(0)
                lines += [f"  {os.path.basename(log.name)} (pid {w.pid}): {line.rstrip()}"
                          for line in log if task_id in line]
        return "\n".join(lines)

    def move(self, store, pool, tasks):
        farm = self.client(store)
        results = [farm.crunch.delay(N, seed) for seed in range(1, tasks + 1)]
        for stops in range(2):  # the first worker, and its replacement
            w, log = self.worker(store, pool)
            self.wait_for(log, "resuming from snapshot" if stops else "received", tasks)
            time.sleep(1.0)
            self.stop(w, log)
            log.seek(0)
            said = "SIGTERM)" if pool == "solo" else "SIGUSR2: the worker is stopping)"
            text = log.read()
            self.assertEqual(text.count("sleepy: suspended (" + said), tasks, text[-4000:])
            self.assertNotIn("ERROR/", text)  # (sleepy says it once, as a warning)
        w, log = self.worker(store, pool)
        got = [r.get(timeout=120) for r in results]
        self.assertEqual(got, [farm.compute(N, seed) for seed in range(1, tasks + 1)])
        self.assertEqual(self.wait_for(log, "resuming from snapshot"), tasks)
        self.assert_done_once(results)
        self.assert_store_empty(store)
        self.stop(w, log)

    def test_solo(self):
        self.move(os.path.join(self.work, "store"), "solo", 1)

    def test_prefork(self):
        self.move(self.broker.replace("/0", "/1"), "prefork", 2)

    def test_suspend_in_a_task_yields_the_worker(self):
        """sleepy.suspend() in a task: its message goes back to the queue,
        and the worker (the same one, here) takes it again and resumes it."""
        store = os.path.join(self.work, "store")
        farm = self.client(store)
        w, log = self.worker(store, "solo")
        r = farm.yielding.delay(N // 8, 5)
        self.assertEqual(r.get(timeout=120), farm.compute(N // 8, 5))
        log.seek(0)
        text = log.read()
        self.assertEqual(text.count("sleepy: suspended: snapshot"), 1, text[-4000:])
        self.assertEqual(text.count("resuming from snapshot"), 1, text[-4000:])
        self.assertIsNone(w.poll())  # (the worker goes on)
        self.assert_done_once([r])
        self.assert_store_empty(store)
        self.stop(w, log)

    def test_refused_task_goes_on(self):
        """A task that holds what no snapshot can save goes on when its
        worker is told to stop; the log says why, once; the worker stops
        once the task has ended, its result stored."""
        store = os.path.join(self.work, "store")
        farm = self.client(store)
        w, log = self.worker(store, "solo")
        r = farm.holding.delay(N // 4, 3)
        self.wait_for(log, "received")
        time.sleep(0.5)
        self.stop(w, log)
        self.assertEqual(r.get(timeout=10), farm.compute(N // 4, 3))
        log.seek(0)
        text = log.read()
        self.assertEqual(text.count("sleepy: SIGTERM: cannot suspend yet:"), 1, text[-4000:])
        said = text[text.index("cannot suspend yet"):].splitlines()[0]
        self.assertIn("in holding: local 's'", said)
        self.assertIn("socket", said)
        self.assertNotIn("sleepy: suspended", text)
        self.assert_done_once([r])
        self.assert_store_empty(store)

    def test_second_delivery_of_a_taken_snapshot_is_dropped(self):
        """A snapshot taken by one worker and delivered again (its message
        requeued while the first runs it) is not resumed a second time; the
        task is sent again for when the first's claim would run out."""
        store = os.path.join(self.work, "store")
        farm = self.client(store)
        from sleepy._stores import open_store
        snapshots = open_store(store)
        key = "a-task-taken-elsewhere"
        snapshots.put(key, b"(a snapshot)")
        self.assertEqual(snapshots.take(key), b"(a snapshot)")  # the other worker's
        w, log = self.worker(store, "solo")
        from sleepy.celery import AGAIN  # (as a message that comes back: see _delivered_before)
        farm.crunch.apply_async((N, 1), task_id=key, headers={AGAIN: True})
        self.wait_for(log, "sleepy: not resumed:")
        self.wait_for(log, "the task sent again to look in")  # (when its claim would run out)
        self.assert_done_once([])
        self.stop(w, log)

    def test_delivery_of_a_task_that_has_ended_is_dropped(self):
        """The message that sleepy sends again for a taken snapshot, coming
        once its holder has finished the task: the result is there, and
        the task does not run a second time."""
        store = os.path.join(self.work, "store")
        farm = self.client(store)
        w, log = self.worker(store, "solo")
        r = farm.crunch.delay(N // 64, 2)
        self.assertEqual(r.get(timeout=60), farm.compute(N // 64, 2))
        from sleepy.celery import AGAIN
        farm.crunch.apply_async((N // 64, 2), task_id=r.id, headers={AGAIN: True})
        self.wait_for(log, f"sleepy: task {r.id} has ended already; this delivery is dropped")
        self.assert_done_once([r])
        self.assert_store_empty(store)
        self.stop(w, log)

    def test_killed_pool_process_runs_the_task_again_from_its_snapshot(self):
        """A pool process killed (SIGKILL) as it runs a resumed task: the
        task's message comes back, the claim of the process that is gone
        is taken over, and the task runs again from its snapshot."""
        from sleepy._stores import open_store
        store = os.path.join(self.work, "store")
        farm = self.client(store)
        r = farm.crunch.delay(N, 7)
        w, log = self.worker(store, "solo")
        self.wait_for(log, "received")
        time.sleep(1.0)
        self.stop(w, log)
        w, log = self.worker(store, "prefork")
        self.wait_for(log, "resuming from snapshot")
        holder = open_store(store).holder(r.id)
        self.assertNotEqual(holder["pid"], w.pid)  # (a pool process)
        time.sleep(0.5)
        os.kill(holder["pid"], signal.SIGKILL)
        self.assertEqual(r.get(timeout=120), farm.compute(N, 7))
        self.assertEqual(self.wait_for(log, "resuming from snapshot", 2), 2)
        self.assert_done_once([r])
        self.assert_store_empty(store)
        self.stop(w, log)

    def test_killed_worker_runs_the_task_again_from_its_snapshot(self):
        """The whole worker killed (SIGKILL) as it runs a resumed task: the
        task's message comes back once the broker's visibility timeout has
        run out (3 s here), the dead worker's claim on the snapshot is taken
        over, and another worker runs the task again from its snapshot.
        (kombu 5.2's Redis transport gives back such messages 10 s after a
        worker starts, then every 100 s: the next worker starts once the
        timeout has run out.)"""
        store = os.path.join(self.work, "store")
        farm = self.client(store)
        r = farm.crunch.delay(N, 9)
        w, log = self.worker(store, "solo", FARM_VISIBILITY="3")
        self.wait_for(log, "received")
        time.sleep(1.0)
        self.stop(w, log)
        w, log = self.worker(store, "solo", FARM_VISIBILITY="3")
        self.wait_for(log, "resuming from snapshot")
        time.sleep(0.5)
        w.kill()
        w.wait()
        time.sleep(3.0)
        w, log = self.worker(store, "solo", FARM_VISIBILITY="3")
        self.assertEqual(r.get(timeout=120), farm.compute(N, 9))
        self.wait_for(log, "resuming from snapshot")
        self.assert_done_once([r])
        self.assert_store_empty(store)
        self.stop(w, log)

    def kill_a_pool_process(self, rng):
        """SIGKILL to a random pool process of a running prefork worker
        (running a task, fresh or resumed, or idle); its worker starts
        another. False if there is none."""
        mains = {w.pid for w, _ in self.workers if w.poll() is None and
                 "--pool=prefork" in w.args}
        pool = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid in mains:
                pool.append(int(entry))
        if not pool:
            return False
        try:
            os.kill(rng.choice(sorted(pool)), signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True

    def test_no_message_is_lost_as_a_worker_stops(self):
        """Tasks sent while a worker stops, as another waits: all end. (A
        stopping worker has asked Redis for its next message with a BRPOP
        that waits up to a second, and reads no answer once its event loop
        has stopped: kombu 5.2 loses a message given to it then. sleepy
        takes the request back.)"""
        store = os.path.join(self.work, "store")
        farm = self.client(store)
        w, log = self.worker(store, "solo")
        self.wait_for(log, "ready.")
        results = []
        for pool in ("prefork", "solo", "prefork"):
            a, alog = self.worker(store, pool)
            self.wait_for(alog, "ready.")
            time.sleep(0.5)
            a.send_signal(signal.SIGTERM)
            for seed in range(3):
                time.sleep(0.2)
                results.append(farm.crunch.delay(1000, seed))
            a.wait(timeout=60)
        deadline = time.monotonic() + 30
        while not all(r.ready() for r in results) and time.monotonic() < deadline:
            time.sleep(0.1)
        waiting = [r.id for r in results if not r.ready()]
        self.assertEqual(waiting, [], self.whereabouts(waiting))
        self.assertEqual([r.get() for r in results],
                         [farm.compute(1000, seed) for seed in range(3)] * 3)
        self.assert_done_once(results)
        self.stop(w, log)

    def test_chaos(self):
        """50 tasks; workers (solo and prefork) stopped by SIGTERM at random
        moments and replaced, and prefork pool processes killed at random
        (SIGKILL: their tasks run again, from their snapshot if resumed): every result is an uninterrupted run's, no task ends twice,
        no snapshot is left."""
        rng = random.Random(int(os.environ.get("FARM_SEED", "16")))
        store = self.broker.replace("/0", "/2")
        farm = self.client(store)
        jobs = [(rng.randrange(4_000_000, 12_000_000), seed) for seed in range(50)]
        results = [farm.crunch.delay(n, seed) for n, seed in jobs]
        pools = ["solo", "prefork"]
        running = [self.worker(store, pools[i % 2]) for i in range(2)]
        deadline = time.monotonic() + 300
        stopped = 0
        killed = 0
        while not all(r.ready() for r in results):
            if time.monotonic() > deadline:
                from sleepy._stores import open_store
                waiting = [r.id for r in results if not r.ready()]
                self.fail(f"the tasks did not end: {len(waiting)} of 50 {waiting}; in the "
                          f"store: {open_store(store).keys()}; {stopped} workers stopped, "
                          f"{killed} pool processes killed\n{self.whereabouts(waiting)}")
            time.sleep(rng.uniform(0.3, 1.5))
            if rng.random() < 0.3 and self.kill_a_pool_process(rng):
                killed += 1  # (its worker goes on, with a new pool process)
                continue
            victim = running.pop(rng.randrange(len(running)))
            running.append(self.worker(store, pools[len(self.workers) % 2]))
            self.stop(*victim)
            stopped += 1
        got = [r.get(timeout=10) for r in results]
        self.assertEqual(got, [farm.compute(n, seed) for n, seed in jobs])
        self.assert_done_once(results)
        self.assert_store_empty(store)
        suspended = resumed = 0
        for w, log in self.workers:
            log.seek(0)
            text = log.read()
            suspended += text.count("sleepy: suspended (")
            resumed += text.count("resuming from snapshot")
        print(f"chaos: {len(jobs)} tasks, {stopped} workers stopped, {killed} pool "
              f"processes killed, {suspended} suspensions, {resumed} resumes",
              file=sys.stderr)
        self.assertGreater(suspended, 0)
        self.assertGreaterEqual(resumed, suspended)  # (a killed resume: once more)
        for w, log in running:
            self.stop(w, log)


if __name__ == "__main__":
    unittest.main()
