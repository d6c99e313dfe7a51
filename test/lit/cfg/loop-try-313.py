# A for loop around try/except on 3.13: FOR_ITER's exit edge targets END_FOR and
# POP_TOP; jumps carry a cache unit; conditional jumps need a TO_BOOL first.
# REQUIRES: python313
# RUN: %compile313 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=cfg --function=f %t.pyc -o %t.out | FileCheck %s

def f(xs):
    total = 0
    for x in xs:
        try:
            total += 10 // x
        except ZeroDivisionError:
            continue
    return total

# CHECK: code f (loop-try-313.py:7) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 5
# CHECK-NEXT:   computed stacksize 5
# CHECK-NEXT: bb0: depth 0
# CHECK-NEXT:     RESUME                     0                              7:0-7:0
# CHECK-NEXT:     LOAD_CONST                 1 (0)                          8:12-8:13
# CHECK-NEXT:     STORE_FAST                 1 (total)                      8:4-8:9
# CHECK-NEXT:     LOAD_FAST                  0 (xs)                         9:13-9:15
# CHECK-NEXT:     GET_ITER                                                  9:13-9:15
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb1: depth 1
# CHECK-NEXT:     FOR_ITER                   bb3                            9:13-9:15
# CHECK-NEXT:   -> bb3 bb2
# CHECK-NEXT: bb2: depth 2
# CHECK-NEXT:     STORE_FAST                 2 (x)                          9:8-9:9
# CHECK-NEXT:     NOP                                                       10:8-13:20
# CHECK-NEXT:     LOAD_FAST                  1 (total)                      11:12-11:17  [exc bb4 depth 1]
# CHECK-NEXT:     LOAD_CONST                 2 (10)                         11:21-11:23  [exc bb4 depth 1]
# CHECK-NEXT:     LOAD_FAST                  2 (x)                          11:27-11:28  [exc bb4 depth 1]
# CHECK-NEXT:     BINARY_OP                  2 (//)                         11:21-11:28  [exc bb4 depth 1]
# CHECK-NEXT:     BINARY_OP                  13 (+=)                        11:12-11:28  [exc bb4 depth 1]
# CHECK-NEXT:     STORE_FAST                 1 (total)                      11:12-11:17  [exc bb4 depth 1]
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            11:12-11:17
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb3: depth 2
# CHECK-NEXT:     END_FOR                                                   9:13-9:15
# CHECK-NEXT:     POP_TOP                                                   9:13-9:15
# CHECK-NEXT:     LOAD_FAST                  1 (total)                      14:11-14:16
# CHECK-NEXT:     RETURN_VALUE                                              14:4-14:16
# CHECK-NEXT: bb4: depth 2
# CHECK-NEXT:     PUSH_EXC_INFO                                             -  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     LOAD_GLOBAL                0 (ZeroDivisionError)          12:15-12:32  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     CHECK_EXC_MATCH                                           12:8-13:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     POP_JUMP_IF_FALSE          bb6                            12:8-13:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT:   -> bb6 bb5
# CHECK-NEXT: bb5: depth 3
# CHECK-NEXT:     POP_TOP                                                   12:8-13:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     POP_EXCEPT                                                13:12-13:20
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            13:12-13:20
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb6: depth 3
# CHECK-NEXT:     RERAISE                    0                              12:8-13:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT: bb7: depth 4
# CHECK-NEXT:     COPY                       3                              -
# CHECK-NEXT:     POP_EXCEPT                                                -
# CHECK-NEXT:     RERAISE                    1                              -
