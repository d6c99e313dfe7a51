"""Values already on the stack when the call suspends: the left operand, the
arguments of an outer call, a method and its self, keyword arguments."""
from support import pause


class Acc:
    def __init__(self):
        self.items = []

    def add(self, *values, sep="-"):
        self.items.append(sep.join(map(str, values)))
        return self


def f(a, b, c=0, *rest, **kw):
    return (a, b, c, rest, sorted(kw.items()))


def main():
    x = 10
    y = x + pause(5) * 2
    print("binary", y)
    print("outer call", f(1, pause(2), c=pause(3)))
    acc = Acc()
    acc.add(1, pause(2), 3, sep=pause("+"))
    print("method", acc.items)
    args = [1, 2]
    kwargs = {"k": "v"}
    print("star", f(*args, pause(3), 4, **kwargs))
    print("nested", [x, (y, {"k": pause(7)})])
    s = f"{x}-{pause('fmt')}-{y}"
    print("fstring", s)


main()
