#!/usr/bin/env python3
"""Real programs, suspended by SIGTERM at random moments: the judge.

    python3.11 bench/realworld.py [--tool build/bin/sleepy-rewrite] [--pyperformance DIR]
        [--quick] [--rounds K] [--signals M] [--seed S] [-j N] [--only NAME]...
        [--keep] [--cache DIR] [--table FILE] [--expected FILE]

The corpus (test/realworld/README.md): CPython's own test modules run by
`-m unittest -v` on the rewritten stdlib, pyperformance's benchmark programs
(from a checkout given by --pyperformance, through the pyperf stand-in in
test/realworld/pyperf), workloads of pure-Python libraries from Debian's
packages (rewritten whole), and scripts written as users write them
(test/realworld/scripts).

For each program:
1. Reference: the original (source, untouched interpreter and stdlib) runs
   uninterrupted in a fresh directory; its stdout (stderr for unittest),
   exit status and the files it wrote are kept, with its duration.
2. Rounds (--rounds): the rewritten program runs in a fresh directory under
   `python -m sleepy run --snapshot S --suspend-on TERM` with the rewritten
   stdlib's interpreter. SIGTERM is sent at a moment drawn uniformly within
   the reference duration (seeded); exit status 75 means it suspended, and it
   is resumed by `python -m sleepy resume S` in a fresh process in the same
   directory, signalled again, up to --signals times, then left to finish.
   The pieces' output, the last exit status and the files are compared with
   the reference.
3. Counted: suspensions, refusals (a signal after which the process ended
   without suspending; the reason is the runtime's last `sleepy: ...cannot
   suspend...` line, if any), hangs (a round longer than max(60 s, 5 x the
   reference), killed), failures (first differing line, or the last line of
   the resumed process's stderr). Latency is from the signal to the new
   snapshot on disk (polled every 2 ms).

A program passes when every round matches and at least one suspension
happened. Exits 1 when a program listed in --expected (default
test/realworld/quick.txt with --quick) fails or hangs; 0 otherwise.
"""
import argparse
import concurrent.futures
import contextlib
import datetime
import difflib
import fcntl
import hashlib
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "test", "realworld")
sys.path.insert(0, os.path.join(ROOT, "test", "conformance"))
import run as conformance  # noqa: E402  (rewrite, make_executable, clean_env)

DEFAULT_TOOL = os.path.join(ROOT, "build", "bin", "sleepy-rewrite")


