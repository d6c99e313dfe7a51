"""Suspending on a signal: `python -m sleepy run --suspend-on TERM ...`.

A signal arrives between any two instructions, seldom where a frame can be
resumed exactly. So the handler only arms a profile hook; the hook sees the
program's next call of a rewritten function, as the new frame starts: it
holds nothing but its arguments, and its caller is stopped at the call, a
point that can be resumed exactly. The stack is saved from the caller out,
and the call is recorded as "enter this function with these arguments"
(its resume twin restores them and starts the body). If the stack there
cannot be saved (a C function in between, a closure whose cells cannot be
found), the hook waits for the next call. A program that makes no more calls
is not suspended. The resumed program keeps its triggers.
"""

import atexit
import gc
import signal
import sys
import types

from ._capture import SuspendError

_armed = False


def parse(name):
    text = name.upper()
    if text.isdigit():
        return signal.Signals(int(text))
    if not text.startswith("SIG"):
        text = "SIG" + text
    try:
        return signal.Signals[text]
    except KeyError:
        raise ValueError(f"unknown signal {name!r}") from None


def install(names):
    """Suspends the program when one of these signals arrives."""
    from . import _settings
    sigs = [parse(n) for n in names]
    for sig in sigs:
        signal.signal(sig, _handler)
    _settings["suspend_on"] = [s.name for s in sigs]
    global _exit_hook
    if not _exit_hook:  # install() may run twice: early, then as parsed
        atexit.register(_ignore)
        _exit_hook = True


_exit_hook = False


def _ignore():
    """Once the program is over (the first exit hook registered runs last),
    there is nothing left to suspend, and a trigger that arrives then is
    ignored: the interpreter's finalization would put the default action
    back, and the signal would kill a process that has done all its work."""
    from . import _settings
    for name in _settings.get("suspend_on") or []:
        signal.signal(parse(name), signal.SIG_IGN)


def _handler(signum, frame):
    global _armed
    _armed = True
    sys.setprofile(_hook)


def _closure(frame):
    """The closure cells of the function a starting frame runs, or None if
    they cannot be told for sure."""
    code = frame.f_code
    if not code.co_freevars:
        return ()
    funcs = [o for o in gc.get_referrers(code)
             if isinstance(o, types.FunctionType) and o.__code__ is code]
    if len(funcs) != 1:
        return None
    return funcs[0].__closure__


def _hook(frame, event, arg):
    global _armed
    if event != "call" or not _armed or frame.f_back is None:
        return
    from . import _registry, _save
    from . import _snapshot_path
    located = _registry.locate(frame.f_code, frame.f_globals)
    if located is None or frame.f_code.co_flags & 0x2A0:
        return
    info, index, twin = located
    entry = info.entries.get(index)
    if twin or entry is None or not any(s.kind == "entry" for s in entry.sites):
        return
    closure = _closure(frame)
    if closure is None:
        return
    try:
        _save.save(_snapshot_path(None), frame.f_back, _hook, stop=True,
                   entering=(frame, info, index, entry, closure))
    except SuspendError:
        return  # not here: wait for the next call
    except OSError as e:
        sys.setprofile(None)
        _armed = False
        print(f"sleepy: cannot suspend: {e}", file=sys.stderr)


def disarm():
    global _armed
    _armed = False
    sys.setprofile(None)
