# A for loop around try/except on 3.12: FOR_ITER's exit edge targets END_FOR
# (the interpreter skips it), modelled as +1 then END_FOR's -2; the JUMP_BACKWARD
# of the loop is not covered by the try's handler.
# REQUIRES: python312
# RUN: %compile312 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=cfg --function=f %t.pyc -o %t.out | FileCheck %s

def f(xs):
    total = 0
    for x in xs:
        try:
            total += 10 // x
        except ZeroDivisionError:
            continue
    return total

# CHECK: code f (loop-try-312.py:8) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 5
# CHECK-NEXT:   computed stacksize 5
# CHECK-NEXT: bb0: depth 0
# CHECK-NEXT:     RESUME                     0                              8:0-8:0
# CHECK-NEXT:     LOAD_CONST                 1 (0)                          9:12-9:13
# CHECK-NEXT:     STORE_FAST                 1 (total)                      9:4-9:9
# CHECK-NEXT:     LOAD_FAST                  0 (xs)                         10:13-10:15
# CHECK-NEXT:     GET_ITER                                                  10:4-14:20
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb1: depth 1
# CHECK-NEXT:     FOR_ITER                   bb3                            10:4-14:20
# CHECK-NEXT:   -> bb3 bb2
# CHECK-NEXT: bb2: depth 2
# CHECK-NEXT:     STORE_FAST                 2 (x)                          10:8-10:9
# CHECK-NEXT:     NOP                                                       11:8-14:20
# CHECK-NEXT:     LOAD_FAST                  1 (total)                      12:12-12:17  [exc bb4 depth 1]
# CHECK-NEXT:     LOAD_CONST                 2 (10)                         12:21-12:23  [exc bb4 depth 1]
# CHECK-NEXT:     LOAD_FAST                  2 (x)                          12:27-12:28  [exc bb4 depth 1]
# CHECK-NEXT:     BINARY_OP                  2 (//)                         12:21-12:28  [exc bb4 depth 1]
# CHECK-NEXT:     BINARY_OP                  13 (+=)                        12:12-12:28  [exc bb4 depth 1]
# CHECK-NEXT:     STORE_FAST                 1 (total)                      12:12-12:17  [exc bb4 depth 1]
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            12:12-12:17
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb3: depth 2
# CHECK-NEXT:     END_FOR                                                   10:4-14:20
# CHECK-NEXT:     LOAD_FAST                  1 (total)                      15:11-15:16
# CHECK-NEXT:     RETURN_VALUE                                              15:4-15:16
# CHECK-NEXT: bb4: depth 2
# CHECK-NEXT:     PUSH_EXC_INFO                                             -  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     LOAD_GLOBAL                0 (ZeroDivisionError)          13:15-13:32  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     CHECK_EXC_MATCH                                           13:8-14:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     POP_JUMP_IF_FALSE          bb6                            13:8-14:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT:   -> bb6 bb5
# CHECK-NEXT: bb5: depth 3
# CHECK-NEXT:     POP_TOP                                                   13:8-14:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT:     POP_EXCEPT                                                14:12-14:20
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            14:12-14:20
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb6: depth 3
# CHECK-NEXT:     RERAISE                    0                              13:8-14:20  [exc bb7 depth 2 lasti]
# CHECK-NEXT: bb7: depth 4
# CHECK-NEXT:     COPY                       3                              -
# CHECK-NEXT:     POP_EXCEPT                                                -
# CHECK-NEXT:     RERAISE                    1                              -
