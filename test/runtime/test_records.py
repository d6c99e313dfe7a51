"""Unit tests of runtime/sleepy/_records.py: the frame record and the tuple
a resume twin reads."""
import types
import unittest

from sleepy import _bytecode, _records
from sleepy._records import NULL


class FakeSite:
    def __init__(self, index, shape):
        self.index, self.shape, self.depth = index, shape, len(shape)


class FakeEntry:
    def __init__(self, slots, delta=3):
        self.slots, self.delta = slots, delta


class RecordTupleTests(unittest.TestCase):
    def test_slots_then_stack_then_callee(self):
        entry = FakeEntry([("a", "l"), ("b", "l"), ("c", "c"), ("f", "f")])
        c, f = types.CellType(1), types.CellType(2)
        site = FakeSite(4, "vnl")
        got = _records.record_tuple(entry, site, {"a": 10}, [c, f], ["x", NULL, 7], {}, len)
        self.assertEqual(got, (4, True, 10, False, None, True, c, True, f, "x", None, 10, len))

    def test_method_and_self_become_a_bound_method(self):
        class K:
            def m(self):
                return 5
        k = K()
        entry = FakeEntry([])
        if _bytecode.DIALECT.null_after_callable:  # [method, self] (3.13+)
            got = _records.record_tuple(entry, FakeSite(0, "vm"), {}, [], [K.m, k], {}, None)
            self.assertEqual(got[1](), 5)
            self.assertIsNone(got[2])
        else:  # [method, self] where the NULL would go first
            got = _records.record_tuple(entry, FakeSite(0, "mv"), {}, [], [K.m, k], {}, None)
            self.assertIsNone(got[1])
            self.assertEqual(got[2](), 5)

    def test_exception_sets_innermost_first(self):
        outer, inner, current = ValueError("o"), KeyError("i"), OSError("c")
        # Two saved exception states: the innermost's current exception is
        # `current`; the outer handler's is what the inner one saved.
        sets, outside = _records.exception_sets("pvp", [None, "v", outer], current)
        self.assertIs(sets[2], current)
        self.assertIs(sets[0], outer)
        self.assertIsNone(outside)
        sets, _ = _records.exception_sets("pe", [None, inner], current)
        self.assertIs(sets[0], inner)

    def test_settle_exceptions_passes_state_outwards(self):
        outer = _records.FrameRecord("m", 0, 0, {}, [], [None, "v"], "pv")
        inner = _records.FrameRecord("m", 1, 0, {}, [], [], "")
        exc = ValueError()
        _records.settle_exceptions([outer, inner], exc)
        self.assertIs(outer.exc_sets[0], exc)

    def test_frees_of(self):
        entry = FakeEntry([("a", "l"), ("c", "c"), ("f", "f"), ("g", "f")])
        cells = ["C", "F", "G"]
        self.assertEqual(_records.frees_of(entry, cells), ["F", "G"])

    def test_null_pickles_as_itself(self):
        import pickle
        self.assertIs(pickle.loads(pickle.dumps(NULL)), NULL)


if __name__ == "__main__":
    unittest.main()


class SavedSlotTests(unittest.TestCase):
    def test_a_comprehensions_saved_variable_is_a_tuple_of_what_it_held(self):
        entry = FakeEntry([])
        site = FakeSite(0, "uu")
        got = _records.record_tuple(entry, site, {}, [], [NULL, 5], {}, None)
        self.assertEqual(got, (0, (), (5,), None))
