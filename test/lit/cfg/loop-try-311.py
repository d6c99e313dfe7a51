# A for loop around try/except on 3.11: the loop's iterator stays on the stack
# (depth 1 in the body), the try body has a handler that keeps it, and the
# except body's cleanup handler pushes lasti.
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=cfg --function=f %t.pyc -o %t.out | FileCheck %s

def f(xs):
    total = 0
    for x in xs:
        try:
            total += 10 // x
        except ZeroDivisionError:
            continue
    return total

# CHECK: code f (loop-try-311.py:8) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 5
# CHECK-NEXT:   computed stacksize 5
# CHECK-NEXT: bb0: depth 0
# CHECK-NEXT:     RESUME                     0                              8:0-8:0
# CHECK-NEXT:     LOAD_CONST                 1 (0)                          9:12-9:13
# CHECK-NEXT:     STORE_FAST                 1 (total)                      9:4-9:9
# CHECK-NEXT:     LOAD_FAST                  0 (xs)                         10:13-10:15
# CHECK-NEXT:     GET_ITER                                                  10:4-14:20
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb1: depth 1
# CHECK-NEXT:     FOR_ITER                   bb7                            10:4-14:20
# CHECK-NEXT:   -> bb7 bb2
# CHECK-NEXT: bb2: depth 2
# CHECK-NEXT:     STORE_FAST                 2 (x)                          10:8-10:9
# CHECK-NEXT:     NOP                                                       11:8-14:20
# CHECK-NEXT:     LOAD_FAST                  1 (total)                      12:12-12:17  [exc bb3 depth 1]
# CHECK-NEXT:     LOAD_CONST                 2 (10)                         12:21-12:23  [exc bb3 depth 1]
# CHECK-NEXT:     LOAD_FAST                  2 (x)                          12:27-12:28  [exc bb3 depth 1]
# CHECK-NEXT:     BINARY_OP                  2 (//)                         12:21-12:28  [exc bb3 depth 1]
# CHECK-NEXT:     BINARY_OP                  13 (+=)                        12:12-12:28  [exc bb3 depth 1]
# CHECK-NEXT:     STORE_FAST                 1 (total)                      12:12-12:17  [exc bb3 depth 1]
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            12:12-12:17
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb3: depth 2
# CHECK-NEXT:     PUSH_EXC_INFO                                             -  [exc bb6 depth 2 lasti]
# CHECK-NEXT:     LOAD_GLOBAL                0 (ZeroDivisionError)          13:15-13:32  [exc bb6 depth 2 lasti]
# CHECK-NEXT:     CHECK_EXC_MATCH                                           13:8-14:20  [exc bb6 depth 2 lasti]
# CHECK-NEXT:     POP_JUMP_FORWARD_IF_FALSE  bb5                            13:8-14:20  [exc bb6 depth 2 lasti]
# CHECK-NEXT:   -> bb5 bb4
# CHECK-NEXT: bb4: depth 3
# CHECK-NEXT:     POP_TOP                                                   13:8-14:20  [exc bb6 depth 2 lasti]
# CHECK-NEXT:     POP_EXCEPT                                                14:12-14:20
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            14:12-14:20
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb5: depth 3
# CHECK-NEXT:     RERAISE                    0                              13:8-14:20  [exc bb6 depth 2 lasti]
# CHECK-NEXT: bb6: depth 4
# CHECK-NEXT:     COPY                       3                              -
# CHECK-NEXT:     POP_EXCEPT                                                -
# CHECK-NEXT:     RERAISE                    1                              -
# CHECK-NEXT: bb7: depth 0
# CHECK-NEXT:     LOAD_FAST                  1 (total)                      15:11-15:16
# CHECK-NEXT:     RETURN_VALUE                                              15:4-15:16
