# Jumps over more than 255 code units take an EXTENDED_ARG prefix; the listing
# folds it into the jump, and the offsets count it (the jump at 4 takes two
# units, so the next instruction is at 8). The pass-through output is the
# input, byte for byte.
# REQUIRES: python311
# RUN: rm -rf %t.d && mkdir -p %t.d
# RUN: %python311 -c "print('def f(x):\n    if x:\n' + ''.join(f'        x = x + {i}\n' for i in range(70)) + '    return x')" > %t.d/big.py
# RUN: %compile311 %t.d/big.py %t.d/big.pyc
# RUN: sleepy-rewrite --passes=none %t.d/big.pyc -o %t.d/out
# RUN: cmp %t.d/big.pyc %t.d/out/big.pyc
# RUN: sleepy-rewrite --passes=none --emit=dis --function=f %t.d/big.pyc -o %t.d/out > %t.d/dis.txt
# RUN: head -6 %t.d/dis.txt | FileCheck %s

# CHECK: code f (big.py:1) flags OPTIMIZED|NEWLOCALS args 1/0/0 stacksize 2
# CHECK-NEXT:     1       0 RESUME                          0
# CHECK-NEXT:     2       2 LOAD_FAST                       0 (x)
# CHECK-NEXT:             4 POP_JUMP_FORWARD_IF_FALSE     350 (to 708)
# CHECK-NEXT:     3       8 LOAD_FAST                       0 (x)
# CHECK-NEXT:            10 LOAD_CONST                      1 (0)
