//===- lib/cfg/Assemble.cpp - control-flow graph to bytecode --------------===//
#include "sleepy/cfg/Assemble.h"

#include "sleepy/cfg/StackDepth.h"
#include "sleepy/cfg/Tables.h"
#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

/// The opcode jumping the other way, or Op::Invalid.
Op twin(Op op) {
  switch (op) {
  case Op::JUMP_FORWARD: return Op::JUMP_BACKWARD;
  case Op::JUMP_BACKWARD: return Op::JUMP_FORWARD;
  case Op::POP_JUMP_FORWARD_IF_FALSE: return Op::POP_JUMP_BACKWARD_IF_FALSE;
  case Op::POP_JUMP_BACKWARD_IF_FALSE: return Op::POP_JUMP_FORWARD_IF_FALSE;
  case Op::POP_JUMP_FORWARD_IF_TRUE: return Op::POP_JUMP_BACKWARD_IF_TRUE;
  case Op::POP_JUMP_BACKWARD_IF_TRUE: return Op::POP_JUMP_FORWARD_IF_TRUE;
  case Op::POP_JUMP_FORWARD_IF_NONE: return Op::POP_JUMP_BACKWARD_IF_NONE;
  case Op::POP_JUMP_BACKWARD_IF_NONE: return Op::POP_JUMP_FORWARD_IF_NONE;
  case Op::POP_JUMP_FORWARD_IF_NOT_NONE:
    return Op::POP_JUMP_BACKWARD_IF_NOT_NONE;
  case Op::POP_JUMP_BACKWARD_IF_NOT_NONE:
    return Op::POP_JUMP_FORWARD_IF_NOT_NONE;
  default: return Op::Invalid;
  }
}

/// An instruction placed in the output.
struct Slot {
  Instr *instr;
  uint32_t start = 0;  ///< first unit (first prefix)
  uint8_t prefixes = 0;
  uint8_t caches = 0;
  uint32_t size() const { return prefixes + 1u + caches; }
};

} // namespace

namespace {

llvm::Expected<AssembledCode> layOut(Function &fn, uint32_t base,
                                     const std::vector<uint32_t> *external);

} // namespace

llvm::Expected<AssembledCode> assemble(Function &fn) {
  auto depths = computeStackDepths(fn);
  if (!depths)
    return depths.takeError();
  auto out = layOut(fn, 0, nullptr);
  if (!out)
    return out.takeError();
  // Never below the compiler's own figure: CPython over-estimates some
  // functions (and 3.12+ raises 0 to 1), and a frame one slot larger is
  // harmless where one slot too small corrupts memory.
  out->stackSize = std::max(depths->maxDepth, fn.codeObject().stackSize);
  return out;
}

llvm::Expected<AssembledCode>
assembleAppendix(Function &fn, uint32_t base,
                 const std::vector<uint32_t> &external) {
  return layOut(fn, base, &external);
}