def _load_snapshot_module():
    """runtime/sleepy/_snapshot.py on its own (importing the package would
    install the runtime in this process): it reads snapshot headers."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "sleepy_snapshot", os.path.join(ROOT, "runtime", "sleepy", "_snapshot.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


snapshots = _load_snapshot_module()
PYTHON = sys.executable
SUSPENDED = 75

# CPython test modules: computational ones, 0.1 to 5 s on the untouched
# interpreter (unittest -v prints its results on stderr).
STDLIB_TESTS = """test_statistics test_decimal test_itertools test_long test_json test_math
test_random test_int test_re test_enum test_difflib test_collections test_heapq
test_functools test_dataclasses test_csv test_fractions test_bisect""".split()

# pyperformance benchmarks in pure Python, and the loops that make each run
# for a second or a few on the untouched interpreter.
PYPERF = {"nbody": 16, "richards": 30, "chaos": 12, "deltablue": 300, "fannkuch": 3,
          "float": 16, "go": 10, "hexiom": 100, "nqueens": 15, "pidigits": 8,
          "raytrace": 5, "spectral_norm": 16, "unpack_sequence": 80000, "json_dumps": 120,
          "pyflate": 4, "scimark": 2, "generators": 16, "coroutines": 16,
          "deepcopy": 1500, "meteor_contest": 6,
          # Added 2026-12-02 (pyperformance 1d3e217); a checkout without
          # them skips them, with a note.
          "comprehensions": 20000, "json_loads": 1500, "logging": 3000,
          "typing_runtime_protocols": 1500, "gc_collect": 400, "regex_v8": 50,
          "regex_effbot": 40, "richards_super": 15, "pathlib": 3, "xml_etree": 2,
          "async_generators": 2, "argparse": (900, "subparsers"), "async_tree": (1, "io")}

# Debian packages (utils/install-deps.sh) and the workload of each.
LIBRARIES = {"networkx": "networkx", "sortedcontainers": "sortedcontainers",
             "mpmath": "mpmath", "pyparsing": "pyparsing", "chardet": "chardet"}
DIST_PACKAGES = "/usr/lib/python3/dist-packages"

# User-shaped scripts and their arguments.
SCRIPTS = {"inventory": ["all", "--items", "25000"], "logstats": [], "treewalk": [],
           "collatz": [], "pipeline": [], "wordfreq": ["--lines", "30000"], "life": [],
           "ledger": []}

QUICK = ["script-collatz", "script-pipeline", "script-ledger", "script-wordfreq",
         "lib-chardet", "lib-sortedcontainers", "stdlib-test_dataclasses",
         "stdlib-test_heapq", "stdlib-test_enum"]


class Program:
    """One program of the corpus: how to run its original and its rewritten
    form. ref and rewritten are (argv after the interpreter, PYTHONPATH)."""

    def __init__(self, name, group, ref, rewritten, unittest=False):
        self.name, self.group = name, group
        self.ref, self.rewritten = ref, rewritten
        self.unittest = unittest


# -- building --------------------------------------------------------------

def newer(path, than):
    return not os.path.exists(than) or os.path.getmtime(path) > os.path.getmtime(than)


def rewrite(tool, inputs, out, layout="sourceless", force=True):
    cmd = [tool, f"--python={PYTHON}", f"--layout={layout}", "-j2", *inputs, "-o", out]
    if force:
        cmd.append("--force")
    p = subprocess.run(cmd, capture_output=True, text=True)
    shutil.rmtree(os.path.join(out, "sleepy"), ignore_errors=True)  # the home's is used
    errors = [line for line in p.stderr.splitlines() if ": error:" in line]
    return errors


def shared_home(tool, cache):
    """build_home, one process at a time (the cache is shared)."""
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return build_home(tool, cache)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def default_cache():
    """One per user and interpreter version (each has its rewritten stdlib)."""
    minor = "%d%d" % sys.version_info[:2]
    return os.path.join(tempfile.gettempdir(), f"sleepy-realworld-{os.getuid()}-py{minor}")


def build_home(tool, cache):
    """The rewritten stdlib's interpreter, rebuilt when the tool is newer;
    the runtime is copied afresh every time (it changes more often)."""
    lib = sysconfig.get_paths()["stdlib"]
    home = os.path.join(cache, "home")
    stamp = os.path.join(cache, "home.stamp")
    if newer(tool, stamp):
        shutil.rmtree(home, ignore_errors=True)
        t = time.time()
        with contextlib.redirect_stdout(io.StringIO()):
            conformance.rewrite(tool, lib, home, 2)
        with open(stamp, "w") as f:
            f.write(tool + "\n")
        print(f"rewrote the stdlib into {home} in {time.time() - t:.0f} s")
    # make_executable copies the interpreter over its old copy, which fails
    # ("text file busy") while a process still runs it: move it aside first.
    exe = os.path.join(home, "bin", os.path.basename(os.path.realpath(PYTHON)))
    if os.path.exists(exe):
        os.replace(exe, exe + ".old")
    return conformance.make_executable(home, lib)


def build_libraries(tool, cache, names):
    """Copies each library's package from Debian's dist-packages (the
    originals, for the reference) and rewrites the copies whole."""
    src, out = os.path.join(cache, "libsrc"), os.path.join(cache, "librw")
    missing = [n for n in names if not os.path.isdir(os.path.join(DIST_PACKAGES, n))]
    present = [n for n in names if n not in missing]
    for n in present:
        if not os.path.isdir(os.path.join(src, n)):
            shutil.copytree(os.path.join(DIST_PACKAGES, n), os.path.join(src, n),
                            ignore=shutil.ignore_patterns("__pycache__"))
    # One stamp per library: a run of some of them (--quick, --only) must
    # not pass the others off as rewritten by this tool.
    stamps = {n: os.path.join(cache, f"librw-{n}.stamp") for n in present}
    stale = [n for n in present
             if newer(tool, stamps[n]) or not os.path.isdir(os.path.join(out, n))]
    if stale:
        errors = rewrite(tool, [os.path.join(src, n) for n in stale], out, layout="pycache")
        for e in errors[:5]:
            print("  " + e[:200])
        for n in stale:
            with open(stamps[n], "w") as f:
                f.write(tool + "\n")
    return src, out, missing


def benchmarks_dir(path):
    for cand in (os.path.join(path, "pyperformance", "data-files", "benchmarks"),
                 os.path.join(path, "data-files", "benchmarks"), path):
        if os.path.isdir(os.path.join(cand, "bm_nbody")):
            return cand
    raise SystemExit(f"--pyperformance {path}: no bm_nbody/ found under it")


def corpus(args, build):
    """The programs, with what each needs rewritten into build/."""
    tool, progs, notes = args.tool, [], []
    for t in STDLIB_TESTS:
        progs.append(Program(f"stdlib-{t}", "stdlib",
                             (["-m", "unittest", "-v", f"test.{t}"], None),
                             (["-m", "unittest", "-v", f"test.{t}"], None), unittest=True))
    if args.pyperformance:
        bench = benchmarks_dir(os.path.abspath(args.pyperformance))
        standin = os.path.join(CORPUS, "pyperf")
        for b, loops in PYPERF.items():
            d = os.path.join(bench, f"bm_{b}")
            if not os.path.isdir(d):
                notes.append(f"pyperformance: no bm_{b}")
                continue
            out = os.path.join(build, f"pyperf-{b}")
            sources = [os.path.join(d, f) for f in os.listdir(d) if f.endswith(".py")]
            if selected(args, f"pyperf-{b}"):
                errors = rewrite(tool, sources + [os.path.join(standin, "pyperf.py")], out)
                if os.path.isdir(os.path.join(d, "data")):
                    shutil.copytree(os.path.join(d, "data"), os.path.join(out, "data"),
                                    dirs_exist_ok=True)
                if errors:
                    notes.append(f"pyperf-{b}: {errors[0][:160]}")
            loops, *extra = loops if isinstance(loops, tuple) else (loops,)
            argv = ["--loops", str(loops), *extra]
            progs.append(Program(f"pyperf-{b}", "pyperformance",
                                 ([os.path.join(d, "run_benchmark.py")] + argv, standin),
                                 ([os.path.join(out, "run_benchmark.pyc")] + argv, out)))
    else:
        notes.append("pyperformance: skipped (no --pyperformance DIR)")
    wanted = [n for n in LIBRARIES if selected(args, f"lib-{n}")]
    src, rw, missing = build_libraries(tool, args.cache, wanted)
    for n in missing:
        notes.append(f"lib-{n}: skipped (no {DIST_PACKAGES}/{n}; run utils/install-deps.sh)")
    for n in LIBRARIES:
        if n in missing:
            continue
        work = os.path.join(CORPUS, "libs", f"{n}_work.py")
        out = os.path.join(build, f"lib-{n}")
        if selected(args, f"lib-{n}"):
            rewrite(tool, [work], out)
        progs.append(Program(f"lib-{n}", "library", ([work], src),
                             ([os.path.join(out, f"{n}_work.pyc")], f"{out}:{rw}")))
    for s, argv in SCRIPTS.items():
        path = os.path.join(CORPUS, "scripts", f"{s}.py")
        out = os.path.join(build, f"script-{s}")
        if selected(args, f"script-{s}"):
            rewrite(tool, [path], out)
        progs.append(Program(f"script-{s}", "script", ([path] + argv, None),
                             ([os.path.join(out, f"{s}.pyc")] + argv, out)))
    return [p for p in progs if selected(args, p.name)], notes


def selected(args, name):
    if args.only:
        return any(name.startswith(o) for o in args.only)
    if args.quick:
        return name in QUICK
    return True


# -- running -----------------------------------------------------------------

def env_for(pythonpath):
    env = conformance.clean_env()
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def files_of(cwd):
    """{relative path: sha256} of the files a program left in cwd."""
    out = {}
    for base, dirs, files in os.walk(cwd):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, cwd)] = hashlib.sha256(fh.read()).hexdigest()
    return out


SLEEPY_LINE = re.compile(r"sleepy: [^\n]*(\n|$)")
TRIGGER_LINE = re.compile(r"sleepy: SIG\w+: [^\n]*(\n|$)")  # what a signal did
RAN = re.compile(r"^(Ran \d+ tests?) in [\d.]+s$", re.M)
# A test that passes when something is slow, and skips itself when it is
# fast, saying how long it took (test_int's '"slow" conversion took only
# 0.0135 seconds'): the outcome is the machine's, read as a pass. Skips are
# compared test by test, not by the summary's count.
TIMED_SKIP = re.compile(r"^(.* \.\.\. )skipped '.* took only \d+\.\d+ seconds?.*'$", re.M)
SKIPS = re.compile(r"^(OK|FAILED)(?: \((.*)\))?$", re.M)


def _without_skips(m):
    """unittest's summary line without its count of skips."""
    rest = [part for part in (m.group(2) or "").split(", ")
            if part and not part.startswith("skipped=")]
    return m.group(1) + (f" ({', '.join(rest)})" if rest else "")
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


