#!/usr/bin/env python3
"""CPython's own test suite on rewritten bytecode.

    python3.11 test/conformance/run.py [--tool build/bin/sleepy-rewrite]
        [--quick | TEST...] [--keep DIR] [--reuse DIR/home] [--table FILE] [-j N]

1. Rewrites this interpreter's whole stdlib, Lib/test included (site-packages
   is left out and linked as it is), with the default passes and
   --layout=pycache into HOME/lib: every source is copied, its rewritten
   code goes to __pycache__, data files are copied, and the import system
   takes the rewritten code without compiling. HOME/bin gets a copy of the interpreter's executable, which
   finds its stdlib next to itself: the tests' own subprocesses (`-I`, `-E`
   included) run the rewritten stdlib too. The sleepy runtime goes next to
   the stdlib.
2. Checks that the rewritten modules are the ones in use: sleepy.is_rewritten
   on stdlib functions, and their files under HOME, with -X frozen_modules=off;
   and that a program suspended inside functions the stdlib calls back
   (test/e2e/programs/stdlib_callbacks.py) resumes to the same output.
3. Runs `python -X frozen_modules=off -m test` on the tests with HOME's
   interpreter, then the same tests on the untouched interpreter.
4. Reports as a regression every test case that passes on the untouched
   interpreter and not on the rewritten stdlib (from --junit-xml), except
   the few listed in expected.txt, which fail by design (they read the
   bytecode of their own functions) and are counted apart.

Without TEST, the whole suite runs; --quick runs the bytecode-heavy set that
`make test` runs (QUICK below). With --table, a results row is appended to
FILE (markdown). Exits 1 if there is any regression.
"""
import argparse
import datetime
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_TOOL = os.path.join(ROOT, "build", "bin", "sleepy-rewrite")

QUICK = """test_grammar test_opcodes test_exceptions test_raise test_with test_contextlib
test_generators test_coroutines test_yield_from test_listcomps test_setcomps
test_dictcomps test_scope test_class test_descr test_super test_patma
test_exception_group test_except_star test_asyncgen test_dict test_list test_set
test_string test_format test_json test_re test_collections test_functools
test_dataclasses test_enum test_itertools test_sort test_pickle test_copy
test_inspect test_traceback test_sys_settrace test_dis test_compile""".split()

# Stdlib functions that must be the rewritten ones (module, attribute path).
CHECKS = [("json", "dumps"), ("collections", "namedtuple"), ("posixpath", "join"),
          ("os", "makedirs"), ("functools", "wraps"), ("re", "sub")]


def home_lib(home, lib):
    return os.path.join(home, "lib", os.path.basename(lib.rstrip(os.sep)))


def expected_failures(version="%d.%d" % sys.version_info[:2]):
    """Test ids that fail by design (expected.txt), without comments, on
    this interpreter: a line `3.X test.id` holds on 3.X only."""
    known = set()
    with open(os.path.join(HERE, "expected.txt")) as f:
        for line in f:
            words = line.split()
            if not words or line.startswith("#"):
                continue
            if len(words) == 1:
                known.add(words[0])
            elif words[0] == version:
                known.add(words[1])
    return known


def differences(original, rewritten, known):
    """Test cases that pass untouched and not rewritten, less the expected."""
    return sorted(c for c, s in original.items()
                  if s == "ok" and rewritten.get(c) != "ok" and c not in known)


def test_module(case, lib):
    """The regrtest name of the module that holds a test case id."""
    parts = case.split(".")
    for k in range(len(parts) - 1, 1, -1):
        path = os.path.join(lib, *parts[:k])
        if os.path.isfile(path + ".py") or os.path.isdir(path):
            return parts[1] if k == 2 else ".".join(parts[:k])
    return parts[1]


def rewrite(tool, lib, home, jobs):
    """Makes HOME an interpreter of its own: HOME/lib/python3.X is the
    rewritten stdlib, HOME/bin/python3.X a copy of this interpreter's
    executable (which finds its stdlib next to itself, so subprocesses that
    tests start, -I or -E included, run the rewritten stdlib too) and the
    sleepy runtime is in its site-packages. Returns (executable, errors)."""
    t = time.time()
    out = os.path.join(home, "lib")
    p = subprocess.run([tool, f"--python={sys.executable}", "--layout=pycache", f"-j{jobs}",
                        "--exclude", "site-packages", "--exclude", "__pycache__",
                        "--summary", lib, "-o", out], capture_output=True, text=True)
    print(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "(no summary)")
    # Sources that do not compile (badsyntax_*.py...) are test data: copied
    # as they are, reported, not regressions.
    failed = [line for line in p.stderr.splitlines() if ": error:" in line]
    for line in failed:
        print("  " + line[:200])
    print(f"rewrote the stdlib in {time.time() - t:.0f} s")
    shutil.rmtree(os.path.join(out, "sleepy"), ignore_errors=True)
    return make_executable(home, lib), failed


