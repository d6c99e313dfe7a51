#!/usr/bin/env python3
"""Word frequencies of a generated corpus: writes the corpus, reads it
back line by line, counts words and bigrams, writes a wrapped report."""
import argparse
import random
import string
import textwrap
from collections import Counter
from enum import IntEnum


class Level(IntEnum):
    RARE = 0
    COMMON = 1
    FREQUENT = 2


def level_of(count, total):
    share = count / total
    if share > 0.01:
        return Level.FREQUENT
    if share > 0.001:
        return Level.COMMON
    return Level.RARE


def make_corpus(path, lines, rng):
    vocab = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9)))
             for _ in range(3000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(lines):
            words = rng.choices(vocab, weights, k=rng.randint(5, 15))
            f.write(" ".join(words).capitalize() + ".\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=60000)
    args = ap.parse_args()
    rng = random.Random(99)
    make_corpus("corpus.txt", args.lines, rng)
    words, bigrams = Counter(), Counter()
    with open("corpus.txt", encoding="utf-8") as f:
        for line in f:
            tokens = line.lower().strip(".\n").split()
            words.update(tokens)
            bigrams.update(zip(tokens, tokens[1:]))
    total = sum(words.values())
    levels = Counter(level_of(c, total) for c in words.values())
    for level in Level:
        print(f"{level.name.lower():>9}: {levels[level]} words")
    top = ", ".join(f"{w} ({c})" for w, c in words.most_common(12))
    with open("report.txt", "w") as f:
        f.write(textwrap.fill("Most common: " + top, width=60) + "\n")
        f.write(textwrap.fill("Bigrams: " + ", ".join(" ".join(b) for b, _ in
                                                      bigrams.most_common(15)), width=60) + "\n")
    print(textwrap.shorten(top, 70))
    print(f"{total} words, {len(words)} distinct, {len(bigrams)} bigrams")


if __name__ == "__main__":
    main()
