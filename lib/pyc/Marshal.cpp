//===- lib/pyc/Marshal.cpp - marshal format version 4 reader and writer ---===//
//
// Follows Python/marshal.c. The reader reserves a reference slot when an
// object with FLAG_REF starts and fills it when the object is complete, so
// TYPE_REF indices count FLAG_REF objects in pre-order and a reference to an
// object still being read is refused (as marshal.c refuses it) rather than
// creating a cycle.
//
//===----------------------------------------------------------------------===//
#include "sleepy/pyc/Marshal.h"

#include "sleepy/pyc/Dialect.h"
#include "sleepy/pyc/Error.h"

#include "fmt/format.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/Endian.h"

#include <algorithm>
#include <cstring>

namespace sleepy {
namespace {

constexpr uint8_t FlagRef = 0x80;

/// Does \p text hold bytes below 0x80 only? Eight at a time.
bool isAscii(llvm::StringRef text) {
  const char *c = text.data(), *end = c + text.size();
  uint64_t bits = 0;
  for (; end - c >= 8; c += 8)
    bits |= llvm::support::endian::read64le(c);
  for (; c < end; ++c)
    bits |= uint8_t(*c);
  return !(bits & 0x8080808080808080ull);
}

struct CodeLayout;

class Reader {
public:
  Reader(llvm::StringRef data, size_t pos, ObjectGraph &graph,
         llvm::StringRef path, MarshalLimits limits)
      : data(data), pos(pos), graph(graph), path(path), limits(limits) {}

  llvm::Expected<ObjectId> readObject(unsigned depth);

private:
  // Nesting recurses through readObject and the readers of containers and
  // code objects, up to MarshalLimits::maxDepth levels, so their frames must
  // stay small: scalars, references and every message are made in functions
  // kept out of them. (Sanitizer builds give each temporary of a frame its
  // own guarded slot; with all of that inlined, a level took over 6 KB and
  // 2000 levels overflowed an 8 MB stack.)
  LLVM_ATTRIBUTE_NOINLINE llvm::Error fail(size_t at, const llvm::Twine &msg) {
    return inputError(path, at, msg);
  }
  size_t remaining() const { return data.size() - pos; }

  llvm::Error need(size_t n, size_t at, const char *what) {
    if (remaining() < n)
      return truncated(n, at, what);
    return llvm::Error::success();
  }
  LLVM_ATTRIBUTE_NOINLINE llvm::Error truncated(size_t n, size_t at,
                                                const char *what) {
    return fail(at, llvm::Twine("truncated ") + what + ": needs " +
                        llvm::Twine(n) + " bytes, " + llvm::Twine(remaining()) +
                        " left");
  }
  llvm::Expected<int32_t> readI32(size_t at, const char *what) {
    if (auto e = need(4, at, what))
      return std::move(e);
    int32_t v = llvm::support::endian::read32le(data.data() + pos);
    pos += 4;
    return v;
  }
  /// A length that must fit in what is left of the input, each unit taking
  /// at least \p unitSize bytes.
  LLVM_ATTRIBUTE_NOINLINE llvm::Expected<uint32_t>
  readLength(size_t at, const char *what, size_t unitSize, bool shortForm) {
    int64_t n;
    if (shortForm) {
      if (auto e = need(1, at, what))
        return std::move(e);
      n = uint8_t(data[pos++]);
    } else {
      auto v = readI32(at, what);
      if (!v)
        return v.takeError();
      n = *v;
    }
    if (n < 0)
      return fail(at, llvm::Twine("negative length ") + llvm::Twine(n) +
                          " for " + what);
    if (uint64_t(n) * unitSize > remaining())
      return fail(at, llvm::Twine("length ") + llvm::Twine(n) + " of " + what +
                          " runs past the end of the file (" +
                          llvm::Twine(remaining()) + " bytes left)");
    return uint32_t(n);
  }
  llvm::StringRef readBytes(size_t n) {
    llvm::StringRef s = data.substr(pos, n);
    pos += n;
    return s;
  }

