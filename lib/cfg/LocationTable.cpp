//===- lib/cfg/LocationTable.cpp - the co_linetable codec (3.11+) ---------===//
//
// The encoder makes the choices of CPython's write_location_info_entry, so a
// table decoded into runs and encoded again gives the same bytes.
//
//===----------------------------------------------------------------------===//
#include "sleepy/cfg/Tables.h"

#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

using Form = LocationTableWriter::Form;
constexpr Form ShortForm0 = Form::ShortForm0, OneLine0 = Form::OneLine0,
               NoColumn = Form::NoColumn, Long = Form::Long, None = Form::None;

/// A header and four varints of at most 34 bits (6 bits a byte).
constexpr size_t MaxEntryBytes = 1 + 4 * 6;

} // namespace

llvm::Expected<llvm::ArrayRef<LocationRun>>
decodeLocationTable(llvm::StringRef bytes, int32_t firstLineNo,
                    llvm::StringRef path, uint64_t fileOffset,
                    std::vector<LocationRun> &storage, uint64_t maxUnits) {
  // An entry takes a byte at least: room for as many as there are bytes,
  // written through a pointer. The storage only grows, so a vector reused
  // from table to table is not filled again each time.
  if (storage.size() < bytes.size())
    storage.resize(bytes.size());
  LocationRun *const first = storage.data();
  LocationRun *out = first;
  const uint8_t *data = reinterpret_cast<const uint8_t *>(bytes.data());
  const size_t size = bytes.size();
  size_t pos = 0;
  int64_t line = firstLineNo;
  uint64_t units = 0;
  size_t entryAt = 0;
  auto truncated = [&]() {
    return inputError(path, fileOffset + entryAt,
                      "truncated location table entry");
  };
  auto varint = [&](uint64_t &v) -> bool {
    v = 0;
    unsigned shift = 0;
    for (;;) {
      if (pos >= size || shift > 30)
        return false;
      uint8_t b = data[pos++];
      if (b & 0x80)
        return false;
      v |= uint64_t(b & 63) << shift;
      shift += 6;
      if (!(b & 64))
        return true;
    }
  };
  auto signedVarint = [&](int64_t &v) -> bool {
    uint64_t u;
    if (!varint(u))
      return false;
    v = (u & 1) ? -int64_t(u >> 1) : int64_t(u >> 1);
    return true;
  };
  // Is there a byte after the header at pos + k that is not a header?
  auto payload = [&](size_t k) {
    return pos + k < size && !(data[pos + k] & 0x80);
  };
  auto lineOutOfRange = [&]() {
    return inputError(path, fileOffset + entryAt,
                      "location table line number out of range");
  };
  while (pos < size) {
    entryAt = pos;
    uint8_t h = data[pos++];
    if (!(h & 0x80))
      return inputError(path, fileOffset + entryAt,
                        "location table entry without a header byte");
    unsigned form = (h >> 3) & 15;
    // Each form writes the run's location straight into the storage.
    LocationRun &run = *out++;
    run.length = (h & 7) + 1u;
    units += run.length;
    Location &loc = run.loc;
    if (form < OneLine0) { // the line stays, so only its sign is checked
      if (!payload(0))
        return truncated();
      uint8_t b = data[pos++];
      if (line < 0)
        return lineOutOfRange();
      int32_t col = int32_t(form * 8 + ((b >> 4) & 7));
      loc = Location{int32_t(line), int32_t(line), col, col + (b & 15)};
    } else if (form < NoColumn) { // one line, the line advanced by 0-2
      if (!payload(0) || !payload(1))
        return truncated();
      line += form - OneLine0;
      if (line < 0 || line > INT32_MAX)
        return lineOutOfRange();
      loc = Location{int32_t(line), int32_t(line), data[pos], data[pos + 1]};
      pos += 2;
    } else if (form == NoColumn) {
      int64_t delta;
      if (!signedVarint(delta))
        return truncated();
      line += delta;
      if (line < 0 || line > INT32_MAX)
        return lineOutOfRange();
      loc = Location{int32_t(line), int32_t(line), -1, -1};
    } else if (form == Long) {
      int64_t delta;
      uint64_t endDelta, col, endCol;
      if (!signedVarint(delta) || !varint(endDelta) || !varint(col) ||
          !varint(endCol))
        return truncated();
      // Varints carry up to 36 bits; what does not fit a Location is
      // refused rather than cut down to a different value.
      line += delta;
      if (line + int64_t(endDelta) > INT32_MAX || col > INT32_MAX ||
          endCol > INT32_MAX)
        return inputError(path, fileOffset + entryAt,
                          "location table entry out of range");
      if (line < 0)
        return lineOutOfRange();
      loc = Location{int32_t(line), int32_t(line + int64_t(endDelta)),
                     int32_t(col) - 1, int32_t(endCol) - 1};
    } else {
      loc = Location{};
    }
  }
  if (units > maxUnits) {
    // Checked once at the end; the message names the entry that goes past.
    units = 0;
    pos = 0;
    for (const LocationRun *run = first;; ++run) {
      do
        entryAt = pos++;
      while (!(data[entryAt] & 0x80));
      units += run->length;
      if (units > maxUnits)
        return inputError(path, fileOffset + entryAt,
                          fmt::format("location table covers more than the "
                                      "{} code units of the bytecode",
                                      maxUnits));
    }
  }
  return llvm::makeArrayRef(first, out);
}