# (rewritten prefix, original prefix): the rewritten stdlib's paths, which
# tests print (test_math names its data file), read as the original's.
PATHS = []


def normalise(text, unittest):
    """Only what is genuinely not deterministic: the runtime's own messages,
    unittest's timing (and a test's that skips when fast), object
    addresses, where the stdlib is."""
    text = SLEEPY_LINE.sub("", text)
    for new, old in PATHS:
        text = text.replace(new, old)
    text = ADDRESS.sub(" at 0x?", text)
    if unittest:
        text = RAN.sub(r"\1", text)
        if TIMED_SKIP.search(text):
            text = TIMED_SKIP.sub(r"\1ok", text)
        # (Each test's own line says whether it was skipped; the count in
        # the summary differs where a timed skip was read as a pass.)
        text = SKIPS.sub(_without_skips, text)
    return text


SLOW_MS = 200  # a suspension slower than this is listed with what it waited for

REFUSAL = re.compile(r"sleepy: (?:SIG\w+: )?(?:cannot suspend(?: yet)?: (.*)|not suspended: "
                     r"the program ended first \((.*)\))")


class Result:
    def __init__(self):
        self.status = "pass"  # pass | fail | hang | refused | error
        self.error = ""
        self.suspended = 0
        self.refused = []  # reasons
        self.latencies = []
        # From the snapshots' headers: signal to the start of the save that
        # succeeded (waiting for a resumable point, attempts refused), and
        # that save (capturing, pickling, writing), in ms.
        self.waited = []
        self.saving = []
        # The rest of the latency: the signal's delivery until its handler
        # ran (a long C call delays it), and the fsync and rename after the
        # header, in ms.
        self.other = []
        self.slow = []  # (latency ms, the last refusal printed) above SLOW_MS
        self.rounds_ok = 0
        self.ref_time = 0.0
        self.times = []
        self.signals = 0  # SIGTERMs sent
        self.early = 0  # pieces that ended before their signal was due
        # Signals that came before the process could catch one (the
        # interpreter starting): it dies, and is started again as a
        # scheduler restarts a job, from the last snapshot.
        self.startup_kills = 0