  LLVM_ATTRIBUTE_NOINLINE llvm::Error cannotStart(size_t at, unsigned depth) {
    if (depth >= limits.maxDepth)
      return fail(
          at, fmt::format("objects nested more than {} deep", limits.maxDepth));
    return fail(at, "truncated: expected an object, found the end of the file");
  }
  LLVM_ATTRIBUTE_NOINLINE llvm::Error unsupportedCode(size_t at) {
    return fail(at, "code objects of CPython " + graph.version().str() +
                        " are not supported (3.8 to 3.13 are)");
  }
  /// The object whose type byte \p code is at \p at, before its payload.
  static Object start(size_t at, uint8_t code) {
    Object obj;
    obj.type = char(code & ~FlagRef);
    obj.ref = code & FlagRef;
    obj.offset = uint32_t(at);
    return obj;
  }

  // Each reads the object whose type byte \p code is at \p at.
  LLVM_ATTRIBUTE_NOINLINE llvm::Expected<ObjectId> readScalar(size_t at,
                                                              uint8_t code);
  LLVM_ATTRIBUTE_NOINLINE llvm::Expected<ObjectId> readRef(size_t at);
  LLVM_ATTRIBUTE_NOINLINE llvm::Expected<ObjectId>
  readSequence(size_t at, uint8_t code, unsigned depth);
  LLVM_ATTRIBUTE_NOINLINE llvm::Expected<ObjectId>
  readDict(size_t at, uint8_t code, unsigned depth);
  LLVM_ATTRIBUTE_NOINLINE llvm::Expected<ObjectId>
  readCode(size_t at, uint8_t code, unsigned depth);
  LLVM_ATTRIBUTE_NOINLINE llvm::Expected<ObjectId> finishCode(Object obj,
                                                              CodeObject c);
  LLVM_ATTRIBUTE_NOINLINE llvm::Error
  checkCounts(size_t at, const CodeObject &c, const CodeLayout &layout);
  /// Adds \p obj with its \p count children, pending from \p first on.
  LLVM_ATTRIBUTE_NOINLINE ObjectId finishContainer(Object obj, size_t first,
                                                   uint32_t count) {
    obj.first = graph.addItems(llvm::makeArrayRef(pending).drop_front(first));
    obj.count = count;
    pending.resize(first);
    return graph.add(obj);
  }

