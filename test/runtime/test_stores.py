"""The stores of task snapshots (sleepy._stores): a snapshot is taken once;
a claim whose process is gone is taken over, one whose process lives is
not. The directory store here, with real processes; the Redis store runs
in test/e2e/test_celery.py, against a real redis-server."""
import os
import socket
import tempfile
import time
import unittest

from sleepy import _stores
from sleepy._stores import Taken, open_store


def in_child(body):
    """Runs body() in a forked process; its exit status (0: body returned
    True, 1: it returned False, 2: Taken, 3: anything else)."""
    pid = os.fork()
    if pid == 0:
        try:
            code = 0 if body() else 1
        except Taken:
            code = 2
        except BaseException:
            code = 3
        os._exit(code)
    return pid


def status(pid):
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


class DirectoryStoreTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.store = open_store(self.dir.name, lease=0.6)

    def tearDown(self):
        self.dir.cleanup()

    def test_taken_once(self):
        self.assertIsNone(self.store.take("k"))
        self.store.put("k", b"one")
        self.assertEqual(self.store.take("k"), b"one")
        self.assertEqual(self.store.holder("k")["pid"], os.getpid())
        with self.assertRaises(Taken) as raised:  # (this process lives: its claim holds)
            self.store.take("k")
        self.assertIn(f"pid {os.getpid()}", str(raised.exception))
        self.assertGreater(raised.exception.retry_in, 0)
        self.assertEqual(self.store.keys(), [("k", "taken")])
        self.store.put("k", b"two")  # a new snapshot of the key: free to take
        self.assertEqual(self.store.keys(), [("k", "snapshot")])
        self.assertIsNone(self.store.holder("k"))
        self.assertEqual(self.store.take("k"), b"two")
        self.store.delete("k")
        self.assertEqual(self.store.keys(), [])
        self.assertEqual(os.listdir(self.dir.name), [])

    def test_claim_of_an_ended_process_is_taken_over(self):
        self.store.put("k", b"snap")
        self.assertEqual(status(in_child(lambda: self.store.take("k") == b"snap")), 0)
        self.assertEqual(self.store.take("k"), b"snap")  # at once: its pid is gone
        self.assertEqual(self.store.holder("k")["pid"], os.getpid())

    def test_one_of_several_takers_wins(self):
        self.store.put("k", b"snap")
        self.assertEqual(status(in_child(lambda: self.store.take("k") == b"snap")), 0)

        def taker():
            time.sleep(0.2)  # (all of them at once)
            taken = self.store.take("k") == b"snap"
            time.sleep(0.5)  # the winner lives while the others try
            return taken

        takers = [in_child(taker) for _ in range(6)]
        self.assertEqual(sorted(status(pid) for pid in takers), [0, 2, 2, 2, 2, 2])

    def test_claim_on_another_host_holds_while_renewed(self):
        self.store.put("k", b"snap")
        read, write = os.pipe()

        def elsewhere():
            socket.gethostname = lambda: "elsewhere"  # (this child's view of its host)
            taken = self.store.take("k") == b"snap"
            os.write(write, b"x")
            time.sleep(2.0)  # holding it: its lease is renewed every 0.2 s
            return taken

        child = in_child(elsewhere)
        os.read(read, 1)
        self.assertEqual(self.store.holder("k")["host"], "elsewhere")
        time.sleep(1.2)  # twice the lease
        with self.assertRaises(Taken):
            self.store.take("k")
        self.assertEqual(status(child), 0)
        time.sleep(0.7)  # gone on a host this one cannot look at: after its lease
        self.assertEqual(self.store.take("k"), b"snap")

    def test_unrenewed_claim_runs_out(self):
        self.store.put("k", b"snap")
        os.rename(os.path.join(self.dir.name, "k.snapshot"),  # as a process elsewhere does
                  os.path.join(self.dir.name, "k.taken@elsewhere@1@0@0a0b0c0d"))
        with self.assertRaises(Taken) as raised:
            self.store.take("k")
        self.assertIn("pid 1 on elsewhere", str(raised.exception))
        time.sleep(0.7)
        self.assertEqual(self.store.take("k"), b"snap")

    def test_holder_identity(self):
        me = _stores.holder_of_this_process()
        self.assertEqual(me["pid"], os.getpid())
        self.assertFalse(_stores._gone(me))
        self.assertTrue(_stores._gone(dict(me, started=me["started"] + 1))
                        if me["started"] is not None else True)  # (its pid reused)


if __name__ == "__main__":
    unittest.main()
