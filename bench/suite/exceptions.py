"""Exception-heavy: raised in one function, caught in its caller, through
a few frames, in loops."""
import time


class Miss(Exception):
    pass


def lookup(d, k):
    if k not in d:
        raise Miss(k)
    return d[k]


def via(d, k):
    return lookup(d, k)


def work():
    d = {i: i for i in range(0, 1000, 3)}
    hits = misses = 0
    for _ in range(40):
        for k in range(1000):
            try:
                hits += via(d, k)
            except Miss:
                misses += 1
            try:
                int("x" if k % 2 else "1")
            except ValueError:
                misses += 1
    return hits, misses


t = time.perf_counter()
result = work()
print(f"time={time.perf_counter() - t:.6f} result={result}")
