"""Generators handed to the C functions that drive them (sum, min, max,
any, all, sorted), and the same functions on lists and on several
arguments, as programs mix them."""
import time


def readings(n):
    for i in range(n):
        yield (i * 7919) % 1000


def work():
    total = 0
    data = list(range(2000))
    for r in range(40):
        total += sum(x * x for x in range(4000))
        total += max(readings(3000)) + min(x % 97 for x in data)
        total += any(x > 998 for x in readings(1500)) + all(x >= 0 for x in data)
        total += sorted(x % 13 for x in data)[r]
        for x in data:  # the functions on small lists and pairs, in a loop
            total += min(x, r) + max(x, 5) + sum((x, r))
    return total


t = time.perf_counter()
result = work()
print(f"time={time.perf_counter() - t:.6f} result={result}")
