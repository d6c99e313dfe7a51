"""A workload of pyparsing: an arithmetic grammar with precedence,
evaluated over generated expressions, and a small config-file grammar."""
import random

import pyparsing as pp

ppc = pp.pyparsing_common


def arith():
    operand = ppc.number | pp.Word(pp.alphas, exact=1)
    return pp.infix_notation(operand, [
        (pp.one_of("- +"), 1, pp.OpAssoc.RIGHT),
        (pp.one_of("* /"), 2, pp.OpAssoc.LEFT),
        (pp.one_of("+ -"), 2, pp.OpAssoc.LEFT),
    ])


def evaluate(t, env):
    if isinstance(t, (int, float)):
        return t
    if isinstance(t, str):
        return env[t]
    t = list(t)
    if len(t) == 2:
        v = evaluate(t[1], env)
        return -v if t[0] == "-" else v
    acc = evaluate(t[0], env)
    for op, rhs in zip(t[1::2], t[2::2]):
        r = evaluate(rhs, env)
        if op == "+":
            acc += r
        elif op == "-":
            acc -= r
        elif op == "*":
            acc *= r
        else:
            acc = acc / r if r else float("inf")
    return acc


def gen(rng, depth):
    if depth == 0 or rng.random() < 0.3:
        return rng.choice([str(rng.randint(1, 20)), "x", "y", f"{rng.random() * 10:.2f}"])
    op = rng.choice("+-*/")
    s = f"{gen(rng, depth - 1)} {op} {gen(rng, depth - 1)}"
    return f"({s})" if rng.random() < 0.5 else s


def main():
    rng = random.Random(21)
    grammar = arith()
    total = 0.0
    with open("results.txt", "w") as out:
        for i in range(200):
            text = gen(rng, 4)
            tree = grammar.parse_string(text, parse_all=True)[0]
            v = evaluate(tree, {"x": 3, "y": 7})
            total += v if abs(v) < 1e9 else 0
            out.write(f"{text} = {v:.6g}\n")
    print(f"evaluated 200 expressions, total {total:.6f}")
    key = pp.Word(pp.alphas + "_", pp.alphanums + "_")
    value = ppc.number | pp.QuotedString('"') | pp.Word(pp.alphanums + "./")
    entry = pp.Group(key + pp.Suppress("=") + value)
    section = pp.Group(pp.Suppress("[") + key + pp.Suppress("]") + pp.Group(pp.ZeroOrMore(entry)))
    config = pp.ZeroOrMore(section)
    text = "\n".join(f"[sec{i}]\n" + "\n".join(f'k{j} = "{i * j}"' if j % 3 else f"k{j} = {i + j}"
                                                for j in range(12)) for i in range(40))
    parsed = config.parse_string(text, parse_all=True)
    print("sections", len(parsed), "last", parsed[-1][0], list(parsed[-1][1][-1]))
    words = pp.Word(pp.alphas)[1, ...]
    print("scan", sum(1 for _ in ppc.integer.scan_string("a 1 b 22 c 333 " * 500)))
    print("words", words.parse_string("hello brave new world")[:])


if __name__ == "__main__":
    main()
