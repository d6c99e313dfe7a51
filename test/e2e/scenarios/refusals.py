# mode: expect
"""Each refusal raises SuspendError naming the frame and what is at fault;
nothing is written and the program goes on."""
import copy
import functools
import itertools
import os
import re
import socket
import subprocess
import sys
import threading

import sleepy


def stop(x=None):
    sleepy.suspend()
    return x


def attempt(label, fn):
    try:
        fn()
        print(label, "not refused")
    except sleepy.SuspendError as e:
        print(label, "refused:", e)


class Adds:
    def __add__(self, other):
        return stop(other)


class Less:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return stop(self.v < other.v)


class Eq:
    def __eq__(self, other):
        return stop(True)


class Built:
    def __new__(cls, v):
        return super().__new__(cls) if stop(v) else None

    def __init__(self, v):
        self.v = v


class Formats:
    def __format__(self, spec):
        return stop(spec)


def with_pipe():
    r, w = os.pipe()
    with os.fdopen(r, "rb") as pipe, os.fdopen(w, "wb"):
        stop(pipe)


def with_child():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stop()
    finally:
        child.kill()
        child.wait()


def stopping():
    yield stop(1)


def tuples_equal():
    left, right = (Eq(),), (Eq(),)
    return left == right  # tuple's == calls its items' __eq__ from C


class Deep:
    def __deepcopy__(self, memo):
        return stop(self)


def with_socket():
    sock = socket.socket()
    try:
        stop()
    finally:
        sock.close()


class Connection:
    def __init__(self):
        self.sock = socket.socket()


def with_nested_socket():
    pool = {"db": [Connection()]}
    try:
        stop()
    finally:
        pool["db"][0].sock.close()


tls = None  # thread-local storage once set (pickle cannot save it)


def main():
    attempt("sorted", lambda: sorted([2, 1], key=stop))
    attempt("min", lambda: min([2, 1], key=stop))
    attempt("map", lambda: list(map(stop, [1])))
    attempt("filter", lambda: list(filter(stop, [1])))
    attempt("reduce", lambda: functools.reduce(lambda a, b: stop(a + b), [1, 2]))
    attempt("re.sub", lambda: re.sub("a", lambda m: stop("b"), "a"))
    attempt("sum", lambda: sum(stop(x) for x in [1]))
    attempt("join", lambda: ",".join(stop(x) for x in "a"))
    attempt("chain", lambda: next(itertools.chain(stopping())))
    attempt("operator", lambda: (Eq(),) == (Eq(),))
    attempt("named operands", tuples_equal)
    attempt("deepcopy", lambda: copy.deepcopy(Deep()))
    attempt("new then init", lambda: Built(1))
    width = 3
    attempt("computed spec", lambda: f"{Formats():>{width}}")
    attempt("socket", with_socket)
    attempt("pipe", with_pipe)
    attempt("child", with_child)
    attempt("nested socket", with_nested_socket)
    event = threading.Event()
    worker = threading.Thread(target=event.wait, name="worker")
    worker.start()
    attempt("thread", stop)
    event.set()
    worker.join()
    del event, worker
    global tls
    tls = threading.local()
    attempt("global tls", stop)
    sleepy.use_python_drivers()  # min folds in Python: not its comparison
    attempt("min compare", lambda: min(x for x in [Less(2), Less(1)]))
    print("snapshot written:", os.path.exists(os.environ["SLEEPY_SNAPSHOT"]))
    print("is_rewritten:", sleepy.is_rewritten(stop), sleepy.is_rewritten(Adds.__add__),
          sleepy.is_rewritten(Adds().__add__), sleepy.is_rewritten(stop.__code__),
          sleepy.is_rewritten(copy.deepcopy), sleepy.is_rewritten(os.path.join))
    print("done")


main()
# expect: sorted refused: .*refusals.py:\d+ in main.<locals>.<lambda>: sorted is not Python code: it called .*refusals.py:\d+ in stop from C.* \(under `python -m sleepy run --python-drivers` it calls a key function of rewritten code from Python, and can be resumed\)
# expect: min refused: .*min is not Python code.*
# expect: map refused: .*calls list, but .* in stop was called from C code under it.*
# expect: filter refused: .*calls list, but .* in stop was called from C code under it.*
# expect: reduce refused: .*functools.reduce is not Python code.*
# expect: re.sub refused: .*re/__init__.py:\d+ in sub: the frame is not rewritten code.*
# expect: sum refused: .*<lambda>: sum is not Python code: it called .*<genexpr> from C.* \(under `python -m sleepy run --python-drivers` it folds a generator in Python, and can be resumed\)
# expect: join refused: .*<lambda>: str.join is not Python code: it called .*<genexpr> from C.*
# expect: chain refused: .*<lambda>: next is not Python code: it called .* in stopping from C.*
# expect: operator refused: .*<lambda>: == there ran .* in Eq.__eq__, which is not a dunder of its operands .*called from C.*
# expect: named operands refused: .*in tuples_equal: == there ran .* in Eq.__eq__, which is not a dunder of the operands there .*called from C.*
# expect: deepcopy refused: .*copy.py.*not rewritten.*
# expect: new then init refused: .*<lambda>: the call there runs __main__.Built.__new__ and then __main__.Built.__init__, with the call's arguments, which cannot be done again after a resume
# expect: computed spec refused: .*<lambda>: the f-string's field there ran .* in Formats.__format__, and its format spec \(computed\) cannot be told: it cannot be resumed
# expect: socket refused: .*in with_socket: local 'sock' \(socket.socket\) cannot be saved: .*socket.*
# expect: pipe refused: .*in stop: local 'x' \(_io.BufferedReader\) cannot be saved: cannot save the file opened from descriptor \d+: it is not a regular file .*
# expect: child refused: the program has child processes \(\d+\), which would not be its children after resume; wait for them first
# expect: nested socket refused: .*in with_nested_socket: local 'pool' → pool\['db'\]\[0\]\.sock \(socket.socket\) cannot be saved: .*
# expect: thread refused: other threads are alive \('worker'\).*
# expect: global tls refused: .*module __main__: global 'tls'.*_thread._local.*
# expect: min compare refused: .*_drivers.py:\d+ in Fold.run: min\(\) called .* in Less.__lt__ to compare two items, which cannot be resumed
# expect: snapshot written: False
# expect: is_rewritten: True True True True False False
# expect: done
