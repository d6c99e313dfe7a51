"""Locks and what is built on them: a Lock and an RLock held (the RLock
twice) while the program stops, released by their `with` after resume; a
Condition, an Event, a Semaphore and a queue.Queue carried with their
state."""
import queue
import threading

from support import pause

lock = threading.Lock()
rlock = threading.RLock()
cond = threading.Condition()
event = threading.Event()
sem = threading.Semaphore(3)
q = queue.Queue()


def held():
    return lock.locked(), rlock._is_owned()


def work(n):
    with lock:
        with rlock:
            with rlock:
                pause()
                print("inside", n, held())
            print("one level out", n, held())
            q.put(n * n)
    print("released", n, held())


sem.acquire()
for n in range(3):
    work(n)
    pause()
with cond:
    cond.notify_all()
event.set()
pause()
print("event", event.is_set(), "semaphore", sem._value, "queue", q.qsize(),
      [q.get() for _ in range(q.qsize())])
print("lock usable", lock.acquire(timeout=1), rlock.acquire(timeout=1))
