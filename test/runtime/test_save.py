"""Unit tests of runtime/sleepy/_save.py: which modules' globals a snapshot
carries."""
import os
import sys
import unittest
from unittest import mock

from sleepy import _registry, _save


class ModuleStatesTests(unittest.TestCase):
    def test_main_module_is_saved_even_from_the_stdlib(self):
        # `python -m sleepy run -m unittest` runs the stdlib's
        # unittest/__main__.py as __main__: its globals are the program's.
        main = sys.modules["__main__"]
        here = os.path.join(os.path.dirname(os.path.abspath(main.__file__)), "")
        rewritten = {id(main.__dict__)}
        with mock.patch.object(_save, "_stdlib_dirs", return_value=(here,)), \
                mock.patch.object(_registry, "info_for_globals",
                                  side_effect=lambda g: object() if id(g) in rewritten else None):
            states = _save._module_states()
        self.assertIn("__main__", states)


if __name__ == "__main__":
    unittest.main()
