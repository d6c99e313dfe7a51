//===- lib/cfg/StackDepth.cpp - value-stack depth of every block ----------===//
#include "sleepy/cfg/StackDepth.h"

#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

// A stack effect is a closed form in the argument, which three EXTENDED_ARG
// prefixes make 32 bits wide; past 2^30 the form leaves int range. No
// compiler writes such an argument where the effect depends on it.
constexpr uint32_t MaxEffectArg = (1u << 30) - 1;
// Depths are summed in 64 bits and kept within co_stacksize's int32, so no
// chain of pushes can wrap them around.
constexpr int64_t MaxDepth = INT32_MAX;

} // namespace

llvm::Expected<StackDepths> computeStackDepths(const Function &fn) {
  StackDepths result;
  if (auto e = computeStackDepths(fn, result))
    return std::move(e);
  return result;
}

llvm::Error computeStackDepths(const Function &fn, StackDepths &result) {
  result.atEntry.assign(fn.blocks.size(), -1);
  result.maxDepth = 0;
  if (fn.layout.empty())
    return llvm::Error::success();

  // Position of each block in the layout, for fallthrough.
  struct Scratch {
    std::vector<int32_t> position;
    std::vector<uint32_t> work;
  };
  Scratch &scratch = fn.workspace().get<Scratch>();
  std::vector<int32_t> &position = scratch.position;
  position.assign(fn.blocks.size(), -1);
  for (size_t k = 0; k < fn.layout.size(); ++k)
    position[fn.layout[k]] = int32_t(k);

  std::vector<uint32_t> &work = scratch.work;
  work.clear();
  auto reach = [&](int32_t block, int64_t depth, const Instr &from,
                   const char *edge) -> llvm::Error {
    if (block < 0 || size_t(block) >= fn.blocks.size() ||
        position[block] < 0)
      return inputError(fn.path, fn.fileOffset(from),
                        fmt::format("{} of {} leads to a block that is not "
                                    "in the code",
                                    edge, opName(from.op)));
    if (depth > MaxDepth)
      return inputError(fn.path, fn.fileOffset(from),
                        fmt::format("{} of {} reaches bb{} with a stack "
                                    "depth of {}, out of range",
                                    edge, opName(from.op), block, depth));
    int32_t &seen = result.atEntry[block];
    if (seen < 0) {
      seen = int32_t(depth);
      work.push_back(uint32_t(block));
    } else if (seen != depth) {
      return inputError(fn.path, fn.fileOffset(from),
                        fmt::format("{} of {} reaches bb{} with stack depth "
                                    "{}, where another path has {}",
                                    edge, opName(from.op), block, depth,
                                    seen));
    }
    result.maxDepth = std::max(result.maxDepth, int32_t(depth));
    return llvm::Error::success();
  };

  const CodeObject &co = fn.codeObject();
  int32_t start =
      (co.flags & CO_GENERATOR_LIKE) ? fn.dialect().generatorEntryDepth : 0;
  uint32_t entry = fn.layout[0];
  result.atEntry[entry] = start;
  result.maxDepth = start;
  work.push_back(entry);

  int64_t maxDepth = start; // of the instructions; reach() keeps its own
  while (!work.empty()) {
    uint32_t b = work.back();
    work.pop_back();
    int64_t depth = result.atEntry[b];
    const Block &block = fn.blocks[b];
    bool fallsThrough = true;
    // Runs of instructions share a handler: reaching it once will do.
    const Handler *reached = nullptr;
    for (const Instr &in : block.instrs) {
      const OpInfo &info = fn.info(in);
      if (in.arg > MaxEffectArg && (info.noJump.kind != StackEffect::Fixed ||
                                    info.onJump.kind != StackEffect::Fixed))
        return inputError(fn.path, fn.fileOffset(in),
                          fmt::format("{} has an argument of {}, too large "
                                      "for its stack effect (at most 2^30 - "
                                      "1)",
                                      opName(in.op), in.arg));
      if (in.handler.valid()) {
        if (depth < in.handler.depth)
          return inputError(fn.path, fn.fileOffset(in),
                            fmt::format("{} is covered by a handler that "
                                        "keeps {} stack items, but the "
                                        "stack holds {}",
                                        opName(in.op), in.handler.depth,
                                        depth));
        if (!reached || *reached != in.handler)
          if (auto e = reach(in.handler.block,
                             in.handler.depth + (in.handler.lasti ? 1 : 0) + 1,
                             in, "the exception handler"))
            return e;
        reached = &in.handler;
      }
      if (info.isJump()) {
        int64_t taken = depth + info.onJump.eval(in.arg);
        if (taken < 0)
          return inputError(fn.path, fn.fileOffset(in),
                            fmt::format("stack underflow: {} jumps with {} "
                                        "items on the stack",
                                        opName(in.op), depth));
        if (auto e = reach(in.target, taken, in, "the jump"))
          return e;
      }
      int64_t next = depth + info.noJump.eval(in.arg);
      if (next < 0)
        return inputError(fn.path, fn.fileOffset(in),
                          fmt::format("stack underflow: {} with {} items on "
                                      "the stack",
                                      opName(in.op), depth));
      if (next > MaxDepth)
        return inputError(fn.path, fn.fileOffset(in),
                          fmt::format("stack depth out of range: {} leaves "
                                      "{} items on the stack",
                                      opName(in.op), next));
      depth = next;
      maxDepth = std::max(maxDepth, depth);
      if (info.isTerminal()) {
        fallsThrough = false;
        break;
      }
    }
    if (!fallsThrough)
      continue;
    size_t pos = size_t(position[b]) + 1;
    if (pos >= fn.layout.size()) {
      const Instr *last = block.instrs.empty() ? nullptr : &block.instrs.back();
      return inputError(fn.path,
                        last ? fn.fileOffset(*last) : fn.codeFileOffset(),
                        "control runs off the end of the bytecode");
    }
    int32_t nextBlock = int32_t(fn.layout[pos]);
    if (result.atEntry[nextBlock] < 0) {
      result.atEntry[nextBlock] = int32_t(depth);
      work.push_back(uint32_t(nextBlock));
    } else if (result.atEntry[nextBlock] != depth) {
      return inputError(fn.path, fn.codeFileOffset(),
                        fmt::format("bb{} falls into bb{} with stack depth "
                                    "{}, where another path has {}",
                                    b, nextBlock, depth,
                                    result.atEntry[nextBlock]));
    }
  }
  result.maxDepth = std::max(result.maxDepth, int32_t(maxDepth));
  return llvm::Error::success();
}

} // namespace sleepy
