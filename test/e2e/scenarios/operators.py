"""Dunders the interpreter calls through a type's slot under an operator,
suspended inside each: binary operators (forward, reflected, in place, in
place falling back to the binary one, NotImplemented handing on to the
other operand, a subclass's reflected dunder going first), comparisons (the
default != running __eq__, == falling back to identity), subscripts (get,
set, delete, a dict subclass's __missing__), `in` and `not in`, unary
operators, a `with` statement's __enter__, the dunders builtins call
(len, hash, repr, str, iter, abs, bool, next), super() in a dunder, an
exception a resumed dunder raises caught by the frame that applied the
operator, a `for`'s __iter__, and an f-string's fields (__format__ with and
without a spec, __str__ through object.__format__, the conversions !s, !r
and !a, one followed by a spec)."""
from support import pause


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __repr__(self):
        return f"Money({self.cents})"

    def __add__(self, other):
        pause()
        if isinstance(other, Money):
            return Money(self.cents + other.cents)
        if isinstance(other, int):
            return Money(self.cents + other)
        return NotImplemented

    def __radd__(self, other):
        pause()
        return Money(self.cents + other)

    def __iadd__(self, other):
        pause()
        self.cents += other.cents
        return self

    def __sub__(self, other):  # no __isub__: -= falls back to this
        pause()
        return Money(self.cents - other.cents)

    def __mul__(self, k):
        pause()
        return Money(self.cents * k)

    def __neg__(self):
        pause()
        return Money(-self.cents)

    def __invert__(self):
        return Money(pause(~self.cents))

    def __lt__(self, other):
        pause()
        return self.cents < other.cents

    def __eq__(self, other):  # no __ne__: != runs this through object's
        pause()
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents == other.cents

    __hash__ = None


class Coupon:
    """Knows how to be added to Money (Money.__add__ says NotImplemented)."""

    def __init__(self, off):
        self.off = off

    def __radd__(self, money):
        pause()
        return Money(money.cents - self.off)


class Euro(Money):
    """A subclass with its own reflected dunder: asked first."""

    def __radd__(self, other):
        pause()
        return Euro(getattr(other, "cents", other) + self.cents + 1000)


class Ledger:
    def __init__(self):
        self.rows = {}

    def __getitem__(self, key):
        pause()
        if key not in self.rows:
            raise KeyError(key)
        return self.rows[key]

    def __setitem__(self, key, value):
        pause()
        self.rows[key] = value

    def __delitem__(self, key):
        pause()
        del self.rows[key]

    def __contains__(self, key):
        pause()
        return len(self.rows.get(key, ""))  # a number: `in` makes it a bool


class Defaults(dict):
    def __missing__(self, key):
        pause()
        return key * 2


class Logged(dict):
    def __getitem__(self, key):
        pause()
        return super().__getitem__(key) + 1


class Session:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("open")
        pause()
        return len(self.log)

    def __exit__(self, kind, value, tb):
        self.log.append(f"close {kind.__name__ if kind else None}")
        return kind is KeyError


class Bag:
    """Dunders that builtins call: len, hash, repr, str, iter, abs, bool,
    next."""

    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        pause()
        return len(self.items)

    def __hash__(self):
        pause()
        return -1  # hash() makes it -2

    def __repr__(self):
        pause()
        return f"Bag({self.items})"

    def __str__(self):
        pause()
        return "bag of " + str(len(self.items))

    def __iter__(self):
        pause()
        return iter(self.items)

    def __abs__(self):
        pause()
        return sum(abs(x) for x in self.items)

    def __bool__(self):
        pause()
        return bool(self.items)

    def __next__(self):
        pause()
        if not self.items:
            raise StopIteration
        return self.items.pop()


class Temp:
    """An f-string's fields: __format__ (with and without a spec), and the
    conversions' __str__ and __repr__ (!s, !r, !a, one with a spec)."""

    def __init__(self, c):
        self.c = c

    def __format__(self, spec):
        pause()
        return f"{self.c:{spec or 'g'}}C"

    def __str__(self):
        pause()
        return f"T{self.c}"

    def __repr__(self):
        pause()
        return f"Temp({self.c!r}\u00b0)"


class Plain:
    """No __format__ of its own: object.__format__ calls __str__."""

    def __str__(self):
        pause()
        return "plain"


class Deck:
    """A `for` calls __iter__ (GET_ITER), which is not a generator here."""

    def __init__(self, cards):
        self.cards = cards

    def __iter__(self):
        pause()
        return iter(self.cards)


def main():
    a, b = Money(150), Money(25)
    print(a + b, a + 5, 7 + a, a * 3, -a, ~b)
    c = a
    c += b
    print(c, a, c is a)
    d = b
    d -= Money(5)
    print(d, b, d is b)
    one = Money(1)
    print(a + Coupon(50), a + Euro(1), one + Euro(2))
    print(a < b, b < a, a == Money(175), a != Money(175), b != a, a == "x", a != "x")
    ledger = Ledger()
    ledger["x"] = "xyz"
    ledger["y"] = ""
    print(ledger["x"], "x" in ledger, "y" in ledger, "z" not in ledger)
    try:
        ledger["nope"]
    except KeyError as e:
        print("missing", e)
    del ledger["x"]
    print(sorted(ledger.rows), Defaults(a=1)["b"], Defaults(a=1)["a"])
    print(Logged(n=41)["n"])
    total = Money(0)
    for k in range(3):
        total = total + Money(k)
    print(total)
    bag = Bag([3, -4])
    print(len(bag), hash(bag), repr(bag), str(bag), list(iter(bag)), abs(bag), bool(bag))
    print(next(bag), next(bag), bool(bag))
    try:
        next(bag)
    except StopIteration:
        print("empty")
    log = []
    with Session(log) as n:
        log.append(n)
    with Session(log):
        raise KeyError("swallowed by __exit__")
    print(log)
    t = Temp(21.5)
    print(f"{t}|{t:.1f}|{t!s}|{t!r}|{t!a}|{t!s:>8}|{Plain()}|{Plain()!s:*^9}")
    print([c for c in Deck("abc")], sum(1 for _ in Deck([1, 2])))
    for card in Deck([3, 4]):
        print("card", card)


main()
