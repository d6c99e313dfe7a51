# The suspension pass on 3.11: a call inside try/except gets an innermost
# capture handler that keeps the slots below the call. The handler recognises
# the unwinding marker as the builtin __build_class__ (LOAD_BUILD_CLASS), after
# a flag test that lets other exceptions by (MATCH_SEQUENCE: the marker's class
# is registered as a Sequence), so no name is added (co_names stays (g, ValueError)) and any other exception
# goes on to the handler that covered the call (a jump: the except body starts
# without a line; see pass-on-311.py for the other shapes). The entry
# RESUME is a site without a handler (a frame caught as it starts is captured
# in its caller), so a function without calls keeps its code (LEAF).
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --emit=dis --function=f %t.pyc -o %t.out | FileCheck %s
# RUN: sleepy-rewrite --emit=dis --function=leaf %t.pyc -o %t.out | FileCheck %s --check-prefix=LEAF

def f(x):
    try:
        return g(x)
    except ValueError:
        return None


def leaf(x):
    return x and True

# CHECK: ; before the passes
# CHECK-NEXT: code f (suspend-311.py:15) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 4
# CHECK-NEXT:    15       0 RESUME                          0
# CHECK-NEXT:    16       2 NOP
# CHECK-NEXT:    17       4 LOAD_GLOBAL                     1 (NULL + g)
# CHECK-NEXT:            16 LOAD_FAST                       0 (x)
# CHECK-NEXT:            18 PRECALL                         1
# CHECK-NEXT:            22 CALL                            1
# CHECK-NEXT:            32 RETURN_VALUE
# CHECK-NEXT:            34 PUSH_EXC_INFO
# CHECK-NEXT:    18      36 LOAD_GLOBAL                     2 (ValueError)
# CHECK-NEXT:            48 CHECK_EXC_MATCH
# CHECK-NEXT:            50 POP_JUMP_FORWARD_IF_FALSE       4 (to 60)
# CHECK-NEXT:            52 POP_TOP
# CHECK-NEXT:    19      54 POP_EXCEPT
# CHECK-NEXT:            56 LOAD_CONST                      0 (None)
# CHECK-NEXT:            58 RETURN_VALUE
# CHECK-NEXT:    18      60 RERAISE                         0
# CHECK-NEXT:            62 COPY                            3
# CHECK-NEXT:            64 POP_EXCEPT
# CHECK-NEXT:            66 RERAISE                         1
# CHECK-NEXT: ExceptionTable:
# CHECK-NEXT:   4 to 32 -> 34 [0]
# CHECK-NEXT:   34 to 54 -> 62 [1] lasti
# CHECK-NEXT:   60 to 62 -> 62 [1] lasti
# CHECK-NEXT: ; after the passes
# CHECK-NEXT: code f (suspend-311.py:15) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 4
# CHECK-NEXT:    15       0 RESUME                          0
# CHECK-NEXT:    16       2 NOP
# CHECK-NEXT:    17       4 LOAD_GLOBAL                     1 (NULL + g)
# CHECK-NEXT:            16 LOAD_FAST                       0 (x)
# CHECK-NEXT:            18 PRECALL                         1
# CHECK-NEXT:            22 CALL                            1
# CHECK-NEXT:            32 RETURN_VALUE
# CHECK-NEXT:            34 PUSH_EXC_INFO
# CHECK-NEXT:    18      36 LOAD_GLOBAL                     2 (ValueError)
# CHECK-NEXT:            48 CHECK_EXC_MATCH
# CHECK-NEXT:            50 POP_JUMP_FORWARD_IF_FALSE       4 (to 60)
# CHECK-NEXT:            52 POP_TOP
# CHECK-NEXT:    19      54 POP_EXCEPT
# CHECK-NEXT:            56 LOAD_CONST                      0 (None)
# CHECK-NEXT:            58 RETURN_VALUE
# CHECK-NEXT:    18      60 RERAISE                         0
# CHECK-NEXT:            62 COPY                            3
# CHECK-NEXT:            64 POP_EXCEPT
# CHECK-NEXT:            66 RERAISE                         1
# CHECK-NEXT:            68 MATCH_SEQUENCE
# CHECK-NEXT:            70 POP_JUMP_FORWARD_IF_FALSE       4 (to 80)
# CHECK-NEXT:            72 LOAD_BUILD_CLASS
# CHECK-NEXT:            74 COPY                            2
# CHECK-NEXT:            76 IS_OP                           0
# CHECK-NEXT:            78 POP_JUMP_FORWARD_IF_TRUE        3 (to 86)
# CHECK-NEXT:            80 SWAP                            2
# CHECK-NEXT:            82 POP_TOP
# CHECK-NEXT:            84 JUMP_BACKWARD_NO_INTERRUPT     26 (to 34)
# CHECK-NEXT:            86 BUILD_TUPLE                     2
# CHECK-NEXT:            88 PUSH_NULL
# CHECK-NEXT:            90 LOAD_BUILD_CLASS
# CHECK-NEXT:            92 SWAP                            2
# CHECK-NEXT:            94 SWAP                            3
# CHECK-NEXT:            96 PRECALL                         1
# CHECK-NEXT:           100 CALL                            1
# CHECK-NEXT:           110 RERAISE                         0
# CHECK-NEXT: ExceptionTable:
# CHECK-NEXT:   4 to 18 -> 34 [0]
# CHECK-NEXT:   18 to 32 -> 68 [0] lasti
# CHECK-NEXT:   34 to 54 -> 62 [1] lasti
# CHECK-NEXT:   60 to 62 -> 62 [1] lasti

# LEAF: ; before the passes
# LEAF-NEXT: code leaf (suspend-311.py:22) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 1
# LEAF-NEXT:    22       0 RESUME                          0
# LEAF-NEXT:    23       2 LOAD_FAST                       0 (x)
# LEAF-NEXT:             4 JUMP_IF_FALSE_OR_POP            1 (to 8)
# LEAF-NEXT:             6 LOAD_CONST                      1 (True)
# LEAF-NEXT:             8 RETURN_VALUE
# LEAF-NEXT: ; after the passes
# LEAF-NEXT: code leaf (suspend-311.py:22) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 1
# LEAF-NEXT:    22       0 RESUME                          0
# LEAF-NEXT:    23       2 LOAD_FAST                       0 (x)
# LEAF-NEXT:             4 JUMP_IF_FALSE_OR_POP            1 (to 8)
# LEAF-NEXT:             6 LOAD_CONST                      1 (True)
# LEAF-NEXT:             8 RETURN_VALUE
