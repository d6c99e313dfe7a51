//===- lib/pyc/Repr.cpp - Python-like repr of marshal objects -------------===//
#include "sleepy/pyc/Repr.h"

#include "fmt/format.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Endian.h"

#include <cmath>
#include <cstring>

namespace sleepy {
namespace {

std::string quoted(llvm::StringRef text, bool isBytes) {
  bool single = text.contains('\'') && !text.contains('"');
  char q = single ? '"' : '\'';
  std::string out = isBytes ? "b" : "";
  out += q;
  for (char c : text) {
    uint8_t b = uint8_t(c);
    switch (c) {
    case '\\': out += "\\\\"; continue;
    case '\n': out += "\\n"; continue;
    case '\r': out += "\\r"; continue;
    case '\t': out += "\\t"; continue;
    default: break;
    }
    if (c == q)
      out += fmt::format("\\{}", c);
    else if (b < 0x20 || b == 0x7f || (isBytes && b >= 0x80))
      out += fmt::format("\\x{:02x}", b);
    else
      out += c;
  }
  out += q;
  return out;
}

std::string reprDouble(double d) {
  if (std::isnan(d))
    return "nan";
  if (std::isinf(d))
    return d < 0 ? "-inf" : "inf";
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

double readDouble(const char *p) {
  uint64_t bits = llvm::support::endian::read64le(p);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

} // namespace

std::string reprStr(llvm::StringRef text) { return quoted(text, false); }

namespace {

std::string reprOne(const ObjectGraph &graph, ObjectId id, unsigned maxItems,
                    size_t &budget);

/// The repr of \p id, spending at most \p budget characters: a constant
/// that shares a tuple many times over cannot make the output explode.
std::string reprBudget(const ObjectGraph &graph, ObjectId id,
                       unsigned maxItems, size_t &budget);

} // namespace

std::string reprObject(const ObjectGraph &graph, ObjectId id,
                       unsigned maxItems) {
  size_t budget = 4096;
  return reprBudget(graph, id, maxItems, budget);
}

namespace {

std::string reprBudget(const ObjectGraph &graph, ObjectId id,
                       unsigned maxItems, size_t &budget) {
  if (budget == 0)
    return "...";
  std::string out = reprOne(graph, id, maxItems, budget);
  budget = out.size() >= budget ? 0 : budget - out.size();
  return out;
}

/// One object's repr, its children drawing on the same budget.
std::string reprOne(const ObjectGraph &graph, ObjectId id, unsigned maxItems,
                    size_t &budget) {
  const Object &o = graph.get(id);
  auto join = [&](const char *open, const char *close, bool pairs) {
    std::string out = open;
    auto items = graph.items(id);
    size_t step = pairs ? 2 : 1;
    for (size_t k = 0; k < items.size(); k += step) {
      if (k)
        out += ", ";
      if (k / step >= maxItems || budget == 0) {
        out += "...";
        break;
      }
      out += reprBudget(graph, items[k], maxItems, budget);
      if (pairs)
        out += ": " + reprBudget(graph, items[k + 1], maxItems, budget);
    }
    if (o.kind == ObjKind::Tuple && items.size() == 1)
      out += ",";
    return out + close;
  };
  switch (o.kind) {
  case ObjKind::None: return "None";
  case ObjKind::True: return "True";
  case ObjKind::False: return "False";
  case ObjKind::Ellipsis: return "Ellipsis";
  case ObjKind::StopIteration: return "StopIteration";
  case ObjKind::Int: return std::to_string(o.i);
  case ObjKind::Long: {
    size_t digits = o.data.size() / 2;
    llvm::APInt value(unsigned(digits * 15 + 1), 0);
    for (size_t k = digits; k-- > 0;) {
      value <<= 15;
      value |= llvm::support::endian::read16le(o.data.data() + 2 * k);
    }
    llvm::SmallString<64> text;
    value.toString(text, 10, /*Signed=*/false);
    return (o.i < 0 ? "-" : "") + std::string(text);
  }
  case ObjKind::Float:
    if (o.type == 'g')
      return reprDouble(readDouble(o.data.data()));
    return o.data.str();
  case ObjKind::Complex:
    if (o.type == 'y')
      return fmt::format("({}+{}j)", reprDouble(readDouble(o.data.data())),
                         reprDouble(readDouble(o.data.data() + 8)));
    return "complex(" + o.data.str() + ")";
  case ObjKind::Bytes: return quoted(o.data, true);
  case ObjKind::Str: return quoted(o.data, false);
  case ObjKind::Tuple: return join("(", ")", false);
  case ObjKind::List: return join("[", "]", false);
  case ObjKind::Set: return o.count ? join("{", "}", false) : "set()";
  case ObjKind::FrozenSet: return join("frozenset({", "})", false);
  case ObjKind::Dict: return join("{", "}", true);
  case ObjKind::Code:
    return "<code object " + graph.str(graph.code(id).name).str() + ">";
  }
  return "?";
}

} // namespace

} // namespace sleepy
