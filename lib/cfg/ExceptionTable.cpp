//===- lib/cfg/ExceptionTable.cpp - the co_exceptiontable codec -----------===//
#include "sleepy/cfg/Tables.h"

#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

constexpr uint8_t EntryStart = 0x80;
constexpr uint8_t Continue = 0x40;
constexpr uint32_t MaxValue = (1u << 30) - 1;

/// Writes \p value at \p p (at most five bytes of 6 bits: values are under
/// 2^30) and returns the end.
char *writeItem(char *p, uint32_t value, uint8_t msb) {
  assert(value <= MaxValue && "exception table value out of range");
  for (int shift = 24; shift > 0; shift -= 6) {
    if (value >= (1u << shift)) {
      *p++ = char(((value >> shift) & 0x3f) | Continue | msb);
      msb = 0;
    }
  }
  *p++ = char((value & 0x3f) | msb);
  return p;
}

} // namespace

llvm::Expected<std::vector<ExceptionEntry>>
decodeExceptionTable(llvm::StringRef bytes, llvm::StringRef path,
                     uint64_t fileOffset) {
  std::vector<ExceptionEntry> entries;
  size_t pos = 0;
  auto item = [&](bool first, uint32_t &value) -> llvm::Error {
    size_t at = pos;
    if (pos >= bytes.size())
      return inputError(path, fileOffset + at,
                        "truncated exception table entry");
    uint8_t b = uint8_t(bytes[pos++]);
    if (first != bool(b & EntryStart))
      return inputError(path, fileOffset + at,
                        first ? "exception table entry does not start with a "
                                "marked byte"
                              : "exception table entry has a marked byte "
                                "inside it");
    uint64_t v = b & 0x3f;
    while (b & Continue) {
      if (pos >= bytes.size())
        return inputError(path, fileOffset + at,
                          "truncated exception table varint");
      b = uint8_t(bytes[pos++]);
      if (b & EntryStart)
        return inputError(path, fileOffset + pos - 1,
                          "exception table varint interrupted by a marked "
                          "byte");
      v = (v << 6) | (b & 0x3f);
      if (v > MaxValue)
        return inputError(path, fileOffset + at,
                          "exception table value out of range");
    }
    value = uint32_t(v);
    return llvm::Error::success();
  };
  while (pos < bytes.size()) {
    ExceptionEntry e;
    uint32_t length = 0, dl = 0;
    if (auto err = item(true, e.start))
      return std::move(err);
    if (auto err = item(false, length))
      return std::move(err);
    if (auto err = item(false, e.target))
      return std::move(err);
    if (auto err = item(false, dl))
      return std::move(err);
    e.end = e.start + length;
    e.depth = dl >> 1;
    e.lasti = dl & 1;
    entries.push_back(e);
  }
  return entries;
}

void encodeExceptionTable(llvm::ArrayRef<ExceptionEntry> entries,
                          llvm::SmallVectorImpl<char> &out) {
  // Written through a raw pointer into room for the longest entries.
  size_t size = out.size();
  out.resize_for_overwrite(size + entries.size() * 4 * 5);
  char *p = out.data() + size;
  for (const ExceptionEntry &e : entries) {
    p = writeItem(p, e.start, EntryStart);
    p = writeItem(p, e.end - e.start, 0);
    p = writeItem(p, e.target, 0);
    p = writeItem(p, (e.depth << 1) | (e.lasti ? 1 : 0), 0);
  }
  out.truncate(size_t(p - out.data()));
}

} // namespace sleepy
