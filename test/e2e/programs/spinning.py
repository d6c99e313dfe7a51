"""A loop that calls no rewritten function. It signals itself once, through
os.kill, a C function: the handler first runs as that call returns, which
is no place to suspend, and then where the loop jumps back to its head,
which is. The program must be suspended there, long before the loop ends,
and resume to print what it prints uninterrupted."""
import os
import signal
import sys


def spin(n, signalled):
    total = 0
    for i in range(n):
        if i == 1000 and signalled:
            os.kill(os.getpid(), signal.SIGUSR1)
        total = (total + i * i) % 1000003
    return total


print("spun", spin(20_000_000, sys.argv[1:] == ["signal"]))
