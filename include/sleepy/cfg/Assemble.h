//===- sleepy/cfg/Assemble.h - control-flow graph to bytecode -------------===//
//
// Lays the blocks out, resolves jump targets to relative offsets (choosing a
// forward or backward opcode by direction where the version has both), grows
// EXTENDED_ARG prefixes until every argument fits (a fixed point that only
// grows, so it cannot oscillate), and writes co_code, co_exceptiontable,
// co_linetable and co_stacksize as CPython's assembler does.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_ASSEMBLE_H
#define SLEEPY_CFG_ASSEMBLE_H

#include "sleepy/cfg/Function.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace sleepy {

struct AssembledCode {
  std::string code;
  std::string exceptionTable;
  std::string lineTable;
  int32_t stackSize = 0;
  /// The code unit where each block starts (by block index; blocks not in
  /// the layout keep 0).
  std::vector<uint32_t> blockStart;
  /// The leading code units kept as the input had them (see
  /// Function::appendedOnly); 0 where all was laid out afresh.
  uint32_t keptUnits = 0;
};

/// Assembles \p fn. Jump opcodes whose direction no longer matches their
/// target are replaced in \p fn by their twin (JUMP_FORWARD and
/// JUMP_BACKWARD, and the 3.11 POP_JUMP_{FORWARD,BACKWARD}_IF_*).
llvm::Expected<AssembledCode> assemble(Function &fn);
/// The same into \p out, whose storage is reused: a caller assembling many
/// functions keeps one AssembledCode for all.
llvm::Error assemble(Function &fn, AssembledCode &out);

/// The code unit where instruction \p index of block \p block starts (its
/// first EXTENDED_ARG prefix) in \p code, assembled from \p fn.
uint32_t instrStart(const Function &fn, const AssembledCode &code,
                    uint32_t block, size_t index);

/// Stores \p code into the code object \p id of \p graph. A table equal to
/// the one already there keeps its object, so an unchanged function writes
/// the same bytes it was read from.
void storeAssembled(ObjectGraph &graph, ObjectId id, const AssembledCode &code);

} // namespace sleepy

#endif
