"""Object-heavy: instances, attributes, properties, dunder methods."""
import time


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    @property
    def norm1(self):
        return abs(self.x) + abs(self.y)

    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)

    def __eq__(self, other):
        return self.x == other.x and self.y == other.y

    def __hash__(self):
        return hash((self.x, self.y))


class Particle:
    def __init__(self, i):
        self.pos = Point(i, -i)
        self.vel = Point(1, 1)
        self.name = f"p{i}"


def work():
    ps = [Particle(i) for i in range(2000)]
    seen = set()
    total = 0
    for _ in range(30):
        for p in ps:
            p.pos = p.pos + p.vel
            total += p.pos.norm1
            seen.add(p.pos)
    return total, len(seen)


t = time.perf_counter()
result = work()
print(f"time={time.perf_counter() - t:.6f} result={result}")
