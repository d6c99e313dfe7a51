//===- test/unit/pyc/MarshalTest.cpp - marshal reader and writer ----------===//
#include "Builders.h"

#include "sleepy/pyc/Marshal.h"
#include "sleepy/pyc/Pyc.h"
#include "sleepy/pyc/Repr.h"

#include <doctest/doctest.h>

using namespace sleepy;
using sleepy::test::message;

namespace {

/// Reads \p bytes as one object of a 3.11 graph.
llvm::Expected<ObjectId> read(ObjectGraph &graph, llvm::StringRef bytes) {
  return readMarshal(bytes, 0, graph, "t.pyc");
}

std::string roundTrip(llvm::StringRef bytes) {
  ObjectGraph graph(PyVersion(3, 11));
  auto id = read(graph, bytes);
  REQUIRE(bool(id));
  llvm::SmallVector<char, 64> out;
  writeMarshal(graph, *id, out);
  return std::string(out.begin(), out.end());
}

std::string readError(llvm::StringRef bytes, PyVersion v = PyVersion(3, 11)) {
  ObjectGraph graph(v);
  auto id = read(graph, bytes);
  if (id)
    return "";
  return message(id.takeError());
}

} // namespace

TEST_CASE("scalars and strings come back byte for byte") {
  for (llvm::StringRef s : {
           llvm::StringRef("N"), llvm::StringRef("T"), llvm::StringRef("F"),
           llvm::StringRef("."), llvm::StringRef("S"),
           llvm::StringRef("i\x2a\x00\x00\x00", 5),
           llvm::StringRef("g\x00\x00\x00\x00\x00\x00\xf0\x3f", 9),
           llvm::StringRef("z\x03" "abc", 5), llvm::StringRef("Z\x00", 2),
           llvm::StringRef("u\x02\x00\x00\x00\xc3\xa9", 7),
           llvm::StringRef("s\x01\x00\x00\x00\xff", 6),
       })
    CHECK(roundTrip(s) == s.str());
}

TEST_CASE("the writer appends to what the output holds, growing as needed") {
  // A list of: a 10,000-byte bytes object (more than the writer's first
  // room), an int64, a long, a dict {None: True}, and 2,999 small ints.
  std::string bytes = "[";
  auto i32 = [&](uint32_t v) {
    for (int k = 0; k < 4; ++k)
      bytes += char((v >> (8 * k)) & 0xFF);
  };
  i32(4 + 2999);
  bytes += "s";
  i32(10000);
  for (int k = 0; k < 10000; ++k)
    bytes += char(k * 7);
  bytes += std::string("I\x01\x02\x03\x04\x05\x06\x07\x08", 9);
  bytes += std::string("l\x02\x00\x00\x00\x01\x00\x02\x00", 9);
  bytes += "{NT0";
  for (int k = 0; k < 2999; ++k) {
    bytes += "i";
    i32(uint32_t(k));
  }
  ObjectGraph graph(PyVersion(3, 11));
  auto id = read(graph, bytes);
  REQUIRE(bool(id));
  llvm::SmallVector<char, 0> out;
  out.append({'H', 'D', 'R'});
  writeMarshal(graph, *id, out);
  CHECK(std::string(out.begin(), out.end()) == "HDR" + bytes);
}

// marshal.dumps(compile("x = 1\n", "t.py", "exec")) of CPython 3.10
// (co_nlocals, co_varnames, ...) and of 3.11 (co_qualname,
// co_localsplusnames, co_exceptiontable, ...).
static const std::string legacyCode(
    "\x63\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x01\x00\x00\x00\x40\x00\x00\x00\x73\x08\x00\x00\x00"
    "\x64\x00\x5a\x00\x64\x01\x53\x00\x29\x02\xe9\x01\x00\x00\x00"
    "\x4e\x29\x01\xda\x01\x78\xa9\x00\x72\x02\x00\x00\x00\x72\x02"
    "\x00\x00\x00\xfa\x04\x74\x2e\x70\x79\xda\x08\x3c\x6d\x6f\x64"
    "\x75\x6c\x65\x3e\x01\x00\x00\x00\x73\x02\x00\x00\x00\x08\x00",
    90);
static const std::string modernCode(
    "\x63\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00"
    "\x00\x00\x00\x00\x00\x00\xf3\x0a\x00\x00\x00\x97\x00\x64\x00"
    "\x5a\x00\x64\x01\x53\x00\x29\x02\xe9\x01\x00\x00\x00\x4e\x29"
    "\x01\xda\x01\x78\xa9\x00\xf3\x00\x00\x00\x00\xfa\x04\x74\x2e"
    "\x70\x79\xfa\x08\x3c\x6d\x6f\x64\x75\x6c\x65\x3e\x72\x06\x00"
    "\x00\x00\x01\x00\x00\x00\x73\x0e\x00\x00\x00\xf0\x03\x01\x01"
    "\x01\xd8\x04\x05\x80\x01\x80\x01\x80\x01\x72\x04\x00\x00\x00",
    105);

