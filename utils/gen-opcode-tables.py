#!/usr/bin/env python3
"""Generate the per-version opcode tables (lib/pyc/opcodes/PythonXY.def) and the
union of opcode names (include/sleepy/pyc/OpcodeNames.def).

Each table is read from the target interpreter's own `opcode` and `dis` modules,
so the numbers, cache counts, jump kinds and stack effects are the ones that
interpreter uses. Run it after adding a version or upgrading an interpreter:

    utils/gen-opcode-tables.py                 # every 3.8-3.13 interpreter under `pyenv root`
    utils/gen-opcode-tables.py --python /usr/bin/python3.11 ...

Stack effects depend on the oparg for some opcodes. The script fits each one to
one of a few closed forms (see KINDS) and checks the fit on thousands of
opargs; an opcode that fits none stops the script, so a new CPython cannot
silently get a wrong table.
"""

import argparse
import glob
import json
import os
import subprocess
import sys

VERSIONS = [(3, 8), (3, 9), (3, 10), (3, 11), (3, 12), (3, 13)]

# Closed forms for a stack effect: effect = base + scale * f(oparg).
KINDS = {
    "Fixed": lambda a: 0,
    "Arg": lambda a: a,
    "Bit0": lambda a: a & 1,
    "Bit2": lambda a: (a >> 2) & 1,
    "UnpackEx": lambda a: (a & 0xFF) + (a >> 8),
    "Popcount4": lambda a: bin(a & 0xF).count("1"),
    "Is3": lambda a: 1 if a == 3 else 0,
}

SAMPLE_ARGS = list(range(0, 1100)) + [0x1234, 0xFFFF, 70000, 1 << 20, (1 << 24) + 5]

# Opcodes after which control never falls through to the next instruction.
TERMINAL = {
    "RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD",
    "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_ABSOLUTE", "INTERPRETER_EXIT",
}
UNCONDITIONAL = {"JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_ABSOLUTE"}


def dump():
    """Runs inside the target interpreter: print its opcode facts as JSON."""
    import dis
    import opcode

    version = sys.version_info[:2]
    caches = getattr(opcode, "_inline_cache_entries", None)
    hasarg = set(getattr(opcode, "hasarg", []))
    ops = []
    for name, num in sorted(opcode.opmap.items(), key=lambda kv: kv[1]):
        if num >= 256 or name.startswith("INSTRUMENTED_") or name in ("ENTER_EXECUTOR", "RESERVED"):
            continue
        if isinstance(caches, dict):
            ncache = caches.get(name, 0)
        elif caches is not None:
            ncache = caches[num]
        else:
            ncache = 0
        has_arg = num >= opcode.HAVE_ARGUMENT or num in hasarg

        def effects(jump):
            if not has_arg:
                try:
                    return {"none": dis.stack_effect(num, jump=jump)}
                except (ValueError, TypeError):
                    return None
            out = {}
            for a in SAMPLE_ARGS:
                try:
                    out[a] = dis.stack_effect(num, a, jump=jump)
                except (ValueError, TypeError):
                    pass
            return out or None

        ops.append({
            "name": name, "num": num, "caches": ncache, "has_arg": has_arg,
            "jrel": num in opcode.hasjrel, "jabs": num in opcode.hasjabs,
            "const": num in opcode.hasconst, "nameop": num in opcode.hasname,
            "local": num in opcode.haslocal, "free": num in opcode.hasfree,
            "compare": num in opcode.hascompare,
            "nojump": effects(False), "jump": effects(True),
        })
    print(json.dumps({
        "version": list(version), "full": sys.version.split()[0],
        "have_argument": opcode.HAVE_ARGUMENT, "extended_arg": opcode.EXTENDED_ARG,
        "ops": ops,
    }))


def fit(name, samples):
    """Return (kind, base, scale) reproducing every sampled effect."""
    if samples is None:
        return ("Fixed", 0, 0)
    if "none" in samples:
        return ("Fixed", samples["none"], 0)
    args = sorted(int(a) for a in samples)
    values = {int(a): v for a, v in samples.items()}
    for kind, f in KINDS.items():
        base = values[args[0]] - 0
        # Solve base and scale from two points where f differs, then check all.
        pts = [(f(a), values[a]) for a in args]
        xs = sorted({x for x, _ in pts})
        if len(xs) == 1:
            if all(v == pts[0][1] for _, v in pts):
                return ("Fixed", pts[0][1], 0)
            continue
        (x0, y0) = next(p for p in pts if p[0] == xs[0])
        (x1, y1) = next(p for p in pts if p[0] == xs[1])
        if (y1 - y0) % (x1 - x0):
            continue
        scale = (y1 - y0) // (x1 - x0)
        base = y0 - scale * x0
        if all(base + scale * x == y for x, y in pts):
            return (kind, base, scale)
    raise SystemExit(f"gen-opcode-tables: no closed form fits the stack effect of {name}: "
                     f"{[values[a] for a in args[:24]]}")


