# A generator on 3.12: the whole body after RESUME is covered by the implicit
# PEP 479 handler (CALL_INTRINSIC_1 3 turns StopIteration into RuntimeError),
# and YIELD_VALUE carries the except-stack depth.
# REQUIRES: python312
# RUN: %compile312 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=cfg --function=gen %t.pyc -o %t.out | FileCheck %s

def gen(n):
    for i in range(n):
        yield i * i

# CHECK: code gen (generator-312.py:8) flags OPTIMIZED|NEWLOCALS|GENERATOR args 1/0/0 stacksize 3
# CHECK-NEXT:   computed stacksize 3
# CHECK-NEXT: bb0: depth 1
# CHECK-NEXT:     RETURN_GENERATOR                                          8
# CHECK-NEXT:     POP_TOP                                                   -
# CHECK-NEXT:     RESUME                     0                              8:0-8:0  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     LOAD_GLOBAL                1 (NULL + range)               9:13-9:18  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     LOAD_FAST                  0 (n)                          9:19-9:20  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     CALL                       1                              9:13-9:21  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     GET_ITER                                                  9:4-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb1: depth 1
# CHECK-NEXT:     FOR_ITER                   bb3                            9:4-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:   -> bb3 bb2
# CHECK-NEXT: bb2: depth 2
# CHECK-NEXT:     STORE_FAST                 1 (i)                          9:8-9:9  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     LOAD_FAST                  1 (i)                          10:14-10:15  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     LOAD_FAST                  1 (i)                          10:18-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     BINARY_OP                  5 (*)                          10:14-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     YIELD_VALUE                1                              10:8-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     RESUME                     1                              10:8-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     POP_TOP                                                   10:8-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            10:8-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb3: depth 2
# CHECK-NEXT:     END_FOR                                                   9:4-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT:     RETURN_CONST               0 (None)                       9:4-10:19  [exc bb4 depth 0 lasti]
# CHECK-NEXT: bb4: depth 2
# CHECK-NEXT:     CALL_INTRINSIC_1           3                              -
# CHECK-NEXT:     RERAISE                    1                              -
