"""with blocks: suspension never calls __exit__; after resume the block
finishes and __exit__ runs once, with or without an exception."""
import sys

from support import pause


class Resource:
    opened = 0

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        Resource.opened += 1
        print("enter", self.name)
        return self

    def __exit__(self, kind, value, tb):
        print("exit", self.name, kind.__name__ if kind else None)
        return kind is KeyError


def main():
    with Resource("a") as a:
        pause()
        print("inside", a.name)
    with Resource("b"), Resource("c") as c:
        pause()
        print("inside", c.name)
    with Resource("d"):
        pause()
        raise KeyError("swallowed")
    try:
        with Resource("e"):
            pause()
            raise ValueError("escapes")
    except ValueError as e:
        print("escaped", e)
    print("opened", Resource.opened)
    sys.stdout.write("unflushed at the end")


main()
