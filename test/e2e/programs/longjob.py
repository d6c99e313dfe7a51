"""A long deterministic computation with many calls, for the signal test:
it prints its progress, and its result depends on every step."""


def collatz_length(n):
    steps = 0
    while n != 1:
        n = step(n)
        steps += 1
    return steps


def step(n):
    return n // 2 if n % 2 == 0 else 3 * n + 1


class Stats:
    def __init__(self):
        self.best = (0, 0)
        self.total = 0

    def add(self, n, length):
        self.total += length
        if length > self.best[1]:
            self.best = (n, length)


def chunk(stats, start, size):
    for n in range(start, start + size):
        stats.add(n, collatz_length(n))


def main():
    stats = Stats()
    for k in range(60):
        chunk(stats, 1 + k * 2000, 2000)
        print(f"chunk {k}: total {stats.total} best {stats.best}")
    print("done", stats.total, stats.best)


main()
