"""Celery: a task that its worker's stop suspends, and another worker resumes.

    from celery import Celery
    import sleepy.celery

    app = Celery("jobs", broker="redis://...", backend="redis://...")
    sleepy.celery.install(app, store="redis://...")   # or a directory all workers share

    @app.task(base=sleepy.celery.ResumableTask)
    def crunch(n):
        ...

The module of the tasks is rewritten by sleepy-rewrite, and the workers run
the rewritten code (`PYTHONPATH=build celery -A jobs worker`), with
`--pool=prefork` (the default) or `--pool=solo`.

Each ResumableTask runs under sleepy.call(). When the worker is told to
stop (SIGTERM to its main process, or the signals given to install()), the
resumable tasks it runs suspend at their next resumable point: with solo,
in the worker's process; with prefork, the main process passes the signal
on (as SIGUSR2) to each pool process that runs one, once it has stopped
asking for messages. The snapshot goes to the store under the task's id,
and the task goes back to its queue: with solo, its message, acknowledged
only when the task ends (acks_late), is given back as the worker closes
its connection; with prefork, the pool process sends the task again and
its message is acknowledged. The worker goes on with its stop. Whichever
worker gets the message takes the snapshot from the store (once: a second
delivery while it is taken is refused, logged and dropped), resumes the
task and, when it ends, deletes the snapshot; the result is stored as any
task's. A worker killed outright as it runs a resumed task leaves its
claim on the snapshot (see _stores): the task's message comes back, and
the claim, once its process is known to be gone, is taken over; the task
runs again from that snapshot. A delivery of a task that has a result
already is dropped too. A sleepy.suspend() in such a task does the same,
and the worker takes its next message. A task that cannot suspend yet
goes on, and the worker's log says why (`sleepy: SIGTERM: cannot suspend
yet: ...`); a snapshot that cannot be stored is resumed there and then,
and the task goes on.

The worker's own handling of the signal (its warm shutdown) comes once the
task's call is over: its result stored and its message acknowledged.
Celery is imported by this module only: sleepy's other modules never need
it.
"""

import logging
import os
import signal
import weakref
from functools import partial
from queue import Empty

from celery import Task, bootsteps
from celery import signals as worker_signals
from celery.exceptions import Ignore, Reject, WorkerShutdown
from celery.utils.log import get_task_logger
from celery.worker.request import Request
from kombu.asynchronous import get_event_loop

from . import _signals, _task
from ._snapshot import SnapshotError
from ._stores import Taken, open_store
from ._triggers import parse

__all__ = ["ResumableTask", "install"]

AGAIN = "sleepy_again"  # the header of a task's message sent again by sleepy
FORWARD = signal.SIGUSR2  # from a prefork worker's main process to a pool process

logger = get_task_logger(__name__)

_stores = weakref.WeakKeyDictionary()  # app -> its store
_settings = {"signals": ("TERM",)}
_calls = []  # the ResumableTask calls on this process's stack
_after = []  # (signal, the worker's handler of it): to act on once they are over
_armed = {}  # pid -> "solo" (tasks run in the worker's main process) or "pool"
_pool = set()  # pids of a prefork pool's processes, armed as their first task starts
_handlers = {}  # signal -> the worker's own handler, as sleepy passes it on
_worker = {}  # "worker": the worker (its WorkController), in its main process


def install(app, store, signals=("TERM",)):
    """Makes the ResumableTasks of `app` suspend when their worker is
    stopped by one of `signals` and go to `store` (a directory, or a
    redis:// URL) to be resumed by the worker that takes them next.
    Returns the store."""
    _stores[app] = open_store(store)
    _settings["signals"] = tuple(parse(s).name for s in signals)
    worker_signals.worker_ready.connect(_worker_ready, weak=False,
                                        dispatch_uid="sleepy.celery.ready")
    worker_signals.worker_process_init.connect(_pool_process, weak=False,
                                               dispatch_uid="sleepy.celery.pool")
    if _Stopping not in app.steps["worker"]:
        app.steps["worker"].add(_Stopping)
    trace = logging.getLogger("celery.app.trace")
    if _said_already not in trace.filters:
        trace.addFilter(_said_already)
    return _stores[app]


def _said(exc):
    """`exc` (a Reject or Ignore), marked as one the log has the reason
    for already, in sleepy's own words."""
    exc.sleepy_said = True
    return exc


def _said_already(record):
    """Celery's own line for a task that sleepy has suspended or dropped
    is left out (in a pool process, Celery 5.2 logs a Reject as an
    unexpected error, at ERROR, with a traceback)."""
    exc = record.exc_info[1] if record.exc_info else None
    return not getattr(getattr(exc, "exc", exc), "sleepy_said", False)


