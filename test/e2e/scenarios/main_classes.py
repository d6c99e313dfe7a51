"""Classes of every common kind defined in the main program, and their
instances, across suspensions: the main module is not imported again on
resume, so they travel by value and must behave exactly as before."""
import abc
import collections
import dataclasses
import enum
import types
import typing
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, TypedDict

import support
from support import pause


# A class put into another module at run time (as enum's _convert_ does):
# importing that module again does not make it.
Level = enum.IntEnum("Level", "LOW HIGH", module="support")
support.Level = Level
# ... and a dataclass whose generated methods are named after it there.
Cell = dataclasses.dataclass(types.new_class("Cell", (), {}, lambda ns: ns.update(
    __module__="support", __annotations__={"x": int, "y": int}, y=0)))
support.Cell = Cell


class Plain:
    kind = "plain"

    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return f"Plain({self.v})"


class Node:
    __slots__ = ("value", "children", "__private")

    def __init__(self, value):
        self.value = value
        self.children = []
        self.__private = value * 2

    def private(self):
        return self.__private


@dataclass
class Point:
    x: int
    y: int = 0
    tags: list = field(default_factory=list)


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int = 0


@dataclass(slots=True)
class Slotted:
    a: int
    b: str = "b"


@dataclass(kw_only=True)
class Options:
    verbose: bool = False
    level: int = 1


class Shade(enum.IntEnum):
    LIGHT = 1
    DARK = 2


class Color(enum.Enum):
    RED = "r"
    GREEN = "g"

    def describe(self):
        return f"{self.name.lower()} ({self.value})"


class Planet(enum.Enum):
    MERCURY = (3.303e+23, 2.4397e6)
    EARTH = (5.976e+24, 6.37814e6)

    def __init__(self, mass, radius):
        self.mass = mass
        self.radius = radius


class Perm(enum.Flag):
    R = 4
    W = 2
    X = 1


class Mode(enum.StrEnum):
    FAST = enum.auto()
    SLOW = enum.auto()


class Pair(NamedTuple):
    left: int
    right: int = 9

    def total(self):
        return self.left + self.right


Triple = collections.namedtuple("Triple", "a b c", defaults=[0])


class Movie(TypedDict):
    title: str
    year: int


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self):
        ...

    def describe(self):
        return f"{type(self).__name__} of area {self.area()}"


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side ** 2


class Virtual:
    def area(self):
        return 0


Shape.register(Virtual)


@typing.runtime_checkable
class Sized(Protocol):
    def size(self) -> int:
        ...


class Box:
    def size(self):
        return 3


class Registry(type):
    classes = []

    def __new__(meta, name, bases, ns):
        cls = super().__new__(meta, name, bases, ns)
        meta.classes.append(name)
        return cls


class Registered(metaclass=Registry):
    pass


class Base:
    subclasses = []

    def __init_subclass__(cls, /, tag="none", **kwargs):
        super().__init_subclass__(**kwargs)
        cls.tag = tag
        Base.subclasses.append(cls.__name__)


class Child(Base, tag="child"):
    pass


class Positive:
    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, owner=None):
        return getattr(obj, self.name) if obj is not None else self

    def __set__(self, obj, value):
        if value < 0:
            raise ValueError("negative")
        setattr(obj, self.name, value)


class Account:
    balance = Positive()

    def __init__(self, balance):
        self.balance = balance

    @property
    def doubled(self):
        return self.balance * 2

    @classmethod
    def empty(cls):
        return cls(0)

    @staticmethod
    def currency():
        return "EUR"

    class Entry:
        def __init__(self, amount):
            self.amount = amount


class Savings(Account):
    """super() without arguments in frames that are resumed (it reads the
    frame's first argument and its __class__ cell)."""

    def __init__(self, balance, rate):
        super().__init__(balance)
        pause()
        self.rate = rate

    def interest(self, *years, compound=False, **extra):
        pause()
        base = super().doubled // 2
        return [base * self.rate * y for y in years], compound, extra


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return self.count


def show_all(objs):
    p, n, pt, v, s, o, pair, tri, movie, sq, acc, entry, cnt = objs
    print(p, p.kind, n.value, [c.value for c in n.children], n.private())
    print(pt, Point(2), dataclasses.asdict(pt), [f.name for f in dataclasses.fields(Point)])
    print(v, v < Version(2), sorted([Version(3), v]), hash(v) == hash(Version(1, 2)))
    try:
        v.major = 5
    except dataclasses.FrozenInstanceError as e:
        print("frozen", type(e).__name__)
    print(s, Slotted(7), hasattr(s, "__dict__"), o, Options(level=3))
    print(Shade.DARK, Shade(1) is Shade.LIGHT, Shade.DARK + 1, Shade["LIGHT"] is Shade.LIGHT)
    print(Color("r") is Color.RED, Color.GREEN.describe(), list(Color), len(Color))
    print(Planet.EARTH.mass, Planet.MERCURY.radius, Planet((5.976e+24, 6.37814e6)) is Planet.EARTH)
    rw = Perm.R | Perm.W
    print(rw, Perm.R in rw, Perm(6) is rw, Perm(7), list(Perm))
    print(Mode.FAST, Mode("slow") is Mode.SLOW, Mode.FAST == "fast")
    print(Level.HIGH, Level(1) is Level.LOW, support.Level is Level, Level.__module__)
    print(Cell(1), Cell(2, 3) == Cell(2, 3), support.Cell is Cell, Cell.__init__.__qualname__)
    print(pair, pair.total(), Pair(1), pair._replace(left=5), Pair._fields, pair._asdict())
    print(tri, Triple(1, 2), tri._fields)
    print(movie, Movie.__required_keys__ == {"title", "year"})
    print(sq.describe(), isinstance(Virtual(), Shape), issubclass(Square, Shape))
    try:
        Shape()
    except TypeError as e:
        print("abstract", "area" in str(e))
    print(isinstance(Box(), Sized), isinstance(p, Sized))
    print(Registry.classes, type(Registered).__name__, Base.subclasses, Child.tag)
    print(acc.balance, acc.doubled, Account.empty().balance, Account.currency())
    try:
        acc.balance = -1
    except ValueError as e:
        print("refused", e)
    print(entry.amount, type(entry).__qualname__, cnt(), cnt())
    class Later(Base, tag="later"):
        pass
    print(Base.subclasses, Later.tag)
    sav = Savings(100, 2)
    print(sav.balance, sav.rate, sav.interest(1, 2, compound=True, note="x"))


def main():
    n = Node(1)
    n.children.append(Node(2))
    objs = [Plain(1), n, Point(1, tags=["a"]), Version(1, 2), Slotted(3), Options(verbose=True),
            Pair(1, 2), Triple(1, 2, 3), Movie(title="T", year=1999), Square(3), Account(10),
            Account.Entry(5), Counter()]
    pause()
    show_all(objs)
    pause()
    show_all(objs)


main()
