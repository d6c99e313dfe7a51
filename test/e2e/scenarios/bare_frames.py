"""Frames stopped at bare sites: a call with nothing kept under it, outside
any try or with, in a function without cells or yields gets no capture
handler, and the runtime reads such a frame itself. Chains of them, the
innermost one calling pause(), long recursion, locals changed just before or
deleted, bare frames under and over framed ones, a frame suspended again
after its resume, and exceptions passing through them (tracebacks as in the
original)."""
import traceback

from support import pause, show


def leaf(n):
    total = n * 3
    del n
    return pause(total)


def middle(k):
    label = f"m{k}"
    value = leaf(k)
    return show(label, value)


def deep(n):
    if n == 0:
        return middle(7)
    return deep(n - 1)


def mixed(n):
    acc = [n]
    acc.append(deep(n))
    r = 10 + deep(2)
    acc.append(r)
    return acc


def twice():
    a = leaf(1)
    b = leaf(2)
    return a + b


def fail(n):
    if n == 0:
        raise ValueError("deep down")
    return fail(n - 1)


def main():
    show("mixed", mixed(60))
    show("twice", twice())
    try:
        fail(3)
    except ValueError as e:
        frames = [(f.name, f.lineno) for f in traceback.extract_tb(e.__traceback__)]
        show("traceback", frames)
    show("after", deep(3))


main()
