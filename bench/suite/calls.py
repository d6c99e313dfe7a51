"""Call-heavy: recursion, methods, keyword calls."""
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def add(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def scaled(self, k=1):
        return Vec(self.x * k, self.y * k)


def work():
    total = fib(24)
    v = Vec(0, 0)
    step = Vec(1, 2)
    for i in range(60000):
        v = v.add(step.scaled(k=2))
    return total + v.x + v.y


t = time.perf_counter()
result = work()
print(f"time={time.perf_counter() - t:.6f} result={result}")
