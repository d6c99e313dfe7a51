# The suspension pass on 3.11, an exception leaving a `with` body: the
# handler's WITH_EXCEPT_START calls the manager's __exit__ with it, and is a
# site (kind o, an operator's) that keeps the four slots below: __exit__, the
# lasti of the instruction that raised, the previous exception and the
# exception (the handler's depth is 4). Any other exception raised by
# __exit__ goes on to the handler that covered the instruction (depth 3,
# lasti), its slots reshaped: the exception swapped under the lasti the
# interpreter pushed.
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --emit=dis --function=f %t.pyc -o %t.out | FileCheck %s
# RUN: %python311 -c "import marshal, sys; f = open(sys.argv[1], 'rb'); f.read(16); marshal.load(f); t = marshal.load(f); print([(bytes(e[2][k * 13:k * 13 + 1]), e[2][k * 13 + 9]) for e in t[3] for k in range(len(e[2]) // 13)])" %t.out/with-exit-311.py.tmp.pyc | FileCheck %s --check-prefix=TRAILER


def f(m, log):
    with m:
        log.append(1)
    return log

# CHECK: ; after the passes
# CHECK:               74 PUSH_EXC_INFO
# CHECK-NEXT:          76 WITH_EXCEPT_START
# CHECK-NEXT:          78 POP_JUMP_FORWARD_IF_TRUE
# CHECK-NEXT:          80 RERAISE 2
# CHECK-NEXT:          82 COPY 3
# CHECK:              140 MATCH_SEQUENCE
# CHECK-NEXT:         142 POP_JUMP_FORWARD_IF_FALSE 4 (to 152)
# CHECK:              152 SWAP 3
# CHECK-NEXT:         154 POP_TOP
# CHECK-NEXT:         156 SWAP 2
# CHECK-NEXT:         158 JUMP_BACKWARD_NO_INTERRUPT 39 (to 82)
# CHECK: ExceptionTable:
# CHECK:   74 to 76 -> 82 [3] lasti
# CHECK-NEXT:   76 to 78 -> 140 [4] lasti
# CHECK-NEXT:   78 to 82 -> 82 [3] lasti

# TRAILER: (b'o', 4)
