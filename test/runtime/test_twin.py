"""Unit tests of runtime/sleepy/_twin.py's line-table cut, which must split
an entry that spans the cut (3.12 gives one entry to a run of instructions
with the same location). Run on 3.11 and 3.12 (runtime-unit-31X)."""
import opcode
import unittest

from sleepy import _twin


def _code_with_one_run():
    """A code object whose line table is one entry (no columns, line
    firstlineno + 1) over all its code units."""
    code = compile("a = b\nc = d\n", "<run>", "exec")
    units = len(code.co_code) // 2
    assert units <= 8
    table = bytes([0x80 | (13 << 3) | (units - 1), 2])  # line delta +1
    return code.replace(co_linetable=table), units


class SplitLineTableTests(unittest.TestCase):
    def test_a_cut_inside_a_run_keeps_every_units_line(self):
        code, units = _code_with_one_run()
        expected = [line for start, end, line in code.co_lines() for _ in range(start, end, 2)]
        for cut in range(units + 1):
            before, after = _twin._split_linetable(code.co_linetable, cut)
            rejoined = code.replace(co_linetable=before + after)
            got = [line for start, end, line in rejoined.co_lines()
                   for _ in range(start, end, 2)]
            self.assertEqual(got, expected, f"cut at {cut}")
            if 0 < cut < units:
                self.assertEqual(sum((b & 7) + 1 for b in before if b & 128), cut)

    def test_every_cut_of_the_stdlibs_tables_keeps_every_position(self):
        # Real tables of this interpreter (on 3.12, runs of one location
        # across instructions, in every entry form).
        import inspect
        import json.decoder
        import argparse
        codes = [compile(inspect.getsource(m), m.__file__, "exec")
                 for m in (json.decoder, argparse)]
        checked = 0
        while codes:
            code = codes.pop()
            codes.extend(c for c in code.co_consts if hasattr(c, "co_linetable"))
            expected = list(code.co_positions())
            nop = bytes([opcode.opmap["NOP"], 0])
            for cut in range(len(code.co_code) // 2 + 1):
                # As a twin does: one unit without a position put in at the cut.
                before, after = _twin._split_linetable(code.co_linetable, cut)
                widened = code.replace(
                    co_code=code.co_code[:2 * cut] + nop + code.co_code[2 * cut:],
                    co_linetable=before + _twin._no_location(1) + after)
                self.assertEqual(list(widened.co_positions()),
                                 expected[:cut] + [(None,) * 4] + expected[cut:],
                                 f"{code.co_qualname} cut at {cut}")
                checked += 1
        self.assertGreater(checked, 10000)


if __name__ == "__main__":
    unittest.main()
