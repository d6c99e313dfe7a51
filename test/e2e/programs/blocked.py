"""A program that spends its first phase where it cannot be suspended (one
call of sum over map, C functions that call a Python function, with no loop
of Python code between), then calls its own functions: a signal in the
first phase is refused once, and the program suspends as soon as the second
phase begins."""
import sys


def key(x):
    return -x


def step(i):
    return i % 7


def main():
    rounds = int(sys.argv[1])
    total = sum(map(key, range(rounds * 400000)))
    print("blocked phase done", total, flush=True)
    for i in range(400000):
        total += step(i)
    print("total", total)


main()
