"""A program holding 200,000 entries, which suspends (or, with BASELINE
set, times pickle.dump of the same objects instead; with LOAD set, loads
that pickle and says when it is done). STATE=lists (the default) holds a
dict of lists; STATE=objects a dict of instances of a class of the
program's own, each with its attributes (what most programs hold, and what
the snapshot pickler reaches through its reducer_override)."""
import os
import pickle
import sys
import time

import sleepy


class Reading:
    def __init__(self, i):
        self.t, self.value, self.label = i, i * 0.5, f"item {i}"


def make(state):
    if state == "objects":
        return {i: Reading(i) for i in range(200000)}
    return {i: [i, i * 2, f"item {i}"] for i in range(200000)}


def main():
    load = os.environ.get("LOAD")
    if load:
        with open(load, "rb") as f:
            pickle.load(f)
        print(f"loaded_at={time.time():.6f}")
        return
    global data
    data = make(os.environ.get("STATE", "lists"))
    baseline = os.environ.get("BASELINE")
    if baseline:
        t = time.perf_counter()
        with open(baseline, "wb") as f:
            pickle.dump(data, f, protocol=5)
        dumped = time.perf_counter() - t
        print(f"dump={dumped:.6f} size={os.path.getsize(baseline)}")
        return
    print(f"suspend_at={time.time():.6f}", flush=True)
    sleepy.suspend()
    print(f"resumed_at={time.time():.6f} entries={len(data)}", flush=True)


if __name__ == "__main__":  # (bench/programs/bigtask.py imports make)
    main()
