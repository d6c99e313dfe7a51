//===- lib/cfg/Assemble.cpp - control-flow graph to bytecode --------------===//
#include "sleepy/cfg/Assemble.h"

#include "sleepy/cfg/StackDepth.h"
#include "sleepy/cfg/Tables.h"
#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

#include <cassert>
#include <cstring>

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

/// The leading blocks of the layout whose instructions keep the input's
/// bytes and location entries.
struct Kept {
  size_t blocks = 0; ///< in the layout
  uint32_t units = 0;
};

/// Where \p fn says that a pass only appended code without source positions
/// (Function::appendedOnly), the leading blocks that hold the input's
/// instructions, checked to be each where the input had it (their starts go
/// into \p blockStart); nothing where that does not hold.
Kept keptBlocks(const Function &fn, std::vector<uint32_t> &blockStart) {
  if (!fn.appendedOnly || fn.dialect().locationRuns)
    return {}; // (runs of one location would merge across the boundary)
  uint32_t units = uint32_t(fn.graph.get(fn.codeObject().code).data.size() / 2);
  struct KeptScratch {
    std::vector<uint8_t> v;
  };
  std::vector<uint8_t> &kept = fn.workspace().get<KeptScratch>().v;
  kept.assign(fn.blocks.size(), 0);
  uint32_t unit = 0;
  size_t i = 0;
  for (; i < fn.layout.size() && unit < units; ++i) {
    uint32_t b = fn.layout[i];
    blockStart[b] = unit;
    kept[b] = 1;
    for (const Instr &in : fn.blocks[b].instrs) {
      if (in.offset == ~0u || in.offset != unit + in.prefixHint)
        return {};
      unit = in.offset + 1 + fn.info(in).caches;
    }
  }
  if (unit != units)
    return {};
  for (size_t k = 0; k < i; ++k) {
    const InstrList &instrs = fn.blocks[fn.layout[k]].instrs;
    // A jump ends its block; one into new code would not be as it was.
    if (!instrs.empty() && fn.info(instrs.back()).isJump() &&
        !kept[instrs.back().target])
      return {};
  }
  for (size_t k = i; k < fn.layout.size(); ++k)
    for (const Instr &in : fn.blocks[fn.layout[k]].instrs)
      if (in.offset != ~0u || in.loc.line >= 0)
        return {};
  return {i, unit};
}

