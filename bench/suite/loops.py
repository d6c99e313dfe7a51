"""Loop-heavy: nested loops, arithmetic, containers."""
import time


def work():
    acc = 0
    grid = [[(i * j) % 7 for j in range(200)] for i in range(200)]
    for _ in range(8):
        for row in grid:
            for v in row:
                if v & 1:
                    acc += v
                else:
                    acc -= 1
    d = {}
    i = 0
    while i < 200000:
        d[i % 1000] = d.get(i % 1000, 0) + i
        i += 1
    return acc + len(d)


t = time.perf_counter()
result = work()
print(f"time={time.perf_counter() - t:.6f} result={result}")
