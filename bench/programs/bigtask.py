"""A task for sleepy.call() holding 200,000 entries in a local: a dict of
lists (STATE=lists) or of instances of a class of the module's own
(STATE=objects). It notes when it calls suspend() in T0, so that its
caller can time the suspension. The entries are bench/programs/bigstate.py's
(its make() builds the same dict for the baseline)."""
import time

import sleepy
from bigstate import make

T0 = None


def task(state):
    global T0
    data = make(state)
    T0 = time.perf_counter()
    sleepy.suspend()
    return len(data)
