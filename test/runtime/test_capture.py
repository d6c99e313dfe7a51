"""Unit tests of runtime/sleepy/_capture.py: what a next() call drives,
read from the caller's bytecode while the generator runs."""
import sys
import unittest

from sleepy import _capture, _slots

SEEN = []


def watcher():
    """A generator that records what its caller's next() call drives."""
    while True:
        SEEN.append(_capture._single_argument(sys._getframe(1)))
        yield


GLOBAL_GEN = watcher()


class Holder:
    def __init__(self):
        self.inner = type("Inner", (), {})()
        self.inner.gen = watcher()


class SingleArgumentTests(unittest.TestCase):
    def setUp(self):
        SEEN.clear()

    def test_a_local(self):
        gen = watcher()
        for _ in range(100):  # specialised after a few: the call runs in PRECALL
            next(gen)
        self.assertEqual(len(SEEN), 100)
        self.assertEqual(sum(s is not gen for s in SEEN), 0)

    def test_attributes_of_a_local(self):
        h = Holder()
        for _ in range(3):
            next(h.inner.gen)
        self.assertEqual(sum(s is not h.inner.gen for s in SEEN), 0)

    def test_a_global(self):
        next(GLOBAL_GEN)
        self.assertIs(SEEN[0], GLOBAL_GEN)

    def test_anything_else_is_not_told(self):
        gens = [watcher()]
        next(gens[0])
        next(iter(gens[0]))
        self.assertEqual(SEEN, [_slots.MISSING, _slots.MISSING])


if __name__ == "__main__":
    unittest.main()
