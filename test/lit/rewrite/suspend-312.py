# The suspension pass on CPython 3.12 bytecode: the same sites and capture
# handlers as on 3.11, in 3.12's instructions (sleepy/cfg/Pseudo.h): a call
# is CALL alone (no PRECALL), the conditional jumps are POP_JUMP_IF_*, and
# the variable an inlined comprehension saves (LOAD_FAST_AND_CLEAR, which
# may be NULL) is a slot of its own kind, handed over in a 1-tuple like a
# NULL (a capture must not touch a bare NULL).
# REQUIRES: python312
# RUN: %compile312 %s %t.pyc
# RUN: sleepy-rewrite --python=%python312 --emit=dis --function=comprehension %t.pyc -o %t.out | FileCheck %s

def comprehension(m, x):
    v = 1
    out = [v + m.f(i) for i in x]
    return out, v

# CHECK-LABEL: ; after the passes
# CHECK:       LOAD_FAST_AND_CLEAR             3 (i)
# The loop's NOP, then the call inside the comprehension: [i saved, list,
# iterator, v] stay under it.
# CHECK:       NOP
# CHECK-NEXT:  FOR_ITER
# CHECK:   [[CALL:[0-9]+]] CALL                            1
# CHECK-NOT:   PRECALL
# The loop's and FOR_ITER's capture handler (three slots) comes first; then
# the one the attribute load and the call share: is it the marker?
# CHECK:       BUILD_TUPLE                     5
# CHECK:       MATCH_SEQUENCE
# CHECK-NEXT:  POP_JUMP_IF_FALSE
# CHECK-NEXT:  LOAD_BUILD_CLASS
# CHECK-NEXT:  COPY                            2
# CHECK-NEXT:  IS_OP                           0
# CHECK-NEXT:  POP_JUMP_IF_TRUE
# Anything else goes to the comprehension's handler (depth 2, no lasti),
# which restores the saved variable: lasti and two slots dropped.
# CHECK-NEXT:  SWAP                            2
# CHECK-NEXT:  POP_TOP
# CHECK-NEXT:  SWAP                            2
# CHECK-NEXT:  POP_TOP
# CHECK-NEXT:  SWAP                            2
# CHECK-NEXT:  POP_TOP
# CHECK-NEXT:  JUMP_BACKWARD_NO_INTERRUPT
# The marker: the saved variable (the deepest of four slots) into a 1-tuple,
# then the slots, lasti and the exception handed to the marker, called as
# 3.12 calls (NULL, callable, argument; CALL 1).
# CHECK-NEXT:  SWAP                            6
# CHECK-NEXT:  BUILD_TUPLE                     1
# CHECK-NEXT:  SWAP                            6
# CHECK-NEXT:  BUILD_TUPLE                     6
# CHECK-NEXT:  PUSH_NULL
# CHECK-NEXT:  LOAD_BUILD_CLASS
# CHECK-NEXT:  SWAP                            2
# CHECK-NEXT:  SWAP                            3
# CHECK-NEXT:  CALL                            1
# CHECK-NEXT:  RERAISE                         0
# CHECK-LABEL: ExceptionTable:
# CHECK:       [[CALL]] to {{[0-9]+}} -> {{[0-9]+}} [4] lasti
