"""Where the snapshots of tasks that move between workers wait: a directory
(on storage the workers share) or a Redis server.

    store = open_store("/shared/snapshots")     # or "redis://host:6379/1"
    store.put(key, data)       # the key's snapshot, whole or not at all
    data = store.take(key)     # once (None if the key has none)
    store.delete(key)          # the task it was taken for ended

A snapshot is taken once: `take` moves it aside atomically (a rename, in
the directory or in Redis) and keeps it there, claimed by the process that
took it, until a new snapshot of the key replaces it (`put`) or `delete`,
so that two deliveries of the same key cannot both resume it, and a resume
that fails leaves the snapshot where it can be looked at.

The claim is a lease: while the process holds it, a thread of its renews
it every LEASE / 3 seconds. A claim whose process is gone (on this host:
its pid no longer runs that process; anywhere: its lease has not been
renewed for LEASE seconds) is taken over by the next `take`, so that a task
whose worker was killed while it ran runs again from its last snapshot.
Taken is raised for a key whose holder may be alive; its `retry_in` says
when its lease would run out.
"""

import json
import os
import socket
import threading
import time

from ._task import write_atomically

LEASE = 30.0  # seconds: a claim not renewed for this long is taken over


class Taken(Exception):
    """A snapshot that another process holds (and may be running)."""

    def __init__(self, key, holder, retry_in):
        super().__init__(f"snapshot {key} was taken already by {holder}, which may be "
                         "resuming it (another delivery of the task)")
        self.retry_in = retry_in


def open_store(where, lease=LEASE):
    """A store for `where`: a redis://, rediss:// or unix:// URL, or the
    path of a directory (made if missing)."""
    if isinstance(where, (DirectoryStore, RedisStore)):
        return where
    where = os.fspath(where)
    if where.split("://", 1)[0] in ("redis", "rediss", "unix"):
        return RedisStore(where, lease)
    return DirectoryStore(where, lease)


# -- who holds a snapshot -----------------------------------------------------

def _started(pid):
    """When process `pid` started (in clock ticks since boot), or None if it
    does not run or this system does not say."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def holder_of_this_process():
    """This process as a claim names it: host, pid and start."""
    return {"host": socket.gethostname(), "pid": os.getpid(),
            "started": _started(os.getpid())}


def _gone(holder):
    """Is the process `holder` names known to have ended? (Known only on its
    own host; elsewhere its lease says.)"""
    if holder.get("host") != socket.gethostname():
        return False
    pid = holder.get("pid")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    except (OSError, TypeError):
        return False
    started = _started(pid)
    return started is not None and holder.get("started") not in (None, started)


def _named(holder):
    return f"pid {holder.get('pid')} on {holder.get('host')}"


class _Leases:
    """The claims this process holds, renewed by one thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.held = {}  # (store, key) -> None
        self.pid = None  # the process whose thread runs (a fork has none)

    def hold(self, store, key):
        with self.lock:
            self.held[(store, key)] = None
            if self.pid != os.getpid():
                self.pid = os.getpid()
                threading.Thread(target=self._renew, name="sleepy-leases",
                                 daemon=True).start()

    def release(self, store, key):
        with self.lock:
            self.held.pop((store, key), None)

    def _renew(self):
        while True:
            with self.lock:
                held = list(self.held)
            time.sleep(min([store.lease for store, _ in held] or [LEASE]) / 3)
            for store, key in held:
                try:
                    store._renew(key)
                except Exception:  # (the store is down: the lease may run out)
                    pass


_leases = _Leases()


