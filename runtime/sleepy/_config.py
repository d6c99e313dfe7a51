"""Settings and paths of the runtime, and its errors: what every other
module may import (this one imports none of them).

`settings` holds what a resumed program keeps (the default snapshot path,
the signal triggers, the grace period); `boundaries` the code of the
runtime's own frames under which a program runs (a stack ends there);
`transparent` the code of those it puts between a resumed program's frames;
`phase` where the program is; `saving` whether a save is under way in
this process."""

import os

EXIT_SUSPENDED = 75  # EX_TEMPFAIL

settings = {"snapshot": None}
boundaries = set()
# Those of them under which a task's stack ends (sleepy.call): its outermost
# frame is any function's, not a main module's.
task_boundaries = set()
# Runtime frames that stand between two frames of a resumed program and only
# pass a call on (what they return is the callee's result, or one fixed
# object): a suspension looks through them.
transparent = set()
# "starting" until the program's code runs, "running", then "ended".
phase = ["starting"]
# True while this process saves (from the plan to the writer's answer): a
# signal's handler that runs meanwhile, as the save waits for its writer,
# must not start another save within it.
saving = [False]


def snapshot_path(path=None):
    """The snapshot a suspension writes: `path`, else `run --snapshot`,
    else $SLEEPY_SNAPSHOT, else ./sleepy.snapshot."""
    if path is None:
        path = settings["snapshot"] or os.environ.get("SLEEPY_SNAPSHOT") or "sleepy.snapshot"
    return os.path.abspath(os.fspath(path))


class SuspendError(Exception):
    """The program's state cannot be saved. Nothing was written and nothing
    was changed: the program can catch this and go on."""


class RunningGenerator(SuspendError):
    """A generator running on the stack, met before the stack was unwound."""
