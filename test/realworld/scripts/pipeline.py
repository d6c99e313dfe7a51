#!/usr/bin/env python3
"""A generator pipeline over sensor readings: produce, parse, filter,
window, aggregate; writes the aggregates to a CSV file."""
import csv
import itertools
import math
import random
from collections import deque


def readings(n, seed=5):
    rng = random.Random(seed)
    for i in range(n):
        sensor = f"s{rng.randint(1, 12):02d}"
        value = 20 + 5 * math.sin(i / 500) + rng.gauss(0, 1)
        if rng.random() < 0.002:
            yield f"{i},{sensor},ERR"
        else:
            yield f"{i},{sensor},{value:.3f}"


def parse(lines):
    for line in lines:
        t, sensor, raw = line.split(",")
        try:
            yield int(t), sensor, float(raw)
        except ValueError:
            continue


def only(sensors, rows):
    return (r for r in rows if r[1] in sensors)


def windows(rows, size):
    window = deque(maxlen=size)
    for row in rows:
        window.append(row[2])
        if len(window) == size:
            yield row[0], sum(window) / size, max(window) - min(window)


def main():
    sensors = {"s01", "s03", "s07", "s11"}
    stream = windows(only(sensors, parse(readings(300000))), 50)
    with open("aggregates.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["t", "mean", "spread"])
        count = 0
        peak = (None, -1.0)
        for t, mean, spread in stream:
            count += 1
            if spread > peak[1]:
                peak = (t, spread)
            if count % 100 == 0:
                out.writerow([t, f"{mean:.4f}", f"{spread:.4f}"])
    print(f"{count} windows, widest spread {peak[1]:.3f} at t={peak[0]}")
    pairs = itertools.islice(itertools.combinations(sorted(sensors), 2), 10)
    print("pairs:", ["-".join(p) for p in pairs])


if __name__ == "__main__":
    main()