def catches(pid, sig):
    """Whether process `pid` has a handler for `sig` (its SigCgt mask)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    except OSError:
        pass
    return False


def stat_key(path):
    try:
        st = os.stat(path)
        return (st.st_ino, st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        return None


def run_reference(prog, work):
    cwd = os.path.join(work, "ref")
    os.makedirs(cwd)
    argv, pp = prog.ref
    out, err = os.path.join(work, "ref.out"), os.path.join(work, "ref.err")
    t = time.time()
    with open(out, "w") as o, open(err, "w") as e:
        p = subprocess.run([PYTHON, "-X", "frozen_modules=off", *argv], cwd=cwd, stdout=o,
                           stderr=e, env=env_for(pp), timeout=600)
    elapsed = time.time() - t
    return {"rc": p.returncode, "out": read(out), "err": read(err), "files": files_of(cwd),
            "time": elapsed}


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def run_round(prog, home_py, ref, rng, work, nsignals, res, scale, min_delay=0.0):
    """One signal schedule (none if nsignals is 0). Returns None if the
    output matched, else (status, why not). Each piece is signalled at a
    moment drawn uniformly within what is left of the program, judged from
    the uninterrupted rewritten run (scale seconds)."""
    cwd, snap = os.path.join(work, "cwd"), os.path.join(work, "snapshot")
    os.makedirs(cwd)
    argv, pp = prog.rewritten
    env = env_for(pp)
    cmd = [home_py, "-X", "frozen_modules=off", "-m", "sleepy", "run", "--snapshot", snap,
           "--suspend-on", "TERM", *argv]
    limit = max(60.0, 5 * ref["time"])
    started = time.time()
    outs, errs, rc, piece, progress = [], [], None, 0, 0.0
    while True:
        o, e = os.path.join(work, f"piece{piece}.out"), os.path.join(work, f"piece{piece}.err")
        with open(o, "w") as fo, open(e, "w") as fe:
            p = subprocess.Popen(cmd, cwd=cwd, stdout=fo, stderr=fe, env=env,
                                 start_new_session=True)
            signalled, sent_at, caught, lat_ms = False, None, False, None
            try:
                if piece < nsignals:
                    # Within the first 80% of what is left: the uninterrupted run's
                    # time is noisy on a busy machine, and a signal due after
                    # the end tests nothing.
                    delay = min_delay + rng.uniform(0.0, 0.8) * max(0.2, scale - progress)
                    progress += delay
                    sent_at = delay
                    try:
                        p.wait(timeout=delay)
                        res.early += 1
                    except subprocess.TimeoutExpired:
                        before = stat_key(snap)
                        t0 = time.time()
                        caught = catches(p.pid, signal.SIGTERM)
                        p.send_signal(signal.SIGTERM)
                        signalled = True
                        res.signals += 1
                        while p.poll() is None and stat_key(snap) == before:
                            if time.time() - started > limit:
                                break
                            time.sleep(0.002)
                        if stat_key(snap) != before:
                            lat_ms = (time.time() - t0) * 1000
                p.wait(timeout=max(0.1, limit - (time.time() - started)))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                res.times.append(time.time() - started)
                what = (f"a SIGTERM {sent_at * 1000:.0f} ms after its start"
                        if signalled else "no signal")
                return "hang", (f"killed after {limit:.0f} s, in piece {piece} "
                                f"({'resumed' if piece else 'first run'}; {what}); "
                                f"stderr: {last_line(read(e))[:100]}")
        outs.append(read(o))
        errs.append(read(e))
        if lat_ms is not None:
            res.latencies.append(lat_ms)
            took = (snapshots.peek_header(snap) or {}).get("took") or {}
            if "since_signal_ms" in took:
                res.saving.append(took["saving_ms"])
                res.waited.append(took["since_signal_ms"] - took["saving_ms"])
                res.other.append(lat_ms - took["since_signal_ms"])
            if lat_ms > SLOW_MS:  # what it waited for: the last refusal said
                said = [l for l in errs[-1].splitlines() if l.startswith("sleepy:")]
                split = (f"waited {took['since_signal_ms'] - took['saving_ms']:.0f} ms, saving "
                         f"{took['saving_ms']:.0f} ms, other "
                         f"{lat_ms - took['since_signal_ms']:.0f} ms"
                         f"{' (resumed process)' if piece else ''}; "
                         if "since_signal_ms" in took else "")
                res.slow.append((lat_ms, split + (said[-1][:220] if said else "(nothing said)")))
        rc = p.returncode
        if rc == -signal.SIGTERM and signalled and not caught and res.startup_kills < 50:
            # Before the process could catch it: nothing of the program ran
            # (the runtime installs its handler before the program starts).
            # Start the same command again, as a scheduler would.
            res.startup_kills += 1
            outs.pop()
            errs.pop()
            continue
        if rc == -signal.SIGTERM and signalled:
            res.times.append(time.time() - started)
            return "fail", (f"killed by the SIGTERM (its default action) sent "
                            f"{sent_at * 1000:.0f} ms after the "
                            f"{'resumed process' if piece else 'process'} started "
                            f"(piece {piece})")
        if rc == SUSPENDED and piece < 200:
            res.suspended += 1
            piece += 1
            cmd = [home_py, "-X", "frozen_modules=off", "-m", "sleepy", "resume", snap]
            continue
        if signalled:
            reasons = ["".join(r) for r in REFUSAL.findall(errs[-1])]
            res.refused.append(reasons[-1].strip() if reasons else
                               "ended without suspending (no message)")
        break
    res.times.append(time.time() - started)
    return compare(prog, ref, "".join(outs), "".join(errs), rc, files_of(cwd), errs[-1],
                   piece)


def last_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else "(no stderr)"


def first_test_error(err):
    """The first failing test of a unittest log, with its exception's line."""
    blocks = err.split("\n" + "=" * 70 + "\n")
    if len(blocks) < 2:
        return None
    lines = blocks[1].splitlines()
    body = [l for l in lines[2:] if l.strip()]
    end = next((i for i, l in enumerate(body) if l.startswith("-" * 70)), len(body))
    return f"{lines[0]}: {body[end - 1].strip() if end else ''}"


