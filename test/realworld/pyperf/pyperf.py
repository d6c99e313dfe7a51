"""A stand-in for the pyperf harness, for running pyperformance's benchmark
programs as ordinary programs: each benchmark runs a fixed, small number of
loops (--loops, default 1) in this process, with no worker processes, no
calibration and no timing output. What it prints is deterministic: the
benchmark's name, its loops, its metadata, and the value its function
returned where there is one (bench_func), so that a run can be compared
with another line for line.
"""

import argparse
import hashlib
import re
import sys
import time

perf_counter = time.perf_counter

__version__ = "0+sleepy-standin"


def python_implementation():
    return sys.implementation.name


def python_has_jit():
    return False


def _describe(value):
    """A deterministic description of a benchmark function's result."""
    text = repr(value)
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)
    if len(text) > 200:
        digest = hashlib.sha1(text.encode("utf-8", "backslashreplace")).hexdigest()[:16]
        size = f" len={len(value)}" if hasattr(value, "__len__") else ""
        return f"<{type(value).__name__}{size} sha1={digest}>"
    return text


class Runner:
    def __init__(self, values=None, processes=None, loops=0, min_time=0.1,
                 metadata=None, show_name=True, program_args=None,
                 add_cmdline_args=None, warmups=None, **kwargs):
        self.metadata = dict(metadata or {})
        self.show_name = show_name
        self._add_cmdline_args = add_cmdline_args
        self.argparser = argparse.ArgumentParser()
        self.argparser.add_argument("--loops", type=int, default=loops or 1)
        for flag in ("--fast", "--rigorous", "--quiet", "--verbose",
                     "--inherit-environ", "--worker"):
            self.argparser.add_argument(flag, action="store_true")
        for opt in ("--processes", "--values", "--warmups", "--output", "-o",
                    "--append", "--min-time"):
            self.argparser.add_argument(opt)
        self.args = None

    def parse_args(self, args=None):
        if self.args is None:
            self.args = self.argparser.parse_args(args)
        return self.args

    def _loops(self):
        return self.parse_args().loops

    def _header(self, name, loops):
        meta = " ".join(f"{k}={v!r}" for k, v in sorted(self.metadata.items())
                        if k != "description")
        print(f"{name}: loops={loops}" + (f" {meta}" if meta else ""))

    def bench_func(self, name, func, *args, inner_loops=None, metadata=None):
        loops = self._loops()
        self._header(name, loops)
        result = None
        for _ in range(loops):
            result = func(*args)
        print(f"{name}: result {_describe(result)}")
        sys.stdout.flush()
        return None

    def bench_time_func(self, name, time_func, *args, inner_loops=None, metadata=None):
        loops = self._loops()
        self._header(name, loops)
        elapsed = time_func(loops, *args)
        if not isinstance(elapsed, (int, float)):
            print(f"{name}: time function returned {type(elapsed).__name__}")
        print(f"{name}: done")
        sys.stdout.flush()
        return None

    def bench_async_func(self, name, func, *args, inner_loops=None, metadata=None):
        import asyncio
        loops = self._loops()
        self._header(name, loops)
        result = None
        for _ in range(loops):
            result = asyncio.run(func(*args))
        print(f"{name}: result {_describe(result)}")
        return None

    def timeit(self, name, stmt=None, setup="pass", teardown="pass", inner_loops=None,
               duplicate=None, metadata=None, globals=None):
        loops = self._loops()
        self._header(name, loops)
        namespace = dict(globals or {})
        exec(setup, namespace)
        code = compile(stmt, f"<timeit {name}>", "exec")
        for _ in range(loops):
            exec(code, namespace)
        exec(teardown, namespace)
        print(f"{name}: done")
        return None

    def bench_command(self, name, command):
        import subprocess
        self._header(name, 1)
        p = subprocess.run(command)
        print(f"{name}: exit status {p.returncode}")
        return None