LocationTableWriter::LocationTableWriter(llvm::SmallVectorImpl<char> &out,
                                         int32_t firstLineNo, size_t maxEntries)
    : out(out), prevLine(firstLineNo) {
  size_t size = out.size();
  out.resize_for_overwrite(size + maxEntries * MaxEntryBytes);
  p = out.data() + size;
  limit = out.data() + out.size();
}

void LocationTableWriter::finish() { out.truncate(size_t(p - out.data())); }

void LocationTableWriter::addEntries(const Location &loc, uint32_t length) {
  for (; length > 8; length -= 8)
    entry(loc, 8);
  if (length)
    entry(loc, length);
}

namespace {

// The writer's pieces work through a local pointer: to the compiler, a byte
// stored through the writer's own pointer member might change that member,
// to be loaded again after every byte.
char *header(char *q, unsigned form, uint32_t length) {
  *q++ = char(0x80 | (form << 3) | (length - 1));
  return q;
}

char *varint(char *q, uint64_t v) {
  while (v >= 64) {
    *q++ = char(0x40 | (v & 63));
    v >>= 6;
  }
  *q++ = char(v);
  return q;
}

char *signedVarint(char *q, int64_t v) {
  return varint(q, v < 0 ? (uint64_t(-v) << 1) | 1 : uint64_t(v) << 1);
}

/// One entry of 1-8 units at \p loc after \p q; \p prevLine is the line
/// the last entry left.
char *writeEntry(char *q, const Location &loc, uint32_t length,
                 int32_t &prevLine) {
  if (loc.line < 0)
    return header(q, None, length);
  // In 64 bits: co_firstlineno is any int32, so the first delta can exceed
  // int32 range.
  int64_t delta = int64_t(loc.line) - prevLine;
  int32_t col = loc.col, endCol = loc.endCol;
  // An end line before the line cannot be encoded; CPython never makes one.
  int32_t endLine = loc.endLine < loc.line ? loc.line : loc.endLine;
  if (col < 0 || endCol < 0) {
    if (loc.endLine == loc.line || loc.endLine == -1) {
      prevLine = loc.line;
      return signedVarint(header(q, NoColumn, length), delta);
    }
  } else if (endLine == loc.line) {
    if (delta == 0 && col < 80 && endCol - col < 16 && endCol >= col) {
      q = header(q, ShortForm0 + unsigned(col) / 8, length);
      *q++ = char(((col & 7) << 4) | (endCol - col));
      return q;
    }
    if (delta >= 0 && delta < 3 && col < 128 && endCol < 128) {
      q = header(q, OneLine0 + unsigned(delta), length);
      q[0] = char(col);
      q[1] = char(endCol);
      prevLine = loc.line;
      return q + 2;
    }
  }
  q = signedVarint(header(q, Long, length), delta);
  q = varint(q, uint64_t(endLine) - uint64_t(loc.line));
  q = varint(q, uint64_t(int64_t(col) + 1));
  q = varint(q, uint64_t(int64_t(endCol) + 1));
  prevLine = loc.line;
  return q;
}

} // namespace

void LocationTableWriter::entry(const Location &loc, uint32_t length) {
  assert(length >= 1 && length <= 8);
  assert(size_t(limit - p) >= MaxEntryBytes && "more entries than reserved");
  int32_t line = prevLine;
  p = writeEntry(p, loc, length, line);
  prevLine = line;
}

void encodeLocationTable(llvm::ArrayRef<LocationRun> runs, int32_t firstLineNo,
                         llvm::SmallVectorImpl<char> &out) {
  size_t entries = 0;
  for (const LocationRun &run : runs)
    entries += (run.length + 7) / 8;
  LocationTableWriter w(out, firstLineNo, entries);
  for (const LocationRun &run : runs)
    w.add(run.loc, run.length);
  w.finish();
}

} // namespace sleepy
