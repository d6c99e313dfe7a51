"""Generators driven by the C functions that sleepy runs as Python once a
program asks for it (sum, min, max, any, all, sorted: use_python_drivers), suspended inside
the generator: each resumes with what it had folded so far. Also the same
functions on everything else (lists, several arguments, key and default),
which go to the C functions, and the errors they raise; enumerate, zip,
map and filter over a generator under a for loop."""
import sleepy
from support import pause

sleepy.use_python_drivers()


def slow(x):
    pause()
    return x


def squares(n):
    for i in range(n):
        yield slow(i) * i


def main():
    xs = [3, 1, 4, 1, 5, 9, 2, 6]
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
                lambda: sum((x for x in xs), "")):
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
