"""Objects suspended in the middle of their own methods, whose classes
pickle themselves by rebuilding from what they hold (a __reduce__ that
passes their values to the constructor, as sortedcontainers' do): the
running method's locals share parts of the object and its invariants are
broken for a moment, so the object must come back as it is."""
from support import pause


class Bag:
    def __init__(self, values=()):
        self.items = list(values)
        self.count = len(self.items)

    def __reduce__(self):
        return (Bag, (list(self.items),))

    def add(self, value):
        items = self.items
        items.append(value)
        pause()  # count is one behind until the line below
        items.append(-value)
        self.count += 2

    def __repr__(self):
        return f"Bag({self.items}, count={self.count})"


class Index(dict):
    """A dict subclass with its own __setitem__ and __reduce__."""

    def __init__(self, *args):
        super().__init__(*args)
        self.order = list(self)

    def __setitem__(self, key, value):
        if key not in self:
            self.order.append(key)
        super().__setitem__(key, value)

    def __reduce__(self):
        return (Index, (dict(self),))

    def put(self, key, value):
        order = self.order
        self[key] = value
        pause()
        order.append("after " + key)


def main():
    bag = Bag([1])
    bag.add(2)
    bag.add(3)
    print(bag, bag.count == len(bag.items))
    idx = Index({"a": 1})
    idx.put("b", 2)
    print(dict(idx), idx.order)
    print(Bag([5]), Index({"z": 0}).order)  # at rest, they still pickle their way


main()
