"""Generators folded by sum, max, any and sorted, for the signal test run
with --python-drivers: most of the time is spent in functions called from
generators those functions drive, so signals land there (as those
functions start: a signal is acted on where a rewritten function starts). Deterministic; prints progress."""


def divides(p, k):
    return k % p == 0


def is_prime(k):
    return not any(divides(p, k) for p in range(2, int(k ** 0.5) + 1))


def primes_below(n):
    for k in range(2, n):
        if is_prime(k):
            yield k


def weight(p, rnd):
    return (p * rnd) % 101


def weights(rnd):
    for p in primes_below(300 + rnd):
        yield weight(p, rnd)


def main():
    total = 0
    for rnd in range(300):
        total += sum(w * w for w in weights(rnd))
        total += max(weights(rnd)) + any(w == 100 for w in weights(rnd))
        total += sorted(weights(rnd))[rnd % 50]
        if rnd % 50 == 0:
            print(rnd, total, flush=True)
    print("result", total)


main()
