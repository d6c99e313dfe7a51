"""A program holding a 200,000-entry dict and as many lists, which suspends
(or, with BASELINE set, times pickle.dump and pickle.load of the same
objects instead)."""
import os
import pickle
import sys
import time

import sleepy

data = {i: [i, i * 2, f"item {i}"] for i in range(200000)}


def main():
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


main()
