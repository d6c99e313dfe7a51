"""Attribute loads that run Python code, suspended inside each: a property
read (LOAD_ATTR) and a property called as a method (LOAD_METHOD), a
descriptor's __get__ on an instance and on a class, __getattr__ of a
wrapper that delegates (as unittest's stream wrapper does) read and called,
and __getattribute__."""
from support import pause


class Scaled:
    """A descriptor: the owner's `base` times its factor."""

    def __init__(self, factor):
        self.factor = factor

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        pause()
        if instance is None:
            return f"{owner.__name__}.{self.name}"
        return instance.base * self.factor


class Shape:
    double = Scaled(2)

    def __init__(self, base):
        self.base = base

    @property
    def area(self):
        pause()
        return self.base * self.base

    @property
    def describe(self):  # a property whose value is then called
        pause()
        return lambda unit: f"{self.base}{unit}"


class Wrapper:
    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        pause()
        return getattr(self.inner, name)


class Counting:
    def __init__(self):
        self.reads = 0

    def __getattribute__(self, name):
        if name == "value":
            pause()
            object.__setattr__(self, "reads", object.__getattribute__(self, "reads") + 1)
            return 42
        return object.__getattribute__(self, name)


def main():
    s = Shape(3)
    print(s.area, s.describe("cm"), s.double, Shape.double)
    out = []
    w = Wrapper(out)
    w.append("x")
    w.extend(["y", "z"])
    print(out, w.count("y"))
    c = Counting()
    print(c.value, c.value, c.reads)


main()
