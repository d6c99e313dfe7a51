"""Suspended inside try bodies, except bodies (sys.exc_info() and a bare
raise work after resume), finally blocks, nested handlers; exceptions that
pass rewritten call sites on their way to a handler; the lines a traceback
names in resumed frames."""
import sys

from support import pause


def in_try():
    try:
        v = pause(1)
        raise ValueError("boom")
    except ValueError as e:
        return f"caught {e} after {v}"


def in_except():
    try:
        1 / 0
    except ZeroDivisionError:
        pause()
        print("exc_info", sys.exc_info()[0].__name__)
        try:
            raise
        except ZeroDivisionError as e:
            print("reraised", type(e).__name__)
    print("after except", sys.exc_info())


def in_finally():
    try:
        return "from try"
    finally:
        pause()
        print("finally ran")


def nested():
    try:
        try:
            raise KeyError("inner")
        except KeyError:
            try:
                raise IndexError("deeper")
            except IndexError:
                pause()
                print("deeper", sys.exc_info()[0].__name__)
            print("inner", sys.exc_info()[0].__name__)
            raise RuntimeError("outer")
    except RuntimeError as e:
        print("outer", e, type(e.__context__).__name__)


def not_caught():
    try:
        pause()
        raise OSError("passes through")
    except ValueError:
        print("wrong handler")


class Thing:
    @property
    def broken(self):
        raise LookupError("no such thing")


def passed_on(obj):
    """Exceptions that leave a call inside a handler go to it with the stack
    the interpreter would give it: values under the call (a NULL among them)
    are dropped, the traceback and sys.exc_info() are the original ones."""
    try:
        return [len(obj.broken)] + [pause(0)]
    except LookupError as e:
        line = e.__traceback__.tb_next.tb_frame.f_code.co_name
        print("passed on", type(e).__name__, e, "from", line)
    try:
        return 1 + int("x")
    except ValueError:
        try:
            return (2, [], int(pause("y")))
        except ValueError as e:
            print("inner", e, "while handling", type(sys.exc_info()[1]).__name__,
                  "context", type(e.__context__).__name__)
    return "done"


def divide(x):
    pause()
    return 10 // x


def scaled(x):
    k = 3
    return divide(x - 1) * k


def traceback_lines():
    """The lines a traceback names in frames that were resumed: the twin's
    resume call has its site's line."""
    import traceback
    try:
        scaled(1)
    except ZeroDivisionError as e:
        print([(f.name, f.lineno) for f in traceback.extract_tb(e.__traceback__)])
        print([(f.name, f.lineno) for f in traceback.extract_stack()][-2:])


def main():
    traceback_lines()
    print(passed_on(Thing()))
    print(in_try())
    in_except()
    print(in_finally())
    nested()
    try:
        not_caught()
    except OSError as e:
        print("caught outside", e)
    for i in range(3):
        try:
            if i == 1:
                pause()
            continue
        finally:
            print("loop finally", i)


main()
