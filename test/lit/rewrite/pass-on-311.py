# How a capture handler hands on an exception that is not the unwinding
# marker (SuspendPass.cpp, passOn). Where the site's original handler starts
# without a source position (an except or finally body, a cleanup block), it
# pops the slots above that handler's depth and lasti unless the handler
# takes it, and jumps there without checking for signals
# (JUMP_BACKWARD_NO_INTERRUPT): no second unwinding.
# - NULLS, under a call's NULL: popped inside a 1-tuple (POP_TOP would decref
#   a NULL).
# - CLEANUP, in an except body: to the cleanup handler that takes lasti
#   (SWAP 3, POP_TOP, SWAP 2 drops the 1 and keeps lasti and the exception
#   on top).
# - WITH, the with's handler has the with's line (a jump would give tracers a
#   line event): RERAISE 1 under it; WITH_EXCEPT_START's handler, a jump.
# - NONE, no handler covers the call, a value is kept under it: RERAISE 1
#   leaves the frame.
# - BARE, no handler covers the call and nothing is kept under it: no capture
#   handler at all (the runtime reads the frame itself), the code and tables
#   stay as they were.
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --emit=dis --function=nulls %t.pyc -o %t.out | FileCheck %s --check-prefix=NULLS
# RUN: sleepy-rewrite --emit=dis --function=cleanup %t.pyc -o %t.out | FileCheck %s --check-prefix=CLEANUP
# RUN: sleepy-rewrite --emit=dis --function=with_block %t.pyc -o %t.out | FileCheck %s --check-prefix=WITH
# RUN: sleepy-rewrite --emit=dis --function=uncovered %t.pyc -o %t.out | FileCheck %s --check-prefix=NONE
# RUN: sleepy-rewrite --emit=dis --function=bare %t.pyc -o %t.out | FileCheck %s --check-prefix=BARE

def nulls(m):
    try:
        return list(m.names)
    except AttributeError:
        return None


def cleanup(x):
    try:
        x()
    except ValueError:
        return 1 + g(x)


def with_block(p):
    with p:
        return g(p)


def uncovered(x):
    return x + g(x)


def bare(x):
    return g(x)

