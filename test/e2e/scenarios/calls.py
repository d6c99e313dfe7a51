"""Calls of every shape: methods, classmethods, staticmethods, super(),
decorators and wrappers, property getters, constructors (inside __init__ run
by type.__call__), a metaclass __call__."""
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
    bound = c.greet
    print(bound("dee"))
    print("deep", recurse(300))


main()
