"""Loops of every kind, suspended inside their bodies."""
from support import pause


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n


def main():
    total = 0
    for x in [1, 2, 3]:
        total += x
        if x == 2:
            pause()
    print("list", total)
    for i in range(10, 14):
        if i == 11:
            continue
        if i == 13:
            pause()
            break
        total += i
    else:
        print("not reached")
    print("range", total)
    d = {"a": 1, "b": 2, "c": 3}
    for k, v in d.items():
        if k == "b":
            pause()
        total += v
    print("dict", total)
    for i, (a, b) in enumerate(zip("xyz", [7, 8, 9])):
        if i == 1:
            pause()
        print(i, a, b)
    for n in Countdown(3):
        pause()
        print("countdown", n)
    n = 0
    while n < 5:
        n += 1
        if n == 4:
            pause()
    else:
        print("while else", n)
    for a in range(2):
        for b in range(2):
            if a == b == 1:
                pause()
            print("nested", a, b)
    print("total", total)


main()
