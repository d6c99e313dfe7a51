#!/usr/bin/env python3
"""Regenerate the FileCheck expectations of golden tests, on purpose.

    utils/update-golden-tests.py test/lit/cfg/for-loop-311.py [more tests...]

For each test, runs its RUN lines as lit would (same substitutions, tools from
build/bin and LLVM's bin first on PATH). Each RUN line that ends in
`| FileCheck %s` (optionally `--check-prefix=P`) has its output turned into
`CHECK:`/`CHECK-NEXT:` lines, which replace that prefix's old lines at the end
of the file. Review the diff before committing: the expectations are only as
right as the output they were made from.
"""
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SLEEPY_BUILD", os.path.join(ROOT, "build"))
LLVM_BIN = "/usr/lib/llvm-14/bin"


def interpreters():
    found = {}
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
    except OSError:
        root = ""
    for minor in ("11", "12", "13"):
        cands = sorted(glob.glob(f"{root}/versions/3.{minor}.*/bin/python3.{minor}")) if root else []
        if cands:
            found[minor] = cands[-1]
        else:
            for d in os.environ.get("PATH", "").split(os.pathsep):
                p = os.path.join(d, f"python3.{minor}")
                if os.path.exists(p):
                    found[minor] = p
                    break
    return found


def substitute(cmd, test, tmp):
    pys = interpreters()
    utils = os.path.join(ROOT, "utils")
    for minor in ("11", "12", "13"):
        py = pys.get(minor, "false")
        cmd = cmd.replace(f"%compile3{minor}", f"{py} {utils}/compile-pyc.py")
        cmd = cmd.replace(f"%python3{minor}", py)
    cmd = cmd.replace("%utils", utils).replace("%srcroot", ROOT)
    cmd = cmd.replace("%basename_t", os.path.basename(tmp))
    cmd = cmd.replace("%s", test).replace("%S", os.path.dirname(test)).replace("%t", tmp)
    return cmd


def run_lines(text):
    lines = []
    for line in text.splitlines():
        m = re.match(r"\s*(?:#|//)\s*RUN:\s?(.*)$", line)
        if m:
            if lines and lines[-1].endswith("\\"):
                lines[-1] = lines[-1][:-1] + m.group(1)
            else:
                lines.append(m.group(1))
    return lines


def update(test):
    test = os.path.abspath(test)
    with open(test) as f:
        text = f.read()
    comment = "//" if test.endswith((".cpp", ".ll")) else "#"
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.join(BUILD, "bin"), LLVM_BIN, env.get("PATH", "")])
    outputs = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = os.path.join(d, os.path.basename(test) + ".tmp")
        for cmd in run_lines(text):
            m = re.match(r"(.*)\|\s*FileCheck\s+%s(?:\s+--check-prefix[= ](\S+))?\s*$", cmd)
            if not m:
                subprocess.run(substitute(cmd, test, tmp), shell=True, check=True, env=env,
                               executable="/bin/bash")
                continue
            left, prefix = m.group(1), m.group(2) or "CHECK"
            proc = subprocess.run(substitute(left, test, tmp), shell=True, env=env,
                                  capture_output=True, text=True, executable="/bin/bash")
            out = proc.stdout.replace(d, "%t-dir")
            outputs[prefix] = [l.rstrip() for l in out.splitlines()]
    if not outputs:
        sys.exit(f"{test}: no RUN line pipes into FileCheck %s")
    kept = [l for l in text.rstrip("\n").splitlines()
            if not re.match(rf"\s*{re.escape(comment)}\s*({'|'.join(outputs)})(-NEXT|-EMPTY)?:", l)]
    while kept and not kept[-1].strip():
        kept.pop()
    for prefix, lines in outputs.items():
        kept.append("")
        first = True
        for l in lines:
            l = l.replace("{{", "{{[{][{]}}").replace("[[", "{{[[][[]}}")
            if not l.strip():
                kept.append(f"{comment} {prefix}-EMPTY:")
            else:
                kept.append(f"{comment} {prefix}{'' if first else '-NEXT'}: {l}")
            first = False
    with open(test, "w") as f:
        f.write("\n".join(kept) + "\n")
    print(f"updated {os.path.relpath(test, ROOT)}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for t in sys.argv[1:]:
        update(t)


if __name__ == "__main__":
    main()
