"""Where the snapshots of tasks that move between workers wait: a directory
(on storage the workers share) or a Redis server.

    store = open_store("/shared/snapshots")     # or "redis://host:6379/1"
    store.put(key, data)       # the key's snapshot, whole or not at all
    data = store.take(key)     # once (None if the key has none)
    store.delete(key)          # the task it was taken for ended

A snapshot is taken once: `take` moves it aside atomically (a rename, in
the directory or in Redis) and keeps it there until a new snapshot of the
key replaces it (`put`) or `delete`, so that two deliveries of the same
key cannot both resume it, and a resume that fails leaves the snapshot
where it can be looked at. Taken is raised for a key taken already.
"""

import os

from ._task import write_atomically


class Taken(Exception):
    """A snapshot that cannot be taken (again)."""


def open_store(where):
    """A store for `where`: a redis://, rediss:// or unix:// URL, or the
    path of a directory (made if missing)."""
    if isinstance(where, (DirectoryStore, RedisStore)):
        return where
    where = os.fspath(where)
    if where.split("://", 1)[0] in ("redis", "rediss", "unix"):
        return RedisStore(where)
    return DirectoryStore(where)


def _taken(key):
    return Taken(f"snapshot {key} was taken already: another delivery of the task "
                 "resumed it (or is resuming it)")


class DirectoryStore:
    """KEY.snapshot, moved to KEY.taken when taken."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        os.makedirs(self.path, exist_ok=True)

    def __repr__(self):
        return self.path

    def _file(self, key, state):
        return os.path.join(self.path, f"{key}.{state}")

    def put(self, key, data):
        write_atomically(self._file(key, "snapshot"), data)
        try:
            os.unlink(self._file(key, "taken"))
        except FileNotFoundError:
            pass

    def take(self, key):
        taken = self._file(key, "taken")
        try:
            os.rename(self._file(key, "snapshot"), taken)
        except FileNotFoundError:
            if os.path.exists(taken):
                raise _taken(key) from None
            return None
        with open(taken, "rb") as f:
            return f.read()

    def delete(self, key):
        for state in ("taken", "snapshot"):
            try:
                os.unlink(self._file(key, state))
            except FileNotFoundError:
                pass

    def keys(self):
        """The keys held, each with "snapshot" or "taken"."""
        return sorted(tuple(name.rsplit(".", 1)) for name in os.listdir(self.path)
                      if name.endswith((".snapshot", ".taken")))


class RedisStore:
    """sleepy:snapshot:KEY, renamed to sleepy:taken:KEY when taken."""

    PREFIX = "sleepy:"

    def __init__(self, url):
        import redis  # (only when used: python3-redis)
        self.url = url
        self._redis = redis
        self.client = redis.Redis.from_url(url)

    def __repr__(self):
        return self.url

    def _name(self, key, state):
        return f"{self.PREFIX}{state}:{key}"

    def put(self, key, data):
        self.client.pipeline().set(self._name(key, "snapshot"), data).delete(
            self._name(key, "taken")).execute()

    def take(self, key):
        taken = self._name(key, "taken")
        try:
            moved = self.client.renamenx(self._name(key, "snapshot"), taken)
        except self._redis.ResponseError:  # no such key
            moved = False
        if not moved:
            if self.client.exists(taken):
                raise _taken(key)
            return None
        return self.client.get(taken)

    def delete(self, key):
        self.client.delete(self._name(key, "taken"), self._name(key, "snapshot"))

    def keys(self):
        found = []
        for name in self.client.scan_iter(match=self.PREFIX + "*"):
            state, key = name.decode()[len(self.PREFIX):].split(":", 1)
            found.append((key, state))
        return sorted(found)
