"""Arithmetic on user types, for the signal test: most of the time is spent
in dunders the interpreter calls through type slots (operators,
comparisons, subscripts, `in`), so signals land inside them and as they
start. Deterministic; prints its progress."""


class Vec:
    __slots__ = ("xs",)

    def __init__(self, xs):
        self.xs = list(xs)

    def __add__(self, other):
        if isinstance(other, Vec):
            return Vec(a + b for a, b in zip(self.xs, other.xs))
        return NotImplemented

    def __radd__(self, other):  # sum-like folds start from 0
        return self if other == 0 else NotImplemented

    def __mul__(self, k):
        return Vec(a * k % 1000003 for a in self.xs)

    __rmul__ = __mul__

    def __getitem__(self, i):
        return self.xs[i]

    def __setitem__(self, i, v):
        self.xs[i] = v

    def __lt__(self, other):
        return sum(self.xs) < sum(other.xs)

    def __eq__(self, other):
        return isinstance(other, Vec) and self.xs == other.xs

    __hash__ = None

    def __neg__(self):
        return Vec(-a for a in self.xs)

    def __contains__(self, v):
        return v in self.xs


class Grid:
    def __init__(self, n):
        self.rows = {i: Vec(range(i, i + 8)) for i in range(n)}

    def __getitem__(self, key):
        i, j = key
        return self.rows[i][j]

    def __setitem__(self, key, v):
        i, j = key
        row = self.rows[i]
        row[j] = v


def main():
    grid = Grid(40)
    acc = Vec([0] * 8)
    for rnd in range(2000):
        for i in range(40):
            row = grid.rows[i]
            acc = acc + row * (rnd + i)
            if -acc < acc:
                acc = acc + Vec([1] * 8)
            grid[i, rnd % 8] = (grid[i, (rnd + 1) % 8] + acc[i % 8]) % 997
        if 5 in acc:
            acc[0] += 1
        if rnd % 200 == 0:
            print(rnd, acc[0], acc == acc * 1, flush=True)
    print("result", acc.xs, sum(v[0] for v in grid.rows.values()))


main()
