"""Suspending on a signal: `python -m sleepy run --suspend-on TERM ...`.

A signal arrives between any two instructions, seldom where a frame can be
resumed exactly. The interpreter runs the handler where a frame jumps back
to a loop's head, where a function starts, or after a C function returned.
At the head of a loop of rewritten code the frame is saved there and then
(the rewriter made a site of it). Elsewhere the handler arms a profile
hook; the hook sees the program's next call of a rewritten function, as the
new frame starts: it holds nothing but its arguments, and its caller is
stopped at the call, a point that can be resumed exactly. The stack is
saved from the caller out, and the call is recorded as "enter this function
with these arguments" (its resume twin restores them and starts the body).
A loop that waits in a C function (time.sleep, a read) runs the handler
in there every time, and may call nothing rewritten: the frames with loops
are then traced, opcode by opcode, to their next jump back, and saved there
(a trace function sees the calls then, in place of the hook).

A profile hook makes every call several times slower, so it stays armed
only until the next such call, which makes one attempt. An attempt that
fails is reported once (`sleepy: SIGTERM: cannot suspend yet: REASON`) and
the hook is disarmed; a ticker thread re-sends the signal to the main
thread a little later, which arms it again. Each new attempt first checks,
without pickling or forking, that the frame that stood in the way has left
the stack or moved on (a frame below a C function, a frame that is not
rewritten); an attempt that failed while saving (an object that cannot be
pickled) is tried again less and less often. With `--grace SECONDS`, a
program that could not be suspended that long after the signal says so and
exits with status 1. A program that finishes first exits as usual. The
resumed program keeps its triggers.
"""

import _signal
import _thread
import atexit
import os
import signal
import sys
import time
import types

from . import _bytecode, _capture, _clocks, _drivers, _process, _registry, _triggers
from ._triggers import parse
from ._config import SuspendError, boundaries, phase, saving, settings, snapshot_path
from ._records import CO_ASYNC_GENERATOR, LAZY_FLAGS

_TICK = 0.01  # seconds between attempts while a frame stands in the way
_BACKOFF_MAX = 2.0  # longest wait between attempts that failed to save
_EVENTS = 20000  # profile events an armed hook waits for a candidate call
_OPCODES = 100000  # opcodes traced to a loop's jump back, at most


class _Pending:
    """A signal being acted on."""

    def __init__(self, signum):
        self.signum = signum
        self.name = signal.Signals(signum).name
        self.since = _clocks.now()
        self.reported = set()
        self.last = None  # the last reason
        # The frames that stood in the way of an attempt, by id: (frame,
        # f_lasti). While one is on the stack where it was, an attempt above
        # it would be refused again.
        self.blockers = {}
        # Once an attempt where a generator resumed was refused, only the
        # starts of functions are tried: in a program whose generators all
        # run under a C function (list(generator)), the first candidate
        # after each tick would be such a resumption, refused again, and a
        # function's start outside it would not be tried in time.
        self.generators = True
        self.delay = _TICK
        self.events = 0
        self.ticker = False
        self.watched = []  # the frames traced to their loops' jumps back
        self.watch = True  # whether to (see _at_jump)
        self.opcodes = 0  # opcode events traced since the watch began


_pending = None
_grace = None
_RUNTIME = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")


def install(names, grace=None):
    """Suspends the program when one of these signals arrives; gives up
    `grace` seconds after it if no suspension succeeded."""
    global _exit_hook, _grace
    sigs = [parse(n) for n in names]
    for sig in sigs:
        signal.signal(sig, _handler)
    if _triggers.pending:  # arrived while the runtime was starting
        _handler(_triggers.pending[0], None)
        _triggers.pending.clear()
    settings["suspend_on"] = [s.name for s in sigs]
    if grace is not None:
        _grace = grace
        settings["grace"] = grace
    if not _exit_hook:  # install() may run twice: early, then as parsed
        atexit.register(_ignore)
        _exit_hook = True


_exit_hook = False


def _ignore():
    """Once the program is over (the first exit hook registered runs last),
    there is nothing left to suspend, and a trigger that arrives then is
    ignored: the interpreter's finalization would put the default action
    back, and the signal would kill a process that has done all its work."""
    global _pending
    p = _pending
    _pending = None
    _cpu_stop()
    _unwatch(p)
    if p is not None:  # said once, so that the end is not taken for a suspension
        why = f" ({p.last})" if p.last else ""
        print(f"sleepy: {p.name}: not suspended: the program ended first{why}",
              file=sys.stderr, flush=True)
    for name in settings.get("suspend_on") or []:
        signal.signal(parse(name), signal.SIG_IGN)


