import json
from importlib import resources

_prices = json.loads(resources.files("shop").joinpath("data/prices.json").read_text())


def price_of(name):
    return _prices[name]
