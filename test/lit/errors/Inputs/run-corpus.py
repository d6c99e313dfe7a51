#!/usr/bin/env python3
"""Run sleepy-rewrite over every file of a corpus and check how it fails.

    run-corpus.py CORPUS_DIR WORK_DIR [TOOL [OPTION...]]

Each file is rewritten on its own, then the whole directory at once. A file
must give exit status 0 (its output written, nothing on stderr) or 1 (one
`path:0xOFFSET: error: message` line, no output, no temporary file left);
never a signal, another status or a hang. Files named valid-* must be
accepted; files named after a kind of damage (all but random-*) must be
refused. Prints one summary line; exits 1 listing every problem. The tool
runs with --passes=none unless options are given: the reader and decoder are
what the corpus is for (with the default passes, the suspension pass sees
whatever the decoder accepts).
"""
import os
import re
import shutil
import subprocess
import sys

TIMEOUT = 60


def run(tool, inputs, out):
    shutil.rmtree(out, ignore_errors=True)
    try:
        # Printers (with --emit) may write any bytes a string constant holds.
        p = subprocess.run([*tool, *inputs, "-o", out], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, ""
    return p.returncode, p.stderr.decode(errors="backslashreplace")


def files_under(d):
    """The files written under d, less the runtime package that the
    suspension pass puts beside its output."""
    out = []
    for root, _, files in os.walk(d):
        out += [os.path.relpath(os.path.join(root, f), d) for f in files]
    return sorted(f for f in out if not f.startswith("sleepy" + os.sep))


def main():
    corpus, work = sys.argv[1], sys.argv[2]
    tool = sys.argv[3:] or [shutil.which("sleepy-rewrite")]
    if len(tool) == 1:
        tool.append("--passes=none")
    problems = []
    accepted = []
    names = sorted(f for f in os.listdir(corpus) if f.endswith(".pyc"))
    for name in names:
        path = os.path.join(corpus, name)
        out = os.path.join(work, "one")
        status, err = run(tool, [path], out)
        written = files_under(out) if os.path.isdir(out) else []
        if status is None:
            problems.append(f"{name}: hangs (more than {TIMEOUT} s)")
        elif status == 0:
            accepted.append(name)
            if err or written != [name]:
                problems.append(f"{name}: status 0, stderr {err!r}, wrote {written}")
            if not name.startswith(("valid-", "random-")) and "-random-" not in name:
                problems.append(f"{name}: damaged file accepted")
        elif status == 1:
            pattern = re.escape(path) + r"(:0x[0-9a-f]+)?: error: \S.*\n"
            if not re.fullmatch(pattern, err):
                problems.append(f"{name}: status 1, unexpected stderr {err!r}")
            if written:
                problems.append(f"{name}: status 1, but wrote {written}")
            if name.startswith("valid-"):
                problems.append(f"{name}: valid file refused: {err.strip()}")
        else:
            problems.append(f"{name}: exit status {status} (negative: a signal)\n{err}")

    # All at once, on threads: the same files written, nothing else.
    out = os.path.join(work, "all")
    status, err = run(tool, [corpus], out)
    base = os.path.basename(os.path.normpath(corpus))
    written = files_under(out) if os.path.isdir(out) else []
    expected = sorted(os.path.join(base, n) for n in accepted)
    if status != (1 if len(accepted) < len(names) else 0):
        problems.append(f"whole corpus: exit status {status}")
    if written != expected:
        problems.append(f"whole corpus: wrote {sorted(set(written) ^ set(expected))} "
                        "unlike the files one by one")
    if len(err.splitlines()) != len(names) - len(accepted):
        problems.append("whole corpus: not one error line per refused file")

    for p in problems:
        print("problem:", p)
    print(f"corpus: {len(names)} files, {len(accepted)} written, "
          f"{len(names) - len(accepted)} refused, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
