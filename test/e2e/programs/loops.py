"""Loops that call nothing for long stretches, where a signal can only be
acted on at a loop's jump back (the interpreter runs the handler there):
while loops, nested; for over range, a list, dict items, enumerate(zip())
and a string; inside try/finally; in a generator driven by a for; and at
the top level of the module. Prints what each computed."""


def sieve(n):
    flags = [True] * n
    flags[0] = flags[1] = False
    i = 2
    while i * i < n:
        if flags[i]:
            j = i * i
            while j < n:
                flags[j] = False
                j += i
        i += 1
    count = 0
    for f in flags:
        if f:
            count += 1
    return count


def mixing(rounds):
    table = {k: k * 3 % 17 for k in range(64)}
    acc = 0
    for r in range(rounds):
        for k, v in table.items():
            acc = (acc * 31 + k * v + r) % 1000003
    return acc


def paired(xs, ys):
    total = 0
    for i, (a, b) in enumerate(zip(xs, ys)):
        total += i * a - b % 7
    return total


def guarded(n):
    total = 0
    try:
        for i in range(n):
            total ^= i * 2654435761 % 4294967296
    finally:
        total += 1
    return total


def letters(text, times):
    vowels = 0
    for _ in range(times):
        for ch in text:
            if ch in "aeiou":
                vowels += 1
    return vowels


def numbers(n):
    i = 0
    while i < n:
        x = i * i % 97
        i += 1
        if x % 5 == 0:
            yield x


def drained(n):
    total = 0
    for x in numbers(n):
        total += x
    return total


xs = list(range(300_000))
ys = [x * x for x in xs]
grand = 0
for step in range(2):
    grand += step
    print("sieve", step, sieve(1_000_000 + step))
    print("mixing", step, mixing(6_000))
    print("paired", step, paired(xs, ys))
    print("guarded", step, guarded(900_000))
    print("letters", step, letters("the quick brown fox jumps over the lazy dog", 12_000))
    print("drained", step, drained(600_000))
    k = 0
    while k < 1_200_000:
        grand = (grand * 7 + k) % 998_244_353
        k += 1
    print("grand", step, grand)