  llvm::StringRef data;
  size_t pos;
  ObjectGraph &graph;
  llvm::StringRef path;
  MarshalLimits limits;
  std::vector<ObjectId> refs;
  /// The children read so far of the containers being read, innermost
  /// last; a container moves its own into the graph once complete. (A
  /// vector per level would put its inline storage on every frame.)
  std::vector<ObjectId> pending;
};

llvm::Expected<ObjectId> Reader::readObject(unsigned depth) {
  size_t at = pos;
  // The root is at depth 0 and the first of maxDepth levels, as in
  // marshal.c, so what CPython refuses to load is refused here too.
  if (depth >= limits.maxDepth || remaining() == 0)
    return cannotStart(at, depth);
  uint8_t code = uint8_t(data[pos++]);
  char type = char(code & ~FlagRef);
  if (type == 'r')
    return readRef(at);

  // Reserve the reference slot before any child is read.
  int64_t slot = -1;
  if (code & FlagRef) {
    slot = int64_t(refs.size());
    refs.push_back(NoObject);
  }
  llvm::Expected<ObjectId> id =
      type == '(' || type == ')' || type == '[' || type == '<' || type == '>'
          ? readSequence(at, code, depth)
      : type == '{' ? readDict(at, code, depth)
      : type == 'c' ? readCode(at, code, depth)
                    : readScalar(at, code);
  if (id && slot >= 0)
    refs[slot] = *id;
  return id;
}

llvm::Expected<ObjectId> Reader::readRef(size_t at) {
  auto n = readI32(at, "reference");
  if (!n)
    return n.takeError();
  if (*n < 0 || size_t(*n) >= refs.size())
    return fail(at, fmt::format("reference {} out of range ({} objects "
                                "flagged so far)",
                                *n, refs.size()));
  if (refs[*n] == NoObject)
    return fail(at, fmt::format("reference {} to an object that is still "
                                "being read",
                                *n));
  return refs[*n];
}

llvm::Expected<ObjectId> Reader::readScalar(size_t at, uint8_t code) {
  Object obj = start(at, code);
  char type = obj.type;
  auto simple = [&](ObjKind kind) { obj.kind = kind; };
  switch (type) {
  case '0':
    return fail(at, "NULL object where an object was expected");
  case 'N':
    simple(ObjKind::None);
    break;
  case 'T':
    simple(ObjKind::True);
    break;
  case 'F':
    simple(ObjKind::False);
    break;
  case '.':
    simple(ObjKind::Ellipsis);
    break;
  case 'S':
    simple(ObjKind::StopIteration);
    break;
  case 'i': {
    auto v = readI32(at, "int");
    if (!v)
      return v.takeError();
    obj.kind = ObjKind::Int;
    obj.i = *v;
    break;
  }
  case 'I': {
    if (auto e = need(8, at, "int64"))
      return std::move(e);
    obj.kind = ObjKind::Int;
    obj.i = int64_t(llvm::support::endian::read64le(data.data() + pos));
    pos += 8;
    break;
  }
  case 'l': {
    auto n = readI32(at, "long");
    if (!n)
      return n.takeError();
    int64_t digits = *n < 0 ? -int64_t(*n) : *n;
    if (uint64_t(digits) * 2 > remaining())
      return fail(at, fmt::format("long of {} digits runs past the end of "
                                  "the file ({} bytes left)",
                                  digits, remaining()));
    obj.kind = ObjKind::Long;
    obj.i = *n;
    obj.data = readBytes(size_t(digits) * 2);
    for (size_t k = 0; k < obj.data.size(); k += 2)
      if (llvm::support::endian::read16le(obj.data.data() + k) >= (1u << 15))
        return fail(at + 5 + k, "long digit out of range");
    if (digits && llvm::support::endian::read16le(obj.data.data() +
                                                  obj.data.size() - 2) == 0)
      return fail(at, "long has a leading zero digit");
    break;
  }
  case 'g': {
    if (auto e = need(8, at, "float"))
      return std::move(e);
    obj.kind = ObjKind::Float;
    obj.data = readBytes(8);
    break;
  }
  case 'y': {
    if (auto e = need(16, at, "complex"))
      return std::move(e);
    obj.kind = ObjKind::Complex;
    obj.data = readBytes(16);
    break;
  }
  case 'f': {
    auto n = readLength(at, "float text", 1, true);
    if (!n)
      return n.takeError();
    obj.kind = ObjKind::Float;
    obj.data = readBytes(*n);
    break;
  }
  case 'x': {
    // Two length-prefixed texts; keep both with their length bytes.
    size_t start = pos;
    for (int part = 0; part < 2; ++part) {
      auto n = readLength(at, "complex text", 1, true);
      if (!n)
        return n.takeError();
      pos += *n;
    }
    obj.kind = ObjKind::Complex;
    obj.data = data.slice(start, pos);
    break;
  }
  case 's':
  case 'u':
  case 't':
  case 'a':
  case 'A':
  case 'z':
  case 'Z': {
    bool isShort = type == 'z' || type == 'Z';
    const char *what = type == 's' ? "bytes" : "str";
    auto n = readLength(at, what, 1, isShort);
    if (!n)
      return n.takeError();
    obj.kind = type == 's' ? ObjKind::Bytes : ObjKind::Str;
    obj.data = readBytes(*n);
    if ((type == 'a' || type == 'A' || type == 'z' || type == 'Z') &&
        !isAscii(obj.data))
      return fail(at, "non-ASCII byte in an ASCII string");
    break;
  }
  default:
    return fail(at, fmt::format("unknown type code {:#04x}", code));
  }
  return graph.add(obj);
}

llvm::Expected<ObjectId> Reader::readSequence(size_t at, uint8_t code,
                                              unsigned depth) {
  Object obj = start(at, code);
  const char *what = "set";
  switch (obj.type) {
  case '(':
  case ')':
    obj.kind = ObjKind::Tuple;
    what = "tuple";
    break;
  case '[':
    obj.kind = ObjKind::List;
    what = "list";
    break;
  case '<':
    obj.kind = ObjKind::Set;
    break;
  default:
    obj.kind = ObjKind::FrozenSet;
    break;
  }
  auto n = readLength(at, what, 1, obj.type == ')');
  if (!n)
    return n.takeError();
  size_t first = pending.size();
  for (uint32_t k = 0; k < *n; ++k) {
    auto child = readObject(depth + 1);
    if (!child)
      return child.takeError();
    pending.push_back(*child);
  }
  return finishContainer(obj, first, *n);
}

llvm::Expected<ObjectId> Reader::readDict(size_t at, uint8_t code,
                                          unsigned depth) {
  Object obj = start(at, code);
  obj.kind = ObjKind::Dict;
  size_t first = pending.size();
  for (;;) {
    if (remaining() == 0)
      return fail(pos, "truncated dict: no terminating NULL");
    if (data[pos] == '0') {
      ++pos;
      break;
    }
    for (int part = 0; part < 2; ++part) {
      auto child = readObject(depth + 1);
      if (!child)
        return child.takeError();
      pending.push_back(*child);
    }
  }
  return finishContainer(obj, first, uint32_t((pending.size() - first) / 2));
}

/// A field of a code object, in marshal order: an int32 read in place, or
/// an object.
struct CodeField {
  int32_t CodeObject::*i;
  ObjectId CodeObject::*o;
};
constexpr CodeField field(int32_t CodeObject::*i) { return {i, nullptr}; }
constexpr CodeField field(ObjectId CodeObject::*o) { return {nullptr, o}; }
using C = CodeObject;
/// 3.11 and later.
constexpr CodeField ModernFields[] = {
    field(&C::argCount),        field(&C::posOnlyArgCount),
    field(&C::kwOnlyArgCount),  field(&C::stackSize),
    field(&C::flags),           field(&C::code),
    field(&C::consts),          field(&C::names),
    field(&C::localsPlusNames), field(&C::localsPlusKinds),
    field(&C::fileName),        field(&C::name),
    field(&C::qualName),        field(&C::firstLineNo),
    field(&C::lineTable),       field(&C::exceptionTable),
};
/// 3.8 to 3.10.
constexpr CodeField LegacyFields[] = {
    field(&C::argCount),       field(&C::posOnlyArgCount),
    field(&C::kwOnlyArgCount), field(&C::nLocals),
    field(&C::stackSize),      field(&C::flags),
    field(&C::code),           field(&C::consts),
    field(&C::names),          field(&C::varNames),
    field(&C::freeVars),       field(&C::cellVars),
    field(&C::fileName),       field(&C::name),
    field(&C::firstLineNo),    field(&C::lineTable),
};

/// How the code objects of a version are laid out and what CPython checks
/// of them when marshal loads one (Python/marshal.c, TYPE_CODE, then the
/// code constructor in Objects/codeobject.c: PyCode_NewWithPosOnlyArgs up
/// to 3.10, _PyCode_Validate from 3.11 on; checked on 3.8 to 3.13 by
/// loading code objects with each field changed).
struct CodeLayout {
  llvm::ArrayRef<CodeField> fields; ///< in marshal order
  /// co_localsplusnames and co_localspluskinds (3.11 on) rather than
  /// co_nlocals, co_varnames, co_freevars and co_cellvars: the locals that
  /// must cover the arguments are the names of a kind with CO_FAST_LOCAL,
  /// not co_varnames.
  bool localsPlus;
  /// co_code of an odd length is refused ("co_code is malformed"); up to
  /// 3.10 the interpreter runs the code units that fit.
  bool evenCode;
};
constexpr CodeLayout ModernLayout = {ModernFields, true, true};   ///< 3.11-3.13
constexpr CodeLayout LegacyLayout = {LegacyFields, false, false}; ///< 3.8-3.10

const CodeLayout &codeLayout(PyVersion v) {
  return Dialect::of(v).localsPlus ? ModernLayout : LegacyLayout;
}

/// The fields of a code object of \p v, in marshal order.
llvm::ArrayRef<CodeField> codeFields(PyVersion v) {
  return codeLayout(v).fields;
}

llvm::Expected<ObjectId> Reader::readCode(size_t at, uint8_t code,
                                          unsigned depth) {
  PyVersion v = graph.version();
  if (!isMarshalSupported(v))
    return unsupportedCode(at);
  CodeObject c;
  for (const CodeField &f : codeFields(v)) {
    if (f.i) {
      auto x = readI32(at, "code object");
      if (!x)
        return x.takeError();
      c.*f.i = *x;
    } else {
      auto x = readObject(depth + 1);
      if (!x)
        return x.takeError();
      c.*f.o = *x;
    }
  }
  Object obj = start(at, code);
  obj.kind = ObjKind::Code;
  return finishCode(obj, c);
}

llvm::Expected<ObjectId> Reader::finishCode(Object obj, CodeObject c) {
  // What CPython refuses to load is refused here, in the same order: the
  // types of the fields, the counts, co_code's length, then whether the
  // locals hold the arguments. A wrong field (its type, a length) is
  // reported at that field; the counts at the code object.
  size_t at = obj.offset;
  const CodeLayout &layout = codeLayout(graph.version());

  auto expect = [&](ObjectId id, ObjKind kind, const char *field,
                    const char *kindName) -> llvm::Error {
    const Object &o = graph.get(id);
    if (o.kind != kind)
      return fail(o.offset,
                  fmt::format("code object: {} is not {}", field, kindName));
    return llvm::Error::success();
  };
  // marshal makes exact str objects only, so the "non-string found in code
  // slot" of the constructor means a non-str here.
  auto tupleOfStr = [&](ObjectId id, const char *field) -> llvm::Error {
    if (auto e = expect(id, ObjKind::Tuple, field, "a tuple"))
      return e;
    for (ObjectId item : graph.items(id))
      if (graph.get(item).kind != ObjKind::Str)
        return fail(graph.get(item).offset,
                    fmt::format("code object: {} holds a non-str", field));
    return llvm::Error::success();
  };
  if (auto e = expect(c.code, ObjKind::Bytes, "co_code", "bytes"))
    return std::move(e);
  if (auto e = expect(c.consts, ObjKind::Tuple, "co_consts", "a tuple"))
    return std::move(e);
  if (auto e = tupleOfStr(c.names, "co_names"))
    return std::move(e);
  if (auto e = expect(c.fileName, ObjKind::Str, "co_filename", "a str"))
    return std::move(e);
  if (auto e = expect(c.name, ObjKind::Str, "co_name", "a str"))
    return std::move(e);
  if (auto e = expect(c.lineTable, ObjKind::Bytes, "co_linetable", "bytes"))
    return std::move(e);
  if (layout.localsPlus) {
    if (auto e = tupleOfStr(c.localsPlusNames, "co_localsplusnames"))
      return std::move(e);
    if (auto e = expect(c.localsPlusKinds, ObjKind::Bytes, "co_localspluskinds",
                        "bytes"))
      return std::move(e);
    if (auto e = expect(c.qualName, ObjKind::Str, "co_qualname", "a str"))
      return std::move(e);
    if (auto e = expect(c.exceptionTable, ObjKind::Bytes, "co_exceptiontable",
                        "bytes"))
      return std::move(e);
    if (graph.get(c.localsPlusKinds).data.size() !=
        graph.get(c.localsPlusNames).count)
      return fail(graph.get(c.localsPlusKinds).offset,
                  fmt::format("code object: co_localspluskinds has {} kinds "
                              "for {} co_localsplusnames",
                              graph.get(c.localsPlusKinds).data.size(),
                              graph.get(c.localsPlusNames).count));
  } else {
    if (auto e = tupleOfStr(c.varNames, "co_varnames"))
      return std::move(e);
    if (auto e = tupleOfStr(c.freeVars, "co_freevars"))
      return std::move(e);
    if (auto e = tupleOfStr(c.cellVars, "co_cellvars"))
      return std::move(e);
  }
  if (llvm::Error e = checkCounts(at, c, layout))
    return std::move(e);

  obj.first = uint32_t(graph.codes().size());
  ObjectId id = graph.add(obj);
  c.self = id;
  graph.codes().push_back(c);
  return id;
}

llvm::Error Reader::checkCounts(size_t at, const CodeObject &c,
                                const CodeLayout &layout) {
  auto negative = [&](const char *field, int32_t v) {
    return fail(at, fmt::format("code object: {} is negative ({})", field, v));
  };
  if (c.argCount < 0)
    return negative("co_argcount", c.argCount);
  if (c.posOnlyArgCount < 0)
    return negative("co_posonlyargcount", c.posOnlyArgCount);
  if (c.kwOnlyArgCount < 0)
    return negative("co_kwonlyargcount", c.kwOnlyArgCount);
  if (c.stackSize < 0)
    return negative("co_stacksize", c.stackSize);
  if (!layout.localsPlus && c.nLocals < 0)
    return negative("co_nlocals", c.nLocals);
  if (c.flags < 0)
    return fail(at, fmt::format("code object: co_flags is negative ({:#x})",
                                uint32_t(c.flags)));
  if (c.argCount < c.posOnlyArgCount)
    return fail(at, fmt::format("code object: co_posonlyargcount {} is more "
                                "than co_argcount {}",
                                c.posOnlyArgCount, c.argCount));
  if (layout.evenCode && graph.get(c.code).data.size() % 2)
    return fail(graph.get(c.code).offset,
                "code object: co_code has an odd length");
  // The locals must hold every argument: a frame copies the arguments into
  // its first slots.
  int64_t locals = 0;
  if (layout.localsPlus) {
    for (char kind : graph.get(c.localsPlusKinds).data)
      locals += (uint8_t(kind) & CO_FAST_LOCAL) != 0;
  } else {
    locals = graph.get(c.varNames).count;
  }
  int64_t needed = int64_t(c.argCount) + c.kwOnlyArgCount +
                   ((c.flags & CO_VARARGS) != 0) +
                   ((c.flags & CO_VARKEYWORDS) != 0);
  if (locals < needed)
    return fail(at, fmt::format("code object: co_varnames is too small: {} "
                                "locals, the arguments need {}",
                                locals, needed));
  return llvm::Error::success();
}

/// Writes through a cursor that each call takes and returns (a byte stored
/// through a member pointer might change the member, to be loaded again
/// after every byte), into room made ahead in the output vector.
class Writer {
public:
  Writer(const ObjectGraph &graph, llvm::SmallVectorImpl<char> &out)
      : graph(graph), out(out), refIndex(graph.size(), ~0u) {}