def _forget_in_child():
    """A process the program forks is not the program: it does not suspend
    on the triggers (their default action is back) nor act on a signal
    the program had pending."""
    global _pending
    _cpu_stop()  # (a child has no timer of its parent's; the handler goes)
    if _pending is not None:
        _unwatch(_pending)
        _pending = None
        sys.setprofile(None)
    for name in settings.get("suspend_on") or []:
        sig = parse(name)
        if signal.getsignal(sig) is _handler:
            signal.signal(sig, signal.SIG_DFL)


os.register_at_fork(after_in_child=_forget_in_child)


def _handler(signum, frame):
    global _pending
    if _for_tasks and not _tasks_running[0] and _pending is None:
        if _opaque and signum not in _said_opaque:
            _said_opaque.add(signum)
            print(f"sleepy: {signal.Signals(signum).name}: not suspended: the task "
                  f"{_opaque[-1]} is not rewritten code (rewrite its module with "
                  "sleepy-rewrite); the signal goes on", file=sys.stderr, flush=True)
        _pass_on(signum, frame)  # no task to suspend: the host's signal
        return
    if _pending is None:
        _pending = _Pending(signum)
    p = _pending
    if _grace is not None and _clocks.now() - p.since > _grace:
        _give_up(p)
    p.events = 0
    if saving[0] or phase[0] == "starting":
        # A save is under way (this handler interrupted its wait for the
        # writer: a checkpoint's, or a refused attempt's), or the runtime is
        # still setting the program up (a resume reads its snapshot and
        # rebuilds its frames, work an armed hook would slow down several
        # times over; the program's start arms it: started). No attempt
        # now: the ticker sends the signal again, and keeps the grace.
        if not p.ticker:
            _tick_later(p, _TICK)
        return
    if frame is not None and _at_loop(p, frame):
        return
    if frame is None or not _watch_loops(p, frame):
        sys.setprofile(_hook)
    # Here is no loop's head (the handler ran as a C function returned,
    # say), and a loop that calls no rewritten function gives the hook
    # nothing to see: the ticker sends the signal again in a moment, and
    # the handler may then run at the loop's jump back. (A ticker already
    # running keeps its pace: it may be backing off.)
    if not p.ticker:
        _tick_later(p, _TICK)
    else:
        _cpu_tick(p.delay)


def started():
    """The program starts, or goes on once resumed: a signal that arrived
    while the runtime was setting it up is acted on now."""
    p = _pending
    if p is not None:
        _handler(p.signum, None)


def _cpu_tick(delay):
    """Has the interpreter run the handler again once the program has used
    `delay` seconds of CPU (ITIMER_VIRTUAL, SIGVTALRM). The kernel's timer
    needs no lock, where the ticker thread needs the GIL to send its
    signal, and a main thread that reads a file line by line takes the GIL
    back after each short read before a waiting thread can (the GIL's
    convoy effect): the ticker slept to the end of a `for line in f` loop.
    Not where the program has a SIGVTALRM handler of its own. (_signal's C
    functions: the signal module's are Python code, rewritten in a
    rewritten stdlib, which the armed hook would take for the program's.)"""
    current = _signal.getsignal(_SIGVTALRM)
    if current is not _cpu_tock:
        if current != _signal.SIG_DFL or _thread.get_ident() != _MAIN:
            return
        _signal.signal(_SIGVTALRM, _cpu_tock)
    _signal.setitimer(_signal.ITIMER_VIRTUAL, max(delay, 0.001))


def _cpu_tock(signum, frame):
    p = _pending
    if p is None:
        return
    if _still_blocked(p, frame):
        _cpu_tick(p.delay)  # no point in an attempt before that frame moves
        return
    _handler(p.signum, frame)


def _cpu_stop():
    if _signal.getsignal(_SIGVTALRM) is _cpu_tock and _thread.get_ident() == _MAIN:
        _signal.setitimer(_signal.ITIMER_VIRTUAL, 0)
        _signal.signal(_SIGVTALRM, _signal.SIG_DFL)


_SIGVTALRM = int(signal.SIGVTALRM)
_MAIN = _thread.get_ident()  # (the runtime is imported by the main thread)


