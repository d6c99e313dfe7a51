#!/usr/bin/env python3
"""The farm's figures: moving a task between Celery workers, the cost of a
ResumableTask when nothing suspends, and a task's snapshot against pickle.

    /usr/bin/python3 bench/farm.py [--tool build/bin/sleepy-rewrite] [--rounds 3]
                                   [--kinds plain,resumable,...] [snapshot] [throughput] [move]

On the interpreter that has Debian's python3-celery, with a real
redis-server (broker, result backend and the snapshots' store) and real
workers (`celery -A farmjobs worker`) on bench/programs/farmjobs.py,
rewritten.

  move        a long task's worker (solo, then prefork) gets SIGTERM while
              an idle solo worker waits: from the signal to the snapshot in
              the store (snapshot), and to the task resuming on the other
              worker (move), from the workers' logs. Goal: move at most
              snapshot + 1 s.
  throughput  --tasks short tasks through a prefork worker (2 processes),
              sent at once and waited for: ResumableTask against the same
              function as a plain task (acknowledged as it starts), as one
              with acks_late (as a ResumableTask is), and as one with
              acks_late and sleepy's acknowledgement (ticked_late: the
              boundary's own cost), rounds rotating (--kinds: which of
              them; plain_late, at about 10 tasks/s, takes the most time).
              Goal: ratio against plain at least 0.9.
  snapshot    bench/programs/bigtask.py under sleepy.call, holding 200,000
              entries (a dict of lists, then of instances): from suspend()
              to Suspended in the caller, and its size, against
              pickle.dumps of the same dict. Goal: each ratio at most 1.2.
"""
import argparse
import datetime
import gc
import os
import pickle
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "test", "e2e")]
from identity import DEFAULT_TOOL  # noqa: E402
from redis_server import RedisServer  # noqa: E402

LONG = 30_000_000  # about 3 s of work: the task that moves
SHORT = 2_000  # about 0.3 ms: the throughput's tasks
SECTIONS = ("snapshot", "throughput", "move")
KINDS = ("plain", "plain_late", "ticked_late", "resumable")
LOG_TIME = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=400)
    ap.add_argument("--kinds", default=",".join(KINDS),
                    help="the throughput's kinds of task (plain and resumable at least)")
    ap.add_argument("sections", nargs="*", choices=SECTIONS, metavar="SECTION",
                    help=f"what to measure ({', '.join(SECTIONS)}; all when none is given)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sleepy-farm-")
    out = os.path.join(work, "out")
    for name in ("farmjobs", "bigstate", "bigtask"):
        subprocess.run([args.tool, f"--python={sys.executable}",
                        os.path.join(HERE, "programs", name + ".py"), "-o", out], check=True)
    redis = RedisServer(work)
    farm = Farm(work, out, redis)
    try:
        print(f"CPython {sys.version.split()[0]}, {args.rounds} rounds (medians)")
        sys.path.insert(0, out)
        os.environ.update(farm.env)
        for section in args.sections or SECTIONS:
            if section == "snapshot":
                snapshot(args.rounds)
            elif section == "throughput":
                kinds = tuple(k for k in KINDS if k in args.kinds.split(","))
                if not {"plain", "resumable"} <= set(kinds):
                    ap.error("--kinds: plain and resumable at least, of " + ",".join(KINDS))
                throughput(farm, args.rounds, args.tasks, kinds)
            else:
                move(farm, args.rounds)
    finally:
        farm.stop_all()
        gc.collect()  # (the clients' results let go while Redis runs)
        redis.stop()
        shutil.rmtree(work, ignore_errors=True)


