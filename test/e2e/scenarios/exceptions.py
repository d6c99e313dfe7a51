"""Suspended inside try bodies, except bodies (sys.exc_info() and a bare
raise work after resume), finally blocks, nested handlers."""
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


def main():
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
