"""The signal triggers of `python -m sleepy run --suspend-on` and of a
resumed program, installed before anything slow.

A signal that arrives before its handler is installed ends the process, so
`python -m sleepy run|resume` installs these first, from the command line
or the snapshot's header (read unchecked: it only says which signals to
catch), while the package itself is being imported. Until the runtime that
acts on a signal is ready (_signals), a signal that arrives is only noted.
"""

import os
import signal

pending = []  # signals that arrived before _signals took over


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


def _note(signum, frame):
    pending.append(signum)


def install_from_argv(args):
    """Installs the triggers that `run ARGS` or `resume ARGS` will ask for."""
    names = []
    if args[:1] == ["resume"]:
        from . import _snapshot
        path = args[1] if len(args) > 1 and not args[1].startswith("-") else (
            os.environ.get("SLEEPY_SNAPSHOT") or "sleepy.snapshot")
        header = _snapshot.peek_header(path)
        names = (header or {}).get("suspend_on") or []
    elif args[:1] == ["run"]:
        for i, a in enumerate(args[:-1]):
            if a == "--suspend-on":
                names.append(args[i + 1])
            elif not a.startswith("-") and args[i - 1] not in ("--snapshot", "--grace"):
                break  # the program and its own arguments
    for name in names:
        try:
            signal.signal(parse(name), _note)
        except (ValueError, TypeError):
            pass  # reported when the command line is parsed
