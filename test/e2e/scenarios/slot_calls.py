"""Calls that reach Python code through a type's slot: an instance called
(`__call__`, as unittest calls each test case), nested, bound as an
attribute and kept in a list; the __exit__ that ends a `with` body; a
metaclass's __instancecheck__ and __subclasscheck__ under isinstance and
issubclass (as ABCMeta's); suspended inside each."""
from support import pause


class Scale:
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        pause()
        return x * self.k


class Case:
    def __init__(self, name, fn):
        self.name = name
        self.fn = fn

    def __call__(self, result):
        return self.run(result)

    def run(self, result):
        result.append((self.name, self.fn(len(result) + 1)))
        return result


class Suite:
    def __init__(self, cases):
        self.cases = cases

    def __call__(self, result):
        for case in self.cases:
            case(result)
        return result


class Transaction:
    """A context manager whose __exit__ does work (called by the end of the
    `with` body, and by an exception leaving it)."""

    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("begin")
        return self

    def __exit__(self, kind, value, tb):
        self.log.append("rollback" if kind else "commit")
        pause()
        self.log.append("closed")
        return False


class Built:
    """Suspended twice in one __init__ (the second time under the frame the
    runtime resumed the first with), and in a generator step driven by
    next(), twice."""

    def __init__(self, n):
        self.parts = [pause(n)]
        self.parts.append(pause(n + 1))


def steps():
    yield pause("a") + pause("b")
    yield "c"


class Duck(type):
    """isinstance and issubclass ask it; it answers with what is not a bool,
    which they turn into one."""

    def __instancecheck__(cls, obj):
        pause()
        return len(getattr(obj, "quack", ""))

    def __subclasscheck__(cls, sub):
        return pause(getattr(sub, "quack", None))


class Quacks(metaclass=Duck):
    pass


class Robot:
    quack = "beep"


class Holder:
    def __init__(self):
        self.op = Scale(10)


def main():
    suite = Suite([Case("double", Scale(2)), Case("triple", Scale(3)),
                   Suite([Case("inner", Scale(5))])])
    result = suite([])
    print(result)
    log = []
    with Transaction(log) as t:
        log.append(type(t).__name__)
    for i in range(2):
        with Transaction(log):
            log.append(f"body {i}")
    print(log)
    b = Built(4)
    g = steps()
    print(b.parts, type(b).__name__, next(g), next(g))
    h = Holder()
    print(h.op(4), [f(1) for f in [Scale(7), Scale(8)]])
    print("duck", isinstance(Robot(), Quacks), isinstance(3, Quacks),
          issubclass(Robot, Quacks), issubclass(int, Quacks))


main()
