"""Loops that wait: each step sleeps and calls no rewritten function. A
signal then nearly always arrives while the loop waits in C (time.sleep),
where nothing can be saved; the loop must still be suspended, at its next
jump back, long before it ends, and resume to print what it prints
uninterrupted.

    waiting.py for|forever|while STEPS [SECONDS_PER_STEP]
"""
import sys
import time


def for_loop(n):
    total = 0
    for i in range(n):
        time.sleep(delay)
        total += i * i
    return total


def forever(n):
    total, i = 0, 0
    while True:  # (one jump back, not conditional, on every version)
        time.sleep(delay)
        total += i * 3
        i += 1
        if i == n:
            break
    return total


def while_loop(n):
    total, i = 0, 0
    while i < n:  # (3.11: a conditional jump back)
        time.sleep(delay)
        total += i
        i += 1
    return total


steps = int(sys.argv[2])
delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.01
how = {"for": for_loop, "forever": forever, "while": while_loop}[sys.argv[1]]
print(sys.argv[1], how(steps), flush=True)
