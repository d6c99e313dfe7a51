"""A function whose arguments are captured by a closure (so they live in
cells) and default to None, called in a loop: a signal that catches it as
it starts must resume it with its arguments."""


def rank(graph, alpha=0.85, start=None, weight=None):
    if start is None:
        start = {n: 1.0 / len(graph) for n in graph}
    score = lambda n: start[n] * alpha + (weight or 0)
    return sum([score(n) for n in graph])


def main():
    total = 0.0
    graph = list(range(8))
    for i in range(60000):
        total += rank(graph, start=None if i % 2 else {n: 0.5 for n in graph})
        if i % 10000 == 0:
            print(i, round(total, 6), flush=True)
    print("total", round(total, 6))


main()
