"""Objects reached both from the module's globals and from the suspended
frames keep their identity across a snapshot. suspend() pickles the globals
before it forks and the stack after, in the child, with one memo; a
generator held in a global and running at the suspension cannot be pickled
before the stack is unwound, so then the child pickles both (the walk
below)."""
from support import pause

table = {"hits": [], "name": "table"}
history = []


class Box:
    def __init__(self, items):
        self.items = items


shelf = Box(history)


def walk(n):
    for i in range(n):
        history.append(i)
        pause()  # `walker`, a global, is running here
        yield i * i


def main():
    hits = table["hits"]  # locals that are globals, or parts of them
    log = history
    box = shelf
    hits.append(pause(1))
    log.append("a")
    print(hits is table["hits"], log is history, box is shelf, box.items is log)
    fresh = [hits, log]  # new objects that hold old ones
    pause()
    fresh[0].append(2)
    fresh[1].append("b")
    print(table, history, shelf.items is history)


main()
walker = walk(3)
for v in walker:
    print("walked", v, history, shelf.items is history)
print(table, history)
