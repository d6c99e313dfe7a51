# The Graphviz printer: a node per block, jump and fallthrough edges, dashed
# edges to handlers.
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --passes=none --emit=dot --function=f %t.pyc -o %t.out | FileCheck %s

def f(x):
    try:
        return 1 / x
    except ZeroDivisionError:
        return 0

# CHECK: digraph "code f (dot-311.py:7) flags OPTIMIZED\|NEWLOCALS args 1/0/0 stacksize 4" {
# CHECK-NEXT:   node [shape=box fontname=monospace];
# CHECK-NEXT:   bb0 [label="bb0\lRESUME 0\lNOP\lLOAD_CONST 1 (1)\lLOAD_FAST 0 (x)\lBINARY_OP 11 (/)\lRETURN_VALUE\l"];
# CHECK-NEXT:   bb1 [label="bb1\lPUSH_EXC_INFO\lLOAD_GLOBAL 0 (ZeroDivisionError)\lCHECK_EXC_MATCH\lPOP_JUMP_FORWARD_IF_FALSE bb3\l"];
# CHECK-NEXT:   bb2 [label="bb2\lPOP_TOP\lPOP_EXCEPT\lLOAD_CONST 2 (0)\lRETURN_VALUE\l"];
# CHECK-NEXT:   bb3 [label="bb3\lRERAISE 0\l"];
# CHECK-NEXT:   bb4 [label="bb4\lCOPY 3\lPOP_EXCEPT\lRERAISE 1\l"];
# CHECK-NEXT:   bb0 -> bb1 [style=dashed];
# CHECK-NEXT:   bb1 -> bb4 [style=dashed];
# CHECK-NEXT:   bb1 -> bb3 [label=jump];
# CHECK-NEXT:   bb1 -> bb2;
# CHECK-NEXT:   bb2 -> bb4 [style=dashed];
# CHECK-NEXT:   bb3 -> bb4 [style=dashed];
# CHECK-NEXT: }
