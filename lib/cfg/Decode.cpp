//===- lib/cfg/Decode.cpp - bytecode to control-flow graph ----------------===//
//
// Decodes the code units into a flat instruction list in one pass that also
// takes each instruction's location from the location table, notes the jumps
// and marks where blocks start after a jump or a terminal instruction. Then
// the jumps are checked and the exception table attached (jump and handler
// targets as instruction indices, which start blocks too). Once the blocks
// are numbered, jump and handler targets become block indices and the list
// is cut into blocks, each copied in one piece.
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
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

namespace sleepy {
namespace {

constexpr int32_t NoInstr = -1;

class Decoder {
public:
  Decoder(Function &fn, ObjectId code, llvm::StringRef path)
      : fn(fn), graph(fn.graph), co(graph.code(code)), path(path),
        ops(fn.ops) {
    fn.code = code;
    fn.path = path;
    fn.maxStackDepth = -1;
    fn.appendedOnly = false;
  }

  llvm::Error run();

private:
  llvm::Error fail(uint32_t unit, const llvm::Twine &msg) {
    return inputError(path, codeOffset + 2 * uint64_t(unit), msg);
  }
  llvm::Error decodeLocations();
  llvm::Error decodeUnits();
  llvm::Error resolveJumps();
  llvm::Error attachHandlers();
  void buildBlocks();

  /// The instruction starting (first prefix unit) at \p unit, or NoInstr.
  int32_t instrAt(uint32_t unit) const {
    return unit < startToInstr.size() ? startToInstr[unit] : NoInstr;
  }
  std::string describe(uint32_t unit) const {
    return fmt::format("{:#x}", codeOffset + 2 * uint64_t(unit));
  }

  Function &fn;
  const ObjectGraph &graph;
  const CodeObject &co;
  llvm::StringRef path;
  const OpcodeTable &ops;
  llvm::StringRef bytes;
  uint64_t codeOffset = 0;
  uint32_t numUnits = 0;

  /// Working vectors, kept in the function's workspace: decoding thousands
  /// of functions should not allocate (and fault in) fresh memory for each
  /// one. Until
  /// buildBlocks, a jump's target holds an instruction index, and handler
  /// blocks are not set (`covered` says which instructions get which).
  struct Scratch {
    // Flat, in code order: the first `count` are this function's. Grown to
    // a slot per code unit and written through plain pointers: the decoding
    // loop keeps everything in registers (a byte store through a vector
    // would make the compiler reload the vectors' own pointers).
    std::vector<Instr> instrs;
    std::vector<int32_t> startToInstr; // unit -> instr starting there
    std::vector<uint32_t> jumps;       // the jump instructions
    std::vector<LocationRun> runs;     // room for the location table
    std::vector<uint8_t> leader;       // instr starts a block
    std::vector<int32_t> blockOf;      // block of each instr
    /// The instructions [first, end) each handler covers.
    struct Covered {
      uint32_t first, end;
      int32_t handler;
    };
    std::vector<Covered> covered;
  };
  Scratch &work = fn.workspace().get<Scratch>();
  std::vector<Instr> &instrs = work.instrs;
  std::vector<int32_t> &startToInstr = work.startToInstr;
  std::vector<uint32_t> &jumps = work.jumps;
  /// The decoded location table, and a last run without a location.
  llvm::ArrayRef<LocationRun> runs;
  std::vector<uint8_t> &leader = work.leader;
  uint32_t count = 0; ///< instructions decoded
};

llvm::Error Decoder::run() {
  const Object &codeObj = graph.get(co.code);
  bytes = codeObj.data;
  codeOffset = payloadOffset(codeObj);
  numUnits = uint32_t(bytes.size() / 2);
  if (numUnits == 0)
    return fail(0, "code object has no bytecode");
  if (auto e = decodeLocations())
    return e;
  if (auto e = decodeUnits())
    return e;
  if (auto e = resolveJumps())
    return e;
  if (auto e = attachHandlers())
    return e;
  buildBlocks();
  return llvm::Error::success();
}

llvm::Error Decoder::decodeLocations() {
  const Object &table = graph.get(co.lineTable);
  auto decoded = decodeLocationTable(table.data, co.firstLineNo, path,
                                     payloadOffset(table), work.runs,
                                     numUnits);
  if (!decoded)
    return decoded.takeError();
  // A run without a location after the table's, as long as can be: units
  // past the table have none, and the decoder need not look for the end.
  size_t n = decoded->size();
  if (work.runs.size() < n + 1)
    work.runs.resize(n + 1);
  work.runs[n] = LocationRun{UINT32_MAX, Location{}};
  runs = llvm::makeArrayRef(work.runs.data(), n + 1);
  return llvm::Error::success();
}

llvm::Error Decoder::decodeUnits() {
  startToInstr.assign(numUnits, NoInstr);
  if (instrs.size() < numUnits)
    instrs.resize(numUnits);
  if (leader.size() < numUnits + 8) // (room for buildBlocks' word reads)
    leader.resize(numUnits + 8);
  jumps.clear();
  Instr *out = instrs.data();
  uint8_t *lead = leader.data();
  int32_t *instrOf = startToInstr.data();
  uint32_t index = 0;
  const uint8_t ext = ops.extendedArg();
  const uint8_t *p = reinterpret_cast<const uint8_t *>(bytes.data());
  // An instruction takes the location of the run that holds its first unit;
  // units past the table have none.
  const LocationRun *run = runs.data(); // (the last: one without an end)
  uint64_t runEnd = run->length;
  bool startsBlock = true;
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
    if (info.caches) {
      // Zero as a whole, checked a word at a time.
      const uint8_t *c = p + 2 * (u + 1), *cEnd = c + 2 * info.caches;
      uint64_t bits = 0;
      for (; cEnd - c >= 8; c += 8)
        bits |= llvm::support::endian::read64le(c);
      for (; c < cEnd; c += 2)
        bits |= llvm::support::endian::read16le(c);
      if (bits)
        for (uint32_t k = u + 1; k <= u + info.caches; ++k)
          if (p[2 * k] != 0 || p[2 * k + 1] != 0)
            return fail(k, fmt::format("cache unit of {} is not zero",
                                       opName(info.op)));
    }
    while (start >= runEnd)
      runEnd += (++run)->length;
    instrOf[start] = int32_t(index);
    // Every field written in place (see layOut in Assemble.cpp: no
    // temporary copied in): the slot holds an earlier function's.
    Instr &in = out[index];
    in.op = info.op;
    in.prefixHint = uint8_t(prefixes);
    in.arg = arg | p[2 * u + 1];
    in.target = -1;
    in.handler = Handler{};
    in.loc = run->loc;
    in.offset = u;
    lead[index] = startsBlock;
    if (info.isJump())
      jumps.push_back(index);
    startsBlock = info.isJump() || info.isTerminal();
    u += 1 + info.caches;
    ++index;
  }
  count = index;
  return llvm::Error::success();
}

llvm::Error Decoder::resolveJumps() {
  for (uint32_t k : jumps) {
    Instr &in = instrs[k];
    const OpInfo &info = ops.info(in.op);
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
    int32_t to = instrAt(uint32_t(target));
    if (to == NoInstr)
      return fail(in.offset,
                  fmt::format("{} jumps into the middle of an instruction "
                              "(to {})",
                              opName(in.op), describe(uint32_t(target))));
    in.target = to;
    leader[size_t(to)] = 1;
  }
  return llvm::Error::success();
}

llvm::Error Decoder::attachHandlers() {
  const Object &table = graph.get(co.exceptionTable);
  uint64_t tableOffset = payloadOffset(table);
  auto entries = decodeExceptionTable(table.data, path, tableOffset);
  if (!entries)
    return entries.takeError();
  work.covered.clear();
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
    int32_t handler = instrAt(e.target);
    leader[size_t(handler)] = 1;
    auto first = std::lower_bound(
        instrs.begin(), instrs.begin() + count, e.start,
        [](const Instr &in, uint32_t unit) { return in.offset < unit; });
    auto it = first;
    // (The block is set once the blocks are numbered: buildBlocks.)
    for (; it != instrs.begin() + count && it->offset < e.end; ++it) {
      it->handler.depth = uint16_t(e.depth);
      it->handler.lasti = e.lasti;
    }
    work.covered.push_back(Decoder::Scratch::Covered{
        uint32_t(first - instrs.begin()), uint32_t(it - instrs.begin()),
        handler});
  }
  return llvm::Error::success();
}

