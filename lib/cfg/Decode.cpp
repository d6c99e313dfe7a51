//===- lib/cfg/Decode.cpp - bytecode to control-flow graph ----------------===//
//
// Three steps: decode the code units into a flat instruction list (jump and
// handler targets still in code units), attach the exception table and the
// location table, then cut the list into blocks at every target and after
// every jump or terminal instruction.
//
// An exception-table entry covers an instruction when the entry's range holds
// the instruction's opcode unit: that is the unit the interpreter looks up
// when the instruction raises.
//
//===----------------------------------------------------------------------===//
#include "sleepy/cfg/Decode.h"

#include "sleepy/cfg/Tables.h"
#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

#include <algorithm>

namespace sleepy {
namespace {

constexpr int32_t NoInstr = -1;

class Decoder {
public:
  Decoder(const ObjectGraph &graph, ObjectId code, llvm::StringRef path,
          const OpcodeTable &ops)
      : fn(ops, graph, code, path.str()), graph(graph),
        co(graph.code(code)), path(path), ops(ops) {}

  llvm::Expected<Function> run();

private:
  llvm::Error fail(uint32_t unit, const llvm::Twine &msg) {
    return inputError(path, codeOffset + 2 * uint64_t(unit), msg);
  }
  llvm::Error decodeUnits();
  llvm::Error resolveJumps();
  llvm::Error attachHandlers();
  llvm::Error attachLocations();
  void buildBlocks();

  /// The instruction starting (first prefix unit) at \p unit, or NoInstr.
  int32_t instrAt(uint32_t unit) const {
    return unit < startToInstr.size() ? startToInstr[unit] : NoInstr;
  }
  std::string describe(uint32_t unit) const {
    return fmt::format("{:#x}", codeOffset + 2 * uint64_t(unit));
  }

  Function fn;
  const ObjectGraph &graph;
  const CodeObject &co;
  llvm::StringRef path;
  const OpcodeTable &ops;
  llvm::StringRef bytes;
  uint64_t codeOffset = 0;
  uint32_t numUnits = 0;

