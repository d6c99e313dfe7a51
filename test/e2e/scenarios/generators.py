"""Suspended inside generators driven by for, next(), send(), throw(),
yield from and generator expressions; generators parked in the heap keep
their exact state (sent values, try and with blocks), and close() after
resume runs finally exactly once."""
from support import pause


def counter(n):
    total = 0
    for i in range(n):
        total += i
        received = yield pause(total)
        if received is not None:
            print("counter got", received)
    return total


def guarded(name):
    try:
        while True:
            try:
                value = yield
                print(name, "received", value)
            except ValueError as e:
                print(name, "handling", e)
                pause()
                print(name, "handled")
    finally:
        print(name, "finally runs once")


def inner():
    a = yield "i1"
    pause()
    b = yield f"i2 {a}"
    return a, b


def outer():
    result = yield from inner()
    print("inner returned", result)
    yield "o1"


class Gate:
    def __enter__(self):
        print("gate open")
        return self

    def __exit__(self, *exc):
        print("gate closed", exc[0])


def gated():
    with Gate():
        x = yield 1
        y = yield x + 1
        yield y * 2


def main():
    for v in counter(3):
        print("for", v)
    g = counter(4)
    print("next", next(g))
    print("send", g.send("hello"))
    h = guarded("h")
    next(h)
    h.send(1)
    h.throw(ValueError("oops"))
    h.send(2)
    o = outer()
    print(next(o))
    print(o.send("A"))
    print(o.send("B"))
    squares = (pause(x) * x for x in range(3))
    print("genexpr", list(squares) if False else [s for s in squares])
    # Parked generators: created, partly run, waiting in the heap.
    parked = counter(5)
    print("parked first", next(parked))
    p2 = gated()
    print("gated", next(p2), p2.send(10))
    fresh = counter(2)
    waiting = guarded("w")
    next(waiting)
    pause()
    print("parked next", next(parked), parked.send("after resume"))
    print("gated last", p2.send(7))
    print("fresh", [v for v in fresh])
    waiting.send("x")
    waiting.close()
    p2.close()
    h.close()


main()
