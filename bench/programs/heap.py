"""Builds a heap of N MB, then times a bare fork and checkpoint(wait=False)."""
import os
import resource
import statistics
import sys
import time

import sleepy


def build(mb):
    # About 100 bytes per entry: a list of small lists of ints and strings.
    return [[i, str(i)] for i in range(mb * 1024 * 1024 // 150)]


def bare_fork():
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    elapsed = time.perf_counter() - t
    os.waitpid(pid, 0)
    return elapsed


def main():
    mb = int(sys.argv[1])
    heap = build(mb)
    forks, pauses = [], []
    from sleepy import _save
    for _ in range(5):
        forks.append(bare_fork())
        _save._finish_background()  # the previous checkpoint is written
        t = time.perf_counter()
        sleepy.checkpoint(wait=False)
        pauses.append(time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f, c = statistics.median(forks) * 1e3, statistics.median(pauses) * 1e3
    print(f"{mb:>8} {rss:>7.0f} {f:>7.2f} {c:>11.2f} {c - f:>11.2f}")
    return len(heap)


main()