class Farm:
    """Workers on the rewritten tasks, each with its log."""

    def __init__(self, work, out, redis):
        self.work = work
        self.redis = redis
        self.env = dict(os.environ, PYTHONPATH=out, FARM_BROKER=redis.url(0),
                        FARM_STORE=redis.url(1))
        self.workers = []

    def start(self, pool):
        name = f"w{len(self.workers)}"
        log = open(os.path.join(self.work, name + ".log"), "w+")
        args = [sys.executable, "-m", "celery", "-A", "farmjobs", "worker", f"--pool={pool}",
                "-n", f"{name}@%h", "--loglevel=INFO", "--without-gossip",
                "--without-mingle", "--without-heartbeat"]
        if pool == "prefork":
            args.append("--concurrency=2")
        w = subprocess.Popen(args, cwd=self.work, env=self.env, stdout=log,
                             stderr=subprocess.STDOUT)
        self.workers.append((w, log))
        self.wait_for(log, "ready.")
        return w, log

    def wait_for(self, log, text, timeout=60):
        """The time the log gives on its first line with `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log.seek(0)
            for line in log:
                if text in line:
                    m = LOG_TIME.match(line)
                    return (datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f")
                            .timestamp() if m else time.time())
            time.sleep(0.01)
        log.seek(0)
        raise RuntimeError(f"no {text!r} in a worker's log:\n{log.read()[-3000:]}")

    def stop(self, w, log):
        w.send_signal(signal.SIGTERM)
        w.wait(timeout=60)

    def stop_all(self):
        for w, log in self.workers:
            if w.poll() is None:
                w.kill()
                w.wait()
            log.close()


def snapshot(rounds):
    import bigtask
    import sleepy
    for state in ("lists", "objects"):
        rows = {k: [] for k in ("suspend", "dumps", "size", "psize")}
        for _ in range(rounds):
            try:
                sleepy.call(bigtask.task, state)
                raise AssertionError("the task did not suspend")
            except sleepy.Suspended as s:
                rows["suspend"].append(time.perf_counter() - bigtask.T0)
                rows["size"].append(len(s.snapshot))
            data = bigtask.make(state)
            t = time.perf_counter()
            rows["psize"].append(len(pickle.dumps(data, protocol=5)))
            rows["dumps"].append(time.perf_counter() - t)
            del data
        med = {k: statistics.median(v) for k, v in rows.items()}
        print(f"snapshot ({state}): suspend {med['suspend']:.3f} s   pickle.dumps "
              f"{med['dumps']:.3f} s   ratio {med['suspend'] / med['dumps']:.2f}   size "
              f"{med['size']} B vs {med['psize']} B   ratio {med['size'] / med['psize']:.2f}")


def throughput(farm, rounds, tasks, kinds):
    import farmjobs
    w, log = farm.start("prefork")
    servers = {w.pid, farm.redis.process.pid}
    times = {kind: [] for kind in kinds}
    cpu = {kind: [] for kind in kinds}
    for r in range(rounds + 1):
        for kind in kinds[r % len(kinds):] + kinds[:r % len(kinds)]:
            task = getattr(farmjobs, kind)
            c, t = cpu_seconds(servers), time.perf_counter()
            results = [task.delay(SHORT) for _ in range(tasks)]
            got = [res.get(timeout=300) for res in results]
            elapsed = time.perf_counter() - t
            assert got == [farmjobs.work(SHORT)] * tasks, kind
            if r:  # (the first round warms the worker up)
                times[kind].append(elapsed)
                cpu[kind].append(cpu_seconds(servers) - c)
    farm.stop(w, log)
    med = {kind: statistics.median(times[kind]) for kind in kinds}
    print(f"throughput ({tasks} tasks of {SHORT} steps, prefork x2): " +
          "   ".join(f"{kind} {tasks / med[kind]:.0f}/s" for kind in kinds))
    print("  CPU per task (the worker's processes and redis-server): " +
          "   ".join(f"{kind} {1000 * statistics.median(cpu[kind]) / tasks:.2f} ms"
                     for kind in kinds))
    for base in [k for k in kinds if k != "resumable"]:
        paired = statistics.median(p / q for p, q in zip(times[base], times["resumable"]))
        print(f"  resumable vs {base}: ratio {med[base] / med['resumable']:.2f}   "
              f"paired_ratio {paired:.2f}   CPU ratio "
              f"{statistics.median(cpu['resumable']) / statistics.median(cpu[base]):.2f}")


def cpu_seconds(pids):
    """The CPU time (user and system) that the processes `pids` and their
    children that run have used."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(entry) in pids or int(fields[1]) in pids:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def move(farm, rounds):
    import farmjobs
    for pool in ("solo", "prefork"):
        saved, moved = [], []
        for _ in range(rounds):
            a, alog = farm.start(pool)
            r = farmjobs.resumable.delay(LONG)
            farm.wait_for(alog, "received")
            b, blog = farm.start("solo")  # (idle: it waits for the next message)
            time.sleep(1.0)
            t = time.time()
            a.send_signal(signal.SIGTERM)
            saved.append(farm.wait_for(alog, "sleepy: suspended") - t)
            moved.append(farm.wait_for(blog, "resuming from snapshot") - t)
            assert r.get(timeout=120) == farmjobs.work(LONG)
            a.wait(timeout=60)
            farm.stop(b, blog)
        s, m = statistics.median(saved), statistics.median(moved)
        print(f"move (from {pool} to solo): snapshot {s:.3f} s   move {m:.3f} s   "
              f"move - snapshot {m - s:.3f} s (goal: at most 1 s)")


if __name__ == "__main__":
    main()
