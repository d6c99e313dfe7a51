"""Closures: nested functions, nonlocal state, functions returning
functions, lambdas, decorators."""
import functools
import time


def counter():
    n = 0

    def inc(k=1):
        nonlocal n
        n += k
        return n
    return inc


def memo(fn):
    cache = {}

    @functools.wraps(fn)
    def wrapper(x):
        if x not in cache:
            cache[x] = fn(x)
        return cache[x]
    return wrapper


@memo
def slow(x):
    return sum(range(x % 50))


def compose(f, g):
    return lambda x: f(g(x))


def work():
    inc = counter()
    h = compose(lambda x: x + 1, lambda x: x * 2)
    total = 0
    for i in range(150000):
        total += inc() + h(i) + slow(i)
    return total


t = time.perf_counter()
result = work()
print(f"time={time.perf_counter() - t:.6f} result={result}")