def _at_loop(p, frame):
    """The interpreter runs a signal's handler where a frame jumps back to
    a loop's head (or where a function starts, or after a C function
    returned). At a loop site of rewritten code, the frame holds nothing
    but its locals and the loop's iterators, and can be saved at once: a
    loop that calls no function is suspended between two iterations.
    Returns whether that was the place (and an attempt made or planned)."""
    located = _registry.locate(frame.f_code, frame.f_globals)
    if located is None:
        return False
    info, index, twin = located
    entry = info.entries.get(index)
    site = entry.site_at(frame.f_lasti // 2, twin) if entry is not None else None
    if site is None or site.kind != "loop":
        return False
    if phase[0] == "ended":
        return True  # interpreter shutdown, atexit: the program exits as usual
    if phase[0] == "starting" or not _program_running(frame):
        return False  # (the hook waits for the program)
    if _still_blocked(p, frame):
        _tick_later(p, _TICK)
        return True
    from . import _save
    _try(p, lambda: _save.save(snapshot_path(None), frame, _handler, stop=True,
                               signalled=(p.name, p.since)))
    return True


def _watch_loops(p, frame):
    """The handler ran inside a C function (time.sleep, a read): a loop
    that waits there runs it there each time, never at its jump back, and
    may call no rewritten function for the profile hook to see. So each
    frame of rewritten code with a loop on the stack is traced, opcode by
    opcode, until one of them reaches the jump back of one of its loops,
    where it holds what it holds as the handler runs there, and is saved
    there. The trace function sees the calls the hook would (a trace and a
    profile function at once lose the frames' opcode events on 3.12 and
    3.13). Not where the program has a tracer of its own (a debugger,
    coverage.py). Returns whether it watches."""
    if sys.gettrace() is not None or not p.watch:
        return sys.gettrace() is _traced_call
    p.opcodes = 0
    f = frame
    while f is not None:
        located = _registry.locate(f.f_code, f.f_globals)
        entry = located[0].entries.get(located[1]) if located is not None else None
        if entry is not None and any(s.kind == "loop" for s in entry.sites):
            f.f_trace = _at_jump
            f.f_trace_lines = False
            f.f_trace_opcodes = True
            p.watched.append(f)
        f = f.f_back
    if not p.watched:
        return False
    sys.setprofile(None)
    sys.settrace(_traced_call)  # (after the frames' own: 3.12 needs that order)
    return True


def _traced_call(frame, event, arg):
    """The trace function while loops are watched: the calls the profile
    hook would see (frames that start are not traced)."""
    if event == "call":
        _hook(frame, event, arg)
    return None


def _at_jump(frame, event, arg):
    p = _pending
    if p is None or not p.watched:
        _unwatch(p)
        return None
    p.opcodes += 1
    if p.opcodes > _OPCODES:
        # No jump back of a loop that can be saved: the loop that runs
        # is none (its head holds what cannot be captured). Not watched
        # again for this signal; the hook and the ticker go on.
        _unwatch(p)
        p.watch = False
        sys.setprofile(_hook)
        return None
    if event == "opcode" and not saving[0] and _bytecode.instruction_at(
            frame.f_code.co_code, frame.f_lasti // 2)[0] == "JUMP_BACKWARD":
        # (Not 3.11's conditional jumps back, which may not jump: the
        # rewriter splits those of loops that call anything.) An attempt
        # raises here, in the child that saves: the rewriter gave the jump
        # the capture handler of the loop's head.
        if _at_loop(p, frame):
            _unwatch(p)  # one attempt per arming, as the profile hook's
            return None
    return _at_jump


def _disarm(p):
    """Stops the profile hook and the watch on loops."""
    sys.setprofile(None)
    _unwatch(p)


def _unwatch(p):
    """Stops tracing the watched frames."""
    if sys.gettrace() is _traced_call:
        sys.settrace(None)
    if p is None:
        return
    for f in p.watched:
        f.f_trace_opcodes = False
        f.f_trace = None
    p.watched = []


def _try(p, attempt):
    """Makes one attempt (a call that saves and ends the process, or
    raises): a refusal is reported, and the next attempt planned. Returns
    the SuspendError, if any."""
    try:
        attempt()
    except SuspendError as e:
        _refused(p, e, getattr(e, "blocker", None))
        return e
    except OSError as e:
        _refused(p, SuspendError(f"cannot write the snapshot: {e}"), None)
    except Exception as e:
        # The runtime's own fault: the program goes on, and is told once,
        # with where it happened.
        error = SuspendError(f"internal error of the runtime ({type(e).__name__}: {e}); "
                             "please report it with the traceback above")
        if str(error) not in p.reported:
            import traceback
            traceback.print_exc()
        _refused(p, error, None)
    return None


def _give_up(p):
    why = f": {p.last}" if p.last else ""
    print(f"sleepy: {p.name}: could not suspend within {_grace:g} s{why}; exiting",
          file=sys.stderr, flush=True)
    _process.flush_files()
    os._exit(1)


def _tick_later(p, delay):
    """Sends the signal to the main thread again after `delay` seconds (from
    a thread of the runtime's own, which sleeps in between), once none of
    the frames that stood in the way is still where it was."""
    p.delay = delay
    _cpu_tick(delay)
    if p.ticker:
        return
    p.ticker = True
    main = _thread.get_ident()

    def ticker():
        while _pending is p:
            left = _grace - (_clocks.now() - p.since) if _grace is not None else p.delay
            time.sleep(max(0.0, min(p.delay, left)))
            if _pending is not p:
                return
            if _grace is not None and _clocks.now() - p.since > _grace:
                # Also where the main thread runs on in C, or stays blocked,
                # and its handler cannot tell.
                _give_up(p)
            if _still_blocked(p, sys._current_frames().get(main)):
                continue  # no point in an attempt before that frame moves
            try:
                signal.pthread_kill(main, p.signum)
            except (OSError, ValueError):
                return

    def ticking():
        _tickers[0] += 1
        try:
            ticker()
        finally:
            _tickers[0] -= 1

    _thread.start_new_thread(ticking, ())


_tickers = [0]  # the runtime's threads alive
_process.hide_fork_warning(lambda: _tickers[0])


def _refused(p, error, blocker):
    """Reports a failed attempt once per reason and plans the next one. A
    frame of the runtime in the way (open() remembering a file, say) is
    passed in a moment: that is not reported."""
    reason = str(error)
    p.last = reason
    own = blocker is not None and blocker.f_code.co_filename.startswith(_RUNTIME)
    if reason not in p.reported and not own:
        p.reported.add(reason)
        print(f"sleepy: {p.name}: cannot suspend yet: {reason}", file=sys.stderr,
              flush=True)
    if blocker is not None:
        if len(p.blockers) >= _BLOCKERS:  # keep those still on the stack
            live = _on_stack(blocker)
            p.blockers = {k: v for k, v in p.blockers.items() if k in live}
        p.blockers[id(blocker)] = (blocker, blocker.f_lasti)
        _tick_later(p, _TICK)
    else:
        p.blockers.clear()
        _tick_later(p, min(max(2 * p.delay, 0.1), _BACKOFF_MAX))


# -- tasks (sleepy.suspend_on, _task) ---------------------------------------

_for_tasks = False  # installed by suspend_on(): the process is a tasks' host
_tasks_running = [0]  # sleepy.call() frames on the stack
_opaque = []  # the sleepy.call() tasks running that are not rewritten code, by name
_said_opaque = set()  # the signals that have said so
_before = {}  # signal number -> the handler the host had before suspend_on()


def install_for_tasks(names):
    """sleepy.suspend_on(): in a host (not run by `python -m sleepy`), a
    task running under sleepy.call() when one of these signals arrives
    suspends at its next resumable point; with no task running, or once the
    task has ended first, the signal goes to the handler the host had
    before (its default action, if none)."""
    global _for_tasks
    for sig in [parse(n) for n in names]:
        current = signal.getsignal(sig)
        if current is not _handler:
            _before[sig] = current
            signal.signal(sig, _handler)
    _for_tasks = True


def run_opaque(name, fn, args, kwargs):
    """Runs a task that is not rewritten code (it cannot suspend)."""
    _opaque.append(name)
    try:
        return fn(*args, **kwargs)
    finally:
        _opaque.pop()


def _pass_on(signum, frame):
    act(_before.get(signum, signal.SIG_DFL), signum, frame)


def act(handler, signum, frame):
    """Does what `handler` (a value signal.getsignal returns) does with the
    signal `signum`: calls it, ignores the signal, or takes its default
    action."""
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        current = signal.getsignal(signum)
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
        signal.signal(signum, current)  # (a default action that did not end it)


def _drop_pending():
    """The signal being acted on, which no longer is (its hook and timer
    stopped), or None."""
    global _pending
    p = _pending
    if p is not None:
        _pending = None
        sys.setprofile(None)
        _cpu_stop()
        _unwatch(p)
    return p


def task_suspended():
    """A task suspended under sleepy.call(): the name of the signal that
    asked for it, if one did, which is acted on."""
    p = _drop_pending()
    return p.name if p is not None else None


def task_ended():
    """The last task under sleepy.call() returned (or raised) with a signal
    pending: the signal goes to the host as if it came now."""
    if _for_tasks and _pending is not None:
        _pass_on(_drop_pending().signum, None)


def _program_running(frame):
    """Whether the program's code is still on the stack, under the frame
    of the runtime that runs it."""
    while frame is not None:
        if frame.f_code in boundaries:
            return True
        frame = frame.f_back
    return False


def _still_blocked(p, frame):
    """Whether a frame that stood in the way is on the stack from `frame`
    out, where it was."""
    if not p.blockers:
        return False
    f = frame
    while f is not None:
        known = p.blockers.get(id(f))
        if known is not None and known[0] is f and f.f_lasti == known[1]:
            return True
        f = f.f_back
    return False


def _on_stack(frame):
    found = set()
    while frame is not None:
        found.add(id(frame))
        frame = frame.f_back
    return found


_BLOCKERS = 16  # blockers remembered


def _hook(frame, event, arg):
    p = _pending
    if p is None:
        sys.setprofile(None)
        return
    if saving[0]:
        return  # (see _handler)
    p.events += 1
    if p.events > _EVENTS:
        _disarm(p)  # no candidate for a while: wait for a tick
        if p.last is None:
            p.last = "no call of a rewritten function where its caller could be saved"
        _tick_later(p, _TICK)
        return
    if event != "call" or frame.f_back is None:
        return
    located = _registry.locate(frame.f_code, frame.f_globals)
    if located is None or frame.f_code.co_flags & CO_ASYNC_GENERATOR:
        return
    info, index, twin = located
    entry = info.entries.get(index)
    lazy = frame.f_code.co_flags & LAZY_FLAGS
    if lazy and not p.generators:
        return
    # (A resumed generator runs its twin from then on: caught as it resumes
    # there too.)
    if twin and not lazy or entry is None or not any(s.kind == "entry" for s in entry.sites):
        return
    _disarm(p)  # one attempt per arming
    if phase[0] == "ended":
        return  # interpreter shutdown, atexit: the program exits as usual
    if phase[0] == "starting" or not _program_running(frame):
        _tick_later(p, _TICK)  # the runtime is still setting the program up
        return
    if _still_blocked(p, frame.f_back):
        _tick_later(p, _TICK)  # refused again were it tried
        return
    if lazy:
        _attempt_generator(p, frame)
    else:
        _attempt(p, frame, info, index, entry)


def _attempt(p, frame, info, index, entry):
    # Imported here, not at the top: the triggers are installed before the
    # program starts, and everything saving needs (pickle, hashlib,
    # tempfile...) would be imported before a signal can be caught.
    from . import _save
    closure = _closure(frame)
    if closure is None:
        _refused(p, SuspendError(f"{_registry.where(frame)}: cannot tell which function's "
                                 "closure this call runs with"), frame.f_back)
        return
    _try(p, lambda: _save.save(snapshot_path(None), frame.f_back, _hook, stop=True,
                               entering=(frame, info, index, entry, closure),
                               signalled=(p.name, p.since)))


def _attempt_generator(p, frame):
    """A generator or coroutine resumed (or started): save it as parked
    where it waited, and its driver stopped at the FOR_ITER, SEND or
    next() that resumes it. Finding the generator object of a frame walks
    the heap's referrers: once per attempt, not per call."""
    from . import _generators, _save
    gen = _generators.find_generator(frame)
    if gen is None or _throws(frame.f_back):
        return _tick_later(p, _TICK)
    def attempt():
        captured = _generators.capture_parked(gen, resuming=True)
        _save.save(snapshot_path(None), frame.f_back, _hook, stop=True,
                   resuming=(gen, captured), signalled=(p.name, p.since))

    if _try(p, attempt) is not None:
        p.generators = False


def _throws(caller):
    """Is `caller` stopped at a call of throw() or close(), which resumes a
    generator with an exception that a parked generator driven again on
    resume would not receive?"""
    located = _registry.locate(caller.f_code, caller.f_globals)
    if located is None:
        return True  # (refused anyway)
    info, index, twin = located
    entry = info.entries.get(index)
    site = entry.site_at(caller.f_lasti // 2, twin) if entry else None
    prov = site.callee if site is not None and site.kind == "call" else None
    return prov is not None and prov[0] in ("m", "a") and prov[2] in ("throw", "close")


def _closure(frame):
    """The closure cells of the function a starting frame runs, found
    through what its caller called (no heap walk), or None if they cannot
    be told for sure."""
    code = frame.f_code
    if not code.co_freevars:
        return ()
    caller = frame.f_back
    if caller.f_code is _drivers.restartable:  # a key called by a Fold
        key = getattr(caller.f_locals.get("self"), "key", None)
        return key.__closure__ if getattr(key, "__code__", None) is code else None
    located = _registry.locate(caller.f_code, caller.f_globals)
    if located is None:
        return None
    info, index, twin = located
    entry = info.entries.get(index)
    site = entry.site_at(caller.f_lasti // 2, twin) if entry else None
    if site is None or site.callee is None:
        return None
    if site.kind == "op":
        # A dunder called through an operand's type slot: the one of the
        # operator's dunders, looked up on an operand's type, that runs
        # this code (by name: functions made by one factory share their
        # code, as fractions' operators do, and differ by closure).
        from . import _bytecode, _slots
        name, arg, _ = _bytecode.instruction_at(caller.f_code.co_code, site.start)
        fns = [_slots.lookup(type(_capture._operand(prov, caller)), dunder)
               for prov in site.callee[1:] for dunder in _slots.dunders(name, arg)]
        return _only_closure(fns, code)
    try:
        target = _capture._resolve(site.callee, caller)
    except (LookupError, TypeError, AttributeError):
        return _method_closure(frame)
    if isinstance(target, types.CodeType):
        # A function made for this call from a constant code object (a
        # comprehension, a lambda called at once): MAKE_FUNCTION took its
        # closure from the caller's own cells, which have the same names.
        kept = {name for name, kind in entry.slots if kind != "l"}
        if _registry.same_code(target, frame) and set(code.co_freevars) <= kept:
            return _capture.FROM_CALLER
        return None
    for fn in _candidates(target):
        if isinstance(fn, types.FunctionType) and fn.__code__ is code:
            return fn.__closure__
    return _method_closure(frame)


def _method_closure(frame):
    """The closure of a method that a starting frame runs, found on its
    first argument's class (or, for a class method, that class): a method
    whose class the caller names through code that cannot be looked at
    again (`type(self)(...)`, `self.__class__(...)`), or one that uses
    super() (its __class__ cell). None if no class there has it."""
    from . import _slots
    me = _slots.argument(frame, 0)
    if me is _slots.MISSING:
        return None
    klasses = list(type(me).__mro__) + (list(me.__mro__) if isinstance(me, type) else [])
    return _only_closure([fn for klass in klasses for fn in klass.__dict__.values()],
                         frame.f_code)


def _only_closure(fns, code):
    """The closure of the functions among `fns` (methods, class and static
    methods, property getters) that run `code`, or None if there is none,
    or several with other cells (made by one factory: which one runs
    cannot be told)."""
    found = None
    for fn in fns:
        if type(fn) in (staticmethod, classmethod):
            fn = fn.__func__
        elif type(fn) is property:
            fn = fn.fget
        if type(fn) is not types.FunctionType or fn.__code__ is not code:
            continue
        if found is not None and (len(found) != len(fn.__closure__ or ()) or any(
                a is not b for a, b in zip(found, fn.__closure__ or ()))):
            return None
        found = fn.__closure__ or ()
    return found


def _candidates(target):
    """The Python functions that calling `target` may start."""
    if isinstance(target, types.MethodType):
        return [target.__func__]
    if isinstance(target, type):
        found = []
        for klass in target.__mro__ + type(target).__mro__:
            for name in ("__init__", "__new__", "__call__"):
                fn = klass.__dict__.get(name)
                found.append(getattr(fn, "__func__", fn))
        return found
    call = getattr(type(target), "__call__", None)
    return [target, getattr(call, "__func__", call)]