void Decoder::buildBlocks() {
  // Number the blocks, turn the jumps' and handlers' instruction indices
  // into block indices, then copy each block's run of instructions in one
  // piece.
  size_t n = count;
  std::vector<int32_t> &blockOf = work.blockOf;
  blockOf.resize(n);
  int32_t blocks = 0;
  for (size_t k = 0; k < n; ++k) {
    blocks += leader[k];
    blockOf[k] = blocks - 1;
  }
  for (uint32_t k : jumps)
    instrs[k].target = blockOf[size_t(instrs[k].target)];
  for (const Scratch::Covered &c : work.covered) {
    int32_t block = blockOf[size_t(c.handler)];
    for (uint32_t k = c.first; k < c.end; ++k)
      instrs[k].handler.block = block;
  }
  fn.blocks.resize(size_t(blocks));
  fn.layout.resize(size_t(blocks));
  // The next block starts at the next leader, found eight flags at a time
  // (blocks are short: mostly one word), up to one put after the last.
  const uint8_t *lead = leader.data();
  leader[n] = 1;
  auto nextLeader = [lead](size_t k) {
    for (;; k += 8) {
      uint64_t word = llvm::support::endian::read64le(lead + k);
      if (word)
        return k + size_t(llvm::countTrailingZeros(word)) / 8;
    }
  };
  for (size_t k = 0, b = 0; k < n; ++b) {
    size_t end = nextLeader(k + 1);
    InstrList &out = fn.blocks[b].instrs;
    out.assign(instrs.begin() + long(k), instrs.begin() + long(end));
    fn.layout[b] = uint32_t(b);
    k = end;
  }
}

llvm::Error unsupported(const ObjectGraph &graph, ObjectId code,
                        llvm::StringRef path) {
  return inputError(path, graph.get(code).offset,
                    "decoding bytecode of CPython " + graph.version().str() +
                        " is not supported (3.11 to 3.13 are)");
}

} // namespace

llvm::Error decodeFunction(ObjectId code, llvm::StringRef path,
                           Function &into) {
  if (!isCfgSupported(into.graph.version()))
    return unsupported(into.graph, code, path);
  return Decoder(into, code, path).run();
}

llvm::Expected<Function> decodeFunction(const ObjectGraph &graph,
                                        ObjectId code, llvm::StringRef path) {
  const OpcodeTable *ops = OpcodeTable::get(graph.version());
  if (!ops)
    return unsupported(graph, code, path);
  Function fn(*ops, graph, code, path);
  if (auto e = decodeFunction(code, path, fn))
    return std::move(e);
  return std::move(fn);
}

} // namespace sleepy
