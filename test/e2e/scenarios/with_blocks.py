"""with blocks: suspension never calls __exit__; after resume the block
finishes and __exit__ runs once, with or without an exception. Suspended
inside an __exit__ that an exception leaving the block called
(WITH_EXCEPT_START): after resume the exception is swallowed or goes on as
__exit__ says, with its traceback (the same object as __exit__'s `tb`) and
its line; likewise inside a generator-based manager's except clause, which
__exit__ reached by throwing the exception into it."""
import sys
import traceback

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


class Watch:
    """Pauses in __exit__ when an exception leaves the block."""

    def __init__(self, swallow):
        self.swallow = swallow

    def __exit__(self, kind, value, tb):
        if kind is not None:
            pause()
            print("exit with", repr(value), tb is value.__traceback__, tb.tb_lineno,
                  sys.exc_info()[1] is value)
        return self.swallow

    def __enter__(self):
        return self


class Managed:
    """A generator-based manager, as contextlib's: __exit__ throws the
    exception into the generator."""

    def __init__(self, gen):
        self.gen = gen

    def __enter__(self):
        return next(self.gen)

    def __exit__(self, kind, value, tb):
        if kind is None:
            next(self.gen, None)
            return False
        try:
            self.gen.throw(kind, value, tb)
        except StopIteration:
            return True
        return False


def guarded(log):
    try:
        yield len(log)
    except ValueError as e:
        pause()
        log.append(f"caught {e} {sys.exc_info()[1] is e}")


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
    with Watch(True):
        raise KeyError("swallowed by Watch")
    try:
        with Watch(False):
            raise IndexError("kept")
    except IndexError as e:
        print("propagated", repr(e), [f.lineno for f in traceback.extract_tb(e.__traceback__)])
    log = []
    with Managed(guarded(log)) as n:
        raise ValueError(f"v{n}")
    print(log, sys.exc_info())
    sys.stdout.write("unflushed at the end")


main()
