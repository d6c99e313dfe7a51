"""Calls that reach Python code through a type's slot: an instance called
(`__call__`, as unittest calls each test case), nested, bound as an
attribute and kept in a list; suspended inside each."""
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


class Holder:
    def __init__(self):
        self.op = Scale(10)


def main():
    suite = Suite([Case("double", Scale(2)), Case("triple", Scale(3)),
                   Suite([Case("inner", Scale(5))])])
    result = suite([])
    print(result)
    h = Holder()
    print(h.op(4), [f(1) for f in [Scale(7), Scale(8)]])


main()
