//===- test/unit/Builders.h - small graphs and functions built by hand ----===//
#ifndef SLEEPY_TEST_UNIT_BUILDERS_H
#define SLEEPY_TEST_UNIT_BUILDERS_H

#include "sleepy/cfg/Function.h"
#include "sleepy/pyc/Error.h"

#include "llvm/Support/Error.h"

#include <string>

namespace sleepy::test {

/// A code object with no names, one constant (None), no locals and empty
/// tables, in a graph of \p version.
inline ObjectId makeCode(ObjectGraph &graph, int32_t flags = 0) {
  CodeObject c;
  ObjectId none = graph.add(Object{});
  c.consts = graph.addTuple({none});
  c.names = graph.addTuple({});
  c.localsPlusNames = graph.addTuple({});
  c.localsPlusKinds = graph.addBytes("");
  c.fileName = graph.addStr("t.py");
  c.name = graph.addStr("f");
  c.qualName = graph.addStr("f");
  c.code = graph.addBytes("");
  c.lineTable = graph.addBytes("");
  c.exceptionTable = graph.addBytes("");
  c.firstLineNo = 1;
  c.flags = flags;
  Object o;
  o.kind = ObjKind::Code;
  o.type = 'c';
  o.first = uint32_t(graph.codes().size());
  ObjectId id = graph.add(o);
  c.self = id;
  graph.codes().push_back(c);
  return id;
}

inline Instr instr(Op op, uint32_t arg = 0, int32_t target = -1) {
  Instr i;
  i.op = op;
  i.arg = arg;
  i.target = target;
  return i;
}

/// The message of an error (consumed), or "" for success.
inline std::string message(llvm::Error e) {
  std::string out;
  llvm::handleAllErrors(std::move(e), [&](const llvm::ErrorInfoBase &info) {
    out = info.message();
  });
  return out;
}

} // namespace sleepy::test

#endif
