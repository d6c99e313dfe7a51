# A generator on 3.13: the stack starts at depth 0 (RETURN_GENERATOR pushes),
# and RESUME after a yield inside one handler carries the depth-1 bit.
# REQUIRES: python313
# RUN: %compile313 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=cfg --function=gen %t.pyc -o %t.out | FileCheck %s

def gen(n):
    try:
        for i in range(n):
            yield i * i
    finally:
        print("done")

# CHECK: code gen (generator-313.py:7) flags OPTIMIZED|NEWLOCALS|GENERATOR args 1/0/0 stacksize 5
# CHECK-NEXT:   computed stacksize 5
# CHECK-NEXT: bb0: depth 0
# CHECK-NEXT:     RETURN_GENERATOR                                          7
# CHECK-NEXT:     POP_TOP                                                   7
# CHECK-NEXT:     RESUME                     0                              7:0-7:0  [exc bb6 depth 0 lasti]
# CHECK-NEXT:     NOP                                                       8:4-12:21
# CHECK-NEXT:     LOAD_GLOBAL                1 (range + NULL)               9:17-9:22  [exc bb4 depth 0]
# CHECK-NEXT:     LOAD_FAST                  0 (n)                          9:23-9:24  [exc bb4 depth 0]
# CHECK-NEXT:     CALL                       1                              9:17-9:25  [exc bb4 depth 0]
# CHECK-NEXT:     GET_ITER                                                  9:17-9:25  [exc bb4 depth 0]
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb1: depth 1
# CHECK-NEXT:     FOR_ITER                   bb3                            9:17-9:25  [exc bb4 depth 0]
# CHECK-NEXT:   -> bb3 bb2
# CHECK-NEXT: bb2: depth 2
# CHECK-NEXT:     STORE_FAST                 1 (i)                          9:12-9:13  [exc bb4 depth 0]
# CHECK-NEXT:     LOAD_FAST_LOAD_FAST        17 (i, i)                      10:18-10:19  [exc bb4 depth 0]
# CHECK-NEXT:     BINARY_OP                  5 (*)                          10:18-10:23  [exc bb4 depth 0]
# CHECK-NEXT:     YIELD_VALUE                0                              10:12-10:23  [exc bb4 depth 0]
# CHECK-NEXT:     RESUME                     1                              10:12-10:23  [exc bb4 depth 0]
# CHECK-NEXT:     POP_TOP                                                   10:12-10:23  [exc bb4 depth 0]
# CHECK-NEXT:     JUMP_BACKWARD              bb1                            10:12-10:23  [exc bb4 depth 0]
# CHECK-NEXT:   -> bb1
# CHECK-NEXT: bb3: depth 2
# CHECK-NEXT:     END_FOR                                                   9:17-9:25  [exc bb4 depth 0]
# CHECK-NEXT:     POP_TOP                                                   9:17-9:25  [exc bb4 depth 0]
# CHECK-NEXT:     LOAD_GLOBAL                3 (print + NULL)               12:8-12:13  [exc bb6 depth 0 lasti]
# CHECK-NEXT:     LOAD_CONST                 1 ('done')                     12:14-12:20  [exc bb6 depth 0 lasti]
# CHECK-NEXT:     CALL                       1                              12:8-12:21  [exc bb6 depth 0 lasti]
# CHECK-NEXT:     POP_TOP                                                   12:8-12:21  [exc bb6 depth 0 lasti]
# CHECK-NEXT:     RETURN_CONST               0 (None)                       12:8-12:21  [exc bb6 depth 0 lasti]
# CHECK-NEXT: bb4: depth 1
# CHECK-NEXT:     PUSH_EXC_INFO                                             -  [exc bb5 depth 1 lasti]
# CHECK-NEXT:     LOAD_GLOBAL                3 (print + NULL)               12:8-12:13  [exc bb5 depth 1 lasti]
# CHECK-NEXT:     LOAD_CONST                 1 ('done')                     12:14-12:20  [exc bb5 depth 1 lasti]
# CHECK-NEXT:     CALL                       1                              12:8-12:21  [exc bb5 depth 1 lasti]
# CHECK-NEXT:     POP_TOP                                                   12:8-12:21  [exc bb5 depth 1 lasti]
# CHECK-NEXT:     RERAISE                    0                              12:8-12:21  [exc bb5 depth 1 lasti]
# CHECK-NEXT: bb5: depth 3
# CHECK-NEXT:     COPY                       3                              -  [exc bb6 depth 0 lasti]
# CHECK-NEXT:     POP_EXCEPT                                                -  [exc bb6 depth 0 lasti]
# CHECK-NEXT:     RERAISE                    1                              -  [exc bb6 depth 0 lasti]
# CHECK-NEXT: bb6: depth 2
# CHECK-NEXT:     CALL_INTRINSIC_1           3                              -
# CHECK-NEXT:     RERAISE                    1                              -
