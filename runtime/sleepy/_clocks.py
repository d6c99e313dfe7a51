"""The process's clocks across a suspension.

time.monotonic, perf_counter, process_time and thread_time count from an
arbitrary point of this process or machine (boot, the process's start): a
resumed process, here or on another host, reads values unrelated to those
the program measured before. `elapsed = monotonic() - start` would come out
negative, a deadline computed before the suspension would lie hours ahead,
and test_int's "the slow conversion took -0.07 seconds" fails. So the
snapshot's header records what each clock read when it was written, and a
resumed process has these clocks go on from there: the time spent suspended
does not count, as across a system sleep. time.time() is the wall clock
and goes on counting (the time suspended did pass).

In a process that was never resumed the time module is untouched; in a
resumed one its clocks are these functions (named as time's, so that they
pickle as time.monotonic...), which add the offset to the C clock.
"""

import time

_NAMES = ("monotonic", "perf_counter", "process_time", "thread_time")
_C = {name: getattr(time, name + "_ns") for name in _NAMES}
_C_FLOAT = {name: getattr(time, name) for name in _NAMES}


def now():
    """The runtime's own clock (seconds, monotonic), which a resume does
    not rebase: the grace after a signal, and how long a suspension took."""
    return _C_FLOAT["monotonic"]()


def reading():
    """What each clock reads now, in nanoseconds (taken in the process
    that saves, before it forks: a child's CPU clocks start at 0)."""
    return {name: getattr(time, name + "_ns")() for name in _NAMES}


def go_on_from(saved):
    """Makes time's clocks continue from `saved` (a header's `reading()`);
    nothing if the snapshot has none. Done before the program's modules are
    imported (`from time import monotonic` must find these); `go_on` then
    starts them where the program goes on, so that reading the snapshot
    does not count either."""
    _saved.update((name, value) for name, value in (saved or {}).items() if name in _C)
    for name in _saved:
        _install(name)
    go_on()


def go_on():
    """The clocks read what they read at the suspension, from now on."""
    for name, value in _saved.items():
        offset = value - _C[name]()
        _OFFSET[name] = (offset, offset / 1e9)


_saved = {}
_OFFSET = {}  # name -> (offset in ns, in seconds)


def _install(name):
    c_ns, c_float, offsets = _C[name], _C_FLOAT[name], _OFFSET

    def clock_ns():
        return c_ns() + offsets[name][0]

    def clock():
        return c_float() + offsets[name][1]

    for fn, attr in ((clock, name), (clock_ns, name + "_ns")):
        fn.__module__, fn.__name__, fn.__qualname__ = "time", attr, attr
        fn.__doc__ = getattr(time, attr).__doc__
        setattr(time, attr, fn)
