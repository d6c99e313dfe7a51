"""Unit tests of runtime/sleepy/_signals.py: a trigger that arrives while the
runtime sets the program up (a resume reading its snapshot, rebuilding
frames, importing modules) is only noted: the profile hook, which sees
every call, is not armed while that work runs, and the program's start
arms it. An attempt that fails by the runtime's own fault (an exception
other than a refusal) does not end the program: it is reported once, with
its traceback, as the reason the program was not suspended. A handler that
runs while a save waits for its writer starts no save within it."""
import contextlib
import io
import signal
import sys
import unittest

from sleepy import _signals
from sleepy._config import phase, saving


class SignalsTest(unittest.TestCase):
    """Puts the runtime's signal state back after each test."""

    def setUp(self):
        self.phase = phase[0]
        self.addCleanup(self.restore)

    def restore(self):
        _signals._pending = None  # (the ticker thread stops on its own)
        sys.setprofile(None)
        _signals._cpu_stop()
        phase[0] = self.phase


class ArrivesWhileStarting(SignalsTest):
    def test_noted_then_armed_at_the_start(self):
        phase[0] = "starting"
        _signals._handler(signal.SIGUSR1, None)
        pending = _signals._pending
        self.assertIsNotNone(pending)
        self.assertEqual(pending.name, "SIGUSR1")
        self.assertIsNone(sys.getprofile())
        self.assertTrue(pending.ticker)  # it keeps the grace meanwhile
        phase[0] = "running"
        _signals.started()
        hook = sys.getprofile()
        sys.setprofile(None)
        self.assertIs(hook, _signals._hook)
        self.assertIs(_signals._pending, pending)

    def test_start_without_a_signal_arms_nothing(self):
        phase[0] = "running"
        _signals.started()
        self.assertIsNone(sys.getprofile())
        self.assertIsNone(_signals._pending)


class InternalError(SignalsTest):
    def setUp(self):
        super().setUp()
        phase[0] = "running"
        _signals._pending = _signals._Pending(signal.SIGUSR1)

    def test_reported_once_and_the_program_goes_on(self):
        p = _signals._pending

        def broken():
            raise KeyError("no such record")

        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertIsNone(_signals._try(p, broken))
            self.assertIsNone(_signals._try(p, broken))
        self.assertIn("internal error of the runtime (KeyError: 'no such record')", p.last)
        said = err.getvalue()
        self.assertEqual(said.count("Traceback (most recent call last)"), 1, said)
        self.assertEqual(said.count("sleepy: SIGUSR1: cannot suspend yet: internal error"), 1,
                         said)

    def test_a_refusal_is_returned(self):
        p = _signals._pending

        def refused():
            raise _signals.SuspendError("local 'x' cannot be saved")

        with contextlib.redirect_stderr(io.StringIO()):
            e = _signals._try(p, refused)
        self.assertIsInstance(e, _signals.SuspendError)
        self.assertEqual(p.last, "local 'x' cannot be saved")


class WhileSaving(SignalsTest):
    def setUp(self):
        super().setUp()
        phase[0] = "running"
        self.addCleanup(saving.__setitem__, 0, False)

    def test_the_handler_waits_for_the_save(self):
        saving[0] = True  # (a checkpoint's, say: nothing else would try again)
        _signals._handler(signal.SIGUSR1, sys._getframe())
        self.assertIsNone(sys.getprofile())
        pending = _signals._pending
        self.assertIsNotNone(pending)
        self.assertTrue(pending.ticker)  # the signal comes again after the save

    def test_no_save_within_a_save(self):
        from sleepy import _save
        saving[0] = True
        with self.assertRaisesRegex(_signals.SuspendError, "a snapshot is being written"):
            _save.save("/nonexistent/snapshot", sys._getframe(), _save.save, stop=False)


if __name__ == "__main__":
    unittest.main()