# NULLS: ; before the passes
# NULLS-NEXT: code nulls (pass-on-311.py:27) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 4
# NULLS-NEXT:    27       0 RESUME                          0
# NULLS-NEXT:    28       2 NOP
# NULLS-NEXT:    29       4 LOAD_GLOBAL                     1 (NULL + list)
# NULLS-NEXT:            16 LOAD_FAST                       0 (m)
# NULLS-NEXT:            18 LOAD_ATTR                       1 (names)
# NULLS-NEXT:            28 PRECALL                         1
# NULLS-NEXT:            32 CALL                            1
# NULLS-NEXT:            42 RETURN_VALUE
# NULLS-NEXT:            44 PUSH_EXC_INFO
# NULLS-NEXT:    30      46 LOAD_GLOBAL                     4 (AttributeError)
# NULLS-NEXT:            58 CHECK_EXC_MATCH
# NULLS-NEXT:            60 POP_JUMP_FORWARD_IF_FALSE       4 (to 70)
# NULLS-NEXT:            62 POP_TOP
# NULLS-NEXT:    31      64 POP_EXCEPT
# NULLS-NEXT:            66 LOAD_CONST                      0 (None)
# NULLS-NEXT:            68 RETURN_VALUE
# NULLS-NEXT:    30      70 RERAISE                         0
# NULLS-NEXT:            72 COPY                            3
# NULLS-NEXT:            74 POP_EXCEPT
# NULLS-NEXT:            76 RERAISE                         1
# NULLS-NEXT: ExceptionTable:
# NULLS-NEXT:   4 to 42 -> 44 [0]
# NULLS-NEXT:   44 to 64 -> 72 [1] lasti
# NULLS-NEXT:   70 to 72 -> 72 [1] lasti
# NULLS-NEXT: ; after the passes
# NULLS-NEXT: code nulls (pass-on-311.py:27) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 6
# NULLS-NEXT:    27       0 RESUME                          0
# NULLS-NEXT:    28       2 NOP
# NULLS-NEXT:    29       4 LOAD_GLOBAL                     1 (NULL + list)
# NULLS-NEXT:            16 LOAD_FAST                       0 (m)
# NULLS-NEXT:            18 LOAD_ATTR                       1 (names)
# NULLS-NEXT:            28 PRECALL                         1
# NULLS-NEXT:            32 CALL                            1
# NULLS-NEXT:            42 RETURN_VALUE
# NULLS-NEXT:            44 PUSH_EXC_INFO
# NULLS-NEXT:    30      46 LOAD_GLOBAL                     4 (AttributeError)
# NULLS-NEXT:            58 CHECK_EXC_MATCH
# NULLS-NEXT:            60 POP_JUMP_FORWARD_IF_FALSE       4 (to 70)
# NULLS-NEXT:            62 POP_TOP
# NULLS-NEXT:    31      64 POP_EXCEPT
# NULLS-NEXT:            66 LOAD_CONST                      0 (None)
# NULLS-NEXT:            68 RETURN_VALUE
# NULLS-NEXT:    30      70 RERAISE                         0
# NULLS-NEXT:            72 COPY                            3
# NULLS-NEXT:            74 POP_EXCEPT
# NULLS-NEXT:            76 RERAISE                         1
# NULLS-NEXT:            78 MATCH_SEQUENCE
# NULLS-NEXT:            80 POP_JUMP_FORWARD_IF_FALSE       4 (to 90)
# NULLS-NEXT:            82 LOAD_BUILD_CLASS
# NULLS-NEXT:            84 COPY                            2
# NULLS-NEXT:            86 IS_OP                           0
# NULLS-NEXT:            88 POP_JUMP_FORWARD_IF_TRUE        8 (to 106)
# NULLS-NEXT:            90 SWAP                            2
# NULLS-NEXT:            92 POP_TOP
# NULLS-NEXT:            94 SWAP                            2
# NULLS-NEXT:            96 POP_TOP
# NULLS-NEXT:            98 SWAP                            2
# NULLS-NEXT:           100 BUILD_TUPLE                     1
# NULLS-NEXT:           102 POP_TOP
# NULLS-NEXT:           104 JUMP_BACKWARD_NO_INTERRUPT     31 (to 44)
# NULLS-NEXT:           106 SWAP                            4
# NULLS-NEXT:           108 BUILD_TUPLE                     1
# NULLS-NEXT:           110 SWAP                            4
# NULLS-NEXT:           112 BUILD_TUPLE                     4
# NULLS-NEXT:           114 PUSH_NULL
# NULLS-NEXT:           116 LOAD_BUILD_CLASS
# NULLS-NEXT:           118 SWAP                            2
# NULLS-NEXT:           120 SWAP                            3
# NULLS-NEXT:           122 PRECALL                         1
# NULLS-NEXT:           126 CALL                            1
# NULLS-NEXT:           136 RERAISE                         0
# NULLS-NEXT:           138 MATCH_SEQUENCE
# NULLS-NEXT:           140 POP_JUMP_FORWARD_IF_FALSE       4 (to 150)
# NULLS-NEXT:           142 LOAD_BUILD_CLASS
# NULLS-NEXT:           144 COPY                            2
# NULLS-NEXT:           146 IS_OP                           0
# NULLS-NEXT:           148 POP_JUMP_FORWARD_IF_TRUE        3 (to 156)
# NULLS-NEXT:           150 SWAP                            2
# NULLS-NEXT:           152 POP_TOP
# NULLS-NEXT:           154 JUMP_BACKWARD_NO_INTERRUPT     56 (to 44)
# NULLS-NEXT:           156 BUILD_TUPLE                     2
# NULLS-NEXT:           158 PUSH_NULL
# NULLS-NEXT:           160 LOAD_BUILD_CLASS
# NULLS-NEXT:           162 SWAP                            2
# NULLS-NEXT:           164 SWAP                            3
# NULLS-NEXT:           166 PRECALL                         1
# NULLS-NEXT:           170 CALL                            1
# NULLS-NEXT:           180 RERAISE                         0
# NULLS-NEXT: ExceptionTable:
# NULLS-NEXT:   4 to 18 -> 44 [0]
# NULLS-NEXT:   18 to 28 -> 78 [2] lasti
# NULLS-NEXT:   28 to 42 -> 138 [0] lasti
# NULLS-NEXT:   44 to 64 -> 72 [1] lasti
# NULLS-NEXT:   70 to 72 -> 72 [1] lasti

