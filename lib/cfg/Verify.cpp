//===- lib/cfg/Verify.cpp - structural checks of a control-flow graph -----===//
#include "sleepy/cfg/Verify.h"

#include "sleepy/cfg/StackDepth.h"
#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

namespace sleepy {

llvm::Error verifyFunction(const Function &fn) {
  auto fail = [&](const Instr *in, const std::string &msg) {
    return inputError(fn.path, in ? fn.fileOffset(*in) : fn.codeFileOffset(),
                      "verifier: " + msg);
  };
  if (fn.layout.empty())
    return fail(nullptr, "the function has no blocks in its layout");
  std::vector<bool> placed(fn.blocks.size(), false);
  for (uint32_t b : fn.layout) {
    if (b >= fn.blocks.size())
      return fail(nullptr, fmt::format("layout names bb{}, which does not "
                                       "exist",
                                       b));
    if (placed[b])
      return fail(nullptr, fmt::format("layout names bb{} twice", b));
    placed[b] = true;
  }
  auto isPlaced = [&](int32_t b) {
    return b >= 0 && size_t(b) < fn.blocks.size() && placed[b];
  };
  for (uint32_t b : fn.layout) {
    const auto &instrs = fn.blocks[b].instrs;
    for (size_t k = 0; k < instrs.size(); ++k) {
      const Instr &in = instrs[k];
      const OpInfo &info = fn.info(in);
      std::string where = fmt::format("bb{}[{}] {}", b, k, opName(in.op));
      if (!info.valid())
        return fail(&in, fmt::format("{} does not exist in CPython {}", where,
                                     fn.version().str()));
      if (in.op == Op::EXTENDED_ARG || in.op == Op::CACHE)
        return fail(&in, where + " is not an instruction of the graph; the "
                                 "assembler makes these");
      if (in.arg >= (1u << 30))
        return fail(&in, fmt::format("{} has an argument of {} (at most 2^30 "
                                     "- 1)",
                                     where, in.arg));
      if ((info.isJump() || info.isTerminal()) && k + 1 != instrs.size())
        return fail(&in, where + " jumps or ends control in the middle of "
                                 "its block");
      if (info.isJump() && !isPlaced(in.target))
        return fail(&in, fmt::format("{} jumps to bb{}, which is not in the "
                                     "layout",
                                     where, in.target));
      if (!info.isJump() && in.target != -1)
        return fail(&in, where + " has a jump target but does not jump");
      if (in.handler.valid() && !isPlaced(in.handler.block))
        return fail(&in, fmt::format("{} is covered by handler bb{}, which is "
                                     "not in the layout",
                                     where, in.handler.block));
    }
  }
  auto depths = computeStackDepths(fn);
  if (!depths)
    return depths.takeError();
  return llvm::Error::success();
}

} // namespace sleepy
