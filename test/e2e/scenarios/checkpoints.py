# mode: checkpoint
"""checkpoint() saves while the program keeps running: it returns False
there, True in the process resumed from it, which goes on from that point."""
from support import pause

data = []
for i in range(5):
    data.append(i * i)
    if i == 2:
        pause()
    print("step", i, data)
print("sum", sum(data))
