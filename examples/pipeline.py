"""A long job that can be stopped and continued: it works through batches,
and suspends itself halfway (when run with --stop) to be resumed later, in a
new process, exactly where it was."""
import sys

import sleepy


def batches(n):
    return [list(range(i * 10, i * 10 + 10)) for i in range(n)]


def process(batch, seen):
    total = 0
    for x in batch:
        total += x * x
        seen.add(x % 7)
    return total


def main(argv):
    stop = "--stop" in argv
    seen = set()
    results = []
    for k, batch in enumerate(batches(6)):
        results.append(process(batch, seen))
        print(f"batch {k}: {results[-1]}")
        if stop and k == 2:
            print("suspending after batch 2", flush=True)
            sleepy.suspend()
            print("resumed in a new process")
    print("total", sum(results), "residues", sorted(seen))


main(sys.argv)
