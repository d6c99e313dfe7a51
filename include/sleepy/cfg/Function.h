//===- sleepy/cfg/Function.h - the control-flow graph of one code object --===//
//
// An instruction is a small value: a symbolic opcode, its argument, a jump
// target (a block index), the exception handler that covers it, and its
// source location. EXTENDED_ARG prefixes and inline CACHE units are not
// instructions: the assembler derives them.
//
// Blocks live in a vector and are named by their index; the layout (the order
// the assembler emits them in) is a separate list, so a pass can add a block
// anywhere without renumbering. A block falls through to the next block of
// the layout unless its last instruction is terminal.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_FUNCTION_H
#define SLEEPY_CFG_FUNCTION_H

#include "sleepy/cfg/Workspace.h"
#include "sleepy/pyc/Object.h"
#include "sleepy/pyc/Opcode.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace sleepy {

/// A source location; -1 stands for None.
struct Location {
  int32_t line = -1, endLine = -1, col = -1, endCol = -1;

  bool operator==(const Location &o) const {
    return line == o.line && endLine == o.endLine && col == o.col &&
           endCol == o.endCol;
  }
  bool operator!=(const Location &o) const { return !(*this == o); }
};

/// The exception-table entry that covers an instruction: where to go, the
/// stack depth to pop to, and whether to push the offset of the raising
/// instruction (lasti) before the exception.
struct Handler {
  int32_t block = -1;
  uint16_t depth = 0;
  bool lasti = false;
  uint8_t unused = 0; ///< no padding: the eight bytes compare at once

  bool valid() const { return block >= 0; }
  bool operator==(const Handler &o) const {
    uint64_t a, b;
    std::memcpy(&a, this, sizeof a);
    std::memcpy(&b, &o, sizeof b);
    return a == b;
  }
  bool operator!=(const Handler &o) const { return !(*this == o); }
};
static_assert(sizeof(Handler) == 8, "Handler::operator== compares 8 bytes");

struct Instr {
  Op op = Op::NOP;
  /// EXTENDED_ARG prefixes the instruction had in the input: where the
  /// assembler starts a jump, so that unchanged code lays out as it was.
  uint8_t prefixHint = 0;
  uint32_t arg = 0;
  int32_t target = -1; ///< jump target block, for jumps
  Handler handler;
  Location loc;
  uint32_t offset = ~0u; ///< code unit in the input, ~0u for new instructions
};

/// A block's instructions. Most blocks are short: held inline, they cost no
/// allocation of their own.
using InstrList = llvm::SmallVector<Instr, 8>;

struct Block {
  InstrList instrs;

  Block() = default;
  Block(const Block &) = default;
  Block &operator=(const Block &) = default;
  Block &operator=(Block &&) = default;
  /// Declared not to throw (SmallVector's own is not), so that a growing
  /// vector of blocks moves them rather than copying every instruction.
  Block(Block &&o) noexcept : instrs(std::move(o.instrs)) {}
};

/// One code object's bytecode as a control-flow graph.
class Function {
public:
  Function(const OpcodeTable &ops, const ObjectGraph &graph, ObjectId code,
           llvm::StringRef path)
      : ops(ops), graph(graph), code(code), path(path) {}

  const OpcodeTable &ops;
  const ObjectGraph &graph; ///< constants and names, for printers
  ObjectId code;            ///< the code object this was decoded from
  /// The input file, for messages; like the graph, the caller's to keep.
  llvm::StringRef path;

  std::vector<Block> blocks;
  std::vector<uint32_t> layout; ///< emission order of the blocks
  /// The deepest the value stack gets, where the last pass worked it out
  /// as it went; -1: the assembler's stack-depth analysis finds it.
  int32_t maxStackDepth = -1;
  /// Set by a pass that left every instruction of the input as it was and in
  /// its place (blocks may be cut and handlers changed) and only appended
  /// blocks without source positions: the assembler then keeps the input's
  /// bytes and location entries for that part (it checks the places).
  bool appendedOnly = false;
  /// Where the pieces that work on the function keep their vectors (see
  /// Workspace.h): the pipeline's; null for one of the caller's own.
  Workspace *scratch = nullptr;

  PyVersion version() const { return ops.version(); }
  const Dialect &dialect() const { return ops.dialect(); }
  Workspace &workspace() const {
    return scratch ? *scratch : Workspace::forThisThread();
  }
  const CodeObject &codeObject() const { return graph.code(code); }
  const OpInfo &info(const Instr &i) const { return ops.info(i.op); }

  /// Appends an empty block (not yet in the layout) and returns its index.
  uint32_t addBlock() {
    blocks.emplace_back();
    return uint32_t(blocks.size() - 1);
  }
  /// Appends a block holding \p instrs at the end of the layout and returns
  /// its index.
  uint32_t appendBlock(InstrList &&instrs) {
    uint32_t b = addBlock();
    blocks[b].instrs = std::move(instrs);
    layout.push_back(b);
    return b;
  }

  /// The file offset of \p i for messages: its opcode unit in the input, or
  /// the code object's bytecode for new instructions.
  uint64_t fileOffset(const Instr &i) const;
  /// The file offset of the code object's bytecode.
  uint64_t codeFileOffset() const;

  /// The blocks control can go to from the end of the block at
  /// layout[layoutIndex], handlers aside: the jump target, then the next
  /// block if control falls through.
  std::vector<uint32_t> successors(size_t layoutIndex) const;
};

/// EXTENDED_ARG prefixes needed to encode \p arg.
inline unsigned prefixesFor(uint32_t arg) {
  return arg > 0xFFFFFF ? 3 : arg > 0xFFFF ? 2 : arg > 0xFF ? 1 : 0;
}

/// The file offset of the payload of a bytes or str object.
uint64_t payloadOffset(const Object &o);

} // namespace sleepy

#endif
