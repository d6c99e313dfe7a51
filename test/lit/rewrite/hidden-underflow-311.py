# An instruction that reads below the stack where its net effect is not
# negative (here PUSH_EXC_INFO on an empty stack, in place of a function's
# RESUME): the stack-depth analysis cannot see it, and --passes=none keeps
# the file as it is; the suspension pass, whose shape analysis models each
# read, refuses it rather than write capture handlers deeper than the stack
# (found by the fuzzer).
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: %python311 %s %t.pyc %t.bad.pyc
# RUN: rm -rf %t.none && sleepy-rewrite --passes=none %t.bad.pyc -o %t.none
# RUN: rm -rf %t.out && not sleepy-rewrite %t.bad.pyc -o %t.out 2> %t.err
# RUN: FileCheck %s < %t.err
# CHECK: {{.*}}bad.pyc:0x{{[0-9a-f]+}}: error: stack underflow: PUSH_EXC_INFO with 0 items on the stack
import marshal
import opcode
import sys


def f(n):
    total = n + 1
    return total


if __name__ == "__main__" and len(sys.argv) == 3:
    with open(sys.argv[1], "rb") as src:
        data = src.read()
    module = marshal.loads(data[16:])
    consts = list(module.co_consts)
    for k, c in enumerate(consts):
        if getattr(c, "co_name", None) == "f":
            code = bytearray(c.co_code)
            assert code[0] == opcode.opmap["RESUME"]
            code[0:2] = bytes([opcode.opmap["PUSH_EXC_INFO"], 0])
            consts[k] = c.replace(co_code=bytes(code))
    with open(sys.argv[2], "wb") as out:
        out.write(data[:16] + marshal.dumps(module.replace(co_consts=tuple(consts))))
