"""Unit tests of runtime/sleepy/_slots.py: after a resumed dunder returns,
the operator protocol goes on as CPython's would. Each case is checked
against the interpreter itself: classes whose dunders log their calls and
return NotImplemented (or a value) show the order CPython tries them in,
and `finish`, given that the first of them ran and returned, must make the
same further calls and the same result or TypeError."""
import itertools
import operator
import unittest

from sleepy import _slots


def logging_classes(log, answers):
    """A base class with binary and comparison dunders, a subclass that
    overrides the reflected ones and one that does not; each dunder logs
    (class, name) and returns answers.get((class, name), NotImplemented)."""
    def dunder(name):
        def method(self, other):
            key = (type(self).__name__, name)
            log.append(key)
            return answers.get(key, NotImplemented)
        method.__name__ = name
        return method

    names = ["__add__", "__radd__", "__iadd__", "__lt__", "__gt__", "__eq__"]
    Base = type("Base", (), {n: dunder(n) for n in names} | {"__hash__": None})
    Over = type("Over", (Base,), {n: dunder(n) for n in ("__radd__", "__gt__", "__eq__")})
    Plain = type("Plain", (Base,), {})
    Other = type("Other", (), {n: dunder(n) for n in ("__radd__", "__gt__", "__eq__")})
    return Base, Over, Plain, Other


def cpython(fn, a, b):
    try:
        return ("value", fn(a, b))
    except TypeError as e:
        return ("TypeError", str(e))


class ProtocolTests(unittest.TestCase):
    OPS = {
        "+": ("BINARY_OP", 0, operator.add),
        "+=": ("BINARY_OP", 13, operator.iadd),
        "<": ("COMPARE_OP", 0, operator.lt),
        "==": ("COMPARE_OP", 2, operator.eq),
    }

    def check(self, symbol, left, right, answers):
        name, arg, fn = self.OPS[symbol]
        log = []
        classes = dict(zip(("Base", "Over", "Plain", "Other"), logging_classes(log, answers)))
        a, b = classes[left](), classes[right]()
        expected = cpython(fn, a, b)
        calls = list(log)
        if not calls:
            return
        # The first call ran (and was, say, suspended in); finish goes on.
        first = calls[0]
        attempts = self.attempts(name, arg, a, b)
        k = next(i for i, (obj, dunder, _) in enumerate(attempts)
                 if (type(obj).__name__, dunder) == first)
        for obj, dunder, _ in attempts[:k]:  # (only dunders a class lacks)
            self.assertIsNone(_slots.lookup(type(obj), dunder), (symbol, left, right))
        obj, dunder, other = attempts[k]
        result = _slots.lookup(type(obj), dunder)(obj, other)
        log.clear()
        shown = _slots._NB_OPS[arg][1] if name == "BINARY_OP" else ("<", "<=", "==")[arg]
        spec = (name, shown, False, attempts[k + 1:], a, b)
        try:
            got = ("value", _slots.finish(lambda: result, spec))
        except TypeError as e:
            got = ("TypeError", str(e))
        self.assertEqual(got, expected, (symbol, left, right, answers))
        self.assertEqual([first] + log, calls, (symbol, left, right, answers))

    @staticmethod
    def attempts(name, arg, a, b):
        if name == "BINARY_OP":
            stem, _, inplace = _slots._NB_OPS[arg]
            out = _slots._binary_attempts(a, b, stem)
            return [(a, f"__i{stem}__", b)] + out if inplace else out
        return _slots._compare_attempts(a, b, ("<", "<=", "==")[arg])

    def test_every_pair_of_classes_and_answers(self):
        kinds = ("Base", "Over", "Plain", "Other")
        for symbol in self.OPS:
            for left, right in itertools.product(kinds[:3], kinds):
                if left == "Other":
                    continue
                for answering in (None, "Base", "Over", "Other"):
                    answers = {}
                    if answering:
                        for n in ("__add__", "__radd__", "__lt__", "__gt__", "__eq__"):
                            answers[(answering, n)] = f"{answering}{n}"
                    with self.subTest(symbol=symbol, left=left, right=right,
                                      answering=answering):
                        self.check(symbol, left, right, answers)


class ContainsTests(unittest.TestCase):
    def test_in_and_not_in_make_a_bool(self):
        self.assertIs(_slots.finish(lambda: 3, ("CONTAINS_OP", 0)), True)
        self.assertIs(_slots.finish(lambda: 0, ("CONTAINS_OP", 0)), False)
        self.assertIs(_slots.finish(lambda: [1], ("CONTAINS_OP", 1)), False)

    def test_other_results_pass_through(self):
        marker = object()
        self.assertIs(_slots.finish(lambda: marker, ("BINARY_SUBSCR", 0)), marker)


if __name__ == "__main__":
    unittest.main()
