#!/usr/bin/env python3
"""A small bank ledger: accounts, transfers that may fail, an audit log
through logging, context managers, and a JSON statement per account."""
import contextlib
import json
import logging
import random
from decimal import Decimal


class InsufficientFunds(Exception):
    pass


class Account:
    def __init__(self, number, owner, balance=Decimal("0")):
        self.number, self.owner, self.balance = number, owner, balance
        self.history = []

    def withdraw(self, amount):
        if amount > self.balance:
            raise InsufficientFunds(f"{self.number}: {amount} > {self.balance}")
        self.balance -= amount
        self.history.append(("debit", str(amount)))

    def deposit(self, amount):
        self.balance += amount
        self.history.append(("credit", str(amount)))

    def __repr__(self):
        return f"Account({self.number!r}, {self.owner!r}, {self.balance})"


class Bank:
    def __init__(self):
        self.accounts = {}
        self.log = logging.getLogger("bank")
        self.failed = 0

    def open(self, owner, initial):
        number = f"AC{len(self.accounts) + 1:04d}"
        self.accounts[number] = Account(number, owner, initial)
        return number

    @contextlib.contextmanager
    def transaction(self, label):
        snapshot = {n: (a.balance, len(a.history)) for n, a in self.accounts.items()
                    if n in label}
        try:
            yield
        except InsufficientFunds as e:
            self.failed += 1
            self.log.warning("rolled back %s: %s", label, e)
            for n, (bal, h) in snapshot.items():
                self.accounts[n].balance = bal
                del self.accounts[n].history[h:]
        else:
            self.log.info("committed %s", label)

    def transfer(self, src, dst, amount):
        with self.transaction((src, dst)):
            self.accounts[dst].deposit(amount)
            self.accounts[src].withdraw(amount)


def main():
    logging.basicConfig(filename="audit.log", filemode="w", level=logging.INFO,
                        format="%(name)s %(levelname)s %(message)s")
    rng = random.Random(1234)
    bank = Bank()
    owners = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]
    numbers = [bank.open(o, Decimal(rng.randint(100, 1000))) for o in owners * 5]
    for i in range(60000):
        src, dst = rng.sample(numbers, 2)
        amount = Decimal(rng.randint(1, 30000)) / 100
        bank.transfer(src, dst, amount)
    total = sum(a.balance for a in bank.accounts.values())
    print(f"{len(bank.accounts)} accounts, total {total}, failed transfers {bank.failed}")
    richest = sorted(bank.accounts.values(), key=lambda a: (-a.balance, a.number))[:3]
    print("richest:", richest)
    for number, acct in sorted(bank.accounts.items())[:10]:
        with open(f"statement-{number}.json", "w") as f:
            json.dump({"owner": acct.owner, "balance": str(acct.balance),
                       "entries": acct.history[-20:]}, f)


if __name__ == "__main__":
    main()
