"""The program signals itself just before a list comprehension whose
closure holds a local of its caller: the signal catches the
comprehension's frame as it starts, and the resumed comprehension must
share that cell with its caller (the caller changes it later)."""
import os
import signal


def main():
    lengths = {n: n * 2 for n in range(100)}
    total = 0
    for i in range(3):
        if i == 1:
            os.kill(os.getpid(), signal.SIGUSR1)
        total += sum([lengths[n] + i for n in lengths])
        lengths[i] = -1
    print(total, lengths[0], lengths[1])


main()
