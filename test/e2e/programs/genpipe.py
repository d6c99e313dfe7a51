"""A pipeline of generators with no function calls inside them, for the
signal test: a signal is acted on as a generator resumes (or starts), the
generator saved as parked where it waited, its driver (a for loop, next(),
yield from) stopped where it drives it. Deterministic; prints progress."""


def numbers(n):
    for i in range(n):
        yield i


def mixed(xs):
    for x in xs:
        if x % 3:
            yield x * x % 1009
        else:
            yield -x


def windows(xs, k):
    window = []
    for x in xs:
        window.append(x)
        if len(window) == k:
            yield sum(window)
            del window[0]


def chained(n):
    yield from windows(mixed(numbers(n)), 5)
    yield from numbers(3)


total, count = 0, 0
stream = chained(1500000)
first = next(stream)
for v in stream:
    total += v
    count += 1
    if count % 300000 == 0:
        print(count, total, flush=True)
print("result", first, count, total)
