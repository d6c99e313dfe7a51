"""Unit tests of process state in snapshots (runtime/sleepy/_process.py):
text files read line by line, csv readers, random.Random instances,
logging's configuration."""
import _thread
import csv
import io
import logging
import os
import sys
import tempfile
import unittest

import sleepy  # noqa: F401  (open() remembers files)
from sleepy import _process, _state


def roundtrip(obj):
    f = io.BytesIO()
    _state.Pickler(f, set()).dump(obj)
    return _state.Unpickler(io.BytesIO(f.getvalue())).load()


class FileTests(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp()
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for i in range(5000):
                f.write(f"ligne {i} é\n")

    def tearDown(self):
        os.unlink(self.path)

    def test_line_iteration_position(self):
        with open(self.path, encoding="utf-8") as f:
            for k, line in enumerate(f):
                if k == 2500:
                    break
            again = roundtrip(f)
            # The original goes on where it was, and so does the copy.
            self.assertEqual(next(f), "ligne 2501 é\n")
            self.assertEqual(next(again), "ligne 2501 é\n")
            again.close()

    def test_csv_reader_goes_on_with_its_line_number(self):
        with open(self.path, newline="") as f:
            rows = csv.reader(f, delimiter=" ")
            for _ in range(10):
                next(rows)
            again = roundtrip(rows)
            self.assertEqual(next(again), ["ligne", "10", "é"])
            self.assertEqual(again.line_num, 11)


class RandomTests(unittest.TestCase):
    def test_instance_keeps_its_attributes_and_state(self):
        import random
        g = random.Random(7)
        g.random = [0.25, 0.5, 0.75].pop  # as test_random's test_avg_std does
        g.label = "mine"
        again = roundtrip(g)
        self.assertEqual(again.random(), 0.75)
        self.assertEqual(again.label, "mine")
        self.assertEqual(again.randrange(10 ** 6), random.Random(7).randrange(10 ** 6))


class LoggingTests(unittest.TestCase):
    def test_configuration_is_put_back(self):
        logger = logging.getLogger("sleepy.test")
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        state = _process.logging_state()
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        _process.restore_logging(state)
        logger.debug("back")
        self.assertEqual(stream.getvalue(), "back\n")
        logger.removeHandler(handler)


class LockTests(unittest.TestCase):
    def test_handler_lock_held_before_the_fork(self):
        # A forked child finds every logging handler's lock re-created
        # (logging registers that at fork); the state read before the fork
        # is the one saved.
        handler = logging.StreamHandler(io.StringIO())
        handler.acquire()
        try:
            _process.note_locks_before_fork()
            handler._at_fork_reinit()  # what the child's at-fork hook does
            again = roundtrip(handler)
            self.assertTrue(again.lock._is_owned())
            again.release()
            self.assertFalse(again.lock._is_owned())
        finally:
            _process._before_fork.clear()


if __name__ == "__main__":
    unittest.main()


class WarningsVersionTests(unittest.TestCase):
    """filters_version reads the version a warning's check records in a
    module's __warningregistry__ (which it cannot read directly)."""

    def test_the_version_a_registry_records(self):
        import warnings
        before, after = _process.filters_version()
        registry = {}
        with warnings.catch_warnings():
            pass  # (two changes: entering, leaving)
        after_pair = _process.filters_version()
        self.assertEqual(after_pair[0], after + 2)
        # What a real warning's check records, with no change in between:
        # the version filters_version says comes after it.
        _, now = _process.filters_version()
        shown = []
        saved, warnings.showwarning = warnings.showwarning, lambda *a, **k: shown.append(a)
        try:  # (not a change of the filters)
            warnings.warn_explicit("checked", UserWarning, "<test>", 1, registry=registry)
        finally:
            warnings.showwarning = saved
        self.assertEqual(registry["version"], now)
        self.assertLess(before, after)


class WarningsWhileSavingTests(unittest.TestCase):
    """What saving makes the interpreter warn (a __reduce__ that warns,
    os.fork() with the runtime's own thread alive) is kept from the
    program, and leaves its filters and registries as they were."""

    def test_quiet_while_saving_leaves_filters_and_registries(self):
        import warnings
        g = {"__name__": "quietly"}
        with warnings.catch_warnings(record=True) as shown:
            warnings.simplefilter("default")
            exec("import warnings", g)
            exec("warnings.warn('before', UserWarning)", g)
            filters, registry = list(warnings.filters), dict(g["__warningregistry__"])
            unquiet = _process.quiet_warnings()
            exec("warnings.warn('while saving', DeprecationWarning)", g)
            exec("warnings.warn('while saving', UserWarning)", dict(g, __name__="other"))
            unquiet()
            self.assertEqual(warnings.filters, filters)
            self.assertEqual(g["__warningregistry__"], registry)
            # The version did not change: what was shown once is not again.
            exec("warnings.warn('before', UserWarning)", g)
            exec("warnings.warn('after', UserWarning)", g)
        self.assertEqual([str(w.message) for w in shown], ["before", "after"])

    def test_fork_with_only_the_runtimes_thread_does_not_warn(self):
        import threading
        import warnings
        release = threading.Event()

        def fork_and_wait():
            with warnings.catch_warnings(record=True) as shown:
                warnings.simplefilter("always")
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
                os.waitpid(pid, 0)
            return [str(w.message) for w in shown]

        own = [0]
        _process.hide_fork_warning(lambda: own[0])
        thread = threading.Thread(target=release.wait)
        thread.start()
        try:
            own[0] = _thread._count()  # the runtime's (a ticker, say), all of them
            self.assertEqual(fork_and_wait(), [])
            own[0] = 0  # the program's: the warning is its own (from 3.12)
            expected = 1 if sys.version_info >= (3, 12) else 0
            self.assertEqual(len(fork_and_wait()), expected)
        finally:
            own[0] = 0
            release.set()
            thread.join()


class WarningsShownTests(unittest.TestCase):
    def test_what_records_warnings_is_put_back(self):
        """Inside catch_warnings(record=True) (as assertWarns is), warnings go
        to its list: a snapshot taken there keeps them going there."""
        import warnings
        with warnings.catch_warnings(record=True) as shown:
            warnings.simplefilter("always")
            state, log = roundtrip((_process.warnings_state(), shown))
        with warnings.catch_warnings():
            _process.restore_warnings(state)
            warnings.warn("after resume", DeprecationWarning)
        self.assertEqual([str(w.message) for w in log], ["after resume"])
        self.assertEqual(shown, [])
