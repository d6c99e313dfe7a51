#!/usr/bin/env python3
"""Conway's game of life on a torus, with a frozen dataclass for cells;
prints the population every 20 generations and writes snapshots."""
import json
import random
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Cell:
    x: int
    y: int

    def neighbours(self, w, h):
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if dx or dy:
                    yield Cell((self.x + dx) % w, (self.y + dy) % h)


class Board:
    def __init__(self, w, h, alive):
        self.w, self.h = w, h
        self.alive = set(alive)
        self.generation = 0

    def step(self):
        counts = {}
        for cell in self.alive:
            for n in cell.neighbours(self.w, self.h):
                counts[n] = counts.get(n, 0) + 1
        self.alive = {c for c, k in counts.items() if k == 3 or (k == 2 and c in self.alive)}
        self.generation += 1

    def render(self):
        return ["".join("#" if Cell(x, y) in self.alive else "." for x in range(self.w))
                for y in range(self.h)]


def main():
    rng = random.Random(3)
    board = Board(64, 48, (Cell(rng.randrange(64), rng.randrange(48)) for _ in range(900)))
    history = []
    with open("population.txt", "w") as log:
        for _ in range(160):
            board.step()
            log.write(f"{board.generation} {len(board.alive)}\n")
            if board.generation % 20 == 0:
                print(f"generation {board.generation}: {len(board.alive)} alive, "
                      f"first {min(board.alive) if board.alive else None}")
                history.append(board.render())
    with open("frames.json", "w") as f:
        json.dump(history, f)


if __name__ == "__main__":
    main()
