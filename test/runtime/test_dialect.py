"""The facts of runtime/sleepy/_bytecode.py's dialect row that are about how
the interpreter runs, not how it encodes: measured on the interpreter that
runs the test, by running code objects whose exception tables cover one
code unit or another, and compared with the row (a new version's row is
checked the same way)."""
import dis
import functools
import types
import unittest

from sleepy import _bytecode, _twin


def _python_callee():
    raise ValueError("from a Python frame")


_c_callee = functools.partial(int, "not a number")  # raises from C


def _caller():
    try:
        callee()  # noqa: F821  (a global the test sets)
    except ValueError:
        return "caught"
    return "not raised"


def _with_handler_over(code, start, end):
    """`code` whose first exception-table entry covers [start, end) only."""
    entries = dis._parse_exception_table(code)
    first, rest = entries[0], entries[1:]
    table = b""
    for s, e, t, d, lasti in [(start, end, first.target, first.depth, first.lasti)] + \
            [(x.start, x.end, x.target, x.depth, x.lasti) for x in rest]:
        table += _twin._entry(s // 2, e // 2, t // 2, (d << 1) | int(lasti))
    return code.replace(co_exceptiontable=table)


class LookupTests(unittest.TestCase):
    def caught_with(self, callee, start, end):
        g = {"callee": callee}
        fn = types.FunctionType(_with_handler_over(_caller.__code__, start, end), g)
        try:
            return fn() == "caught"
        except ValueError:
            return False

    def call_units(self):
        """(the CALL's offset, the offset past its caches) in _caller."""
        for ins in dis.get_instructions(_caller):
            if ins.opname == "CALL":
                return ins.offset, ins.offset + 2 * (1 + _bytecode._CACHES[ins.opcode])
        raise AssertionError("no CALL")

    def test_where_a_python_callees_exception_is_looked_up(self):
        call, end = self.call_units()
        at_call = self.caught_with(_python_callee, call, end)
        before = self.caught_with(_python_callee, call - 2, call)
        self.assertNotEqual(at_call, before)
        self.assertEqual(before, _bytecode.DIALECT.callee_raises_before)

    def test_a_c_callees_exception_is_looked_up_at_the_call(self):
        call, end = self.call_units()
        self.assertTrue(self.caught_with(_c_callee, call, end))
        self.assertFalse(self.caught_with(_c_callee, call - 2, call))
