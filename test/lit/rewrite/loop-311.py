# The suspension pass on 3.11, loops: the interpreter runs a signal's handler
# at a jump back, and looks an exception it raises up at the code unit before
# the jump's target. So a NOP goes just before each loop's head (here the
# FOR_ITER of the for, and the first instruction of the while's body), with
# the position of the instruction before it (the for's GET_ITER, the while's
# first test on line 20: a tracer sees the same lines) and a capture handler that keeps the
# head's slots (the for's iterator). The loop without calls is a site all the
# same. The trailer lists the two loop sites (kind l).
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --emit=dis --function=f %t.pyc -o %t.out | FileCheck %s
# RUN: %python311 -c "import marshal, sys; f = open(sys.argv[1], 'rb'); f.read(16); marshal.load(f); t = marshal.load(f); print(t[1], [bytes(e[2][k * 13:k * 13 + 1]) for e in t[3] for k in range(len(e[2]) // 13)])" %t.out/loop-311.py.tmp.pyc | FileCheck %s --check-prefix=TRAILER
# RUN: %python311 -c "import marshal, sys; f = open(sys.argv[1], 'rb'); f.read(16); ns = {}; exec(marshal.load(f), ns); print(ns['f'](5))" %t.out/loop-311.py.tmp.pyc | FileCheck %s --check-prefix=RESULT


def f(n):
    total = 0
    for i in range(n):
        total += i * i
    while n > 0:
        n -= 1
    return total

# CHECK: ; after the passes
# CHECK:    18 {{.*}}
# CHECK:               34 GET_ITER
# CHECK-NEXT:          36 NOP
# CHECK-NEXT:          38 FOR_ITER
# CHECK:               58 JUMP_BACKWARD                  11 (to 38)
# CHECK-NEXT:    20    60 LOAD_FAST
# CHECK:               70 POP_JUMP_FORWARD_IF_FALSE      12 (to 96)
# CHECK-NEXT:          72 NOP
# CHECK-NEXT:    21    74 LOAD_FAST
# CHECK:               94 POP_JUMP_BACKWARD_IF_TRUE      11 (to 74)
# CHECK: ExceptionTable:
# CHECK-NEXT:   36 to 40 -> 100 [1] lasti
# CHECK:        72 to 74 -> {{[0-9]+}} [0] lasti

# TRAILER: 4 [{{.*}}b'l'{{.*}}b'l'{{.*}}]
# RESULT: 30
