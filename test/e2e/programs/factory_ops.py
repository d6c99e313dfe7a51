"""Operators made by one factory, as fractions.Fraction's are: each dunder
is a closure over its own operator, and all share one code object. The
program signals itself, then multiplies: the signal catches the __mul__
closure as it starts, and the resumed frame must be that closure (with
operator.mul in its cell), not another dunder of the same code."""
import operator
import os
import signal


def _operator(op):
    def forward(a, b):
        return Money(op(a.cents, b.cents))
    return forward


class Money:
    __add__ = _operator(operator.add)
    __sub__ = _operator(operator.sub)
    __mul__ = _operator(operator.mul)

    def __init__(self, cents):
        self.cents = cents


def main():
    a, b = Money(6), Money(7)
    os.kill(os.getpid(), signal.SIGUSR1)
    product = a * b
    print("product", product.cents, "sum", (a + b).cents)


main()