class _Request(Request):
    """A ResumableTask's request in the worker, whose late acknowledgement
    lets the worker's event loop ask for the next message at once.

    The worker acknowledges a message from its event loop's list of ready
    callbacks, which the loop runs after its per-turn callbacks: the Redis
    transport's, which asks for messages (BRPOP) only while the prefetch
    limit allows one more. With acks_late, the turn in which a task ends
    finds the limit full, asks for nothing, and the acknowledgement that
    frees it comes after; the loop then waits in poll for its next timer
    (a second or more) with no request out. Sixty short tasks took 5 s
    instead of 0.15 s. So once the message is acknowledged, the per-turn
    callbacks run again (each only asks for what it has not asked for),
    unless the loop is closing: it runs its last acknowledgements after
    closing its poller, and a BRPOP sent then would take a message that
    no one reads (the task would be lost)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lent = None
        hub = get_event_loop()
        if hub is not None:
            self._on_ack = partial(self._ack_soon, hub)

    # A task acknowledged late holds its place in the prefetch limit until
    # it ends, where one acknowledged as it starts frees it then, and the
    # worker takes its next message while the task runs. So as the task
    # starts, the limit is raised by one, and lowered again as its message
    # is acknowledged or rejected: the worker holds as many messages as
    # for plain tasks, its running tasks' still unacknowledged.
    def on_accepted(self, pid, time_accepted):
        super().on_accepted(pid, time_accepted)
        qos = getattr(getattr(_worker.get("worker"), "consumer", None), "qos", None)
        if qos is not None and self._lent is None and not self.acknowledged:
            qos.increment_eventually()
            self._lent = qos

    def _give_back(self):
        qos, self._lent = self._lent, None
        consumer = getattr(_worker.get("worker"), "consumer", None)
        if qos is None or qos is not getattr(consumer, "qos", None):
            return  # (lent to a consumer since replaced: reconnected)
        try:
            qos.decrement_eventually()
            qos.update()
        except Exception as e:
            logger.debug("sleepy: prefetch limit: %s: %s", type(e).__name__, e)

    def acknowledge(self):
        super().acknowledge()
        self._give_back()

    def reject(self, requeue=False):
        super().reject(requeue)
        self._give_back()

    def _ack_soon(self, hub, logger, errors):
        """From the event loop, as Celery does; once the worker stops, at
        once: the loop runs it only as it closes, after the pool has
        stopped, and a message acknowledged that late (a task suspended
        and sent again meanwhile) would come back if the worker were
        killed in between."""
        worker = _worker.get("worker")
        if worker is not None and worker.blueprint.state != bootsteps.RUN:
            self._message.ack_log_error(logger, errors)
        else:
            hub.call_soon(self._ack_and_tick, hub, logger, errors)

    def _ack_and_tick(self, hub, logger, errors):
        self._message.ack_log_error(logger, errors)
        if hub._poller is None:  # (Hub.close has begun)
            return
        for tick in list(hub.on_tick):
            tick()


class ResumableTask(Task):
    """A task that can be suspended in one worker and resumed in another
    (see the module's doc). Called directly or eagerly (`task(...)`,
    `task.apply()`), it runs as a plain function."""

    # The task's message is acknowledged when the task ends, not when it
    # starts: a suspended task's message goes back to the queue (rejected
    # and requeued, or restored as the stopping worker closes; or the task
    # is sent again and its message acknowledged), and the
    # worker that gets it finds the snapshot under the task's id.
    acks_late = True
    reject_on_worker_lost = True
    Request = _Request

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.called_directly or request.is_eager:
            return super().__call__(*args, **kwargs)
        store = _stores.get(self.app)
        if store is None:
            raise RuntimeError(f"{self.name}: a ResumableTask of an app that "
                               "sleepy.celery.install(app, store=...) was not given")
        if _pool and os.getpid() in _pool:
            _pool.discard(os.getpid())
            _arm("pool", [FORWARD.name])
        _calls.append(self)
        try:
            return self._run(store, request, args, kwargs)
        finally:
            _calls.pop()
            if not _calls and _after:
                _worker_acts()

    def _run(self, store, request, args, kwargs):
        key = request.id
        # Only a message that came back, or that sleepy sent again, can
        # find a snapshot of its task or a result: a first delivery does
        # not ask the store, nor, if the task runs through, clean it up
        # (two round trips a task, a third of the throughput of short ones),
        # where the broker tells one from the other.
        again = _delivered_before(request)
        asks = again or not _marks_redelivery(self.app)
        try:
            data = store.take(key) if asks else None
        except Taken as e:
            # In case its holder is gone where this worker cannot tell (on
            # another host), the task is sent again for when its claim would
            # run out, and finds it or its result then.
            wait = round(e.retry_in + 1)
            self.signature_from_request(request, countdown=wait).apply_async(
                headers={AGAIN: True})
            logger.warning("sleepy: not resumed: %s; this delivery is dropped, and the "
                           "task sent again to look in %d s", e, wait)
            raise _said(Ignore(str(e))) from None
        if data is not None:
            logger.info("sleepy: resuming from snapshot %s (%d bytes)", key, len(data))
        elif again and self.AsyncResult(key).ready():
            logger.error("sleepy: task %s has ended already; this delivery is dropped", key)
            raise _said(Ignore("ended already"))
        try:
            while True:  # until the task ends, or its snapshot is stored
                try:
                    if data is None:
                        result = _task.call(self.run, args, kwargs)
                    else:
                        result = _task.resume_call(data)
                    if asks:
                        store.delete(key)  # the task ended
                    return result
                except _task.Suspended as s:
                    data, by = s.snapshot, s.signal
                    if self._store(store, key, s):
                        break
        except SnapshotError as e:
            logger.error("sleepy: snapshot %s cannot be resumed here (%s); it is kept in %r",
                         key, e, store)
            raise
        except BaseException:
            if asks:
                store.delete(key)  # the task ended
            raise
        if by and _armed.get(os.getpid()) == "solo":
            # The worker stops now, this task's message unacknowledged: it
            # goes back to the queue as the worker closes its connection.
            signum = parse(by)
            _signals.act(_handlers.get(signum, signal.SIG_DFL), signum, None)
            raise WorkerShutdown(0)
        if by == FORWARD.name:
            # The stopping main process would send the message back only
            # once its pool has stopped (a second or more): the task is
            # sent again from here (the main process has taken back its
            # last request for a message: see _Stopping), and this message
            # acknowledged.
            try:
                self.signature_from_request(request).apply_async(headers={AGAIN: True})
            except Exception as e:
                logger.warning("sleepy: the task could not be sent again (%s: %s); it goes "
                               "back to its queue as the worker stops", type(e).__name__, e)
            else:
                raise _said(Ignore("suspended"))
        raise _said(Reject("suspended", requeue=True))

    def __reduce__(self):
        # A task held by a snapshot's frame (bind=True) is the worker's
        # instance of it, found by name in the apps given to install().
        return _task_named, (self.name,)

    def _store(self, store, key, suspended):
        """Puts the snapshot in the store; False, said in the log, if it
        cannot be (the task then goes on here)."""
        why = f" ({suspended.signal})" if suspended.signal else ""
        if suspended.signal == FORWARD.name:
            why = f" ({FORWARD.name}: the worker is stopping)"
        try:
            store.put(key, suspended.snapshot)
        except Exception as e:
            logger.error("sleepy: suspended%s, but the snapshot could not be stored "
                         "(%s: %s): the task goes on here", why, type(e).__name__, e)
            return False
        logger.warning("sleepy: suspended%s: snapshot %s (%d bytes) in %r; the task goes "
                       "back to its queue", why, key, len(suspended.snapshot), store)
        return True


def _delivered_before(request):
    """Can the task of this delivery have a snapshot, or have ended
    already: is its message one that came back (redelivered), or one sent
    again by sleepy?"""
    # (Celery gives a message's own headers as the request's attributes.)
    info = request.delivery_info or {}
    return bool(info.get("redelivered") or getattr(request, AGAIN, None))


_marking = weakref.WeakKeyDictionary()  # app -> what _marks_redelivery says


def _marks_redelivery(app):
    """Whether a message that comes back (requeued, restored) says so in
    its delivery_info: with kombu's Redis transport and AMQP brokers, not
    its other virtual transports (SQS, filesystem, SQLAlchemy: a flag that
    Celery does not pass on)."""
    found = _marking.get(app)
    if found is None:
        try:
            with app.connection_for_read() as connection:
                driver = connection.transport.driver_type
        except Exception:
            driver = None
        found = _marking[app] = driver in ("redis", "amqp")
    return found


def _task_named(name):
    for app in list(_stores):
        if name in app.tasks:
            return app.tasks[name]
    raise LookupError(f"no task {name!r} in the apps given to sleepy.celery.install()")


# -- the worker's processes ---------------------------------------------------

def _worker_ready(sender=None, **_):
    """In the worker's main process, once it is ready. A solo pool runs the
    tasks here; a prefork pool's processes are armed as they start."""
    from celery.concurrency import prefork, solo
    pool = getattr(sender, "pool", None)
    if isinstance(pool, solo.TaskPool):
        _arm("solo", [])
    elif not isinstance(pool, prefork.TaskPool):
        logger.warning("sleepy: the %s pool runs tasks in threads, where a signal "
                       "cannot suspend them: use --pool=prefork or --pool=solo",
                       type(pool).__module__.rsplit(".", 1)[-1])


