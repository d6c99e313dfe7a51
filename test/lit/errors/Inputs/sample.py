# The valid module the bad-input tests damage: a loop, a handler, calls and
# globals, so that every kind of damage finds its place.
import math


def f(xs):
    total = 0
    for x in xs:
        try:
            total += math.floor(10 / x)
        except ZeroDivisionError:
            continue
    return total


print(f([1, 2, 0]))
