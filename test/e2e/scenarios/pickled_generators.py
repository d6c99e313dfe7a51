"""pickle.dumps() of a rewritten generator, parked in the heap, works in a
program that uses the runtime (a copyreg reducer): the copy goes on from
where the original waits, also after a resume.
# original differs: pickling a generator needs rewritten code
"""
import pickle

from support import pause


def counter(n):
    total = 0
    for i in range(n):
        received = yield total
        if received is not None:
            total += len(received)
        total += i
    return total


def main():
    parked = counter(5)
    print("first", next(parked), parked.send("abc"))
    copy = pickle.loads(pickle.dumps(parked))
    pause()
    print("pickled copy", next(copy), next(parked))
    again = pickle.loads(pickle.dumps(copy))
    print("copies", copy.send("de"), again.send("de"), parked.send("de"))
    try:
        next(copy)
        next(copy)
    except StopIteration as e:
        print("copy done", e.value)


main()
