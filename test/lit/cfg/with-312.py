# A with block on 3.12: BEFORE_WITH leaves __exit__ under the body (depth 1 in
# the body), the body's handler keeps it and pushes lasti, and the exit path
# calls __exit__(None, None, None).
# REQUIRES: python312
# RUN: %compile312 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=cfg --function=read %t.pyc -o %t.out | FileCheck %s

def read(path):
    with open(path) as f:
        return f.read()

# CHECK: code read (with-312.py:8) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 6
# CHECK-NEXT:   computed stacksize 6
# CHECK-NEXT: bb0: depth 0
# CHECK-NEXT:     RESUME                     0                              8:0-8:0
# CHECK-NEXT:     LOAD_GLOBAL                1 (NULL + open)                9:9-9:13
# CHECK-NEXT:     LOAD_FAST                  0 (path)                       9:14-9:18
# CHECK-NEXT:     CALL                       1                              9:9-9:19
# CHECK-NEXT:     BEFORE_WITH                                               9:4-10:23
# CHECK-NEXT:     STORE_FAST                 1 (f)                          9:23-9:24  [exc bb1 depth 1 lasti]
# CHECK-NEXT:     LOAD_FAST                  1 (f)                          10:15-10:16  [exc bb1 depth 1 lasti]
# CHECK-NEXT:     LOAD_ATTR                  3 (read + NULL|self)           10:15-10:21  [exc bb1 depth 1 lasti]
# CHECK-NEXT:     CALL                       0                              10:15-10:23  [exc bb1 depth 1 lasti]
# CHECK-NEXT:     SWAP                       2                              9:4-10:23
# CHECK-NEXT:     LOAD_CONST                 0 (None)                       9:4-10:23
# CHECK-NEXT:     LOAD_CONST                 0 (None)                       9:4-10:23
# CHECK-NEXT:     LOAD_CONST                 0 (None)                       9:4-10:23
# CHECK-NEXT:     CALL                       2                              9:4-10:23
# CHECK-NEXT:     POP_TOP                                                   9:4-10:23
# CHECK-NEXT:     RETURN_VALUE                                              9:4-10:23
# CHECK-NEXT: bb1: depth 3
# CHECK-NEXT:     PUSH_EXC_INFO                                             9:4-10:23  [exc bb4 depth 3 lasti]
# CHECK-NEXT:     WITH_EXCEPT_START                                         9:4-10:23  [exc bb4 depth 3 lasti]
# CHECK-NEXT:     POP_JUMP_IF_TRUE           bb3                            9:4-10:23  [exc bb4 depth 3 lasti]
# CHECK-NEXT:   -> bb3 bb2
# CHECK-NEXT: bb2: depth 4
# CHECK-NEXT:     RERAISE                    2                              9:4-10:23  [exc bb4 depth 3 lasti]
# CHECK-NEXT: bb3: depth 4
# CHECK-NEXT:     POP_TOP                                                   9:4-10:23  [exc bb4 depth 3 lasti]
# CHECK-NEXT:     POP_EXCEPT                                                9:4-10:23
# CHECK-NEXT:     POP_TOP                                                   9:4-10:23
# CHECK-NEXT:     POP_TOP                                                   9:4-10:23
# CHECK-NEXT:     RETURN_CONST               0 (None)                       9:4-10:23
# CHECK-NEXT: bb4: depth 5
# CHECK-NEXT:     COPY                       3                              -
# CHECK-NEXT:     POP_EXCEPT                                                -
# CHECK-NEXT:     RERAISE                    1                              -
