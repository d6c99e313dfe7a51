//===- lib/cfg/Function.cpp - the control-flow graph of one code object ---===//
#include "sleepy/cfg/Function.h"

namespace sleepy {

uint64_t payloadOffset(const Object &o) {
  if (o.offset == ~0u)
    return 0;
  switch (o.type) {
  case 'z':
  case 'Z':
    return uint64_t(o.offset) + 2;
  case 's':
  case 'u':
  case 't':
  case 'a':
  case 'A':
    return uint64_t(o.offset) + 5;
  default:
    return o.offset;
  }
}

uint64_t Function::codeFileOffset() const {
  return payloadOffset(graph.get(codeObject().code));
}

uint64_t Function::fileOffset(const Instr &i) const {
  uint64_t base = codeFileOffset();
  return i.offset == ~0u ? base : base + 2 * uint64_t(i.offset);
}

std::vector<uint32_t> Function::successors(size_t layoutIndex) const {
  std::vector<uint32_t> out;
  const Block &block = blocks[layout[layoutIndex]];
  bool falls = true;
  if (!block.instrs.empty()) {
    const Instr &last = block.instrs.back();
    const OpInfo &opInfo = info(last);
    if (opInfo.isJump() && last.target >= 0)
      out.push_back(uint32_t(last.target));
    falls = !opInfo.isTerminal();
  }
  if (falls && layoutIndex + 1 < layout.size())
    out.push_back(layout[layoutIndex + 1]);
  return out;
}

} // namespace sleepy
