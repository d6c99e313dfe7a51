"""Objects live as long after a resume as in the original run: one the
program drops is freed there and then (its __del__ runs before the next
line), and a cycle it drops is found by gc.collect(), as pyperformance's
gc_collect counts them. (The runtime holds nothing of the snapshot once the
frames have their values.)"""
import gc

from support import pause


class Tracked:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("freed", self.name)


class Node:
    def __init__(self):
        self.next = None


def cycles(n):
    nodes = [Node() for _ in range(n)]
    for a, b in zip(nodes, nodes[1:] + nodes[:1]):
        a.next = b
    return nodes


def main():
    gc.collect()
    kept = Tracked("kept")
    dropped = Tracked("dropped")
    ring = cycles(50)
    pause()
    del dropped
    print("after del")
    del ring
    print("collected at least 50:", gc.collect() >= 50)
    pause()
    print("end", kept.name)


main()
