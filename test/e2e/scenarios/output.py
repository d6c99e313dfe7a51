"""Output written before a suspension is neither lost nor printed twice,
whether or not it was flushed."""
import sys

from support import pause

print("line without flush", end="")
sys.stdout.write(" and more")
sys.stderr.write("to stderr\n")
pause()
print(" after resume")
for i in range(3):
    print(i, end=" ")
    pause()
print()
