//===- sleepy/cfg/StackDepth.h - value-stack depth of every block ---------===//
//
// Walks the graph from the entry, as CPython's stackdepth() does: fallthrough
// edges take an instruction's stack effect without the jump, jump edges the
// effect with it, and every instruction covered by a handler adds an edge to
// the handler at depth `handler.depth + lasti + 1`. Generators start at depth
// 1 before 3.13. The maximum over all edges is co_stacksize.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_STACKDEPTH_H
#define SLEEPY_CFG_STACKDEPTH_H

#include "sleepy/cfg/Function.h"

#include "llvm/Support/Error.h"

namespace sleepy {

struct StackDepths {
  std::vector<int32_t> atEntry; ///< per block; -1 if unreachable
  int32_t maxDepth = 0;
};

/// Fails on a stack that underflows, a handler deeper than the stack, a
/// block reached at two depths, or a path that runs off the end.
llvm::Expected<StackDepths> computeStackDepths(const Function &fn);
/// The same into \p out, whose storage is reused.
llvm::Error computeStackDepths(const Function &fn, StackDepths &out);

} // namespace sleepy

#endif
