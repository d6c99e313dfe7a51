//===- sleepy/rewrite/Pass.h - rewriting passes and their registry --------===//
//
// A pass rewrites the control-flow graph of one code object. Every pass is
// registered in one table (lib/rewrite/Passes.cpp) with its name, a one-line
// description and a factory; `--passes=a,b` picks from it by name.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_REWRITE_PASS_H
#define SLEEPY_REWRITE_PASS_H

#include "sleepy/cfg/Function.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace sleepy {

struct Suspension;

/// What a pass may use and produce beyond the function it rewrites.
struct RewriteContext {
  ObjectGraph &graph;    ///< the file's objects; passes may add to them
  ObjectId code;         ///< the code object being rewritten
  uint32_t codeIndex;    ///< its position in the file (post-order)
  /// What the suspension pass found, for the pipeline to put in the trailer.
  std::unique_ptr<Suspension> suspension;
};

/// One instance of a pass rewrites every code object of a file in turn.
class Pass {
public:
  virtual ~Pass() = default;
  /// Rewrites \p fn in place.
  virtual llvm::Error run(Function &fn, RewriteContext &ctx) = 0;
};

struct PassInfo {
  llvm::StringRef name;
  llvm::StringRef description;
  std::unique_ptr<Pass> (*create)();
};

/// Every registered pass, in the order the default pipeline runs them.
llvm::ArrayRef<PassInfo> registeredPasses();

/// Parses a pass list: "none", "default", or names separated by commas.
llvm::Expected<std::vector<const PassInfo *>>
parsePassList(llvm::StringRef text);

} // namespace sleepy

#endif