TEST_CASE("code objects of both layouts come back byte for byte") {
  const std::string &legacy = legacyCode, &modern = modernCode;
  for (auto [version, bytes] :
       {std::pair{PyVersion(3, 10), legacy}, std::pair{PyVersion(3, 11), modern}}) {
    CAPTURE(version.str());
    ObjectGraph graph(version);
    auto id = read(graph, bytes);
    REQUIRE(bool(id));
    REQUIRE(graph.codes().size() == 1);
    CHECK(graph.code(*id).firstLineNo == 1);
    llvm::SmallVector<char, 0> out;
    writeMarshal(graph, *id, out);
    CHECK(std::string(out.begin(), out.end()) == bytes);
  }
}

TEST_CASE("code objects that CPython refuses to load are refused") {
  // The two code objects above, with int fields changed in place.
  const std::string legacy = legacyCode, modern = modernCode;
  auto with = [](std::string bytes, size_t at, uint32_t v) {
    for (int k = 0; k < 4; ++k)
      bytes[at + k] = char((v >> (8 * k)) & 0xFF);
    return bytes;
  };
  const PyVersion v310(3, 10), v311(3, 11);
  // Int fields: argcount at 1, posonlyargcount 5, kwonlyargcount 9, then
  // (3.10) nlocals 13, stacksize 17, flags 21; (3.11) stacksize 13, flags 17.
  // An argument needs a local: co_varnames up to 3.10, a name of a kind
  // with CO_FAST_LOCAL from 3.11 on; neither module has one.
  CHECK(readError(with(legacy, 1, 1), v310) ==
        "t.pyc:0x0: error: code object: co_varnames is too small: 0 locals, "
        "the arguments need 1");
  CHECK(readError(with(modern, 9, 1), v311) ==
        "t.pyc:0x0: error: code object: co_varnames is too small: 0 locals, "
        "the arguments need 1");
  // *args and **kwargs take a local each.
  CHECK(readError(with(modern, 17, 0x4), v311) ==
        "t.pyc:0x0: error: code object: co_varnames is too small: 0 locals, "
        "the arguments need 1");
  CHECK(readError(with(legacy, 21, 0x8), v310) ==
        "t.pyc:0x0: error: code object: co_varnames is too small: 0 locals, "
        "the arguments need 1");
  // Huge counts do not overflow into a pass.
  CHECK(readError(with(with(modern, 1, 0x7fffffff), 9, 0x7fffffff), v311) ==
        "t.pyc:0x0: error: code object: co_varnames is too small: 0 locals, "
        "the arguments need 4294967294");
  CHECK(readError(with(modern, 5, 1), v311) ==
        "t.pyc:0x0: error: code object: co_posonlyargcount 1 is more than "
        "co_argcount 0");
  CHECK(readError(with(modern, 1, ~0u), v311) ==
        "t.pyc:0x0: error: code object: co_argcount is negative (-1)");
  CHECK(readError(with(legacy, 13, ~0u), v310) ==
        "t.pyc:0x0: error: code object: co_nlocals is negative (-1)");
  CHECK(readError(with(legacy, 21, 0x80000040), v310) ==
        "t.pyc:0x0: error: code object: co_flags is negative (0x80000040)");
  CHECK(readError(with(modern, 13, ~0u), v311) ==
        "t.pyc:0x0: error: code object: co_stacksize is negative (-1)");
  // co_nlocals is not checked against co_varnames (CPython 3.10 loads it),
  // nor is a huge stack size.
  CHECK(readError(with(legacy, 13, 100), v310) == "");
  CHECK(readError(with(modern, 13, 0x7fffffff), v311) == "");
  // A trailing half code unit: loaded up to 3.10, refused from 3.11 on.
  std::string oddLegacy = with(legacy, 26, 9);
  oddLegacy.insert(38, 1, '\0');
  CHECK(readError(oddLegacy, v310) == "");
  std::string oddModern = with(modern, 22, 11);
  oddModern.insert(36, 1, '\0');
  CHECK(readError(oddModern, v311) ==
        "t.pyc:0x15: error: code object: co_code has an odd length");
}

TEST_CASE("references resolve to one node and are written again") {
  // (x, x) where x is an interned short string with FLAG_REF.
  llvm::StringRef bytes("\xa9\x02\xda\x01x" "r\x01\x00\x00\x00", 10);
  ObjectGraph graph(PyVersion(3, 11));
  auto id = read(graph, bytes);
  REQUIRE(bool(id));
  auto items = graph.items(*id);
  REQUIRE(items.size() == 2);
  CHECK(items[0] == items[1]);
  CHECK(graph.str(items[0]) == "x");
  CHECK(roundTrip(bytes) == bytes.str());
}

