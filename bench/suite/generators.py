"""Generator-heavy: pipelines of generators and generator expressions."""
import time


def numbers(n):
    for i in range(n):
        yield i


def evens(xs):
    for x in xs:
        if x % 2 == 0:
            yield x


def squares(xs):
    for x in xs:
        yield x * x


def work():
    total = 0
    for _ in range(5):
        total += sum(squares(evens(numbers(100000))))
        total += sum(x for x in range(50000) if x % 3)
    return total


t = time.perf_counter()
result = work()
print(f"time={time.perf_counter() - t:.6f} result={result}")
