"""Unit tests of runtime/sleepy/_signals.py: a trigger that arrives while the
runtime sets the program up (a resume reading its snapshot, rebuilding
frames, importing modules) is only noted: the profile hook, which sees
every call, is not armed while that work runs, and the program's start
arms it."""
import signal
import sys
import unittest

from sleepy import _signals
from sleepy._config import phase


class ArrivesWhileStarting(unittest.TestCase):
    def setUp(self):
        self.phase = phase[0]
        self.addCleanup(self.restore)

    def restore(self):
        _signals._pending = None  # (the ticker thread stops on its own)
        sys.setprofile(None)
        _signals._cpu_stop()
        phase[0] = self.phase

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


if __name__ == "__main__":
    unittest.main()