/// Lays \p fn out and writes its code and tables; no stack depths.
llvm::Error layOut(Function &fn, AssembledCode &out) {
  const OpcodeTable &ops = fn.ops;

  // Working vectors are kept in the function's workspace: thousands of
  // functions should not each allocate (and fault in) fresh memory.
  struct SlotScratch {
    std::vector<Slot> slots;
    std::vector<ExceptionEntry> entries;
  };
  SlotScratch &scratch = fn.workspace().get<SlotScratch>();
  std::vector<Slot> &slotStore = scratch.slots;
  size_t count = 0;
  for (uint32_t b : fn.layout)
    count += fn.blocks[b].instrs.size(); // (an upper bound: kept or not)
  // Written through a plain pointer (a byte stored through the vector would
  // make the compiler reload the vector's own pointers); sized to the slots
  // made below at the end.
  if (slotStore.size() < count)
    slotStore.resize(count);
  Slot *slot = slotStore.data();
  std::vector<uint32_t> &blockStart = out.blockStart;
  blockStart.assign(fn.blocks.size(), 0);
  const Kept kept = keptBlocks(fn, blockStart);
  out.keptUnits = kept.units;
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
  if (fn.dialect().jumpSizeFromIndex) {
    // (Nothing is kept before 3.12: every block of the layout is laid out.)
    firstIndex.assign(fn.blocks.size(), 0);
    uint32_t index = uint32_t(count);
    for (size_t k = fn.layout.size(); k-- > 0;) {
      uint32_t b = fn.layout[k];
      index -= uint32_t(fn.blocks[b].instrs.size());
      firstIndex[b] = index;
    }
  }
  // The slots, laid out with their first sizes: the first round's layout.
  // The jumps, by slot: the rounds only revisit these.
  struct JumpScratch {
    std::vector<uint32_t> v;
  };
  std::vector<uint32_t> &jumps = fn.workspace().get<JumpScratch>().v;
  jumps.clear();
  uint32_t unit = kept.units;
  for (size_t i = kept.blocks; i < fn.layout.size(); ++i) {
    uint32_t b = fn.layout[i];
    blockStart[b] = unit;
    for (Instr &in : fn.blocks[b].instrs) {
      const OpInfo &info = ops.info(in.op);
      if (!info.valid())
        return inputError(fn.path, fn.fileOffset(in),
                          fmt::format("{} does not exist in CPython {}",
                                      opName(in.op), ops.version().str()));
      Slot &s = *slot++;
      s.instr = &in;
      s.caches = info.caches;
      if (!info.isJump())
        s.prefixes = uint8_t(prefixesFor(in.arg));
      else {
        jumps.push_back(uint32_t(&s - slotStore.data()));
        if (in.offset != ~0u)
          s.prefixes = in.prefixHint;
        else if (!firstIndex.empty())
          s.prefixes = uint8_t(prefixesFor(firstIndex[in.target]));
        else
          s.prefixes = 0; // (the slot holds an earlier function's)
      }
      s.start = unit;
      unit += s.size();
    }
  }
  llvm::MutableArrayRef<Slot> slots(slotStore.data(),
                                    size_t(slot - slotStore.data()));
  constexpr unsigned ShrinkingRounds = 8;
  for (unsigned round = 0, changed = 1; changed; ++round) {
    changed = 0;
    if (round > 0) {
      uint32_t unit = kept.units;
      size_t k = 0;
      for (size_t i = kept.blocks; i < fn.layout.size(); ++i) {
        uint32_t b = fn.layout[i];
        blockStart[b] = unit;
        for (size_t n = fn.blocks[b].instrs.size(); n; --n, ++k) {
          slots[k].start = unit;
          unit += slots[k].size();
        }
      }
    }
    for (uint32_t j : jumps) {
      Slot &s = slots[j];
      Instr &in = *s.instr;
      const OpInfo &info = ops.info(in.op);
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
                                                     3ull * jumps.size(),
                                                     1u << 29));
      if (need > s.prefixes || (need < s.prefixes && round < ShrinkingRounds)) {
        s.prefixes = uint8_t(need);
        changed = 1;
      }
    }
  }

  // co_code and the runs of the two tables, in one walk over the slots.
  // co_exceptiontable has an entry per run of instructions with one
  // handler; co_linetable an entry per instruction in 3.11, and in later
  // versions one per run of instructions that share a location (a run of n
  // units takes ceil(n / 8) <= n / 8 + 1 entries).
  const uint8_t ext = ops.extendedArg();
  uint32_t totalUnits =
      slots.empty() ? kept.units : slots.back().start + slots.back().size();
  out.code.assign(2 * size_t(totalUnits), '\0');
  char *p = &out.code[0];
  bool merge = fn.dialect().locationRuns;
  const CodeObject &co = fn.codeObject();

  std::vector<ExceptionEntry> &entries = scratch.entries;
  entries.clear();
  Handler current;
  uint32_t handlerStart = 0;
  auto closeHandler = [&](uint32_t end) {
    if (current.valid())
      entries.push_back(ExceptionEntry{handlerStart, end,
                                       blockStart[current.block],
                                       current.depth, current.lasti});
  };

  struct LineScratch {
    llvm::SmallVector<char, 0> v;
  };
  llvm::SmallVectorImpl<char> &lineBytes = fn.workspace().get<LineScratch>().v;
  lineBytes.clear();
  if (kept.blocks) {
    // The input's code and its location entries, as they were; only the
    // handlers of those instructions are looked at.
    llvm::StringRef code = fn.graph.get(co.code).data;
    llvm::StringRef table = fn.graph.get(co.lineTable).data;
    std::memcpy(p, code.data(), code.size());
    p += code.size();
    lineBytes.append(table.begin(), table.end());
    for (size_t i = 0; i < kept.blocks; ++i)
      for (const Instr &in : fn.blocks[fn.layout[i]].instrs)
        if (in.handler != current) {
          closeHandler(in.offset - in.prefixHint);
          current = in.handler;
          handlerStart = in.offset - in.prefixHint;
        }
  }
  LocationTableWriter lines(lineBytes, co.firstLineNo,
                            slots.size() + totalUnits / 8 + 1);
  const Location *runLoc = nullptr;
  uint32_t runLength = 0;

  for (const Slot &s : slots) {
    const Instr &in = *s.instr;
    for (int k = s.prefixes; k > 0; --k) {
      *p++ = char(ext);
      *p++ = char((in.arg >> (8 * k)) & 0xFF);
    }
    *p++ = char(ops.info(in.op).number);
    *p++ = char(in.arg & 0xFF);
    p += 2 * size_t(s.caches); // CACHE units are zero

    if (in.handler != current) {
      closeHandler(s.start);
      current = in.handler;
      handlerStart = s.start;
    }

    if (merge && runLoc && *runLoc == in.loc) {
      runLength += s.size();
    } else {
      if (runLoc)
        lines.add(*runLoc, runLength);
      runLoc = &in.loc;
      runLength = s.size();
    }
  }
  closeHandler(totalUnits);
  llvm::SmallVector<char, 64> handlerBytes;
  encodeExceptionTable(entries, handlerBytes);
  out.exceptionTable.assign(handlerBytes.begin(), handlerBytes.end());
  if (runLoc)
    lines.add(*runLoc, runLength);
  lines.finish();
  out.lineTable.assign(lineBytes.begin(), lineBytes.end());
  return llvm::Error::success();
}

} // namespace

llvm::Error assemble(Function &fn, AssembledCode &out) {
  int32_t maxDepth = fn.maxStackDepth;
  if (maxDepth < 0) {
    struct DepthScratch {
      StackDepths depths;
    };
    StackDepths &depths = fn.workspace().get<DepthScratch>().depths;
    if (auto e = computeStackDepths(fn, depths))
      return e;
    maxDepth = depths.maxDepth;
  }
  if (auto e = layOut(fn, out))
    return e;
  // Never below the compiler's own figure: CPython over-estimates some
  // functions (and 3.12+ raises 0 to 1), and a frame one slot larger is
  // harmless where one slot too small corrupts memory.
  out.stackSize = std::max(maxDepth, fn.codeObject().stackSize);
  return llvm::Error::success();
}

llvm::Expected<AssembledCode> assemble(Function &fn) {
  AssembledCode out;
  if (auto e = assemble(fn, out))
    return std::move(e);
  return out;
}

uint32_t instrStart(const Function &fn, const AssembledCode &code,
                    uint32_t block, size_t index) {
  const InstrList &instrs = fn.blocks[block].instrs;
  if (code.blockStart[block] < code.keptUnits) // where the input had it
    return instrs[index].offset - instrs[index].prefixHint;
  // Laid out: only a block's last instruction may jump, and the others have
  // the prefixes their arguments need.
  uint32_t unit = code.blockStart[block];
  for (size_t k = 0; k < index; ++k) {
    assert(!fn.info(instrs[k]).isJump() && "a jump inside a block");
    unit += prefixesFor(instrs[k].arg) + 1 + fn.info(instrs[k]).caches;
  }
  return unit;
}

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
