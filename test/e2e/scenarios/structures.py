"""Comprehensions, match statements, generators driven by the program's own
code, and globals of this module and of an imported one (among them types
that pickle cannot find by name, such as types.FunctionType)."""
import types
from types import FunctionType, GeneratorType

import support
from support import pause

KINDS = {FunctionType: "function", GeneratorType: "generator", types.CodeType: "code"}

counter = 0
registry = {"boot": 1}


def bump():
    global counter
    counter += 1
    registry[f"k{counter}"] = counter


def classify(value):
    match value:
        case {"kind": "point", "x": x, "y": y}:
            return f"point {pause(x)},{y}"
        case [first, *rest] if rest:
            return f"list {first} +{len(rest)}"
        case str() as s:
            return "str " + pause(s)
        case _:
            return "other"


def main():
    squares = [pause(i) * i for i in range(3)]
    table = {k: pause(k.upper()) for k in "ab"}
    uniq = {pause(x % 2) for x in range(3)}
    print(squares, table, sorted(uniq))
    for v in [{"kind": "point", "x": 1, "y": 2}, [1, 2, 3], "s", 4.5]:
        print(classify(v))
    bump()
    pause()
    bump()
    print("globals", counter, sorted(registry.items()), support.pauses > 0)


main()

pause()
print("kinds", sorted(KINDS.values()), KINDS[type(bump)], isinstance(bump, FunctionType))
