#!/usr/bin/env python3
"""Compile Python sources to .pyc files with the interpreter that runs this script.

    python3.12 utils/compile-pyc.py SRC.py OUT.pyc          one file
    python3.12 utils/compile-pyc.py --batch LIST            "SRC<TAB>OUT" per line

Tests use it to make their inputs at test time (as LLVM tests use yaml2obj).
The code objects' co_filename is the source's base name, so printed output
does not depend on where the checkout lives.
"""
import os
import py_compile
import sys


def compile_one(src, out):
    py_compile.compile(src, cfile=out, dfile=os.path.basename(src), doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--batch":
        with open(args[1]) as f:
            for line in f:
                if line.strip():
                    compile_one(*line.rstrip("\n").split("\t"))
    elif len(args) == 2:
        compile_one(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
