"""A plugin loaded from its path with importlib (module_from_spec, as
plugin systems and config loaders do), which sys.modules does not hold: its
module is saved by value, so that after resume its functions still run
with its namespace as their globals (a global they set is the module's),
its class is the one instances have, and sys.modules still does not hold
it."""
import importlib.util
import os
import sys

from support import pause

SOURCE = os.path.join(os.getcwd(), "plugin_tally.py")
with open(SOURCE, "w") as f:
    f.write("total = 0\n"
            "class Tally:\n"
            "    def __init__(self):\n"
            "        self.n = 0\n"
            "    def add(self, k):\n"
            "        global total\n"
            "        total += k\n"
            "        self.n += k\n"
            "        return self.n\n"
            "def double(x):\n"
            "    return 2 * x\n")

spec = importlib.util.spec_from_file_location("plugin_tally", SOURCE)
plugin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plugin)


def main():
    tally = plugin.Tally()
    tally.add(3)
    pause()
    tally.add(4)
    print(plugin.total, tally.n, plugin.double(5), type(tally) is plugin.Tally,
          tally.add.__func__.__globals__ is plugin.__dict__, "plugin_tally" in sys.modules)


main()
