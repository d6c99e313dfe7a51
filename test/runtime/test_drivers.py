"""Unit tests of runtime/sleepy/_drivers.py: a Fold computes what the C
function it stands for computes (sorted with a key, stable and reversed;
min and max with a key and a default; functools.reduce with and without an
initial value), and so does a Fold restarted where a suspension interrupted
the call of its key: `run(resumed)` with the interrupted call done again
must give the uninterrupted result, whatever the item it stopped at."""
import functools
import random
import unittest

from sleepy import _drivers
from sleepy._drivers import Fold, _EMPTY


def c_or_error(fn):
    try:
        return ("value", fn())
    except (TypeError, ValueError) as e:
        return (type(e).__name__, str(e))


class Recorder:
    """A key that records the items it was called on (the C functions and
    the folds must call it on the same items, in the same order)."""

    def __init__(self, fn):
        self.fn, self.calls = fn, []

    def __call__(self, *args):
        self.calls.append(args)
        return self.fn(*args)


def interrupted(kind, items, key, extra, stop):
    """The Fold of `kind` over `items`, run until its key's call on the
    item at `stop`, then restarted with that call done again (as a resume
    does: the state the frame had, synced, and the call's result)."""
    class Interrupt(Exception):
        pass

    count = [0]

    def stopping(*args):
        if count[0] == stop:
            raise Interrupt
        count[0] += 1
        return key(*args)

    it = iter(items)
    if kind == "reduce":
        acc = next(it)
        fold = Fold("reduce", it, acc, stopping)
    elif kind == "sorted":
        fold = Fold("sorted", it, [], stopping, extra, keys=[])
    else:
        fold = Fold(kind, it, _EMPTY, stopping, extra)
    try:
        return ("ran through", fold.run())
    except Interrupt as e:
        frame = e.__traceback__.tb_next.tb_frame  # Fold.run's
        fold.sync(frame)
        pending_args = ((frame.f_locals["acc"], frame.f_locals["x"]) if kind == "reduce" else
                        (fold.pending,) if kind != "sorted" else
                        (fold.acc[len(fold.keys)],))
        fold.key = key
        return ("value", fold.run(lambda: key(*pending_args)))


class FoldTests(unittest.TestCase):
    def setUp(self):
        rng = random.Random(7)
        self.lists = [[], [5], [3, 1, 2], [rng.randrange(6) for _ in range(40)],
                      [rng.randrange(100) for _ in range(25)]]

    def test_sorted_with_a_key_is_sorted(self):
        for xs in self.lists:
            for key in (lambda v: v % 3, lambda v: -v, lambda v: v // 10):
                for reverse in (False, True):
                    want = sorted(xs, key=key, reverse=reverse)
                    got = Fold("sorted", iter(xs), [], key, reverse, keys=[]).run()
                    self.assertEqual(got, want, (xs, reverse))
                    # Stable: equal keys keep their order (by identity).
                    objs = [[v] for v in xs]
                    want = sorted(objs, key=lambda o: key(o[0]), reverse=reverse)
                    got = Fold("sorted", iter(objs), [], lambda o: key(o[0]), reverse,
                               keys=[]).run()
                    self.assertEqual([id(o) for o in got], [id(o) for o in want])

    def test_the_key_is_called_on_the_same_items(self):
        xs = self.lists[3]
        for kind, c in (("min", min), ("max", max)):
            a, b = Recorder(lambda v: v % 4), Recorder(lambda v: v % 4)
            self.assertEqual(Fold(kind, iter(xs), _EMPTY, b, _EMPTY).run(), c(xs, key=a))
            self.assertEqual(a.calls, b.calls)
        a, b = Recorder(lambda v: -v), Recorder(lambda v: -v)
        self.assertEqual(Fold("sorted", iter(xs), [], b, False, keys=[]).run(),
                         sorted(xs, key=a))
        self.assertEqual(a.calls, b.calls)

    def test_min_and_max(self):
        for xs in self.lists:
            for kind, c in (("min", min), ("max", max)):
                for key in (None, lambda v: v % 5, lambda v: -v):
                    want = c_or_error(lambda: c(xs, key=key))
                    got = c_or_error(lambda: Fold(kind, iter(xs), _EMPTY, key, _EMPTY).run())
                    self.assertEqual(got, want, (kind, xs))
                    self.assertEqual(Fold(kind, iter(xs), _EMPTY, key, "d").run(),
                                     c(xs, key=key, default="d"))

    def test_reduce(self):
        add = lambda a, b: a * 3 + b  # noqa: E731 (order matters)
        for xs in self.lists:
            if xs:
                it = iter(xs)
                self.assertEqual(Fold("reduce", it, next(it), add).run(),
                                 functools.reduce(add, xs))
            self.assertEqual(Fold("reduce", iter(xs), 11, add).run(),
                             functools.reduce(add, xs, 11))

    def test_restarted_where_the_key_was_interrupted(self):
        xs = self.lists[4]
        cases = [("min", lambda v: v % 7, _EMPTY, min), ("max", lambda v: v // 9, _EMPTY, max),
                 ("sorted", lambda v: v % 4, False, sorted),
                 ("sorted", lambda v: v % 4, True, sorted)]
        for kind, key, extra, c in cases:
            if kind == "sorted":
                want = c(xs, key=key, reverse=extra)
            else:
                want = c(xs, key=key)
            for stop in range(len(xs)):
                self.assertEqual(interrupted(kind, xs, key, extra, stop), ("value", want),
                                 (kind, extra, stop))
        add = lambda a, b: a * 3 + b  # noqa: E731
        for stop in range(len(xs) - 1):
            self.assertEqual(interrupted("reduce", xs, add, None, stop),
                             ("value", functools.reduce(add, xs)), stop)

    def test_surrogates_pickle_as_what_they_stand_for(self):
        self.assertEqual(_drivers.reduce.__module__ + "." + _drivers.reduce.__qualname__,
                         "functools.reduce")
        self.assertEqual(_drivers.sorted.__module__, "builtins")
        self.assertTrue(_drivers.takes_key(sorted) and _drivers.takes_key(functools.reduce))
        self.assertFalse(_drivers.takes_key(sum))


if __name__ == "__main__":
    unittest.main()
