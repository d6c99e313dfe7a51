# lit configuration of the golden tests: each test is a Python source or a
# .test file with RUN lines and FileCheck expectations.
import os

import lit.formats

config.name = "sleepy"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".py", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(config.sleepy_tools_dir), "test", "lit")

path = os.pathsep.join([config.sleepy_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PATH"] = path
utils = os.path.join(config.sleepy_src_root, "utils")
config.substitutions.append(("%utils", utils))
config.substitutions.append(("%srcroot", config.sleepy_src_root))
for tag, py in (("310", config.python310), ("311", config.python311),
                ("312", config.python312), ("313", config.python313)):
    if py and os.path.exists(py):
        config.available_features.add("python" + tag)
    config.substitutions.append(("%compile" + tag,
                                 f"{py} {utils}/compile-pyc.py"))
    config.substitutions.append(("%python" + tag, py or "false"))