def make_executable(home, lib):
    """HOME's interpreter, with this checkout's runtime next to the stdlib
    (where site-packages is differs between builds: Debian's is
    dist-packages)."""
    runtime = os.path.join(home_lib(home, lib), "sleepy")
    shutil.rmtree(runtime, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "runtime", "sleepy"), runtime,
                    ignore=shutil.ignore_patterns("__pycache__"))
    # The rest of the installation, as it is: headers (tests build C
    # extensions), libpython, pkgconfig, and the third-party packages (tests
    # that need docutils skip without it), so that both runs see the same.
    prefix = sys.base_prefix
    rels = ["include"] + [os.path.join("lib", n) for n in os.listdir(os.path.join(prefix, "lib"))
                          if n.startswith("libpython") or n == "pkgconfig"]
    rels += [os.path.relpath(d, prefix) for d in site.getsitepackages()
             if d.startswith(prefix + os.sep) and os.path.isdir(d)]
    for rel in rels:
        target, link = os.path.join(prefix, rel), os.path.join(home, rel)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.exists(target) and not os.path.lexists(link):
            os.symlink(target, link)
    real = os.path.realpath(sys.executable)
    exe = os.path.join(home, "bin", os.path.basename(real))
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    shutil.copy2(real, exe)
    # Only this user may run it, as pyenv's interpreters under root's home:
    # a test that runs the interpreter as another user (test_subprocess's
    # test_user) is refused at exec on both, where another user could exec
    # this copy and then not load the libpython it links to.
    os.chmod(home, 0o700)
    return exe


def check_in_use(python, lib):
    """The rewritten stdlib is the one in use: its functions are rewritten
    and its modules come from HOME."""
    code = ";".join(["import sleepy, importlib, sys"] + [
        f"m = importlib.import_module({m!r}); f = m.{a}; "
        f"print({m + '.' + a!r}, sleepy.is_rewritten(f), m.__file__)" for m, a in CHECKS])
    p = subprocess.run([python, "-X", "frozen_modules=off", "-c", code], env=clean_env(),
                       capture_output=True, text=True)
    print(p.stdout + p.stderr)
    home = os.path.dirname(os.path.dirname(python))
    return (p.returncode == 0 and "False" not in p.stdout
            and lib not in p.stdout and home in p.stdout)