TEST_CASE("containers, longs and floats print as Python would") {
  ObjectGraph graph(PyVersion(3, 11));
  // 2**100 as marshal writes it: 7 digits of 15 bits.
  std::string big("l\x07\x00\x00\x00", 5);
  for (int k = 0; k < 6; ++k)
    big += std::string("\x00\x00", 2);
  big += std::string("\x00\x04", 2); // 2**10 << (6*15) = 2**100
  auto id = read(graph, big);
  REQUIRE(bool(id));
  CHECK(reprObject(graph, *id) == "1267650600228229401496703205376");

  auto tuple = read(graph, llvm::StringRef("\x29\x01i\x01\x00\x00\x00", 7));
  REQUIRE(bool(tuple));
  CHECK(reprObject(graph, *tuple) == "(1,)");

  auto dict = read(graph, llvm::StringRef("{z\x01" "aN0", 6));
  REQUIRE(bool(dict));
  CHECK(reprObject(graph, *dict) == "{'a': None}");

  auto half = read(graph, llvm::StringRef("g\x00\x00\x00\x00\x00\x00\xe0\x3f", 9));
  REQUIRE(bool(half));
  CHECK(reprObject(graph, *half) == "0.5");
  CHECK(reprStr("it's") == "\"it's\"");
}

TEST_CASE("malformed marshal data names the offset and the problem") {
  CHECK(readError("") == "t.pyc:0x0: error: truncated: expected an object, "
                         "found the end of the file");
  CHECK(readError("q") == "t.pyc:0x0: error: unknown type code 0x71");
  CHECK(readError(llvm::StringRef("i\x01\x00", 3)) ==
        "t.pyc:0x0: error: truncated int: needs 4 bytes, 2 left");
  CHECK(readError(llvm::StringRef("r\x05\x00\x00\x00", 5)) ==
        "t.pyc:0x0: error: reference 5 out of range (0 objects flagged so "
        "far)");
  // A tuple that refers to itself while it is being read.
  CHECK(readError(llvm::StringRef("\xa9\x01r\x00\x00\x00\x00", 7)) ==
        "t.pyc:0x2: error: reference 0 to an object that is still being read");
  CHECK(readError(llvm::StringRef("s\xff\xff\xff\x7f", 5)) ==
        "t.pyc:0x0: error: length 2147483647 of bytes runs past the end of "
        "the file (0 bytes left)");
  CHECK(readError(llvm::StringRef("(\x00\x00\x00\x80", 5)) ==
        "t.pyc:0x0: error: negative length -2147483648 for tuple");
  std::string deep;
  for (int k = 0; k < 3000; ++k)
    deep += std::string("[\x01\x00\x00\x00", 5);
  CHECK(readError(deep).find("nested more than 2000 deep") !=
        std::string::npos);
  CHECK(readError(llvm::StringRef("z\x02\x80\x81", 4)) ==
        "t.pyc:0x0: error: non-ASCII byte in an ASCII string");
  CHECK(readError("{N") == "t.pyc:0x2: error: truncated: expected an object, "
                           "found the end of the file");
}

TEST_CASE("pyc headers: magic numbers, flags and versions") {
  auto header = [](uint16_t magic, uint32_t flags) {
    std::string h(16, '\0');
    h[0] = char(magic & 0xFF);
    h[1] = char(magic >> 8);
    h[2] = '\r';
    h[3] = '\n';
    h[4] = char(flags);
    return h;
  };
  auto ok = readPycHeader(header(3495, 0), "m.pyc");
  REQUIRE(bool(ok));
  CHECK(ok->version == PyVersion(3, 11));
  auto hashed = readPycHeader(header(3571, 3), "m.pyc");
  REQUIRE(bool(hashed));
  CHECK(hashed->checksSource());

  CHECK(message(readPycHeader(header(3490, 0), "m.pyc").takeError()) ==
        "m.pyc:0x0: error: magic number 3490 is from a pre-release of "
        "CPython 3.11; only the final release's (3495) is supported");
  CHECK(message(readPycHeader(header(9999, 0), "m.pyc").takeError()) ==
        "m.pyc:0x0: error: unknown magic number 9999: not written by any "
        "CPython from 3.6 to 3.13");
  CHECK(message(readPycHeader(header(3394, 0), "m.pyc").takeError()) ==
        "m.pyc:0x0: error: CPython 3.7 is not supported (3.8 to 3.13 are)");
  CHECK(message(readPycHeader(header(3495, 8), "m.pyc").takeError()) ==
        "m.pyc:0x4: error: unknown header flags 0x8");
  CHECK(message(readPycHeader("ab", "m.pyc").takeError()) ==
        "m.pyc:0x0: error: truncated header: the file has 2 bytes, a .pyc "
        "header has 16");

  CHECK(magicOf(PyVersion(3, 12)) == 3531);
  CHECK(parseVersion("3.13") == llvm::Optional<PyVersion>(PyVersion(3, 13)));
  CHECK(parseVersion("312") == llvm::Optional<PyVersion>(PyVersion(3, 12)));
  CHECK(!parseVersion("2.7"));
}
