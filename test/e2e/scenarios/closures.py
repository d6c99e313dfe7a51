"""Cells shared between closures and the frame that made them keep their
identity across a snapshot."""
from support import pause


def make_counter():
    count = 0

    def inc():
        nonlocal count
        count += 1
        return count

    def get():
        return count

    pause()
    inc()
    return inc, get


def main():
    inc, get = make_counter()
    inc()
    pause()
    inc()
    print("shared", get())
    fns = [lambda i=i: i * 10 for i in range(3)]
    pause()
    print([fn() for fn in fns])
    adders = []
    for k in range(3):
        def add(x, k=k):
            return x + k
        adders.append(add)
    print([a(pause(100)) for a in adders][:1], [a(1) for a in adders])


main()
