_stock = {"apple": 5, "pear": 2, "fig": 9}


def available(name):
    return _stock.get(name, 0)


def take(name, qty):
    _stock[name] -= qty
