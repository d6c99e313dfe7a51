//===- lib/pyc/Dialect.cpp - what each CPython's bytecode does its way ----===//
#include "sleepy/pyc/Dialect.h"
#include "sleepy/pyc/Opcode.h"

#include <iterator>

namespace sleepy {
namespace {

// One row per version: {version, localsPlus, globalNullBit,
// nullAfterCallable, attrMethodBit, compareShift, locationRuns,
// jumpSizeFromIndex, generatorEntryDepth, precall, directedJumps,
// closurePseudo, calleeRaisesBefore, suspendable} (see Dialect.h). A new
// version is a new row (and its opcode table, lib/pyc/opcodes).
constexpr Dialect Dialects[] = {
    {{3, 8},  false, false, false, false, 0, false, false, 1, false, false, false, false, false},
    {{3, 9},  false, false, false, false, 0, false, false, 1, false, false, false, false, false},
    {{3, 10}, false, false, false, false, 0, false, false, 1, false, false, false, false, false},
    {{3, 11}, true,  true,  false, false, 0, false, false, 1, true,  true,  false, false, true},
    {{3, 12}, true,  true,  false, true,  4, true,  false, 1, false, false, false, false, true},
    {{3, 13}, true,  true,  true,  true,  5, true,  true,  0, false, false, true,  true,  true},
};

} // namespace

uint32_t nameIndex(const Dialect &d, Op op, uint32_t arg) {
  switch (op) {
  case Op::LOAD_GLOBAL:
    return d.globalNullBit ? arg >> 1 : arg;
  case Op::LOAD_ATTR:
    return d.attrMethodBit ? arg >> 1 : arg;
  case Op::LOAD_SUPER_ATTR:
    return arg >> 2;
  default:
    return arg;
  }
}

const Dialect &Dialect::of(PyVersion version) {
  for (const Dialect &d : Dialects)
    if (d.version == version)
      return d;
  return version < Dialects[0].version ? Dialects[0]
                                       : Dialects[std::size(Dialects) - 1];
}

} // namespace sleepy