def jump_kind(version, op):
    if op["jabs"]:
        return "Absolute"
    if not op["jrel"]:
        return "None"
    if version >= (3, 11) and "BACKWARD" in op["name"]:
        return "Backward"
    return "Forward"


def flags(version, op):
    out = []
    if op["has_arg"]:
        out.append("HasArg")
    for key, flag in (("const", "HasConst"), ("nameop", "HasName"), ("local", "HasLocal"),
                      ("free", "HasFree"), ("compare", "HasCompare")):
        if op[key]:
            out.append(flag)
    if op["name"] in TERMINAL:
        out.append("Terminal")
    if op["name"] in UNCONDITIONAL:
        out.append("Unconditional")
    if op["name"].startswith("SETUP_") and (op["jrel"] or op["jabs"]):
        out.append("BlockSetup")
    return "|".join(f"OF_{f}" for f in out) or "0"


def write_table(info, outdir):
    version = tuple(info["version"])
    lines = [
        f"// Opcodes of CPython {version[0]}.{version[1]}: generated by utils/gen-opcode-tables.py",
        f"// from CPython {info['full']}'s opcode and dis modules; do not edit.",
        "//",
        "// SLEEPY_VERSION(Major, Minor, HaveArgument, ExtendedArg)",
        "// SLEEPY_OPCODE(Name, Number, Caches, Jump, NoJumpKind, NoJumpBase, NoJumpScale,",
        "//               JumpKind, JumpBase, JumpScale, Flags)",
        "// A stack effect is Base + Scale * Kind(oparg); see include/sleepy/pyc/Opcode.h.",
        "",
        f"SLEEPY_VERSION({version[0]}, {version[1]}, {info['have_argument']}, {info['extended_arg']})",
    ]
    for op in info["ops"]:
        nk = fit(op["name"], op["nojump"])
        jk = fit(op["name"], op["jump"])
        lines.append(
            f"SLEEPY_OPCODE({op['name']}, {op['num']}, {op['caches']}, {jump_kind(version, op)}, "
            f"{nk[0]}, {nk[1]}, {nk[2]}, {jk[0]}, {jk[1]}, {jk[2]}, {flags(version, op)})")
    path = os.path.join(outdir, f"Python{version[0]}{version[1]}.def")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def find_interpreters():
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip()
    found = []
    for major, minor in VERSIONS:
        cands = sorted(glob.glob(f"{root}/versions/{major}.{minor}.*/bin/python{major}.{minor}"))
        if not cands:
            raise SystemExit(f"gen-opcode-tables: no CPython {major}.{minor} under {root}/versions")
        found.append(cands[-1])
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--python", action="append", help="an interpreter to read (repeatable)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--root", default=os.path.dirname(here), help="the source tree to write into")
    args = ap.parse_args()
    if args.dump:
        dump()
        return
    pythons = args.python or find_interpreters()
    infos = []
    for py in pythons:
        out = subprocess.run([py, os.path.abspath(__file__), "--dump"], capture_output=True,
                             text=True, check=True).stdout
        infos.append(json.loads(out))
    infos.sort(key=lambda i: i["version"])
    outdir = os.path.join(args.root, "lib", "pyc", "opcodes")
    for info in infos:
        print("wrote", write_table(info, outdir))
    names = sorted({op["name"] for info in infos for op in info["ops"]})
    path = os.path.join(args.root, "include", "sleepy", "pyc", "OpcodeNames.def")
    with open(path, "w") as f:
        f.write("// Every opcode name of CPython " +
                ", ".join(f"{i['version'][0]}.{i['version'][1]}" for i in infos) +
                ": generated by\n// utils/gen-opcode-tables.py; do not edit.\n\n")
        for n in names:
            f.write(f"SLEEPY_OPNAME({n})\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
