"""State beyond frames: random's hidden generator and Random instances
(with an attribute of their own, also while a method of theirs runs, as
test_random's `g.random = x[:].pop`), open files (written, appended and read),
csv's field size limit, warnings' filters and which warnings were shown
(a warning shown once is not shown again after resume), sys.argv and the
working directory."""
import csv
import os
import warnings
import random
import sys
import tempfile
from random import randint

from support import pause

random.seed(12345)
rng = random.Random(99)
rng.label = "mine"
csv.field_size_limit(4096)
warnings.simplefilter("ignore", UserWarning)
warnings.filterwarnings("error", "fatal .*")


class Drawing(random.Random):
    def draw(self):
        pause()
        return self.random()


drawn = Drawing(7)
drawn.random = [0.25, 0.5, 0.75][:].pop
work = tempfile.mkdtemp(prefix="sleepy-state-")
os.chdir(work)
with open("input.txt", "w") as f:
    f.write("".join(f"line {i}\n" for i in range(6)))

out = open("output.txt", "w")
log = open("log.txt", "a")
src = open("input.txt")
data = open("blob.bin", "wb")

print("first", src.readline().strip(), random.random(), randint(1, 100), rng.random())
out.write("written before\n")
log.write("appended before\n")
data.write(b"\x00\x01")
pause()
print("cwd kept", os.getcwd() == work, "argv", sys.argv[1:], csv.field_size_limit(),
      rng.label)
warnings.warn("silenced")  # printed on stderr were the filters lost
try:
    warnings.warn("fatal one")
except UserWarning as e:
    print("raised", e)
print("after", src.readline().strip(), random.random(), randint(1, 100), rng.random())
out.write("written after\n")
log.write("appended after\n")
data.write(b"\x02")
pause()
print("again", src.readline().strip(), random.choice("abcdef"), rng.randint(0, 9))
print("drawn", drawn.draw(), drawn.draw(), drawn.random.__self__)
for f in (out, log, src, data):
    f.close()
with open("output.txt") as f:
    print("output:", f.read().splitlines())
with open("log.txt") as f:
    print("log:", f.read().splitlines())
with open("blob.bin", "rb") as f:
    print("blob:", f.read())


def shown(message, category, filename, lineno, file=None, line=None):
    print("warning shown:", message)


for _ in range(7):  # (the filters' version then differs from a fresh process's)
    warnings.simplefilter("default", RuntimeWarning)
for k in range(3):
    warnings.showwarning = shown  # (warnings' own state: not carried over)
    warnings.warn("shown once per place", RuntimeWarning)
    if k == 1:
        pause()