class DirectoryStore:
    """KEY.snapshot; when taken, renamed to KEY.taken@HOST@PID@START@NONCE:
    the name is the claim (a rename moves it from one holder to the next,
    and only from the name the taker saw), and the file's change time is
    the lease's last renewal."""

    def __init__(self, path, lease=LEASE):
        self.path = os.path.abspath(path)
        self.lease = lease
        self._mine = {}  # key -> the name of the snapshot this process holds
        os.makedirs(self.path, exist_ok=True)

    def __repr__(self):
        return self.path

    def _file(self, name):
        return os.path.join(self.path, name)

    def _taken(self, key):
        prefix = f"{key}.taken@"
        return [name for name in os.listdir(self.path) if name.startswith(prefix)]

    def put(self, key, data):
        write_atomically(self._file(f"{key}.snapshot"), data)
        self._drop(key, self._taken(key))

    def take(self, key):
        me = holder_of_this_process()
        mine = f"{key}.taken@{me['host']}@{me['pid']}@{me['started']}@{os.urandom(4).hex()}"
        try:
            os.rename(self._file(f"{key}.snapshot"), self._file(mine))
        except FileNotFoundError:
            held = self._taken(key)
            if not held:
                return None
            self._take_over(key, held[0], mine)
        self._mine[key] = mine
        _leases.hold(self, key)
        with open(self._file(mine), "rb") as f:
            return f.read()

    def _take_over(self, key, name, mine):
        """Moves the claim `name`, if its holder is gone, to `mine`; else
        (or if another taker was first) raises Taken."""
        holder = _holder_named(name)
        try:
            age = time.time() - os.stat(self._file(name)).st_ctime
        except FileNotFoundError:
            raise Taken(key, "another delivery", self.lease) from None
        if age < self.lease and not _gone(holder):
            raise Taken(key, _named(holder), self.lease - age)
        try:
            os.rename(self._file(name), self._file(mine))
        except FileNotFoundError:
            raise Taken(key, "another delivery", self.lease) from None

    def _renew(self, key):
        os.utime(self._file(self._mine[key]))

    def _drop(self, key, names):
        _leases.release(self, key)
        self._mine.pop(key, None)
        for name in names:
            try:
                os.unlink(self._file(name))
            except FileNotFoundError:
                pass

    def delete(self, key):
        self._drop(key, [f"{key}.snapshot"] + self._taken(key))

    def keys(self):
        """The keys held, each with "snapshot" or "taken"."""
        found = []
        for name in os.listdir(self.path):
            if ".taken@" in name:
                found.append((name.split(".taken@", 1)[0], "taken"))
            elif name.endswith(".snapshot"):
                found.append((name[:-len(".snapshot")], "snapshot"))
        return sorted(found)

    def holder(self, key):
        """Who holds the key's taken snapshot (None if no one does)."""
        held = self._taken(key)
        return _holder_named(held[0]) if held else None


def _holder_named(name):
    host, pid, started = name.split(".taken@", 1)[1].split("@")[:3]
    return {"host": host, "pid": int(pid),
            "started": None if started == "None" else int(started)}


# Redis: the snapshot moves and the claim is made in one script, so that
# two takers cannot both win. Returns [state, data-or-holder, ttl-ms].
_TAKE = """
local snapshot, taken, claim = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', snapshot) == 1 then
  redis.call('RENAME', snapshot, taken)
  redis.call('SET', claim, ARGV[1], 'PX', ARGV[2])
  return {'taken', redis.call('GET', taken), 0}
end
if redis.call('EXISTS', taken) == 0 then
  return {'none', '', 0}
end
local holder = redis.call('GET', claim)
if (not holder) or holder == ARGV[3] then
  redis.call('SET', claim, ARGV[1], 'PX', ARGV[2])
  return {'taken', redis.call('GET', taken), 0}
end
return {'held', holder, redis.call('PTTL', claim)}
"""


class RedisStore:
    """sleepy:snapshot:KEY, renamed to sleepy:taken:KEY when taken, claimed
    by sleepy:holder:KEY (JSON, expiring when its lease runs out)."""

    PREFIX = "sleepy:"

    def __init__(self, url, lease=LEASE):
        import redis  # (only when used: python3-redis)
        self.url = url
        self.lease = lease
        self._redis = redis
        self.client = redis.Redis.from_url(url)
        self._take = self.client.register_script(_TAKE)

    def __repr__(self):
        return self.url

    def _name(self, key, state):
        return f"{self.PREFIX}{state}:{key}"

    def _names(self, key):
        return [self._name(key, state) for state in ("snapshot", "taken", "holder")]

    def put(self, key, data):
        _leases.release(self, key)
        self.client.pipeline().set(self._name(key, "snapshot"), data).delete(
            self._name(key, "taken"), self._name(key, "holder")).execute()

    def take(self, key):
        me = json.dumps(holder_of_this_process())
        ms = int(self.lease * 1000)
        state, value, ttl = self._take(self._names(key), [me, ms, ""])
        if state == b"held":
            holder = json.loads(value)
            if not _gone(holder):
                raise Taken(key, _named(holder), max(ttl, 0) / 1000)
            # Gone: claimed again, if no other taker was first.
            state, value, ttl = self._take(self._names(key), [me, ms, value])
            if state == b"held":
                raise Taken(key, _named(json.loads(value)), max(ttl, 0) / 1000)
        if state == b"none":
            return None
        _leases.hold(self, key)
        return value

    def _renew(self, key):
        self.client.pexpire(self._name(key, "holder"), int(self.lease * 1000))

    def delete(self, key):
        _leases.release(self, key)
        self.client.delete(*self._names(key))

    def keys(self):
        found = []
        for name in self.client.scan_iter(match=self.PREFIX + "*"):
            state, key = name.decode()[len(self.PREFIX):].split(":", 1)
            if state != "holder":
                found.append((key, state))
        return sorted(found)

    def holder(self, key):
        value = self.client.get(self._name(key, "holder"))
        return json.loads(value) if value else None
