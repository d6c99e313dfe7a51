"""A program that spends its first phase where it cannot be suspended (a
key function called by sorted, a C function), then calls its own functions:
a signal in the first phase is refused once, and the program suspends as
soon as the second phase begins."""
import sys


def key(x):
    return -x


def step(i):
    return i % 7


def main():
    rounds = int(sys.argv[1])
    total = 0
    for r in range(rounds):
        total += sorted(range(100000), key=key)[0]
    print("sorted phase done", total, flush=True)
    for i in range(400000):
        total += step(i)
    print("total", total)


main()