namespace {

llvm::Expected<AssembledCode> layOut(Function &fn, uint32_t base,
                                     const std::vector<uint32_t> *external) {
  const OpcodeTable &ops = fn.ops;
  AssembledCode out;

  // Working vectors are kept per thread: thousands of functions should not
  // each allocate (and fault in) fresh memory.
  thread_local std::vector<Slot> slotScratch;
  thread_local std::vector<ExceptionEntry> entryScratch;
  thread_local std::vector<LocationRun> runScratch;
  std::vector<Slot> &slots = slotScratch;
  slots.clear();
  size_t count = 0;
  for (uint32_t b : fn.layout)
    count += fn.blocks[b].instrs.size();
  slots.reserve(count);
  std::vector<uint32_t> blockStart(fn.blocks.size(), 0);
  if (external)
    for (size_t b = 0; b < external->size() && b < blockStart.size(); ++b)
      blockStart[b] = (*external)[b];
  for (uint32_t b : fn.layout) {
    for (Instr &in : fn.blocks[b].instrs) {
      const OpInfo &info = ops.info(in.op);
      if (!info.valid())
        return inputError(fn.path, fn.fileOffset(in),
                          fmt::format("{} does not exist in CPython {}",
                                      opName(in.op), ops.version().str()));
      Slot s;
      s.instr = &in;
      s.caches = info.caches;
      s.prefixes = info.isJump() ? 0 : uint8_t(prefixesFor(in.arg));
      slots.push_back(s);
    }
  }

  // Resolve jumps to a fixed point, the way CPython's resolve_jump_offsets
  // does: each round lays the code out with the current sizes, recomputes
  // every jump argument, and repeats while a size changed. Where a jump fits
  // with and without a prefix both are fixed points, so a jump starts from
  // the prefixes it had in the input, and unchanged code comes back as it
  // was. A new jump starts from none, or on 3.13 (like CPython 3.13) from
  // the target's instruction index. After a few rounds sizes may only grow,
  // with room for every other jump to grow too, so a chain of jumps that
  // push each other over 255 cannot make the loop run once per jump.
  std::vector<uint32_t> firstIndex;
  if (fn.version() >= PyVersion(3, 13)) {
    firstIndex.assign(fn.blocks.size(), 0);
    uint32_t index = uint32_t(slots.size());
    for (size_t k = fn.layout.size(); k-- > 0;) {
      uint32_t b = fn.layout[k];
      index -= uint32_t(fn.blocks[b].instrs.size());
      firstIndex[b] = index;
    }
  }
  uint32_t jumps = 0;
  for (Slot &s : slots) {
    if (!ops.info(s.instr->op).isJump())
      continue;
    ++jumps;
    if (s.instr->offset != ~0u)
      s.prefixes = s.instr->prefixHint;
    else if (!firstIndex.empty())
      s.prefixes = uint8_t(prefixesFor(firstIndex[s.instr->target]));
  }
  constexpr unsigned ShrinkingRounds = 8;
  for (unsigned round = 0, changed = 1; changed; ++round) {
    changed = 0;
    uint32_t unit = base;
    size_t k = 0;
    for (uint32_t b : fn.layout) {
      blockStart[b] = unit;
      for (size_t n = fn.blocks[b].instrs.size(); n; --n, ++k) {
        slots[k].start = unit;
        unit += slots[k].size();
      }
    }
    for (Slot &s : slots) {
      Instr &in = *s.instr;
      const OpInfo &info = ops.info(in.op);
      if (!info.isJump())
        continue;
      uint32_t target = blockStart[in.target];
      uint32_t base = s.start + s.size();
      JumpKind want = target < base ? JumpKind::Backward : JumpKind::Forward;
      if (info.jump != want) {
        Op other = twin(in.op);
        if (other == Op::Invalid || !ops.has(other))
          return inputError(
              fn.path, fn.fileOffset(in),
              fmt::format("{} can only jump {}, but its target bb{} lies {}",
                          opName(in.op),
                          info.jump == JumpKind::Forward ? "forward"
                                                         : "backward",
                          in.target,
                          want == JumpKind::Forward ? "after it"
                                                    : "before it"));
        in.op = other;
        s.caches = ops.info(other).caches;
        changed = 1;
        continue;
      }
      in.arg = want == JumpKind::Forward ? target - base : base - target;
      unsigned need = prefixesFor(round < ShrinkingRounds
                                      ? in.arg
                                      : in.arg + std::min<uint64_t>(
                                                     3ull * jumps, 1u << 29));
      if (need > s.prefixes || (need < s.prefixes && round < ShrinkingRounds)) {
        s.prefixes = uint8_t(need);
        changed = 1;
      }
    }
  }

  // co_code.
  const uint8_t ext = ops.extendedArg();
  uint32_t totalUnits =
      slots.empty() ? base : slots.back().start + slots.back().size();
  out.code.assign(2 * size_t(totalUnits - base), '\0');
  char *p = &out.code[0];
  for (const Slot &s : slots) {
    const Instr &in = *s.instr;
    for (int k = s.prefixes; k > 0; --k) {
      *p++ = char(ext);
      *p++ = char((in.arg >> (8 * k)) & 0xFF);
    }
    *p++ = char(ops.info(in.op).number);
    *p++ = char(in.arg & 0xFF);
    p += 2 * size_t(s.caches); // CACHE units are zero
  }

  // co_exceptiontable: one entry per run of instructions with one handler.
  std::vector<ExceptionEntry> &entries = entryScratch;
  entries.clear();
  Handler current;
  uint32_t runStart = 0;
  auto close = [&](uint32_t end) {
    if (current.valid())
      entries.push_back(ExceptionEntry{runStart, end,
                                       blockStart[current.block],
                                       current.depth, current.lasti});
  };
  for (const Slot &s : slots) {
    if (s.instr->handler != current) {
      close(s.start);
      current = s.instr->handler;
      runStart = s.start;
    }
  }
  close(totalUnits);
  llvm::SmallVector<char, 64> buffer;
  encodeExceptionTable(entries, buffer);
  out.exceptionTable.assign(buffer.begin(), buffer.end());

  // co_linetable: 3.11 writes an entry per instruction, later versions one
  // per run of instructions that share a location.
  bool merge = fn.version() >= PyVersion(3, 12);
  std::vector<LocationRun> &runs = runScratch;
  runs.clear();
  for (const Slot &s : slots) {
    if (merge && !runs.empty() && runs.back().loc == s.instr->loc) {
      runs.back().length += s.size();
    } else {
      // Filled in place: a temporary copied in would be written in two
      // pieces and read back in one (a store-forwarding stall per run).
      LocationRun &run = runs.emplace_back();
      run.length = s.size();
      run.loc = s.instr->loc;
    }
  }
  buffer.clear();
  encodeLocationTable(runs, fn.codeObject().firstLineNo, buffer);
  out.lineTable.assign(buffer.begin(), buffer.end());
  out.blockStart = std::move(blockStart);
  return out;
}

} // namespace

void storeAssembled(ObjectGraph &graph, ObjectId id,
                    const AssembledCode &code) {
  auto replace = [&](ObjectId &field, const std::string &bytes) {
    if (graph.get(field).data != bytes)
      field = graph.addSharedBytes(bytes);
  };
  // addSharedBytes may grow the graph; take the code object afresh after each.
  ObjectId field = graph.code(id).code;
  replace(field, code.code);
  graph.code(id).code = field;
  field = graph.code(id).exceptionTable;
  replace(field, code.exceptionTable);
  graph.code(id).exceptionTable = field;
  field = graph.code(id).lineTable;
  replace(field, code.lineTable);
  graph.code(id).lineTable = field;
  graph.code(id).stackSize = code.stackSize;
}

} // namespace sleepy
