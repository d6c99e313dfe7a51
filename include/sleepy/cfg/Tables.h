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

/// Decodes \p bytes into \p runs (cleared first; a vector the caller reuses
/// saves an allocation per code object), one run per entry: runs are not
/// merged.
llvm::Error decodeLocationTable(llvm::StringRef bytes, int32_t firstLineNo,
                                llvm::StringRef path, uint64_t fileOffset,
                                std::vector<LocationRun> &runs);
/// Writes a location table entry by entry as CPython does, choosing the
/// shortest form of each entry and splitting runs longer than 8 units. Bytes
/// go through a raw pointer into room reserved up front.
class LocationTableWriter {
public:
  /// Appends to \p out, with room for \p maxEntries entries (a run of n
  /// code units takes ceil(n / 8) of them).
  LocationTableWriter(llvm::SmallVectorImpl<char> &out, int32_t firstLineNo,
                      size_t maxEntries);
  /// The entries for \p length code units at \p loc.
  void add(const Location &loc, uint32_t length) {
    // Inline, the entries of code without a location (what the compiler or a
    // pass adds): most of what the suspension pass writes.
    if (loc.line < 0 && length >= 1 && length <= 8) {
      *p++ = char(0x80 | (15 << 3) | (length - 1)); // form 15: none
      return;
    }
    for (; length > 8; length -= 8)
      entry(loc, 8);
    if (length)
      entry(loc, length);
  }
  /// Trims the output to what was written.
  void finish();

private:
  void entry(const Location &loc, uint32_t length);
  void header(unsigned form, uint32_t length);
  void varint(uint64_t v);
  void signedVarint(int64_t v);

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