# CLEANUP: ; before the passes
# CLEANUP-NEXT: code cleanup (pass-on-311.py:34) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 5
# CLEANUP-NEXT:    34       0 RESUME                          0
# CLEANUP-NEXT:    35       2 NOP
# CLEANUP-NEXT:    36       4 PUSH_NULL
# CLEANUP-NEXT:             6 LOAD_FAST                       0 (x)
# CLEANUP-NEXT:             8 PRECALL                         0
# CLEANUP-NEXT:            12 CALL                            0
# CLEANUP-NEXT:            22 POP_TOP
# CLEANUP-NEXT:            24 LOAD_CONST                      0 (None)
# CLEANUP-NEXT:            26 RETURN_VALUE
# CLEANUP-NEXT:            28 PUSH_EXC_INFO
# CLEANUP-NEXT:    37      30 LOAD_GLOBAL                     0 (ValueError)
# CLEANUP-NEXT:            42 CHECK_EXC_MATCH
# CLEANUP-NEXT:            44 POP_JUMP_FORWARD_IF_FALSE      21 (to 88)
# CLEANUP-NEXT:            46 POP_TOP
# CLEANUP-NEXT:    38      48 LOAD_CONST                      1 (1)
# CLEANUP-NEXT:            50 LOAD_GLOBAL                     3 (NULL + g)
# CLEANUP-NEXT:            62 LOAD_FAST                       0 (x)
# CLEANUP-NEXT:            64 PRECALL                         1
# CLEANUP-NEXT:            68 CALL                            1
# CLEANUP-NEXT:            78 BINARY_OP                       0 (+)
# CLEANUP-NEXT:            82 SWAP                            2
# CLEANUP-NEXT:            84 POP_EXCEPT
# CLEANUP-NEXT:            86 RETURN_VALUE
# CLEANUP-NEXT:    37      88 RERAISE                         0
# CLEANUP-NEXT:            90 COPY                            3
# CLEANUP-NEXT:            92 POP_EXCEPT
# CLEANUP-NEXT:            94 RERAISE                         1
# CLEANUP-NEXT: ExceptionTable:
# CLEANUP-NEXT:   4 to 24 -> 28 [0]
# CLEANUP-NEXT:   28 to 84 -> 90 [1] lasti
# CLEANUP-NEXT:   88 to 90 -> 90 [1] lasti
# CLEANUP-NEXT: ; after the passes
# CLEANUP-NEXT: code cleanup (pass-on-311.py:34) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 6
# CLEANUP-NEXT:    34       0 RESUME                          0
# CLEANUP-NEXT:    35       2 NOP
# CLEANUP-NEXT:    36       4 PUSH_NULL
# CLEANUP-NEXT:             6 LOAD_FAST                       0 (x)
# CLEANUP-NEXT:             8 PRECALL                         0
# CLEANUP-NEXT:            12 CALL                            0
# CLEANUP-NEXT:            22 POP_TOP
# CLEANUP-NEXT:            24 LOAD_CONST                      0 (None)
# CLEANUP-NEXT:            26 RETURN_VALUE
# CLEANUP-NEXT:            28 PUSH_EXC_INFO
# CLEANUP-NEXT:    37      30 LOAD_GLOBAL                     0 (ValueError)
# CLEANUP-NEXT:            42 CHECK_EXC_MATCH
# CLEANUP-NEXT:            44 POP_JUMP_FORWARD_IF_FALSE      21 (to 88)
# CLEANUP-NEXT:            46 POP_TOP
# CLEANUP-NEXT:    38      48 LOAD_CONST                      1 (1)
# CLEANUP-NEXT:            50 LOAD_GLOBAL                     3 (NULL + g)
# CLEANUP-NEXT:            62 LOAD_FAST                       0 (x)
# CLEANUP-NEXT:            64 PRECALL                         1
# CLEANUP-NEXT:            68 CALL                            1
# CLEANUP-NEXT:            78 BINARY_OP                       0 (+)
# CLEANUP-NEXT:            82 SWAP                            2
# CLEANUP-NEXT:            84 POP_EXCEPT
# CLEANUP-NEXT:            86 RETURN_VALUE
# CLEANUP-NEXT:    37      88 RERAISE                         0
# CLEANUP-NEXT:            90 COPY                            3
# CLEANUP-NEXT:            92 POP_EXCEPT
# CLEANUP-NEXT:            94 RERAISE                         1
# CLEANUP-NEXT:            96 MATCH_SEQUENCE
# CLEANUP-NEXT:            98 POP_JUMP_FORWARD_IF_FALSE       4 (to 108)
# CLEANUP-NEXT:           100 LOAD_BUILD_CLASS
# CLEANUP-NEXT:           102 COPY                            2
# CLEANUP-NEXT:           104 IS_OP                           0
# CLEANUP-NEXT:           106 POP_JUMP_FORWARD_IF_TRUE        3 (to 114)
# CLEANUP-NEXT:           108 SWAP                            2
# CLEANUP-NEXT:           110 POP_TOP
# CLEANUP-NEXT:           112 JUMP_BACKWARD_NO_INTERRUPT     43 (to 28)
# CLEANUP-NEXT:           114 BUILD_TUPLE                     2
# CLEANUP-NEXT:           116 PUSH_NULL
# CLEANUP-NEXT:           118 LOAD_BUILD_CLASS
# CLEANUP-NEXT:           120 SWAP                            2
# CLEANUP-NEXT:           122 SWAP                            3
# CLEANUP-NEXT:           124 PRECALL                         1
# CLEANUP-NEXT:           128 CALL                            1
# CLEANUP-NEXT:           138 RERAISE                         0
# CLEANUP-NEXT:           140 MATCH_SEQUENCE
# CLEANUP-NEXT:           142 POP_JUMP_FORWARD_IF_FALSE       4 (to 152)
# CLEANUP-NEXT:           144 LOAD_BUILD_CLASS
# CLEANUP-NEXT:           146 COPY                            2
# CLEANUP-NEXT:           148 IS_OP                           0
# CLEANUP-NEXT:           150 POP_JUMP_FORWARD_IF_TRUE        4 (to 160)
# CLEANUP-NEXT:           152 SWAP                            3
# CLEANUP-NEXT:           154 POP_TOP
# CLEANUP-NEXT:           156 SWAP                            2
# CLEANUP-NEXT:           158 JUMP_BACKWARD_NO_INTERRUPT     35 (to 90)
# CLEANUP-NEXT:           160 BUILD_TUPLE                     4
# CLEANUP-NEXT:           162 PUSH_NULL
# CLEANUP-NEXT:           164 LOAD_BUILD_CLASS
# CLEANUP-NEXT:           166 SWAP                            2
# CLEANUP-NEXT:           168 SWAP                            3
# CLEANUP-NEXT:           170 PRECALL                         1
# CLEANUP-NEXT:           174 CALL                            1
# CLEANUP-NEXT:           184 RERAISE                         0
# CLEANUP-NEXT:           186 MATCH_SEQUENCE
# CLEANUP-NEXT:           188 POP_JUMP_FORWARD_IF_FALSE       4 (to 198)
# CLEANUP-NEXT:           190 LOAD_BUILD_CLASS
# CLEANUP-NEXT:           192 COPY                            2
# CLEANUP-NEXT:           194 IS_OP                           0
# CLEANUP-NEXT:           196 POP_JUMP_FORWARD_IF_TRUE        1 (to 200)
# CLEANUP-NEXT:           198 JUMP_BACKWARD_NO_INTERRUPT     55 (to 90)
# CLEANUP-NEXT:           200 BUILD_TUPLE                     3
# CLEANUP-NEXT:           202 PUSH_NULL
# CLEANUP-NEXT:           204 LOAD_BUILD_CLASS
# CLEANUP-NEXT:           206 SWAP                            2
# CLEANUP-NEXT:           208 SWAP                            3
# CLEANUP-NEXT:           210 PRECALL                         1
# CLEANUP-NEXT:           214 CALL                            1
# CLEANUP-NEXT:           224 RERAISE                         0
# CLEANUP-NEXT: ExceptionTable:
# CLEANUP-NEXT:   4 to 8 -> 28 [0]
# CLEANUP-NEXT:   8 to 22 -> 96 [0] lasti
# CLEANUP-NEXT:   22 to 24 -> 28 [0]
# CLEANUP-NEXT:   28 to 64 -> 90 [1] lasti
# CLEANUP-NEXT:   64 to 78 -> 140 [2] lasti
# CLEANUP-NEXT:   78 to 82 -> 186 [1] lasti
# CLEANUP-NEXT:   82 to 84 -> 90 [1] lasti
# CLEANUP-NEXT:   88 to 90 -> 90 [1] lasti

