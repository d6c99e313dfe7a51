# Equal line and exception tables (and code) of rewritten functions are one object
# in the output, as CPython's compiler merges them (marshal writes them once,
# with FLAG_REF): test_compile's test_merge_code_attrs checks it on its own
# lambdas.
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: rm -rf %t.out && sleepy-rewrite %t.pyc -o %t.out
# RUN: %python311 %s %t.out | FileCheck %s
# CHECK: linetable shared True exception table shared True
# CHECK: rewritten True

import sys

# (A value kept under each call: a call with nothing under it outside any
# handler is bare, and gets no handler.)
f1 = lambda x: x.y + x.z()
f2 = lambda a: a.b + a.c()

if __name__ == "__main__" and len(sys.argv) > 1:
    import glob
    import marshal
    (path,) = glob.glob(sys.argv[1] + "/*.pyc")
    with open(path, "rb") as f:
        module = marshal.loads(f.read()[16:])
    g1, g2 = [c for c in module.co_consts if getattr(c, "co_name", "") == "<lambda>"]
    print("linetable shared", g1.co_linetable is g2.co_linetable,
          "exception table shared", g1.co_exceptiontable is g2.co_exceptiontable)
    print("rewritten", g1.co_exceptiontable != f1.__code__.co_exceptiontable)
