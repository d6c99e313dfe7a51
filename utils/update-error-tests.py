#!/usr/bin/env python3
"""Regenerate the FileCheck expectations of the bad-input tests, on purpose.

    utils/update-error-tests.py test/lit/errors/jump-out-of-range.test [more...]

Like utils/update-golden-tests.py (whose substitutions it uses), but for
tests that pipe the generator's report and the tool's messages into one
FileCheck, as in

    # RUN: %python311 %utils/make-bad-pyc.py KIND good.pyc bad.pyc > facts
    # RUN: not sleepy-rewrite bad.pyc good.pyc -o out 2> err
    # RUN: cat facts err | FileCheck %s --match-full-lines

The generator prints `KIND at 0xOFFSET key=value...` for each file, worked
out from the file's structure. Here each of those values becomes a FileCheck
variable, and the n-th error message uses the n-th report's variables where
the values appear in it: the test then checks that the tool names the offset
the generator computed, rather than an offset copied from the tool. Every
other `| FileCheck %s [--check-prefix=P]` line gets its output as literal
lines. Review the diff before committing. (The corpus-*.test files check a
summary with patterns, on purpose: do not update those.)
"""
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("golden", os.path.join(HERE, "update-golden-tests.py"))
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

FACTS = re.compile(r"(\S+) at 0x([0-9a-f]+)((?: \S+=\S+)*)$")
FILECHECK = re.compile(r"(.*)\|\s*FileCheck\s+%s(.*)$")


def escape(text):
    return text.replace("{{", "{{[{][{]}}").replace("[[", "{{[[][[]}}")


def bounded(value):
    # A value inside a word or a dotted number (the 3 of "3.11") is not it.
    return re.compile(r"(?<![\w.])" + re.escape(value) + r"(?![\w.])")


def with_variables(lines):
    """CHECK lines for reports followed by their error messages."""
    reports = [FACTS.match(l) for l in lines]
    n_reports = sum(1 for m in reports if m)
    out, uses, k = [], [], 0
    for line, m in zip(lines, reports):
        if m:
            k += 1
            sfx = str(k) if n_reports > 1 else ""
            pattern = f"{escape(m.group(1))} at 0x[[#%x,OFFSET{sfx}:]]"
            subs = [(bounded("0x" + m.group(2)), f"0x[[#OFFSET{sfx}]]")]
            for kv in m.group(3).split():
                key, value = kv.split("=", 1)
                var = re.sub(r"\W", "_", key).upper() + sfx
                if re.fullmatch(r"-?\d+", value):
                    pattern += f" {key}=[[#%d,{var}:]]"
                    subs.append((bounded(value), f"[[#{var}]]"))
                elif re.fullmatch(r"0x[0-9a-f]+", value):
                    pattern += f" {key}=0x[[#%x,{var}:]]"
                    subs.append((bounded(value), f"0x[[#{var}]]"))
                else:
                    pattern += f" {key}=[[{var}:[A-Za-z0-9_]+]]"
                    subs.append((bounded(value), f"[[{var}]]"))
            out.append(pattern)
            uses.append(subs)
            continue
        text = escape(line)
        if uses:
            # The n-th message goes with the n-th report; the offset first,
            # then the other values, longest first so that 10 is not taken
            # for the 1 of 100.
            subs = uses.pop(0)
            head, sep, message = text.partition(": error: ")
            head = subs[0][0].sub(subs[0][1], head)
            for rx, rep in sorted(subs[1:], key=lambda s: -len(s[0].pattern)):
                message = rx.sub(rep, message)
            text = head + sep + message
        out.append(text)
    return out


def update(test):
    test = os.path.abspath(test)
    with open(test) as f:
        text = f.read()
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.join(golden.BUILD, "bin"), golden.LLVM_BIN,
                                   env.get("PATH", "")])
    outputs = {}
    with tempfile.TemporaryDirectory() as d:
        tmp = os.path.join(d, os.path.basename(test) + ".tmp")
        script = []
        for cmd in golden.run_lines(text):
            m = FILECHECK.match(cmd)
            if not m:
                script.append(golden.substitute(cmd, test, tmp))
                continue
            prefix = re.search(r"--check-prefix[= ](\S+)", m.group(2))
            prefix = prefix.group(1) if prefix else "CHECK"
            marker = f"@@@{prefix}@@@"
            script.append(f"echo {marker}; {{ {golden.substitute(m.group(1), test, tmp)}; }}; "
                          f"echo {marker}")
        # One shell for all lines, as lit runs them: `cd` carries over.
        proc = subprocess.run(" && ".join(f"{{ {c}; }}" for c in script), shell=True, env=env,
                              capture_output=True, text=True, executable="/bin/bash")
        if proc.returncode:
            sys.exit(f"{test}: RUN lines failed:\n{proc.stderr}")
        for prefix, body in re.findall(r"@@@(\S+)@@@\n(.*?)@@@\1@@@\n", proc.stdout, re.S):
            lines = [l.rstrip() for l in body.replace(d, "%t-dir").splitlines()]
            outputs[prefix] = with_variables(lines) if prefix == "CHECK" else [escape(l) for l in lines]
    if not outputs:
        print(f"skipped {os.path.relpath(test, golden.ROOT)}: no RUN line pipes into FileCheck %s")
        return
    kept = [l for l in text.rstrip("\n").splitlines()
            if not re.match(rf"\s*#\s*({'|'.join(outputs)})(-NEXT|-EMPTY)?:", l)]
    while kept and not kept[-1].strip():
        kept.pop()
    for prefix, lines in outputs.items():
        kept.append("")
        for k, l in enumerate(lines):
            kept.append(f"# {prefix}{'' if k == 0 else '-NEXT'}: {l}")
    with open(test, "w") as f:
        f.write("\n".join(kept) + "\n")
    print(f"updated {os.path.relpath(test, golden.ROOT)}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for t in sys.argv[1:]:
        update(t)


if __name__ == "__main__":
    main()
