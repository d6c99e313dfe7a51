"""Shared by the scenarios: pause() suspends the program when the harness
asks for it (SLEEPY_TEST=suspend) and does nothing otherwise, so one program
gives both the uninterrupted run and the interrupted one."""
import atexit
import os
import sys

import sleepy

MODE = os.environ.get("SLEEPY_TEST", "")
pauses = 0

if MODE == "count":
    atexit.register(lambda: print(f"pauses={pauses}", file=sys.stderr))


checkpointed = False


def pause(value=None):
    global pauses, checkpointed
    pauses += 1
    if MODE == "suspend":
        sleepy.suspend()
    elif MODE == "checkpoint" and not checkpointed:
        checkpointed = True
        if sleepy.checkpoint(wait=os.environ.get("SLEEPY_TEST_WAIT", "1") == "1"):
            print("checkpoint returned True", file=sys.stderr)
        else:
            print("@@checkpoint@@")
    return value


def show(*args):
    print(*args)
    return args[-1] if args else None
