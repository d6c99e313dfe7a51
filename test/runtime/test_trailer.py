"""The trailer that sleepy-rewrite writes, decoded by the runtime's reader
(runtime/sleepy/_registry.py; the writer is lib/rewrite/Trailer.cpp): the
tool ($SLEEPY_TOOL, set by ctest) rewrites a small module, and each
function's sites must come back with the kinds, value-stack shapes and
callee provenances its source says, in layout order, and a hash for every
code object."""
import importlib.util
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

from sleepy import _registry

TOOL = os.environ.get("SLEEPY_TOOL")

SOURCE = textwrap.dedent("""\
    import os

    def calls(x, items):
        y = os.path.join(x, "a")
        for item in items:
            y += f"{item:>3}"
        with open(y) as f:
            return len(f.read())

    def gen(n):
        total = 0
        while n:
            total += yield n
            n -= 1
        return total

    class Money:
        def __add__(self, other):
            return self.cents + other.cents
    """)


@unittest.skipUnless(TOOL, "SLEEPY_TOOL names the sleepy-rewrite to test (ctest sets it)")
class Decoded(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sleepy-trailer-")
        src = os.path.join(cls.work, "mod.py")
        with open(src, "w") as f:
            f.write(SOURCE)
        out = os.path.join(cls.work, "out")
        subprocess.run([TOOL, f"--python={sys.executable}", src, "-o", out], check=True,
                       capture_output=True)
        pyc = os.path.join(out, "mod.pyc")
        cls.info = _registry.read_info(pyc)
        assert cls.info is not None, _registry._unreadable.get(pyc)

    def entry(self, name):
        for k, code in enumerate(self.info.codes):
            if code.co_name == name:
                return self.info.entries[k]
        self.fail(f"no code object {name}")

    def test_every_code_object_has_a_hash(self):
        self.assertEqual(len(self.info.hashes), len(self.info.codes))
        self.assertTrue(all(isinstance(h, int) for h in self.info.hashes))

    def test_call_loop_format_and_with_sites(self):
        entry = self.entry("calls")
        kinds = [s.kind for s in entry.sites]
        # The entry; os.path.join's attribute loads and call; the for's
        # GET_ITER, loop NOP and FOR_ITER; the field's FORMAT_VALUE and the
        # +=; open(), BEFORE_WITH, f.read and len, the with's __exit__ calls.
        self.assertEqual(kinds[0], "entry")
        self.assertIn("loop", kinds)
        self.assertIn("iter", kinds)
        self.assertGreaterEqual(kinds.count("op"), 4)  # GET_ITER, FORMAT_VALUE, +=, BEFORE_WITH
        join = next(s for s in entry.sites if s.kind == "call")
        self.assertEqual(join.callee, ("m", ("a", ("g", "os"), "path"), "join"))  # LOAD_METHOD
        loop = next(s for s in entry.sites if s.kind == "loop")
        self.assertEqual(loop.shape, "v")  # the iterator
        self.assertEqual(loop.depth, 1)
        starts = [s.start for s in entry.sites]
        self.assertEqual(starts, sorted(starts))  # layout order
        for s in entry.sites:
            self.assertLessEqual(s.start, s.end)
            self.assertLessEqual(s.end, len(entry.normal.co_code) // 2)
            self.assertEqual(len(s.shape), s.depth)

    def test_generator_sites(self):
        kinds = [s.kind for s in self.entry("gen").sites]
        self.assertIn("yield", kinds)
        self.assertIn("loop", kinds)

    def test_operator_operands(self):
        add = [s for s in self.entry("__add__").sites if s.kind == "op"]
        self.assertEqual(len(add), 1)
        self.assertEqual(add[0].callee, ("o", ("a", ("l", "self"), "cents"),
                                         ("a", ("l", "other"), "cents")))


if __name__ == "__main__":
    unittest.main()
