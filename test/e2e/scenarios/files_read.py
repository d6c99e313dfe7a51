"""Files as scripts use them: a text file read by `for line in f`, by
read(n) and readline(), a csv reader and a DictReader, a file appended to,
binary files, in-memory streams, unnamed temporary files (their contents
go along) and a file opened from a descriptor (reopened by its path); each
goes on from where it was."""
import csv
import io
import os
import tempfile

from support import pause

DATA = os.path.join(os.getcwd(), "files_read.txt")
TABLE = os.path.join(os.getcwd(), "files_read.csv")
OUT = os.path.join(os.getcwd(), "files_read.out")
BLOB = os.path.join(os.getcwd(), "files_read.bin")

with open(DATA, "w", encoding="utf-8") as f:
    for i in range(3000):
        f.write(f"line {i} é{'x' * (i % 7)}\n")
with open(TABLE, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "qty"])
    for i in range(50):
        w.writerow([f"item{i}", i])
with open(BLOB, "wb") as f:
    f.write(bytes(range(256)) * 8)
for path in (OUT,):
    if os.path.exists(path):
        os.remove(path)


def lines():
    total = 0
    with open(DATA, encoding="utf-8") as f:
        for k, line in enumerate(f):
            total += int(line.split()[1])
            if k in (10, 1500, 2999):
                pause()
        print("lines", total, repr(f.read()))


def pieces():
    with open(DATA, encoding="utf-8") as f:
        head = f.read(7)
        pause()
        first = f.readline()
        pause()
        print("pieces", repr(head), repr(first), repr(f.readline()), f.tell() > 0)


def tables():
    with open(TABLE, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        got = []
        for row in rows:
            got.append(int(row[1]))
            if len(got) == 20:
                pause()
        print("csv", header, sum(got), len(got), rows.line_num)
    with open(TABLE, newline="") as f:
        reader = csv.DictReader(f)
        first = next(reader)
        pause()
        print("dict", first, next(reader), reader.fieldnames, reader.line_num)


def appends():
    with open(OUT, "a") as out:
        out.write("one\n")
        pause()
        out.write("two\n")
    with open(BLOB, "rb") as b, open(OUT, "ab") as out:
        b.read(100)
        pause()
        out.write(b.read(4))
    with open(OUT, "rb") as f:
        print("appended", f.read())


def memory():
    s = io.StringIO()
    s.write("hello ")
    bio = io.BytesIO(b"abcdef")
    bio.read(2)
    pause()
    s.write("world")
    print("memory", s.getvalue(), bio.read(2), bio.tell())


def temporaries():
    with tempfile.TemporaryFile("w+", encoding="utf-8") as t, tempfile.TemporaryFile() as b:
        t.write("alpha\nbéta\ngamma\n")
        b.write(bytes(range(10)))
        t.seek(0)
        first = t.readline()
        b.seek(3)
        pause()
        second = t.readline()
        b.write(b"Z")
        pause()
        t.seek(0, os.SEEK_END)
        t.write("delta\n")
        t.seek(0)
        b.seek(0)
        print("temporary", repr(first), repr(second), repr(t.read()), b.read())
    with os.fdopen(os.open(DATA, os.O_RDONLY), encoding="utf-8") as f:
        f.readline()
        pause()
        print("fdopen", repr(f.readline()), isinstance(f.name, int))


lines()
pieces()
tables()
appends()
memory()
temporaries()