# WITH: ; before the passes
# WITH-NEXT: code with_block (pass-on-311.py:41) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 6
# WITH-NEXT:    41       0 RESUME                          0
# WITH-NEXT:    42       2 LOAD_FAST                       0 (p)
# WITH-NEXT:             4 BEFORE_WITH
# WITH-NEXT:             6 POP_TOP
# WITH-NEXT:    43       8 LOAD_GLOBAL                     1 (NULL + g)
# WITH-NEXT:            20 LOAD_FAST                       0 (p)
# WITH-NEXT:            22 PRECALL                         1
# WITH-NEXT:            26 CALL                            1
# WITH-NEXT:    42      36 SWAP                            2
# WITH-NEXT:            38 LOAD_CONST                      0 (None)
# WITH-NEXT:            40 LOAD_CONST                      0 (None)
# WITH-NEXT:            42 LOAD_CONST                      0 (None)
# WITH-NEXT:            44 PRECALL                         2
# WITH-NEXT:            48 CALL                            2
# WITH-NEXT:            58 POP_TOP
# WITH-NEXT:            60 RETURN_VALUE
# WITH-NEXT:            62 PUSH_EXC_INFO
# WITH-NEXT:            64 WITH_EXCEPT_START
# WITH-NEXT:            66 POP_JUMP_FORWARD_IF_TRUE        4 (to 76)
# WITH-NEXT:            68 RERAISE                         2
# WITH-NEXT:            70 COPY                            3
# WITH-NEXT:            72 POP_EXCEPT
# WITH-NEXT:            74 RERAISE                         1
# WITH-NEXT:            76 POP_TOP
# WITH-NEXT:            78 POP_EXCEPT
# WITH-NEXT:            80 POP_TOP
# WITH-NEXT:            82 POP_TOP
# WITH-NEXT:            84 LOAD_CONST                      0 (None)
# WITH-NEXT:            86 RETURN_VALUE
# WITH-NEXT: ExceptionTable:
# WITH-NEXT:   6 to 36 -> 62 [1] lasti
# WITH-NEXT:   62 to 70 -> 70 [3] lasti
# WITH-NEXT:   76 to 78 -> 70 [3] lasti
# WITH-NEXT: ; after the passes
# WITH-NEXT: code with_block (pass-on-311.py:41) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 8
# WITH-NEXT:    41       0 RESUME                          0
# WITH-NEXT:    42       2 LOAD_FAST                       0 (p)
# WITH-NEXT:             4 BEFORE_WITH
# WITH-NEXT:             6 POP_TOP
# WITH-NEXT:    43       8 LOAD_GLOBAL                     1 (NULL + g)
# WITH-NEXT:            20 LOAD_FAST                       0 (p)
# WITH-NEXT:            22 PRECALL                         1
# WITH-NEXT:            26 CALL                            1
# WITH-NEXT:    42      36 SWAP                            2
# WITH-NEXT:            38 LOAD_CONST                      0 (None)
# WITH-NEXT:            40 LOAD_CONST                      0 (None)
# WITH-NEXT:            42 LOAD_CONST                      0 (None)
# WITH-NEXT:            44 PRECALL                         2
# WITH-NEXT:            48 CALL                            2
# WITH-NEXT:            58 POP_TOP
# WITH-NEXT:            60 RETURN_VALUE
# WITH-NEXT:            62 PUSH_EXC_INFO
# WITH-NEXT:            64 WITH_EXCEPT_START
# WITH-NEXT:            66 POP_JUMP_FORWARD_IF_TRUE        4 (to 76)
# WITH-NEXT:            68 RERAISE                         2
# WITH-NEXT:            70 COPY                            3
# WITH-NEXT:            72 POP_EXCEPT
# WITH-NEXT:            74 RERAISE                         1
# WITH-NEXT:            76 POP_TOP
# WITH-NEXT:            78 POP_EXCEPT
# WITH-NEXT:            80 POP_TOP
# WITH-NEXT:            82 POP_TOP
# WITH-NEXT:            84 LOAD_CONST                      0 (None)
# WITH-NEXT:            86 RETURN_VALUE
# WITH-NEXT:            88 MATCH_SEQUENCE
# WITH-NEXT:            90 POP_JUMP_FORWARD_IF_FALSE       4 (to 100)
# WITH-NEXT:            92 LOAD_BUILD_CLASS
# WITH-NEXT:            94 COPY                            2
# WITH-NEXT:            96 IS_OP                           0
# WITH-NEXT:            98 POP_JUMP_FORWARD_IF_TRUE        1 (to 102)
# WITH-NEXT:           100 RERAISE                         1
# WITH-NEXT:           102 BUILD_TUPLE                     3
# WITH-NEXT:           104 PUSH_NULL
# WITH-NEXT:           106 LOAD_BUILD_CLASS
# WITH-NEXT:           108 SWAP                            2
# WITH-NEXT:           110 SWAP                            3
# WITH-NEXT:           112 PRECALL                         1
# WITH-NEXT:           116 CALL                            1
# WITH-NEXT:           126 RERAISE                         0
# WITH-NEXT:           128 MATCH_SEQUENCE
# WITH-NEXT:           130 POP_JUMP_FORWARD_IF_FALSE       4 (to 140)
# WITH-NEXT:           132 LOAD_BUILD_CLASS
# WITH-NEXT:           134 COPY                            2
# WITH-NEXT:           136 IS_OP                           0
# WITH-NEXT:           138 POP_JUMP_FORWARD_IF_TRUE        1 (to 142)
# WITH-NEXT:           140 RERAISE                         1
# WITH-NEXT:           142 BUILD_TUPLE                     3
# WITH-NEXT:           144 PUSH_NULL
# WITH-NEXT:           146 LOAD_BUILD_CLASS
# WITH-NEXT:           148 SWAP                            2
# WITH-NEXT:           150 SWAP                            3
# WITH-NEXT:           152 PRECALL                         1
# WITH-NEXT:           156 CALL                            1
# WITH-NEXT:           166 RERAISE                         0
# WITH-NEXT:           168 MATCH_SEQUENCE
# WITH-NEXT:           170 POP_JUMP_FORWARD_IF_FALSE       4 (to 180)
# WITH-NEXT:           172 LOAD_BUILD_CLASS
# WITH-NEXT:           174 COPY                            2
# WITH-NEXT:           176 IS_OP                           0
# WITH-NEXT:           178 POP_JUMP_FORWARD_IF_TRUE        4 (to 188)
# WITH-NEXT:           180 SWAP                            3
# WITH-NEXT:           182 POP_TOP
# WITH-NEXT:           184 SWAP                            2
# WITH-NEXT:           186 JUMP_BACKWARD_NO_INTERRUPT     59 (to 70)
# WITH-NEXT:           188 BUILD_TUPLE                     6
# WITH-NEXT:           190 PUSH_NULL
# WITH-NEXT:           192 LOAD_BUILD_CLASS
# WITH-NEXT:           194 SWAP                            2
# WITH-NEXT:           196 SWAP                            3
# WITH-NEXT:           198 PRECALL                         1
# WITH-NEXT:           202 CALL                            1
# WITH-NEXT:           212 RERAISE                         0
# WITH-NEXT: ExceptionTable:
# WITH-NEXT:   6 to 22 -> 62 [1] lasti
# WITH-NEXT:   22 to 36 -> 88 [1] lasti
# WITH-NEXT:   44 to 58 -> 128 [1] lasti
# WITH-NEXT:   62 to 64 -> 70 [3] lasti
# WITH-NEXT:   64 to 66 -> 168 [4] lasti
# WITH-NEXT:   66 to 70 -> 70 [3] lasti
# WITH-NEXT:   76 to 78 -> 70 [3] lasti
# WITH-NEXT:   100 to 102 -> 62 [1] lasti