def check_suspends(tool, python, work):
    """A program suspended inside functions the rewritten stdlib calls back
    (test/e2e/programs/stdlib_callbacks.py) resumes, point after point, and
    prints what an uninterrupted run prints."""
    program = os.path.join(ROOT, "test", "e2e", "programs", "stdlib_callbacks.py")
    out = os.path.join(work, "program")
    p = subprocess.run([tool, f"--python={sys.executable}", program, "-o", out],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
        return False
    pyc = os.path.join(out, "stdlib_callbacks.pyc")
    run = [python, "-X", "frozen_modules=off", "-m", "sleepy"]
    env = dict(clean_env(), SLEEPY_SNAPSHOT=os.path.join(out, "snapshot"))
    plain = subprocess.run(run + ["run", pyc], env=env, capture_output=True, text=True,
                           cwd=out)
    env["SLEEPY_TEST"] = "suspend"
    p = subprocess.run(run + ["run", pyc], env=env, capture_output=True, text=True, cwd=out)
    pieces, stops = [p.stdout], 0
    while p.returncode == 75 and stops < 100:
        stops += 1
        p = subprocess.run(run + ["resume"], env=env, capture_output=True, text=True, cwd=out)
        pieces.append(p.stdout)
    same = plain.returncode == 0 and p.returncode == 0 and "".join(pieces) == plain.stdout
    print(f"suspended and resumed {stops} times inside stdlib callbacks: "
          f"{'same output' if same else 'DIFFERENT'}")
    if not same:
        print(plain.stdout + plain.stderr + "---\n" + "".join(pieces) + p.stderr)
    return same and stops > 0


def clean_env():
    """The environment without PYTHON* settings (PYTHONPATH, PYTHONUNBUFFERED,
    PYTHONDONTWRITEBYTECODE...), which some tests check the defaults of."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("PYTHON") and not k.startswith("SLEEPY_")}


def cases(xml_path):
    """{case id: 'ok' | 'fail' | 'skip'} from a regrtest junit file."""
    out = {}
    if not os.path.exists(xml_path):
        return out
    for case in ET.parse(xml_path).getroot().iter("testcase"):
        cid = case.get("name")
        if case.get("classname"):
            cid = f"{case.get('classname')}.{cid}"
        status = "ok"
        for child in case:
            if child.tag in ("failure", "error"):
                status = "fail"
            elif child.tag == "skipped" and status == "ok":
                status = "skip"
        if out.get(cid) != "fail":  # subtests share their test's id
            out[cid] = status
    return out


def run_tests(python, tests, work, label, jobs, timeout):
    xml = os.path.join(work, f"{label}.xml")
    cmd = [python, "-X", "frozen_modules=off", "-m", "test", "--junit-xml", xml,
           f"-j{jobs}", "--timeout", str(timeout), *tests]
    log = os.path.join(work, f"{label}.log")  # written as the tests run
    t = time.time()
    with open(log, "w") as f:
        subprocess.run(cmd, env=clean_env(), stdout=f, stderr=subprocess.STDOUT, cwd=work)
    elapsed = time.time() - t
    with open(log) as f:
        output = f.read()
    return cases(xml), elapsed, output


def default_signals():
    """A job started in the background by a non-interactive shell ignores
    SIGINT and SIGQUIT, and so would every test process it starts: tests of
    KeyboardInterrupt (test_generators, test_pdb, test_signal...) would fail
    on both interpreters. Handled here, they are at their defaults after
    exec."""
    import signal
    for sig in (signal.SIGINT, signal.SIGQUIT):
        if signal.getsignal(sig) == signal.SIG_IGN:
            signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT
                          else lambda *_: sys.exit(1))


def main():
    default_signals()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", help="keep the rewritten stdlib and logs here")
    ap.add_argument("--reuse", help="the rewritten interpreter of an earlier --keep (DIR/home)")
    ap.add_argument("--table", help="append a results row to this markdown file")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    python = sys.executable
    lib = sysconfig.get_paths()["stdlib"]
    tests = args.tests or (QUICK if args.quick else [])
    work = args.keep or tempfile.mkdtemp(prefix="sleepy-conformance-")
    os.makedirs(work, exist_ok=True)
    started = time.time()
    try:
        if args.reuse:
            rewritten_python, failed = make_executable(os.path.abspath(args.reuse), lib), []
        else:
            rewritten_python, failed = rewrite(args.tool, lib, os.path.join(work, "home"),
                                               args.j)
        if not check_in_use(rewritten_python, lib):
            print("the rewritten modules are not the ones in use")
            return 1
        if not check_suspends(args.tool, rewritten_python, work):
            return 1
        rewritten, t_rew, out_rew = run_tests(rewritten_python, tests, work, "rewritten",
                                            args.j, args.timeout)
        original, t_orig, _ = run_tests(python, tests, work, "original", args.j,
                                             args.timeout)
        known = expected_failures()
        differ = differences(original, rewritten, known)
        # A second chance, as regrtest gives failed tests: the modules with
        # differences run again on both interpreters, one at a time. What
        # passes then on the rewritten stdlib was flaky (timing, load).
        flaky = []
        if differ:
            again = sorted({test_module(c, lib) for c in differ})
            print(f"running again, one at a time: {' '.join(again)}")
            rewritten2, _, _ = run_tests(rewritten_python, again, work, "rewritten-again", 1,
                                         args.timeout)
            original2, _, _ = run_tests(python, again, work, "original-again", 1,
                                        args.timeout)
            for c in differ:
                if rewritten2.get(c) == "ok" or (c in original2 and original2[c] != "ok"):
                    flaky.append(c)
        regressions = [c for c in differ if c not in flaky]
        expected = sorted(c for c, s in original.items()
                          if s == "ok" and rewritten.get(c) != "ok" and c in known)
        if not rewritten:
            print(out_rew[-3000:])
        print(f"CPython {sys.version.split()[0]}: {len(tests) or 'all'} test modules, "
              f"{len(original)} test cases; original {t_orig:.0f} s, rewritten {t_rew:.0f} s")
        print(f"regressions={len(regressions)} expected={len(expected)} flaky={len(flaky)} "
              f"sources_not_compiling={len(failed)}")
        for c in flaky:
            print("  flaky: " + c)
        for c in regressions[:200]:
            print("  " + c)
        if args.table:
            new = True
            if os.path.exists(args.table):
                with open(args.table) as f:
                    new = "| date |" not in f.read()
            with open(args.table, "a") as f:
                if new:
                    f.write("| date | CPython | test modules | test cases | regressions | "
                            "expected (expected.txt) | flaky (passed when run again) | "
                            "sources not compiling | time (rewritten / original) |\n")
                    f.write("|---|---|---|---|---|---|---|---|---|\n")
                f.write(f"| {datetime.date.today()} | {sys.version.split()[0]} | "
                        f"{len(tests) or 'all'} | {len(original)} | {len(regressions)} | "
                        f"{len(expected)} | {len(flaky)} | {len(failed)} | "
                        f"{t_rew:.0f} s / {t_orig:.0f} s |\n")
        print(f"total {time.time() - started:.0f} s; logs in {work}" if args.keep else "")
        return 1 if regressions or not rewritten else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
