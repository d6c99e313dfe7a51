//===- lib/rewrite/Pipeline.cpp - rewrite every code object of a .pyc -----===//
#include "sleepy/rewrite/Pipeline.h"

#include "sleepy/cfg/Assemble.h"
#include "sleepy/cfg/Decode.h"
#include "sleepy/cfg/Print.h"
#include "sleepy/cfg/StackDepth.h"
#include "sleepy/cfg/Verify.h"
#include "sleepy/pyc/Error.h"
#include "sleepy/rewrite/Suspend.h"

#include "fmt/format.h"
#include "llvm/ADT/Optional.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/raw_ostream.h"

namespace sleepy {
namespace {

bool selected(const Function &fn, const PipelineOptions &options) {
  if (options.function.empty())
    return true;
  const CodeObject &co = fn.codeObject();
  ObjectId qual = co.qualName != NoObject ? co.qualName : co.name;
  return fn.graph.str(qual) == options.function;
}

void print(llvm::raw_ostream &os, EmitKind kind, const Function &fn) {
  switch (kind) {
  case EmitKind::None: break;
  case EmitKind::Dis: printDisassembly(os, fn); break;
  case EmitKind::Cfg: printFunction(os, fn); break;
  case EmitKind::Dot: printDot(os, fn); break;
  }
}

} // namespace

llvm::Error rewritePyc(PycFile &file, const PipelineOptions &options,
                       std::string &text, PipelineStats &stats, Workspace &ws) {
  llvm::raw_string_ostream os(text);
  ObjectGraph &graph = file.graph;
  // Storing new tables appends objects, never code objects: indexes stay.
  size_t numCodes = graph.codes().size();
  bool suspending = llvm::any_of(options.passes, [](const PassInfo *p) {
    return p->name == "suspend";
  });
  std::vector<ObjectId> entries;
  std::vector<uint64_t> hashes(numCodes, 0);
  std::vector<uint64_t> hashMemo(suspending ? graph.size() : 0, 0);
  AssembledCode code; // one for all: its storage is reused
  std::vector<std::unique_ptr<Pass>> passes;
  for (const PassInfo *pass : options.passes)
    passes.push_back(pass->create());
  // One function for all code objects: decoding into it reuses its blocks'
  // storage. (Without an opcode table for the version, the decoder says
  // why it cannot decode.)
  const OpcodeTable *ops = OpcodeTable::get(graph.version());
  if (!ops && numCodes)
    return decodeFunction(graph, graph.codes()[0].self, file.path())
        .takeError();
  llvm::Optional<Function> decoded;
  // The blocks' storage goes on from file to file, in the workspace.
  struct SpareBlocks {
    std::vector<Block> v;
  };
  std::vector<Block> &spareBlocks = ws.get<SpareBlocks>().v;
  if (ops) {
    decoded.emplace(*ops, graph, NoObject, file.path());
    decoded->blocks = std::move(spareBlocks);
    decoded->scratch = &ws;
  }
  auto keepBlocks = llvm::make_scope_exit([&] {
    if (decoded)
      spareBlocks = std::move(decoded->blocks);
  });
  for (size_t k = 0; k < numCodes; ++k) {
    ObjectId id = graph.codes()[k].self;
    Function &fn = *decoded;
    if (auto e = decodeFunction(id, file.path(), fn))
      return e;
    bool show = selected(fn, options);
    if (show && options.emit != EmitKind::None && !options.passes.empty()) {
      os << "; before the passes\n";
      print(os, options.emit, fn);
      os << "; after the passes\n";
    }
    RewriteContext ctx{graph, id, uint32_t(k), nullptr};
    for (size_t p = 0; p < passes.size(); ++p) {
      const PassInfo *pass = options.passes[p];
      // With --verify-each, keep the function as it was before the pass, to
      // show it if the pass breaks it.
      llvm::Optional<Function> before;
      if (options.verifyEach)
        before.emplace(fn);
      fn.maxStackDepth = -1; // a pass that knows them says so
      fn.appendedOnly = false;
      if (auto e = passes[p]->run(fn, ctx))
        return e;
      if (options.printAfterAll && show) {
        os << "; after " << pass->name << "\n";
        printFunction(os, fn);
      }
      if (before) {
        if (auto e = verifyFunction(fn)) {
          os << "; before " << pass->name << ", which broke it:\n";
          printFunction(os, *before);
          return llvm::joinErrors(
              llvm::createStringError(llvm::inconvertibleErrorCode(),
                                      "pass %s broke the function",
                                      pass->name.str().c_str()),
              std::move(e));
        }
        // A pass that says how deep the stack gets (so that the assembler
        // need not work it out) must say what the analysis finds.
        if (fn.maxStackDepth >= 0) {
          auto depths = computeStackDepths(fn);
          if (!depths)
            return depths.takeError();
          if (depths->maxDepth != fn.maxStackDepth)
            return inputError(fn.path, fn.codeFileOffset(),
                              fmt::format("pass {} says the value stack gets {} "
                                          "deep; the analysis finds {}",
                                          pass->name.str(), fn.maxStackDepth,
                                          depths->maxDepth));
        }
      }
    }
    if (auto e = assemble(fn, code))
      return e;
    storeAssembled(graph, id, code);
    if (ctx.suspension) {
      entries.push_back(
          makeTrailerEntry(graph, uint32_t(k), fn, code, *ctx.suspension));
      stats.sites += unsigned(ctx.suspension->sites.size());
    }
    if (suspending)
      hashes[k] = hashCode(graph, id, hashes, hashMemo);
    if (show)
      print(os, options.emit, fn);
    ++stats.codeObjects;
  }
  if (suspending)
    graph.trailer = makeTrailer(graph, entries, hashes);
  return llvm::Error::success();
}

} // namespace sleepy