def _pool_process(**_):
    """In each process of a prefork pool, as it starts. It is armed when
    its first ResumableTask starts: billiard puts its own handlers in place
    after this signal (one that ends the process for FORWARD, too). (A solo
    pool sends this signal as well, in the main process, before the
    worker's own handlers are in place: it is armed once ready.)"""
    from billiard.process import current_process
    if current_process().name != "MainProcess":
        _pool.add(os.getpid())


def _arm(role, extra):
    if os.getpid() in _armed:
        return
    _armed[os.getpid()] = role
    names = list(_settings["signals"]) + extra
    for name in names:
        signum = parse(name)
        # (FORWARD is sleepy's: when no task runs, it is ignored.)
        _handlers[signum] = signal.SIG_IGN if name in extra else signal.getsignal(signum)
        signal.signal(signum, _later)
    _signals.install_for_tasks(names)  # (what it passes on goes to _later)


def _later(signum, frame):
    """The worker's own handler of a signal, as sleepy passes the signal
    on: while a ResumableTask's call is on the stack (the task ended before
    it could suspend, or the signal came as it started), once it is over."""
    handler = _handlers.get(signum, signal.SIG_DFL)
    if _calls:
        _after.append((signum, handler))
    else:
        _signals.act(handler, signum, frame)


def _worker_acts():
    """A ResumableTask's call is over, with signals for the worker. In the
    worker's main process (solo), its handler runs from its event loop, as
    for a signal that comes between tasks; a pool process goes on (the
    worker's main process, which got the signal, stops the pool)."""
    acts, _after[:] = list(_after), []
    if _armed.get(os.getpid()) != "solo":
        return
    hub = get_event_loop()
    for signum, handler in acts:
        if hub is not None:
            hub.call_soon(_signals.act, handler, signum, None)
        else:
            _signals.act(handler, signum, None)


