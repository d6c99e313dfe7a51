"""Suspended inside functions that stdlib code calls back: a sched action, a
heapq.merge key (under the merge generator, driven by a for loop), a
__deepcopy__ (under copy.deepcopy), with threading locks held by the caller.
Needs a rewritten stdlib: every frame down to the suspension must be
rewritten code. With SLEEPY_TEST=suspend each marked point suspends once."""
import copy
import heapq
import os
import sched
import threading

import sleepy

SUSPEND = os.environ.get("SLEEPY_TEST") == "suspend"
done = set()


def point(name):
    if SUSPEND and name not in done:
        done.add(name)
        sleepy.suspend()


lock = threading.RLock()


def job(i):
    with lock:
        point(f"job{i}")
        print("job", i, lock._is_owned())


s = sched.scheduler()
for i in range(3):
    s.enter(0, i, job, (i,))
s.run()


def key(x):
    point(f"key{x}")
    return -x


merged = []
for v in heapq.merge([9, 5, 1], [8, 2], key=key):  # not list(...): C would drive it
    merged.append(v)
print("merged", merged)


class Node:
    def __init__(self, value, children=()):
        self.value, self.children = value, list(children)

    def __deepcopy__(self, memo):
        point(f"copy{self.value}")
        return Node(self.value * 10, copy.deepcopy(self.children, memo))

    def values(self):
        return [self.value] + [v for c in self.children for v in c.values()]


tree = Node(1, [Node(2, [Node(3)]), Node(4)])
print("copied", copy.deepcopy(tree).values(), tree.values())