  /// Working vectors, kept per thread: decoding thousands of functions
  /// should not allocate (and fault in) fresh memory for each one.
  struct Scratch {
    std::vector<Instr> instrs;         // flat, in code order
    std::vector<uint32_t> starts;      // first unit (prefix) of each instr
    std::vector<int32_t> startToInstr; // unit -> instr starting there
    std::vector<int32_t> jumpUnit;     // target unit of each jump, else -1
    std::vector<int32_t> handlerUnit;  // handler unit of each instr, else -1
  };
  static Scratch &scratch() {
    thread_local Scratch s;
    return s;
  }
  Scratch &work = scratch();
  std::vector<Instr> &instrs = work.instrs;
  std::vector<uint32_t> &starts = work.starts;
  std::vector<int32_t> &startToInstr = work.startToInstr;
  std::vector<int32_t> &jumpUnit = work.jumpUnit;
  std::vector<int32_t> &handlerUnit = work.handlerUnit;
};

llvm::Expected<Function> Decoder::run() {
  const Object &codeObj = graph.get(co.code);
  bytes = codeObj.data;
  codeOffset = payloadOffset(codeObj);
  numUnits = uint32_t(bytes.size() / 2);
  if (numUnits == 0)
    return fail(0, "code object has no bytecode");
  if (auto e = decodeUnits())
    return std::move(e);
  if (auto e = resolveJumps())
    return std::move(e);
  if (auto e = attachHandlers())
    return std::move(e);
  if (auto e = attachLocations())
    return std::move(e);
  buildBlocks();
  return std::move(fn);
}

llvm::Error Decoder::decodeUnits() {
  startToInstr.assign(numUnits, NoInstr);
  instrs.clear();
  starts.clear();
  const uint8_t ext = ops.extendedArg();
  const uint8_t *p = reinterpret_cast<const uint8_t *>(bytes.data());
  uint32_t u = 0;
  while (u < numUnits) {
    uint32_t start = u;
    uint32_t arg = 0;
    unsigned prefixes = 0;
    while (p[2 * u] == ext) {
      if (++prefixes > 3)
        return fail(start, "more than three EXTENDED_ARG prefixes");
      arg = (arg | p[2 * u + 1]) << 8;
      if (++u == numUnits)
        return fail(start, "EXTENDED_ARG at the end of the bytecode");
    }
    uint8_t number = p[2 * u];
    const OpInfo &info = ops.byNumber(number);
    if (!info.valid())
      return fail(u, fmt::format("unknown opcode {} for CPython {}", number,
                                 ops.version().str()));
    if (info.op == Op::CACHE)
      return fail(u, "CACHE unit where an instruction was expected");
    if (u + 1 + info.caches > numUnits)
      return fail(u, fmt::format("{} needs {} cache units after it; the "
                                 "bytecode ends first",
                                 opName(info.op), info.caches));
    for (uint32_t c = u + 1; c <= u + info.caches; ++c)
      if (p[2 * c] != 0 || p[2 * c + 1] != 0)
        return fail(c, fmt::format("cache unit of {} is not zero",
                                   opName(info.op)));
    startToInstr[start] = int32_t(instrs.size());
    starts.push_back(start);
    // Filled in place (see layOut in Assemble.cpp: no temporary copied in).
    Instr &in = instrs.emplace_back();
    in.op = info.op;
    in.prefixHint = uint8_t(prefixes);
    in.arg = arg | p[2 * u + 1];
    in.offset = u;
    u += 1 + info.caches;
  }
  return llvm::Error::success();
}

llvm::Error Decoder::resolveJumps() {
  jumpUnit.assign(instrs.size(), -1);
  for (size_t k = 0; k < instrs.size(); ++k) {
    const Instr &in = instrs[k];
    const OpInfo &info = ops.info(in.op);
    if (!info.isJump())
      continue;
    int64_t base = int64_t(in.offset) + 1 + info.caches;
    int64_t target;
    switch (info.jump) {
    case JumpKind::Forward: target = base + in.arg; break;
    case JumpKind::Backward: target = base - int64_t(in.arg); break;
    default:
      return fail(in.offset, fmt::format("{} is an absolute jump, which "
                                         "CPython {} does not have",
                                         opName(in.op), ops.version().str()));
    }
    if (target < 0 || target >= numUnits)
      return fail(in.offset, fmt::format("{} jumps outside the bytecode (to "
                                         "code unit {})",
                                         opName(in.op), target));
    if (instrAt(uint32_t(target)) == NoInstr)
      return fail(in.offset,
                  fmt::format("{} jumps into the middle of an instruction "
                              "(to {})",
                              opName(in.op), describe(uint32_t(target))));
    jumpUnit[k] = int32_t(target);
  }
  return llvm::Error::success();
}

llvm::Error Decoder::attachHandlers() {
  handlerUnit.assign(instrs.size(), -1);
  const Object &table = graph.get(co.exceptionTable);
  uint64_t tableOffset = payloadOffset(table);
  auto entries = decodeExceptionTable(table.data, path, tableOffset);
  if (!entries)
    return entries.takeError();
  uint32_t prevEnd = 0;
  // Messages name the entry's first byte: the k-th entry starts at the k-th
  // byte with bit 7 set, which the codec keeps out of every other byte.
  size_t entryByte = 0;
  for (const ExceptionEntry &e : *entries) {
    while (!(uint8_t(table.data[entryByte]) & 0x80))
      ++entryByte;
    uint64_t entryOffset = tableOffset + entryByte++;
    auto failEntry = [&](const llvm::Twine &msg) {
      return inputError(path, entryOffset, "exception table entry [" +
                                               llvm::Twine(e.start) + ", " +
                                               llvm::Twine(e.end) + "): " +
                                               msg);
    };
    if (e.start >= e.end)
      return failEntry("empty range");
    if (e.end > numUnits)
      return failEntry(fmt::format("range ends outside the bytecode ({} "
                                   "code units)",
                                   numUnits));
    if (e.start < prevEnd)
      return failEntry("overlaps or precedes the entry before it");
    prevEnd = e.end;
    if (e.target >= numUnits || instrAt(e.target) == NoInstr)
      return failEntry(fmt::format("handler at code unit {} is not the start "
                                   "of an instruction",
                                   e.target));
    if (e.depth > 0xFFFF)
      return failEntry(fmt::format("absurd stack depth {}", e.depth));
    // The instructions whose opcode unit lies in [start, end).
    auto first = std::lower_bound(
        instrs.begin(), instrs.end(), e.start,
        [](const Instr &in, uint32_t unit) { return in.offset < unit; });
    for (auto it = first; it != instrs.end() && it->offset < e.end; ++it) {
      it->handler.depth = uint16_t(e.depth);
      it->handler.lasti = e.lasti;
      handlerUnit[it - instrs.begin()] = int32_t(e.target);
    }
  }
  return llvm::Error::success();
}

llvm::Error Decoder::attachLocations() {
  const Object &table = graph.get(co.lineTable);
  uint64_t tableOffset = payloadOffset(table);
  auto runs = decodeLocationTable(table.data, co.firstLineNo, path, tableOffset);
  if (!runs)
    return runs.takeError();
  // Walk the runs and the instructions together: an instruction takes the
  // location of the run that holds its first unit.
  uint64_t unit = 0;
  size_t k = 0;
  for (size_t r = 0; r < runs->size(); ++r) {
    const LocationRun &run = (*runs)[r];
    uint64_t end = unit + run.length;
    if (end > numUnits) {
      // As in the exception table, the r-th run comes from the r-th byte
      // with bit 7 set: name the entry that goes past the end.
      size_t entryByte = 0;
      for (size_t seen = 0;; ++entryByte)
        if ((uint8_t(table.data[entryByte]) & 0x80) && seen++ == r)
          break;
      return inputError(path, tableOffset + entryByte,
                        fmt::format("location table covers more than the {} "
                                    "code units of the bytecode",
                                    numUnits));
    }
    for (; k < instrs.size() && starts[k] < end; ++k)
      instrs[k].loc = run.loc;
    unit = end;
  }
  return llvm::Error::success();
}

void Decoder::buildBlocks() {
  size_t n = instrs.size();
  std::vector<bool> leader(n, false);
  leader[0] = true;
  for (size_t k = 0; k < n; ++k) {
    const OpInfo &info = ops.info(instrs[k].op);
    if (jumpUnit[k] >= 0)
      leader[startToInstr[jumpUnit[k]]] = true;
    if (handlerUnit[k] >= 0)
      leader[startToInstr[handlerUnit[k]]] = true;
    if ((info.isJump() || info.isTerminal()) && k + 1 < n)
      leader[k + 1] = true;
  }
  // Number the blocks, resolve targets, then copy each block's run of
  // instructions in one piece.
  std::vector<int32_t> blockOf(n, -1);
  std::vector<size_t> firstOf;
  for (size_t k = 0; k < n; ++k) {
    if (leader[k])
      firstOf.push_back(k);
    blockOf[k] = int32_t(firstOf.size() - 1);
  }
  for (size_t k = 0; k < n; ++k) {
    Instr &in = instrs[k];
    if (jumpUnit[k] >= 0)
      in.target = blockOf[startToInstr[jumpUnit[k]]];
    if (handlerUnit[k] >= 0)
      in.handler.block = blockOf[startToInstr[handlerUnit[k]]];
  }
  fn.blocks.resize(firstOf.size());
  fn.layout.resize(firstOf.size());
  for (size_t b = 0; b < firstOf.size(); ++b) {
    size_t end = b + 1 < firstOf.size() ? firstOf[b + 1] : n;
    fn.blocks[b].instrs.assign(instrs.begin() + long(firstOf[b]),
                               instrs.begin() + long(end));
    fn.layout[b] = uint32_t(b);
  }
}

} // namespace

llvm::Expected<Function> decodeFunction(const ObjectGraph &graph,
                                        ObjectId code, llvm::StringRef path) {
  const OpcodeTable *ops = OpcodeTable::get(graph.version());
  if (!ops || !isCfgSupported(graph.version()))
    return inputError(path, graph.get(code).offset,
                      "decoding bytecode of CPython " +
                          graph.version().str() +
                          " is not supported (3.11 to 3.13 are)");
  return Decoder(graph, code, path, *ops).run();
}

} // namespace sleepy