class _Stopping(bootsteps.StartStopStep):
    """A step of the worker's (in its main process, which it notes as it
    starts: see _Request), stopped after its consumer (which asks for no
    message any more) and before its pool (which waits for the tasks that
    run). The consumer's last request for a message is taken back first;
    then, with prefork, each pool process that runs a ResumableTask is told
    to suspend it, and sends the task again once it is stored."""

    name = "sleepy.celery.ResumableTasks"  # (as the worker's log says it)
    requires = ("celery.worker.components:Pool",)

    def start(self, worker):
        _worker["worker"] = worker

    def stop(self, worker):
        _take_back_request(worker.consumer)
        if _armed.get(os.getpid()) == "solo":
            return
        from celery.worker import state
        for request in list(state.active_requests):
            pid = getattr(request, "worker_pid", None)
            if pid and pid != os.getpid() and isinstance(request.task, ResumableTask):
                try:
                    os.kill(pid, FORWARD)
                except ProcessLookupError:
                    pass

    def terminate(self, worker):
        _take_back_request(worker.consumer)


def _take_back_request(consumer):
    """With Redis, a worker asks for its next message with a BRPOP that
    waits up to a second, and its event loop, once stopped, reads no
    answer: a message that Redis gives it then (one sent, or sent back by
    another worker, meanwhile) goes nowhere, and kombu 5.2 closes the
    connection without it. So the BRPOP still out is cut short (CLIENT
    UNBLOCK, from another connection) and its answer read: a message in it
    goes back to its queue, as kombu does with one that finds no
    consumer."""
    transport = getattr(getattr(consumer, "connection", None), "transport", None)
    for channel in list(getattr(getattr(transport, "cycle", None), "_channels", ())):
        waiting = getattr(channel, "_in_poll", None)  # (the connection that waits)
        if not waiting:
            continue
        try:
            _unblock(channel, waiting)
        except Exception as e:  # (a Unix socket, CLIENT not allowed, a proxy)
            logger.debug("sleepy: CLIENT UNBLOCK: %s: %s", type(e).__name__, e)
        try:
            if waiting._sock is not None:  # (a broker gone quiet must not hold the stop)
                waiting._sock.settimeout(5)
            channel._brpop_read()
        except Empty:
            pass  # (it found nothing)
        except Exception as e:
            logger.warning("sleepy: the worker's last request for a message could not be "
                           "read (%s: %s); a message sent meanwhile may be lost",
                           type(e).__name__, e)


def _unblock(channel, waiting):
    """Cuts short the BRPOP that `waiting` (a connection) has out; without
    it (no client has the connection's address: a proxy, NAT), the answer
    comes within a second."""
    host, port = waiting._sock.getsockname()[:2]
    addrs = {f"{host}:{port}", f"[{host}]:{port}"}
    with channel.conn_or_acquire() as client:
        for c in client.client_list():
            if c.get("addr") in addrs:
                client.client_unblock(c["id"])
