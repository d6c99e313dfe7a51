"""`for` over iterators whose `__next__` is Python code (called by FOR_ITER
through the type's slot): suspended inside `__next__`, including on the call
that ends the loop with StopIteration, and one that raises another error
caught around the loop."""
from support import pause


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        pause()
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n


class Pages:
    """Yields pages of a list; its __iter__ returns a separate iterator."""

    def __init__(self, items, size):
        self.items, self.size = items, size

    def __iter__(self):
        return PageIterator(self)


class PageIterator:
    def __init__(self, pages):
        self.pages, self.at = pages, 0

    def __next__(self):
        start = self.at
        if start >= len(self.pages.items):
            raise StopIteration
        self.at += self.pages.size
        return pause(self.pages.items[start:self.at])


class Broken:
    def __init__(self):
        self.calls = 0

    def __iter__(self):
        return self

    def __next__(self):
        self.calls += 1
        pause()
        if self.calls == 3:
            raise ValueError("broken at 3")
        return self.calls


def main():
    print([x * 10 for x in Countdown(3)])
    total = 0
    for page in Pages(list(range(10)), 4):
        total += sum(page)
        print("page", page)
    print("total", total)
    got = []
    try:
        for v in Broken():
            got.append(v)
    except ValueError as e:
        print("caught", e, got)
    for outer in Countdown(2):
        for inner in Countdown(2):
            print("pair", outer, inner)


main()
