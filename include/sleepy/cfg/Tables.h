//===- sleepy/cfg/Tables.h - exception and location table codecs ----------===//
//
// The two side tables of a 3.11+ code object, as CPython's assembler writes
// them (Objects/exception_handling_notes.txt, InternalDocs/locations.md):
//
//  - co_exceptiontable: entries (start, length, target, depth<<1 | lasti) in
//    code units, each a big-endian varint of 6-bit groups; bit 7 marks the
//    first byte of an entry.
//  - co_linetable: entries of 1 to 8 code units, each a header byte
//    1CCCCLLL (form, length-1) and the form's fields, in little-endian
//    varints of 6-bit groups. Every byte after a header stays below 0x80:
//    co_lines() finds entries by their high bit.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_TABLES_H
#define SLEEPY_CFG_TABLES_H

#include "sleepy/cfg/Function.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace sleepy {

/// One exception-table entry, in code units; end is exclusive.
struct ExceptionEntry {
  uint32_t start = 0, end = 0, target = 0, depth = 0;
  bool lasti = false;

  bool operator==(const ExceptionEntry &o) const {
    return start == o.start && end == o.end && target == o.target &&
           depth == o.depth && lasti == o.lasti;
  }
};

/// Decodes \p bytes. \p path and \p fileOffset (of the first byte) name the
/// place in errors.
llvm::Expected<std::vector<ExceptionEntry>>
decodeExceptionTable(llvm::StringRef bytes, llvm::StringRef path,
                     uint64_t fileOffset);
void encodeExceptionTable(llvm::ArrayRef<ExceptionEntry> entries,
                          llvm::SmallVectorImpl<char> &out);

/// A run of code units that share a location.
struct LocationRun {
  uint32_t length = 0;
  Location loc;

  bool operator==(const LocationRun &o) const {
    return length == o.length && loc == o.loc;
  }
};

/// Decodes \p bytes into runs, one per entry (runs are not merged), held in
/// \p storage: a vector the caller reuses from table to table, which only
/// grows (its size is not the number of runs). \p maxUnits is the length
/// of the bytecode: a table covering more is an error naming the entry that
/// goes past its end.
llvm::Expected<llvm::ArrayRef<LocationRun>>
decodeLocationTable(llvm::StringRef bytes, int32_t firstLineNo,
                    llvm::StringRef path, uint64_t fileOffset,
                    std::vector<LocationRun> &storage,
                    uint64_t maxUnits = UINT64_MAX);
/// Writes a location table entry by entry as CPython does, choosing the
/// shortest form of each entry and splitting runs longer than 8 units. Bytes
/// go through a raw pointer into room reserved up front.
class LocationTableWriter {
public:
  /// Entry forms (the header's CCCC).
  enum Form : uint8_t {
    ShortForm0 = 0, ///< 0-9: same line, col < 80, width < 16
    OneLine0 = 10,  ///< 10-12: line delta 0-2, col and end col < 128
    NoColumn = 13,
    Long = 14,
    None = 15,
  };

  /// Appends to \p out, with room for \p maxEntries entries (a run of n
  /// code units takes ceil(n / 8) of them).
  LocationTableWriter(llvm::SmallVectorImpl<char> &out, int32_t firstLineNo,
                      size_t maxEntries);
  /// The entries for \p length code units at \p loc.
  LLVM_ATTRIBUTE_ALWAYS_INLINE void add(const Location &loc,
                                       uint32_t length) {
    // Inline, the entries most code is made of: code without a location
    // (what the compiler or a pass adds: most of what the suspension pass
    // writes), and one line with columns below 128, in forms 0-12 (in 3.11,
    // an instruction's entry). addEntries() makes the same choices, and the
    // rest.
    if (length - 1 < 8) {
      uint8_t head = uint8_t(0x80 | (length - 1));
      if (loc.line < 0) {
        *p++ = char(head | (None << 3));
        return;
      }
      // Unsigned: a negative column or delta fails the range checks.
      uint32_t col = uint32_t(loc.col);
      uint32_t width = uint32_t(loc.endCol) - col;
      uint32_t delta = uint32_t(loc.line) - uint32_t(prevLine);
      if (loc.endLine == loc.line && int64_t(loc.line) - prevLine == delta &&
          col < 128 && uint32_t(loc.endCol) < 128) {
        if (delta == 0 && col < 80 && width < 16) { // same line
          p[0] = char(head | ((ShortForm0 + col / 8) << 3));
          p[1] = char(((col & 7) << 4) | width);
          p += 2;
          return;
        }
        if (delta < 3) { // one line, 0-2 after the last
          p[0] = char(head | ((OneLine0 + delta) << 3));
          p[1] = char(col);
          p[2] = char(loc.endCol);
          p += 3;
          prevLine = loc.line;
          return;
        }
      }
    }
    addEntries(loc, length);
  }
  /// Trims the output to what was written.
  void finish();

private:
  /// Out of line, so that add() stays small where it is inlined.
  LLVM_ATTRIBUTE_NOINLINE void addEntries(const Location &loc,
                                          uint32_t length);
  void entry(const Location &loc, uint32_t length);

  llvm::SmallVectorImpl<char> &out;
  char *p;
  char *limit;
  int32_t prevLine;
};

/// Encodes whole runs with a LocationTableWriter. Runs are not merged here.
void encodeLocationTable(llvm::ArrayRef<LocationRun> runs, int32_t firstLineNo,
                         llvm::SmallVectorImpl<char> &out);

} // namespace sleepy

#endif
