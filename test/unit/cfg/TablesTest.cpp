//===- test/unit/cfg/TablesTest.cpp - exception and location table codecs -===//
#include "Builders.h"

#include "sleepy/cfg/Tables.h"

#include <doctest/doctest.h>

using namespace sleepy;
using sleepy::test::message;

namespace {

std::string encode(llvm::ArrayRef<ExceptionEntry> entries) {
  llvm::SmallVector<char, 32> out;
  encodeExceptionTable(entries, out);
  return std::string(out.begin(), out.end());
}

std::string encode(llvm::ArrayRef<LocationRun> runs, int32_t first) {
  llvm::SmallVector<char, 32> out;
  encodeLocationTable(runs, first, out);
  return std::string(out.begin(), out.end());
}

Location loc(int32_t line, int32_t endLine, int32_t col, int32_t endCol) {
  return Location{line, endLine, col, endCol};
}

} // namespace

TEST_CASE("exception table varints are big-endian 6-bit groups") {
  // start 11, length 140000: the example checked on CPython.
  ExceptionEntry e{11, 11 + 140000, 3, 2, true};
  std::string bytes = encode({e});
  CHECK(bytes == std::string("\x8b\x62\x4b\x20\x03\x05", 6));
  auto back = decodeExceptionTable(bytes, "t.pyc", 0x40);
  REQUIRE(bool(back));
  REQUIRE(back->size() == 1);
  CHECK((*back)[0] == e);
}

TEST_CASE("exception tables round trip and refuse damage") {
  std::vector<ExceptionEntry> entries = {
      {0, 4, 10, 0, false}, {4, 9, 12, 1, true}, {20, 1000, 2000, 70, true}};
  std::string bytes = encode(entries);
  auto back = decodeExceptionTable(bytes, "t.pyc", 0);
  REQUIRE(bool(back));
  CHECK(*back == entries);

  CHECK(message(decodeExceptionTable(bytes.substr(0, 3), "t.pyc", 0x10)
                    .takeError()) ==
        "t.pyc:0x13: error: truncated exception table entry");
  CHECK(message(decodeExceptionTable(llvm::StringRef("\x01\x02\x03\x04", 4),
                                     "t.pyc", 0)
                    .takeError()) ==
        "t.pyc:0x0: error: exception table entry does not start with a "
        "marked byte");
}

TEST_CASE("location table forms as CPython picks them") {
  // Short form: same line, column < 80, width < 16.
  CHECK(encode({{1, loc(1, 1, 4, 9)}}, 1) == std::string("\x80\x45", 2));
  // One-line form: next line.
  CHECK(encode({{1, loc(2, 2, 100, 110)}}, 1) ==
        std::string("\xd8\x64\x6e", 3));
  // No columns.
  CHECK(encode({{2, loc(3, 3, -1, -1)}}, 1) == std::string("\xe9\x04", 2));
  // None.
  CHECK(encode({{3, Location{}}}, 1) == std::string("\xfa", 1));
  // Columns of 128 and more take the long form, so that every byte after a
  // header stays below 0x80.
  std::string longForm = encode({{1, loc(1, 1, 200, 210)}}, 1);
  CHECK(uint8_t(longForm[0]) == 0xf0);
  for (size_t k = 1; k < longForm.size(); ++k)
    CHECK(uint8_t(longForm[k]) < 0x80);
  // Runs longer than 8 units are split.
  CHECK(encode({{10, loc(1, 1, 0, 1)}}, 1) ==
        std::string("\x87\x01\x81\x01", 4));
}

TEST_CASE("location forms at the edges of the short and one-line forms") {
  // The writer picks these inline and the rest out of line; the header's
  // form must be CPython's either way, and the table must read back.
  struct Case {
    int32_t first;
    Location at;
    unsigned form;
  };
  const Case cases[] = {
      {1, loc(1, 1, 79, 94), 9},   // column 79, width 15: short
      {1, loc(1, 1, 80, 81), 10},  // column 80: one line
      {1, loc(1, 1, 10, 26), 10},  // width 16: one line
      {1, loc(1, 1, 10, 9), 10},   // ends before it starts: one line
      {1, loc(3, 3, 0, 1), 12},    // two lines on: one line
      {1, loc(4, 4, 0, 1), 14},    // three lines on: long
      {5, loc(4, 4, 0, 1), 14},    // a line back: long
      {1, loc(1, 2, 0, 1), 14},    // two lines: long
      {1, loc(1, 1, 127, 127), 10}, // columns of 127: one line
      {1, loc(1, 1, 0, 128), 14},  // an end column of 128: long
  };
  for (const Case &c : cases) {
    CAPTURE(c.at.line);
    CAPTURE(c.at.col);
    CAPTURE(c.at.endCol);
    std::vector<LocationRun> runs = {{1, c.at}, {11, c.at}};
    std::string bytes = encode(runs, c.first);
    CHECK(((uint8_t(bytes[0]) >> 3) & 15) == c.form);
    std::vector<LocationRun> storage;
    auto back = decodeLocationTable(bytes, c.first, "t.pyc", 0, storage);
    REQUIRE(bool(back));
    // A run of 11 units reads back as entries of 8 and 3.
    std::vector<LocationRun> split = {{1, c.at}, {8, c.at}, {3, c.at}};
    CHECK(std::vector<LocationRun>(back->begin(), back->end()) == split);
  }
}

TEST_CASE("location tables decode back to their runs") {
  std::vector<LocationRun> runs = {
      {1, loc(0, 0, -1, -1)},     {3, loc(5, 5, 4, 9)},
      {2, loc(6, 9, 0, 200)},     {1, Location{}},
      {8, loc(2, 2, 130, 131)},   {4, loc(1000, 1000, 1, 2)},
      {1, loc(-1 + 1001, 1001, -1, -1)}};
  std::string bytes = encode(runs, 3);
  // Storage that held a longer table before: only the new runs count.
  std::vector<LocationRun> storage(100, LocationRun{9, Location{}});
  auto back = decodeLocationTable(bytes, 3, "t.pyc", 0, storage);
  REQUIRE(bool(back));
  CHECK(std::vector<LocationRun>(back->begin(), back->end()) == runs);
  CHECK(message(decodeLocationTable(llvm::StringRef("\xf0\x41", 2), 1,
                                    "t.pyc", 0x20, storage)
                    .takeError()) ==
        "t.pyc:0x20: error: truncated location table entry");
  // A table covering more units than the code: the entry that goes past
  // the end is named (the third, after entries of 2 and 5 bytes).
  CHECK(message(decodeLocationTable(bytes, 3, "t.pyc", 0x20, storage, 4)
                    .takeError()) ==
        "t.pyc:0x27: error: location table covers more than the 4 code "
        "units of the bytecode");
}
