#!/usr/bin/env python3
"""sleepy-rewrite as a build step, end to end.

    SLEEPY_PYTHON=python3.11 SLEEPY_TOOL=build/bin/sleepy-rewrite \\
        python3 test/e2e/test_build.py [-v]

Rewrites test/e2e/packages/shop (several modules, a subpackage, package
data read with importlib.resources, a __main__) in both layouts, runs it
from OUTDIR alone, suspends and resumes it, and checks incremental runs,
--exclude, --force and --emit with --function.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

from e2e_env import HERE, PYTHON, TOOL
PACKAGE = os.path.join(HERE, "packages", "shop", "shop")

EXPECTED = """added apple 2 total 6
added pear 1 total 11
added fig 3 total 32
version 1.0 rewritten True True
"""


class BuildTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sleepy-build-")
        self.out = os.path.join(self.dir, "out")
        # A copy of the package, so that its __pycache__ and the test's
        # changes stay here.
        self.src = os.path.join(self.dir, "src", "shop")
        shutil.copytree(PACKAGE, self.src, ignore=shutil.ignore_patterns("__pycache__"))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def tool(self, *args):
        return subprocess.run([TOOL, f"--python={PYTHON}", "--summary", *args],
                              capture_output=True, text=True)

    def shop(self, *args, env=None, cwd=None):
        e = dict(os.environ, PYTHONPATH=self.out, SLEEPY_SNAPSHOT=os.path.join(self.dir, "s"))
        e.update(env or {})
        return subprocess.run([PYTHON, *args], capture_output=True, text=True, env=e,
                              cwd=cwd or self.dir, timeout=120)

    def files(self):
        found = []
        for root, dirs, files in os.walk(self.out):
            dirs[:] = [d for d in dirs if d != "sleepy"]
            found += [os.path.relpath(os.path.join(root, f), self.out) for f in files]
        return sorted(found)

    def check_runs_and_resumes(self, extra=()):
        p = self.shop("-m", "shop", *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith(EXPECTED), p.stdout)
        outputs = []
        p = self.shop("-m", "sleepy", "run", "-m", "shop", *extra, env={"SHOP_SUSPEND": "1"})
        outputs.append(p.stdout)
        while p.returncode == 75:
            p = self.shop("-m", "sleepy", "resume", env={"SHOP_SUSPEND": "1"})
            outputs.append(p.stdout)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(outputs), 4)
        self.assertTrue("".join(outputs).startswith(EXPECTED), outputs)
        return "".join(outputs)

    def test_sourceless_layout(self):
        p = self.tool(self.src, "-o", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("6 files rewritten, 0 up to date, 1 copied, 0 failed", p.stderr)
        self.assertEqual(self.files(), [
            "shop/__init__.pyc", "shop/__main__.pyc", "shop/cart.pyc",
            "shop/data/prices.json", "shop/pricing.pyc", "shop/store/__init__.pyc",
            "shop/store/inventory.pyc"])
        self.check_runs_and_resumes()

    def test_pycache_layout(self):
        p = self.tool("--layout=pycache", self.src, "-o", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        tag = subprocess.run([PYTHON, "-c", "import sys; print(sys.implementation.cache_tag)"],
                             capture_output=True, text=True).stdout.strip()
        files = self.files()
        self.assertIn("shop/cart.py", files)
        self.assertIn(f"shop/__pycache__/cart.{tag}.pyc", files)
        self.assertIn(f"shop/store/__pycache__/inventory.{tag}.pyc", files)
        with open(os.path.join(self.out, "shop", "__pycache__", f"cart.{tag}.pyc"), "rb") as f:
            self.assertEqual(f.read(16)[4:8], b"\x01\x00\x00\x00")  # unchecked hash
        # Tracebacks and inspect.getsource see the copied source, and the
        # interpreter never compiles over the rewritten file.
        out = self.check_runs_and_resumes(("--source",))
        self.assertIn("source lines 2", out)
        self.assertEqual(files, self.files())

    def test_copies_keep_their_permissions(self):
        # Package data and copied sources keep their mode: an executable
        # script stays executable, a read-only file stays read-only.
        tool_script = os.path.join(self.src, "data", "refresh.sh")
        with open(tool_script, "w") as f:
            f.write("#!/bin/sh\necho refreshed\n")
        os.chmod(tool_script, 0o755)
        os.chmod(os.path.join(self.src, "data", "prices.json"), 0o444)
        os.chmod(os.path.join(self.src, "cart.py"), 0o750)
        p = self.tool("--layout=pycache", self.src, "-o", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)

        def mode(*parts):
            return oct(os.stat(os.path.join(self.out, "shop", *parts)).st_mode & 0o777)
        self.assertEqual(mode("data", "refresh.sh"), oct(0o755))
        self.assertEqual(mode("data", "prices.json"), oct(0o444))
        self.assertEqual(mode("cart.py"), oct(0o750))
        run = subprocess.run([os.path.join(self.out, "shop", "data", "refresh.sh")],
                             capture_output=True, text=True)
        self.assertEqual(run.stdout, "refreshed\n")

    def test_incremental_force_and_exclude(self):
        self.assertEqual(self.tool(self.src, "-o", self.out).returncode, 0)
        p = self.tool(self.src, "-o", self.out)
        self.assertIn("0 files rewritten, 7 up to date", p.stderr)
        os.utime(os.path.join(self.src, "cart.py"))
        p = self.tool(self.src, "-o", self.out)
        self.assertIn("1 files rewritten, 6 up to date", p.stderr)
        p = self.tool("--force", self.src, "-o", self.out)
        self.assertIn("6 files rewritten, 0 up to date, 1 copied", p.stderr)
        other = os.path.join(self.dir, "other")
        p = subprocess.run([TOOL, f"--python={PYTHON}", "--summary", "--exclude", "store",
                            "--exclude", "*.json", self.src, "-o", other],
                           capture_output=True, text=True)
        self.assertIn("4 files rewritten, 0 up to date, 0 copied", p.stderr)

    def test_a_bad_file_does_not_stop_the_rest(self):
        with open(os.path.join(self.src, "broken.py"), "w") as f:
            f.write("def oops(:\n")
        p = self.tool(self.src, "-o", self.out)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"broken\.py:1: error: .*invalid syntax")
        self.assertIn("6 files rewritten, 0 up to date, 1 copied, 1 failed", p.stderr)
        self.assertNotIn("shop/broken.pyc", self.files())

    def test_emit_one_function_before_and_after(self):
        p = subprocess.run([TOOL, f"--python={PYTHON}", "--emit=dis", "--function=Cart.total",
                            os.path.join(self.src, "cart.py"), "-o", self.out],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        before, after = p.stdout.split("; after the passes\n")
        self.assertIn("; before the passes\ncode Cart.total", before)
        self.assertIn("code Cart.total", after)
        # Capture handlers are added; the code's names are not touched.
        self.assertNotIn("LOAD_BUILD_CLASS", before)
        self.assertIn("LOAD_BUILD_CLASS", after)
        self.assertNotIn("__sleepy", after)

    def test_names_and_namespaces_untouched(self):
        # The rewritten code adds no name to any code object and nothing to a
        # module's namespace or to builtins: inspect.getclosurevars, dir()
        # and co_names see the program as written.
        p = self.tool(self.src, "-o", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        probe = (
            "import builtins, marshal, sys\n"
            "def names(c):\n"
            "    out = [(c.co_qualname, c.co_names)]\n"
            "    for k in c.co_consts:\n"
            "        if hasattr(k, 'co_code'): out += names(k)\n"
            "    return out\n"
            "import shop.cart, sleepy\n"
            "with open(shop.cart.__file__, 'rb') as f: rewritten = marshal.loads(f.read()[16:])\n"
            "orig = compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')\n"
            "print(rewritten.co_code != orig.co_code, names(orig) == names(rewritten))\n"
            "print(sorted(k for k in vars(shop.cart) if 'sleepy' in k))\n"
            "print(sorted(k for k in vars(builtins) if 'sleepy' in k))\n")
        p = self.shop("-c", probe, os.path.join(self.src, "cart.py"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "True True\n[]\n[]\n")


if __name__ == "__main__":
    unittest.main()
