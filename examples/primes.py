"""A small CPU-bound program: count primes with a sieve, with a loop, a
generator and a try block, so the rewriter has something to chew on."""
import sys


def primes(limit):
    sieve = bytearray([1]) * (limit + 1)
    sieve[0:2] = b"\0\0"
    for n in range(2, int(limit ** 0.5) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytearray(len(sieve[n * n :: n]))
    for n, is_prime in enumerate(sieve):
        if is_prime:
            yield n


def main(argv):
    try:
        limit = int(argv[1]) if len(argv) > 1 else 100000
    except ValueError:
        print("usage: primes.py [LIMIT]")
        return 2
    count = 0
    last = None
    for p in primes(limit):
        count += 1
        last = p
    print(f"{count} primes up to {limit}; the last is {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
