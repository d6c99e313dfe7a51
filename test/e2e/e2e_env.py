"""What the end-to-end scripts of test/e2e take from their environment
(ctest sets it: test/CMakeLists.txt): the interpreter that runs the programs
($SLEEPY_PYTHON), the tool ($SLEEPY_TOOL, else this checkout's build), the
runtime's sources, and the exit status of a suspended program."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.environ.get("SLEEPY_PYTHON", "python3.11")
TOOL = os.environ.get("SLEEPY_TOOL", os.path.join(HERE, "..", "..", "build", "bin",
                                                  "sleepy-rewrite"))
RUNTIME = os.path.join(HERE, "..", "..", "runtime")
SUSPENDED = 75  # EX_TEMPFAIL, as runtime/sleepy/_config.py says
