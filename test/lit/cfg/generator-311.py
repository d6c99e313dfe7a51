# A generator on 3.11: RETURN_GENERATOR and POP_TOP come before RESUME, and the
# stack starts at depth 1 (a leftover of 3.10's GEN_START).
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=cfg --function=gen %t.pyc -o %t.out | FileCheck %s

def gen(n):
    for i in range(n):
        yield i * i

# CHECK: code gen (generator-311.py:7) flags OPTIMIZED|NEWLOCALS|GENERATOR args 1/0/0 stacksize 3
# CHECK-NEXT:   computed stacksize 3
# CHECK-NEXT: bb0: depth 1
# CHECK-NEXT:     RETURN_GENERATOR                                          7
# CHECK-NEXT:     POP_TOP                                                   7
# CHECK-NEXT:     RESUME                     0                              7:0-7:0
# CHECK-NEXT:     LOAD_GLOBAL                1 (NULL + range)               8:13-8:18
# CHECK-NEXT:     LOAD_FAST                  0 (n)                          8:19-8:20
# CHECK-NEXT:     PRECALL                    1                              8:13-8:21
# CHECK-NEXT:     CALL                       1                              8:13-8:21
# CHECK-NEXT:     GET_ITER                                                  8:4-9:19
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb1: depth 1
# CHECK-NEXT:     FOR_ITER                   bb3                            8:4-9:19
# CHECK-NEXT:   -> bb3 bb2
# CHECK-NEXT: bb2: depth 2
# CHECK-NEXT:     STORE_FAST                 1 (i)                          8:8-8:9
# CHECK-NEXT:     LOAD_FAST                  1 (i)                          9:14-9:15
# CHECK-NEXT:     LOAD_FAST                  1 (i)                          9:18-9:19
# CHECK-NEXT:     BINARY_OP                  5 (*)                          9:14-9:19
# CHECK-NEXT:     YIELD_VALUE                                               9:8-9:19
# CHECK-NEXT:     RESUME                     1                              9:8-9:19
# CHECK-NEXT:     POP_TOP                                                   9:8-9:19
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            9:8-9:19
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb3: depth 0
# CHECK-NEXT:     LOAD_CONST                 0 (None)                       8:4-9:19
# CHECK-NEXT:     RETURN_VALUE                                              8:4-9:19
