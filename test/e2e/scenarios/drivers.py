"""Generators driven by the C functions that sleepy runs as Python once a
program asks for it (sum, min, max, any, all, sorted: use_python_drivers), suspended inside
the generator: each resumes with what it had folded so far; key functions
of min, max and sorted and the function of functools.reduce, suspended
inside: each resumes that call and folds on (sorted stable, also
reversed). Also the same
functions on everything else (lists, several arguments, key and default),
which go to the C functions, and the errors they raise; enumerate, zip,
map and filter over a generator under a for loop."""
import functools

import sleepy
from support import pause

sleepy.use_python_drivers()
from functools import reduce  # noqa: E402  (the driver, once installed)


def slow(x):
    pause()
    return x


def squares(n):
    for i in range(n):
        yield slow(i) * i


def by_tens(v):
    pause()
    return v // 10


def slow_add(a, b):
    pause()
    return a + b


def main():
    xs = [3, 1, 4, 1, 5, 9, 2, 6]
    ys = [31, 12, 45, 17, 38, 10, 44]
    print(sorted(ys, key=by_tens), sorted(ys, key=by_tens, reverse=True),
          min(ys, key=by_tens), max(ys, key=by_tens), max(iter(ys), key=lambda v: -by_tens(v)))
    print(sorted((slow(y) for y in ys), key=by_tens), min((slow(y) for y in ys), key=by_tens))
    print(reduce(slow_add, xs), functools.reduce(slow_add, xs, 100),
          reduce(lambda a, b: slow_add(a, b * 2), [], 7), min([], key=by_tens, default="no"))
    print(sum(slow(x) for x in xs), sum((slow(x) for x in xs), 100))
    print(sum(squares(4)), sum((float(slow(x)) for x in xs), 0.5))
    print(min(slow(x) for x in xs), max(slow(x) for x in xs))
    print(min((slow(x) for x in xs), key=lambda v: -v), max((x for x in []), default="none"))
    print(any(slow(x) > 8 for x in xs), all(slow(x) > 0 for x in xs),
          any(slow(x) > 100 for x in xs[:2]), all(slow(x) < 4 for x in xs))
    print(sorted(slow(x) for x in xs), sorted((slow(x) for x in xs), reverse=True,
                                              key=lambda v: v % 3))
    print(sum(xs), min(xs), max(3, 7), min("bca"), max(xs, key=lambda v: -v),
          sorted(xs), any([]), all([]), min([], default=0))
    for bad in (lambda: sum(x for x in "ab"), lambda: min(x for x in []),
                lambda: sum((x for x in xs), ""), lambda: reduce(slow_add, []),
                lambda: min([], key=by_tens), lambda: sorted(["a", 1], key=lambda v: v),
                lambda: sorted([3, 1], key=by_tens, reverse="x")):
        try:
            bad()
        except (TypeError, ValueError) as e:
            print(type(e).__name__, e)
    # C iterators that a for loop drives over a generator: FOR_ITER runs
    # again on resume, and the iterator (pickled with the generator) drives it.
    print([(i, v) for i, v in enumerate(squares(3), 10)],
          [p for p in zip(squares(3), "abc")], [v for v in map(abs, squares(3))],
          [v for v in filter(None, squares(4))])
    total = 0
    for row in range(3):
        total += sum(slow(row * x) for x in range(4))
    print(total)


main()
