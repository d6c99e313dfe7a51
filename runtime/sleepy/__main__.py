"""python -m sleepy run|resume|info: the command line of the runtime.

    python -m sleepy run [--snapshot PATH [--resume-if-present]] [--suspend-on SIGNAL]...
        PROGRAM.pyc [ARGS...]
    python -m sleepy run [--snapshot PATH] -m MODULE [ARGS...]
    python -m sleepy resume [PATH]
    python -m sleepy info PATH
"""

import argparse
import os
import sys

from . import _triggers


def _parser():
    ap = argparse.ArgumentParser(prog="python -m sleepy",
                                 description="Run, resume and inspect suspendable programs.")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a rewritten program as __main__")
    run.add_argument("--snapshot", metavar="PATH",
                     help="where suspend() and checkpoint() write by default")
    run.add_argument("--suspend-on", metavar="SIGNAL", action="append", default=[],
                     help="suspend when this signal arrives (repeatable)")
    run.add_argument("--grace", metavar="SECONDS", type=float,
                     help="with --suspend-on: if no suspension succeeds within this "
                     "time after the signal, say so and exit with status 1")
    run.add_argument("--python-drivers", action="store_true",
                     help="run sum, min, max, any, all and sorted over generators as "
                     "Python, so that a suspension inside the generator resumes (at a "
                     "cost: see README)")
    run.add_argument("--resume-if-present", action="store_true",
                     help="with --snapshot: resume that snapshot if it exists, else start "
                     "the program; once the program has ended, remove it (the same "
                     "command line, restarted by a batch scheduler, goes on where it "
                     "stopped)")
    run.add_argument("-m", dest="module", metavar="MODULE", help="run a module")
    run.add_argument("program", nargs="?", help="the rewritten .pyc to run")
    run.add_argument("args", nargs=argparse.REMAINDER)
    res = sub.add_parser("resume", help="continue a snapshot")
    res.add_argument("path", nargs="?", help="the snapshot (default: $SLEEPY_SNAPSHOT "
                     "or ./sleepy.snapshot)")
    info = sub.add_parser("info", help="show what a snapshot holds")
    info.add_argument("path")
    return ap


def _info(path):
    from . import _snapshot
    header, payload = _snapshot.payload_of(path)
    py = header.get("python", {})
    print(f"snapshot {path}")
    print(f"  CPython {py.get('version')} (magic {py.get('magic')})")
    print(f"  {'signed' if header.get('signed') else 'not signed'}"
          f"{', checkpoint' if header.get('checkpoint') else ''}")
    sizes = header.get("sizes", {})
    if header.get("task"):
        print(f"  payload {sizes.get('payload', 0)} bytes; a task (sleepy.call), "
              "resumed by sleepy.resume_call()")
    else:
        print(f"  payload {sizes.get('payload', 0)} bytes, main program "
              f"{sizes.get('main', 0)} bytes")
        print(f"  main program {header.get('main', {}).get('pyc')}")
    took = header.get("took") or {}
    if "since_signal_ms" in took:
        print(f"  suspended by {took['signal']} {took['since_signal_ms']:.1f} ms after it "
              f"arrived; saving took {took['saving_ms']:.1f} ms")
    elif "saving_ms" in took:
        print(f"  saving took {took['saving_ms']:.1f} ms")
    print("  frames, outermost first:")
    import linecache
    for fr in header.get("frames", []):
        print(f"    {fr['file']}:{fr['line']} in {fr['function']}")
        src = linecache.getline(fr["file"], fr["line"] or 0).strip()
        if src:
            print(f"        {src}")
    sizes, refs = _snapshot.sizes_by_type(payload)
    print("  payload by type (bytes):")
    for kind, n in sizes.most_common():
        print(f"    {kind:<8} {n:>12}")
    if refs:
        print("  most referenced classes and functions (references in the pickle):")
        for name, n in refs.most_common(8):
            print(f"    {n:>8}  {name}")


def _split_program(argv):
    """`run` options, then the program (PROGRAM.pyc or -m MODULE) and all
    that follows it, which belongs to the program."""
    opts, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in ("--snapshot", "--suspend-on", "--grace"):
            opts += argv[i:i + 2]
            i += 2
        elif a.startswith(("--snapshot=", "--suspend-on=", "--grace=")) or \
                a in ("-h", "--help", "--python-drivers", "--resume-if-present"):
            opts.append(a)
            i += 1
        elif a == "-m":
            return opts + argv[i:i + 2], argv[i + 2:]
        else:
            return opts + [a], argv[i + 1:]
    return opts, []


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    _triggers.install_from_argv(argv)  # again: main() may be called on its own
    program_args = []
    if argv[:1] == ["run"]:
        head, program_args = _split_program(argv[1:])
        argv = ["run"] + head
    args = _parser().parse_args(argv)
    if args.command == "run":
        args.args = program_args
    import sleepy  # noqa: F401  (installs the runtime: open() remembers files)
    from sleepy import _resume, _snapshot
    if args.command == "info":
        try:
            _info(args.path)
        except _snapshot.SnapshotError as e:
            print(f"sleepy: error: {e}", file=sys.stderr)
            return 1
        except BrokenPipeError:  # `info | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        return 0
    if args.command == "resume":
        path = args.path or os.environ.get("SLEEPY_SNAPSHOT") or "sleepy.snapshot"
        try:
            _resume.resume(os.path.abspath(path))
        except _snapshot.SnapshotError as e:
            print(f"sleepy: error: {e}", file=sys.stderr)
            return 1
        return 0
    if args.module is None and args.program is None:
        print("sleepy: error: run needs PROGRAM.pyc or -m MODULE", file=sys.stderr)
        return 2
    if args.resume_if_present:
        if not args.snapshot:
            print("sleepy: error: --resume-if-present needs --snapshot PATH", file=sys.stderr)
            return 2
        if os.path.exists(args.snapshot):
            try:
                _resume.resume(os.path.abspath(args.snapshot))
            except _snapshot.SnapshotError as e:
                print(f"sleepy: error: {e}", file=sys.stderr)
                return 1
            _ended(args.snapshot)
            return 0
    if args.snapshot:
        from sleepy import _config
        _config.settings["snapshot"] = os.path.abspath(args.snapshot)
    if args.suspend_on:
        from sleepy import _signals
        try:
            _signals.install(args.suspend_on, args.grace)
        except ValueError as e:
            print(f"sleepy: error: {e}", file=sys.stderr)
            return 2
    if args.python_drivers:
        sleepy.use_python_drivers()
    prog_args = list(args.args)
    try:
        if args.module is not None:
            if args.program is not None:
                prog_args.insert(0, args.program)
            _resume.run(args.module, prog_args, module=True)
        else:
            _resume.run(args.program, prog_args)
    except _resume.ProgramError as e:
        print(f"sleepy: error: {e}", file=sys.stderr)
        return 1
    if args.resume_if_present:
        _ended(args.snapshot)
    return 0


def _ended(snapshot):
    """The program has ended (no exception): a snapshot or checkpoint it
    left would be resumed by mistake the next time the command runs."""
    try:
        os.unlink(snapshot)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    sys.exit(main())
