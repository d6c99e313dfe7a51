#!/usr/bin/env python3
"""Collatz chain lengths with a memoizing callable class, then some
statistics over them with sorted(key=...) and sum(genexpr)."""
import json
import sys


class ChainLength:
    def __init__(self):
        self.cache = {1: 1}
        self.calls = 0

    def __call__(self, n):
        self.calls += 1
        path = []
        while n not in self.cache:
            path.append(n)
            n = n // 2 if n % 2 == 0 else 3 * n + 1
        length = self.cache[n]
        for m in reversed(path):
            length += 1
            self.cache[m] = length
        return length


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 400000
    chain = ChainLength()
    lengths = {n: chain(n) for n in range(1, limit)}
    best = sorted(lengths, key=lambda n: (-lengths[n], n))[:10]
    print("longest chains:", [(n, lengths[n]) for n in best])
    total = sum(l for l in lengths.values())
    even = sum(1 for n, l in lengths.items() if l % 2 == 0)
    print(f"mean length {total / len(lengths):.4f}, even lengths {even}")
    histogram = {}
    for l in lengths.values():
        histogram[l // 25 * 25] = histogram.get(l // 25 * 25, 0) + 1
    for bucket in sorted(histogram):
        print(f"{bucket:>4}-{bucket + 24:<4} {'#' * (histogram[bucket] * 60 // len(lengths))}"
              f" {histogram[bucket]}")
    with open("collatz.json", "w") as f:
        json.dump({"limit": limit, "calls": chain.calls, "cache": len(chain.cache),
                   "best": best}, f)


if __name__ == "__main__":
    main()
