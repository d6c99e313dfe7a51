"""A task for sleepy.call() holding 200,000 entries in a local: a dict of
lists (STATE=lists) or of instances of a class of the module's own
(STATE=objects). It notes when it calls suspend() in T0, so that its
caller can time the suspension; make() builds the same dict for the
baseline."""
import time

import sleepy

T0 = None


class Reading:
    def __init__(self, i):
        self.t, self.value, self.label = i, i * 0.5, f"item {i}"


def make(state):
    if state == "objects":
        return {i: Reading(i) for i in range(200000)}
    return {i: [i, i * 2, f"item {i}"] for i in range(200000)}


def task(state):
    global T0
    data = make(state)
    T0 = time.perf_counter()
    sleepy.suspend()
    return len(data)