# NONE: ; before the passes
# NONE-NEXT: code uncovered (pass-on-311.py:46) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 4
# NONE-NEXT:    46       0 RESUME                          0
# NONE-NEXT:    47       2 LOAD_FAST                       0 (x)
# NONE-NEXT:             4 LOAD_GLOBAL                     1 (NULL + g)
# NONE-NEXT:            16 LOAD_FAST                       0 (x)
# NONE-NEXT:            18 PRECALL                         1
# NONE-NEXT:            22 CALL                            1
# NONE-NEXT:            32 BINARY_OP                       0 (+)
# NONE-NEXT:            36 RETURN_VALUE
# NONE-NEXT: ; after the passes
# NONE-NEXT: code uncovered (pass-on-311.py:46) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 5
# NONE-NEXT:    46       0 RESUME                          0
# NONE-NEXT:    47       2 LOAD_FAST                       0 (x)
# NONE-NEXT:             4 LOAD_GLOBAL                     1 (NULL + g)
# NONE-NEXT:            16 LOAD_FAST                       0 (x)
# NONE-NEXT:            18 PRECALL                         1
# NONE-NEXT:            22 CALL                            1
# NONE-NEXT:            32 BINARY_OP                       0 (+)
# NONE-NEXT:            36 RETURN_VALUE
# NONE-NEXT:            38 MATCH_SEQUENCE
# NONE-NEXT:            40 POP_JUMP_FORWARD_IF_FALSE       4 (to 50)
# NONE-NEXT:            42 LOAD_BUILD_CLASS
# NONE-NEXT:            44 COPY                            2
# NONE-NEXT:            46 IS_OP                           0
# NONE-NEXT:            48 POP_JUMP_FORWARD_IF_TRUE        1 (to 52)
# NONE-NEXT:            50 RERAISE                         1
# NONE-NEXT:            52 BUILD_TUPLE                     3
# NONE-NEXT:            54 PUSH_NULL
# NONE-NEXT:            56 LOAD_BUILD_CLASS
# NONE-NEXT:            58 SWAP                            2
# NONE-NEXT:            60 SWAP                            3
# NONE-NEXT:            62 PRECALL                         1
# NONE-NEXT:            66 CALL                            1
# NONE-NEXT:            76 RERAISE                         0
# NONE-NEXT: ExceptionTable:
# NONE-NEXT:   18 to 32 -> 38 [1] lasti

# BARE: ; before the passes
# BARE-NEXT: code bare (pass-on-311.py:50) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 3
# BARE-NEXT:    50       0 RESUME                          0
# BARE-NEXT:    51       2 LOAD_GLOBAL                     1 (NULL + g)
# BARE-NEXT:            14 LOAD_FAST                       0 (x)
# BARE-NEXT:            16 PRECALL                         1
# BARE-NEXT:            20 CALL                            1
# BARE-NEXT:            30 RETURN_VALUE
# BARE-NEXT: ; after the passes
# BARE-NEXT: code bare (pass-on-311.py:50) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 3
# BARE-NEXT:    50       0 RESUME                          0
# BARE-NEXT:    51       2 LOAD_GLOBAL                     1 (NULL + g)
# BARE-NEXT:            14 LOAD_FAST                       0 (x)
# BARE-NEXT:            16 PRECALL                         1
# BARE-NEXT:            20 CALL                            1
# BARE-NEXT:            30 RETURN_VALUE
