# The suspension pass on 3.11: a `for`'s GET_ITER (the iterable's __iter__)
# and an f-string field's FORMAT_VALUE (__format__, or a conversion's __str__
# or __repr__) call Python code through a slot: sites of an operator's kind.
# Here nothing is kept under them and no handler covers them: bare sites
# (upper case O), with no capture handler. The trailer lists, in layout
# order: the entry, GET_ITER, the loop's NOP, FOR_ITER (keeping the iterator)
# and FORMAT_VALUE, each with the depth it keeps.
# REQUIRES: python311
# RUN: %compile311 %s %t.pyc
# RUN: sleepy-rewrite --function=g %t.pyc -o %t.out
# RUN: %python311 -c "import marshal, sys; f = open(sys.argv[1], 'rb'); f.read(16); marshal.load(f); t = marshal.load(f); print([(bytes(e[2][k * 13:k * 13 + 1]), e[2][k * 13 + 9]) for e in t[3] for k in range(len(e[2]) // 13)])" %t.out/slot-sites-311.py.tmp.pyc | FileCheck %s


def g(xs, t):
    for x in xs:
        pass
    return f"{t:>3}"

# CHECK: [(b'e', 0), (b'O', 0), (b'l', 1), (b'i', 1), (b'O', 0)]
