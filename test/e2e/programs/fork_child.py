"""The program forks while a signal is pending (its handler has run, the
next call of a rewritten function would suspend it): the child is not the
program and must run to its end, the parent suspends at its next call."""
import os
import signal


def step(i):
    return i + 1


def main():
    os.kill(os.getpid(), signal.SIGUSR1)
    pid = os.fork()
    if pid == 0:
        total = sum([step(i) for i in range(100)])
        os._exit(0 if total == 5050 else 3)
    _, status = os.waitpid(pid, 0)
    print("child", os.waitstatus_to_exitcode(status), flush=True)
    print("parent", step(1))


main()