  void write(ObjectId id) {
    size_t used = out.size();
    out.resize_for_overwrite(used + 4096);
    end = out.data() + out.size();
    char *q = write(id, out.data() + used);
    out.truncate(size_t(q - out.data()));
  }

private:
  char *write(ObjectId id, char *q);

  /// \p q with room for \p n bytes after it (the output may move).
  char *room(char *q, size_t n) {
    return size_t(end - q) >= n ? q : grow(q, n);
  }
  LLVM_ATTRIBUTE_NOINLINE char *grow(char *q, size_t n) {
    size_t used = size_t(q - out.data());
    out.resize_for_overwrite(std::max(used + n, 2 * out.size()));
    end = out.data() + out.size();
    return out.data() + used;
  }
  template <typename T> static char *little(char *q, T v) {
    v = llvm::support::endian::byte_swap(v, llvm::support::little);
    std::memcpy(q, &v, sizeof v);
    return q + sizeof v;
  }
  static char *i32(char *q, int32_t v) { return little(q, uint32_t(v)); }
  static char *raw(char *q, llvm::StringRef s) {
    std::memcpy(q, s.data(), s.size());
    return q + s.size();
  }

  const ObjectGraph &graph;
  llvm::SmallVectorImpl<char> &out;
  char *end = nullptr; ///< of the room made in out
  std::vector<uint32_t> refIndex;
  uint32_t nextRef = 0;
};

char *Writer::write(ObjectId id, char *q) {
  const Object &o = graph.get(id);
  // The type byte and what follows it but children: up to 8 bytes and the
  // payload.
  q = room(q, 1 + 8 + o.data.size());
  if (o.ref) {
    if (refIndex[id] != ~0u) {
      *q++ = 'r';
      return i32(q, int32_t(refIndex[id]));
    }
    refIndex[id] = nextRef++;
  }
  *q++ = char(uint8_t(o.type) | (o.ref ? FlagRef : 0));
  switch (o.kind) {
  case ObjKind::None:
  case ObjKind::True:
  case ObjKind::False:
  case ObjKind::Ellipsis:
  case ObjKind::StopIteration:
    return q;
  case ObjKind::Int:
    if (o.type == 'I')
      return little(q, uint64_t(o.i));
    return i32(q, int32_t(o.i));
  case ObjKind::Long:
    return raw(i32(q, int32_t(o.i)), o.data);
  case ObjKind::Float:
  case ObjKind::Complex:
    if (o.type == 'f')
      *q++ = char(o.data.size());
    return raw(q, o.data);
  case ObjKind::Bytes:
  case ObjKind::Str:
    if (o.type == 'z' || o.type == 'Z')
      *q++ = char(o.data.size());
    else
      q = i32(q, int32_t(o.data.size()));
    return raw(q, o.data);
  case ObjKind::Tuple:
  case ObjKind::List:
  case ObjKind::Set:
  case ObjKind::FrozenSet:
    if (o.type == ')')
      *q++ = char(o.count);
    else
      q = i32(q, int32_t(o.count));
    for (ObjectId child : graph.items(id))
      q = write(child, q);
    return q;
  case ObjKind::Dict:
    for (ObjectId child : graph.items(id))
      q = write(child, q);
    q = room(q, 1);
    *q++ = '0';
    return q;
  case ObjKind::Code: {
    // Field by field in the order the reader takes them.
    const CodeObject &c = graph.code(id);
    for (const CodeField &f : codeFields(graph.version()))
      q = f.i ? i32(room(q, 4), c.*f.i) : write(c.*f.o, q);
    return q;
  }
  }
  return q;
}

} // namespace

llvm::Expected<ObjectId> readMarshal(llvm::StringRef data, size_t offset,
                                     ObjectGraph &graph, llvm::StringRef path,
                                     MarshalLimits limits) {
  graph.reserveFor(data.size() - std::min(offset, data.size()));
  Reader reader(data, offset, graph, path, limits);
  return reader.readObject(0);
}

void writeMarshal(const ObjectGraph &graph, ObjectId id,
                  llvm::SmallVectorImpl<char> &out) {
  Writer(graph, out).write(id);
}

ObjectId ObjectGraph::addBytes(llvm::StringRef bytes) {
  Object o;
  o.kind = ObjKind::Bytes;
  o.type = 's';
  o.data = saver.save(bytes);
  return add(o);
}

ObjectId ObjectGraph::addSharedBytes(llvm::StringRef bytes) {
  llvm::CachedHashStringRef key(bytes);
  auto found = sharedBytes.find(key);
  if (found != sharedBytes.end()) {
    objects[found->second].ref = true;
    return found->second;
  }
  ObjectId id = addBytes(bytes);
  sharedBytes.try_emplace(llvm::CachedHashStringRef(objects[id].data, key.hash()),
                          id);
  return id;
}

ObjectId ObjectGraph::addStr(llvm::StringRef text) {
  Object o;
  o.kind = ObjKind::Str;
  bool ascii = llvm::all_of(text, [](char c) { return uint8_t(c) < 0x80; });
  o.type = ascii ? (text.size() < 256 ? 'z' : 'a') : 'u';
  o.data = saver.save(text);
  return add(o);
}

ObjectId ObjectGraph::addTuple(llvm::ArrayRef<ObjectId> ids) {
  Object o;
  o.kind = ObjKind::Tuple;
  o.type = ids.size() < 256 ? ')' : '(';
  o.first = addItems(ids);
  o.count = uint32_t(ids.size());
  return add(o);
}

} // namespace sleepy