def compare(prog, ref, out, err, rc, files, last_err, resumes):
    where = f"after {resumes} resume(s)" if resumes else "without a resume"
    if rc != ref["rc"]:
        # (The program's own last words, such as an exception's line, before
        # the runtime's: "not suspended: the program ended first" comes last.)
        own = TRIGGER_LINE.sub("", last_err)
        why = (prog.unittest and first_test_error(SLEEPY_LINE.sub("", err))) or \
            (last_line(own) if own.strip() else last_line(last_err))
        return "fail", f"exit status {rc} (reference {ref['rc']}) {where}: {why}"
    a, b = (ref["err"], err) if prog.unittest else (ref["out"], out)
    a, b = normalise(a, prog.unittest), normalise(b, prog.unittest)
    if a != b:
        diff = [l for l in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="",
                                                n=0)
                if l[:1] in "+-" and not l.startswith(("---", "+++"))]
        first = diff[0] if diff else "(whitespace)"
        return "fail", f"output differs {where}: {first[:200]}"
    if files != ref["files"]:
        names = sorted(set(files) ^ set(ref["files"]) |
                       {k for k in files if k in ref["files"] and files[k] != ref["files"][k]})
        return "fail", f"files differ {where}: {', '.join(names[:5])}"
    return None


def run_program(prog, home_py, args):
    res = Result()
    rng = random.Random(f"{args.seed}:{prog.name}")
    base = tempfile.mkdtemp(prefix=f"{prog.name}-", dir=args.workdir)
    try:
        ref = run_reference(prog, os.path.join(base))
        res.ref_time = ref["time"]
        if ref["rc"] != 0 and not prog.unittest:
            res.status, res.error = "error", f"reference exit status {ref['rc']}: " \
                                             f"{last_line(ref['err'])}"
            return res
        # The rewritten program uninterrupted first: a difference there is
        # the rewrite's, not a suspension's, and its duration scales the
        # signal schedule.
        work = os.path.join(base, "plain")
        os.makedirs(work)
        t = time.time()
        outcome = run_round(prog, home_py, ref, rng, work, 0, res, 0)
        scale = time.time() - t
        res.times.clear()
        if outcome is not None:
            res.status, res.error = outcome[0], "uninterrupted: " + outcome[1]
            return res
        for r in range(args.rounds):
            work = os.path.join(base, f"round{r}")
            os.makedirs(work)
            outcome = run_round(prog, home_py, ref, rng, work, args.signals, res, scale,
                                args.min_delay / 1000)
            if outcome is None:
                res.rounds_ok += 1
            elif res.status == "pass" or outcome[0] == "hang":
                res.status, res.error = outcome
        if res.status == "pass" and res.suspended == 0:
            res.status = "refused"
            res.error = res.refused[0] if res.refused else "ended before each signal was due"
        return res
    except Exception as e:  # the harness itself must go on
        res.status, res.error = "error", f"harness: {type(e).__name__}: {e}"
        return res
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def percentile(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


def cause(error):
    """A failure's first error with its particulars blurred, to group by."""
    text = re.sub(r"after \d+ resume\(s\)|without a resume", "", error)
    text = re.sub(r"/[\w./+-]+", "PATH", text)
    text = re.sub(r"0x[0-9a-f]+|\d+", "N", text)
    return text.strip()[:140]


def write_table(path, results, progs, summary, notes, args):
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    lines = ["# Real programs suspended at random moments (bench/realworld.py)", "",
             f"Run {datetime.date.today()}, commit {commit}, CPython "
             f"{sys.version.split()[0]}, {args.rounds} round(s) of up to {args.signals} "
             f"SIGTERM each, seed {args.seed}, -j {args.j}"
             f"{f', --min-delay {args.min_delay:g} ms' if args.min_delay else ''}.", "",
             "```", *summary, "```", ""]
    lines += [f"- {n}" for n in notes] + ([""] if notes else [])
    lines += ["| program | group | reference (s) | rounds matching | suspended | refused | "
              "latency max (ms) | status | first error |", "|---|---|---|---|---|---|---|---|---|"]
    for prog in progs:
        r = results[prog.name]
        err = r.error.replace("|", "\\|")
        lines.append(f"| {prog.name} | {prog.group} | {r.ref_time:.1f} | "
                     f"{r.rounds_ok}/{args.rounds} | {r.suspended} | {len(r.refused)} | "
                     f"{max(r.latencies, default=float('nan')):.0f} | {r.status} | {err[:160]} |")
    groups = {}
    for prog in progs:
        r = results[prog.name]
        if r.status in ("fail", "hang", "error"):
            groups.setdefault(cause(r.error), []).append(prog.name)
    if groups:
        lines += ["", "## Failures by first error", ""]
        for c, names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"- `{c}`: {', '.join(names)}")
    slow = sorted(((ms, name, said) for name, r in results.items() for ms, said in r.slow),
                  reverse=True)
    if slow:
        lines += ["", f"## Suspensions slower than {SLOW_MS} ms, and what they waited for",
                  ""]
        lines += [f"- {ms:.0f} ms {name}: {said}" for ms, name, said in slow[:25]]
    reasons = {}
    for r in results.values():
        for reason in r.refused:
            reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        lines += ["", "## Refusals by reason", ""]
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"- {n} x {reason[:200]}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", default=DEFAULT_TOOL)
    ap.add_argument("--pyperformance", metavar="DIR", help="a checkout of pyperformance")
    ap.add_argument("--quick", action="store_true", help="the small set make test runs")
    ap.add_argument("--rounds", type=int, default=None,
                    help="signal schedules per program (default 3, 1 with --quick)")
    ap.add_argument("--signals", type=int, default=3,
                    help="SIGTERMs per round: the first run and each resume get one")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-delay", type=float, default=0, metavar="MS",
                    help="send no signal sooner than this after a process starts "
                         "(to look past the start of a process, where the trigger "
                         "is not installed yet)")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--only", action="append", help="programs whose name starts with this (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("--cache", default=default_cache(),
                    help="where the rewritten stdlib and libraries are kept between runs")
    ap.add_argument("--table", help="write the results as markdown to this file")
    ap.add_argument("--expected", help="programs that must pass (default with --quick: "
                                       "test/realworld/quick.txt)")
    args = ap.parse_args()
    args.tool = os.path.abspath(args.tool)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if not os.path.exists(args.tool):
        raise SystemExit(f"no tool at {args.tool}: build it first (make)")
    conformance.default_signals()
    os.makedirs(args.cache, exist_ok=True)
    args.workdir = tempfile.mkdtemp(prefix="work-", dir=args.cache)
    started = time.time()
    with open(os.path.join(args.cache, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build of the cache at a time
        home_py = build_home(args.tool, args.cache)
        PATHS.append((os.path.dirname(os.path.dirname(home_py)), sys.base_prefix))
        progs, notes = corpus(args, os.path.join(args.workdir, "build"))
        fcntl.flock(lock, fcntl.LOCK_UN)
    for n in notes:
        print(n)
    print(f"{len(progs)} programs, {args.rounds} round(s) each, interpreter {home_py}")
    results, printing = {}, threading.Lock()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        futures = {pool.submit(run_program, p, home_py, args): p for p in progs}
        for fut in concurrent.futures.as_completed(futures):
            prog = futures[fut]
            r = results[prog.name] = fut.result()
            with printing:
                print(f"{r.status.upper():<7} {prog.name:<28} ref {r.ref_time:5.1f} s  "
                      f"rounds {r.rounds_ok}/{args.rounds}  signals {r.signals:>2}  "
                      f"suspended {r.suspended:>2}  refused {len(r.refused)}  {r.error[:150]}", flush=True)
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)
    else:
        print(f"work directories kept in {args.workdir}")
    passed = sum(r.status == "pass" for r in results.values())
    lat = [x for r in results.values() for x in r.latencies]
    summary = [
        f"realworld passed={passed}/{len(progs)} "
        f"suspended={sum(r.suspended for r in results.values())} "
        f"refused={sum(len(r.refused) for r in results.values())} "
        f"hangs={sum(r.status == 'hang' for r in results.values())} "
        f"startup_kills={sum(r.startup_kills for r in results.values())}",
        f"latency p50={percentile(lat, 50):.1f}ms p99={percentile(lat, 99):.1f}ms "
        f"(n={len(lat)})",
    ]
    waited = [x for r in results.values() for x in r.waited]
    saving = [x for r in results.values() for x in r.saving]
    other = [x for r in results.values() for x in r.other]
    summary.append(f"of which waited p50={percentile(waited, 50):.1f}ms "
                   f"p99={percentile(waited, 99):.1f}ms, saving p50={percentile(saving, 50):.1f}ms "
                   f"p99={percentile(saving, 99):.1f}ms, other p50={percentile(other, 50):.1f}ms "
                   f"p99={percentile(other, 99):.1f}ms (snapshot headers, n={len(waited)})")
    statuses = {}
    for r in results.values():
        statuses[r.status] = statuses.get(r.status, 0) + 1
    summary.append("status: " + " ".join(f"{k}={v}" for k, v in sorted(statuses.items())) +
                   f"; {time.time() - started:.0f} s")
    print("\n".join(summary))
    if args.table:
        write_table(args.table, results, progs, summary, notes, args)
    expected_file = args.expected or (os.path.join(CORPUS, "quick.txt") if args.quick
                                      else None)
    must = []
    if expected_file:
        with open(expected_file) as f:
            must = [l.split("#")[0].strip() for l in f if l.split("#")[0].strip()]
    bad = [n for n in must if n in results and results[n].status in ("fail", "hang", "error")]
    for n in bad:
        print(f"expected to pass: {n}: {results[n].status}: {results[n].error}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
