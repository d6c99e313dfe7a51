"""What ordinary scripts hold from library code: an argparse parser (its
registries hold functions local to argparse), functools.partial, logging
configured to a file with a formatter, exceptions with their chains and
tracebacks, a closure cell shared by a global function and a frame, and the
interpreter's recursion and int-conversion limits."""
import argparse
import functools
import logging
import os
import sys
import traceback

from support import pause

LOG = os.path.join(os.getcwd(), "library_state.log")
if os.path.exists(LOG):
    os.remove(LOG)
logging.basicConfig(filename=LOG, level=logging.INFO,
                    format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("job")
quiet = logging.getLogger("job.quiet")
quiet.setLevel(logging.ERROR)


class AppError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def parser():
    ap = argparse.ArgumentParser(prog="job")
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--ratio", type=float, default=0.5)
    sub = ap.add_subparsers(dest="cmd")
    run = sub.add_parser("run")
    run.add_argument("names", nargs="*")
    return ap


def make_counter():
    count = 0

    def bump():
        nonlocal count
        count += 1
        return count

    def peek():
        return count
    return bump, peek


bump, peek = make_counter()


def fail(code):
    try:
        {}["missing"]
    except KeyError as e:
        raise AppError("failed", code) from e


def chained():
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            fail(7)
    except AppError as err:
        err.add_note("while testing")
        pause()
        print(repr(err), err.code, repr(err.__cause__), repr(err.__context__),
              err.__suppress_context__, err.__notes__)
        print("".join(traceback.format_exception(err)).count("line "), "lines in traceback")
        return err


def main():
    ap = parser()
    args = ap.parse_args(["--count", "4", "run", "a", "b"])
    to_int = functools.partial(int, base=2)
    log.info("started with %s", args.count)
    pause()
    print(args.count, args.cmd, args.names, ap.parse_args([]).ratio, to_int("1011"))
    log.info("resumed once")
    quiet.warning("not shown")
    bump()
    # The interpreter's settings a program (or test.support) changes.
    sys.setrecursionlimit(4321)
    sys.set_int_max_str_digits(5000)
    pause()
    print(sys.getrecursionlimit(), sys.get_int_max_str_digits(), len(str(10 ** 4600)))
    bump()
    print("counter", peek(), bump())
    err = chained()
    pause()
    print(type(err.__traceback__).__name__, traceback.format_tb(err.__traceback__)[-1].split(",")[1])
    log.warning("done: %s", err)
    logging.shutdown()
    with open(LOG) as f:
        print(f.read(), end="")
    ns = ap.parse_args(["--ratio", "2.5"])
    print(ns.ratio)


main()
