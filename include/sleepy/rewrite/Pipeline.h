//===- sleepy/rewrite/Pipeline.h - rewrite every code object of a .pyc ----===//
#ifndef SLEEPY_REWRITE_PIPELINE_H
#define SLEEPY_REWRITE_PIPELINE_H

#include "sleepy/cfg/Workspace.h"
#include "sleepy/pyc/Pyc.h"
#include "sleepy/rewrite/Pass.h"

#include <string>

namespace sleepy {

enum class EmitKind { None, Dis, Cfg, Dot };

struct PipelineOptions {
  std::vector<const PassInfo *> passes;
  EmitKind emit = EmitKind::None; ///< print each function after the passes
  std::string function;           ///< print only this qualname (empty: all)
  bool verifyEach = false;        ///< run the verifier after every pass
  bool printAfterAll = false;     ///< print the CFG after every pass
};

struct PipelineStats {
  unsigned codeObjects = 0;
  unsigned sites = 0; ///< suspension sites made
};

/// Decodes every code object of \p file, runs the passes, and assembles it
/// back into the file's graph. Printer output is appended to \p text. The
/// working storage is \p ws's (cfg/Workspace.h): one per thread, reused
/// from file to file.
llvm::Error rewritePyc(PycFile &file, const PipelineOptions &options,
                       std::string &text, PipelineStats &stats, Workspace &ws);

} // namespace sleepy

#endif
