"""`for line in f` while every attempt to suspend is refused (a re.Match
in a local cannot be saved): the program reads on after each attempt and
must count what it counts uninterrupted. The process that writes a
snapshot shares the file's offset with the program; finding the position
of a file read by next() there moved the offset under the program, which
then read lines twice or lost them."""
import os
import re
import signal
import sys
import tempfile

LINE = re.compile(r"row (\d+)")


def value(m):
    return int(m.group(1))


def count(path, signalled):
    lines = total = 0
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if lines == 100 and signalled:
                os.kill(os.getpid(), signal.SIGUSR1)
            total += value(m)  # (where the signal's hook makes its attempts)
            lines += 1
    return lines, total


def main():
    fd, path = tempfile.mkstemp(prefix="sleepy-reading-")
    with os.fdopen(fd, "w") as f:
        f.write("".join(f"row {i}\n" for i in range(1_000_000)))
    try:
        print("counted", *count(path, sys.argv[1:] == ["signal"]))
    finally:
        os.remove(path)


main()
