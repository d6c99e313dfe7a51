"""Calls of every shape: methods, classmethods, staticmethods, super(),
decorators and wrappers, property getters, constructors (inside __init__ run
by type.__call__), a metaclass __call__, a class's own __new__ (under an
ABC's metaclass, as fractions.Fraction)."""
import abc
import functools

from support import pause


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        print("enter", fn.__name__)
        result = fn(*args, **kwargs)
        print("leave", fn.__name__)
        return result
    return wrapper


class Base:
    def __init__(self, name):
        self.name = name
        pause()
        self.ready = True

    def greet(self, other):
        pause()
        return f"{self.name} greets {other}"

    @classmethod
    def make(cls, name):
        pause()
        return cls(name)

    @staticmethod
    def helper(x):
        return pause(x) * 2

    @property
    def title(self):
        return pause(self.name.title())


class Child(Base):
    def greet(self, other):
        head = super().greet(other)
        return head + "!"


class Meta(type):
    def __call__(cls, *args):
        print("meta call", cls.__name__)
        obj = super().__call__(*args)
        pause()
        return obj


class WithMeta(metaclass=Meta):
    def __init__(self, v):
        self.v = pause(v)


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self):
        ...


class Square(Shape):
    """Made by its __new__ alone (no __init__), as Fraction and Decimal are."""
    def __new__(cls, side):
        self = super().__new__(cls)
        self.side = pause(side)
        return self

    def area(self):
        return self.side ** 2


@logged
def decorated(a, b=2):
    return pause(a) + b


def recurse(n):
    if n == 0:
        return pause(0)
    return 1 + recurse(n - 1)


def main():
    c = Child("ann")
    print(c.name, c.ready, c.title)
    print(c.greet("bob"))
    print(Child.make("cid").name)
    print(Base.helper(21), c.helper(4))
    print(decorated(1), decorated(b=5, a=3))
    w = WithMeta(9)
    print("with meta", w.v)
    sq = Square(7)
    print("square", type(sq).__name__, sq.area(), isinstance(sq, Shape))
    bound = c.greet
    print(bound("dee"))
    print("deep", recurse(300))


main()
