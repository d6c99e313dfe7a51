//===- sleepy/pyc/Opcode.h - symbolic opcodes and per-version tables ------===//
//
// Passes speak symbolic opcodes (sleepy::Op), one enumerator per opcode name of
// any supported CPython; only decoding and encoding see numbers. Each version
// has a table generated from that interpreter's own opcode and dis modules
// (lib/pyc/opcodes/PythonXY.def) with the number, inline cache count, jump
// kind and stack effects of each of its opcodes.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_PYC_OPCODE_H
#define SLEEPY_PYC_OPCODE_H

#include "sleepy/pyc/Dialect.h"
#include "sleepy/pyc/Version.h"

#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>

namespace sleepy {

enum class Op : uint16_t {
#define SLEEPY_OPNAME(Name) Name,
#include "sleepy/pyc/OpcodeNames.def"
#undef SLEEPY_OPNAME
  Invalid
};
constexpr unsigned NumOps = unsigned(Op::Invalid);

/// The name of an opcode as CPython spells it ("LOAD_FAST").
llvm::StringRef opName(Op op);
/// The opcode named \p name, or Op::Invalid.
Op opByName(llvm::StringRef name);

/// The index into co_names that instruction \p op with argument \p arg
/// names, in \p d's bytecode: the argument less the flag bits that
/// LOAD_GLOBAL (a NULL), LOAD_ATTR (a method) and LOAD_SUPER_ATTR keep in
/// its low bits.
uint32_t nameIndex(const Dialect &d, Op op, uint32_t arg);

/// How an opcode's argument names a jump target.
enum class JumpKind : uint8_t {
  None,     ///< not a jump
  Forward,  ///< relative, forward (all relative jumps before 3.11)
  Backward, ///< relative, backward (3.11+)
  Absolute, ///< absolute (3.8-3.10)
};

/// A stack effect as a closed form: Base + Scale * f(oparg).
struct StackEffect {
  enum Kind : uint8_t { Fixed, Arg, Bit0, Bit2, UnpackEx, Popcount4, Is3 };
  Kind kind;
  int8_t base;
  int8_t scale;

  int64_t eval(uint32_t oparg) const {
    if (kind == Fixed) // most opcodes: no table jump
      return base;
    int64_t x = 0;
    switch (kind) {
    case Fixed: x = 0; break;
    case Arg: x = oparg; break;
    case Bit0: x = oparg & 1; break;
    case Bit2: x = (oparg >> 2) & 1; break;
    case UnpackEx: x = (oparg & 0xFF) + (oparg >> 8); break;
    case Popcount4: x = __builtin_popcount(oparg & 0xF); break;
    case Is3: x = oparg == 3; break;
    }
    return base + scale * x;
  }
};

enum OpFlags : uint16_t {
  OF_HasArg = 1 << 0,
  OF_HasConst = 1 << 1,
  OF_HasName = 1 << 2,
  OF_HasLocal = 1 << 3,
  OF_HasFree = 1 << 4,
  OF_HasCompare = 1 << 5,
  OF_Terminal = 1 << 6,      ///< control never falls through
  OF_Unconditional = 1 << 7, ///< an unconditional jump
  OF_BlockSetup = 1 << 8,    ///< SETUP_* of the block-stack era
};

/// One opcode of one CPython version.
struct OpInfo {
  Op op = Op::Invalid;
  uint8_t number = 0;
  uint8_t caches = 0; ///< inline CACHE units after the instruction
  JumpKind jump = JumpKind::None;
  StackEffect noJump{StackEffect::Fixed, 0, 0};
  StackEffect onJump{StackEffect::Fixed, 0, 0};
  uint16_t flags = 0;

  bool valid() const { return op != Op::Invalid; }
  bool isJump() const { return jump != JumpKind::None; }
  bool has(OpFlags f) const { return (flags & f) != 0; }
  bool isTerminal() const { return has(OF_Terminal); }
};

/// The opcodes of one CPython version.
class OpcodeTable {
public:
  /// The table of \p version, or nullptr for a version without one.
  static const OpcodeTable *get(PyVersion version);

  PyVersion version() const { return ver; }
  /// What else this version's bytecode does its own way.
  const Dialect &dialect() const { return *dial; }
  uint8_t haveArgument() const { return haveArg; }
  uint8_t extendedArg() const { return extArg; }

  /// The opcode numbered \p number; invalid() if this version has none.
  const OpInfo &byNumber(uint8_t number) const { return numbers[number]; }
  /// The entry of \p op; invalid() if this version does not have it.
  const OpInfo &info(Op op) const { return ops[unsigned(op)]; }
  bool has(Op op) const { return info(op).valid(); }

  OpcodeTable(PyVersion ver, uint8_t haveArg, uint8_t extArg)
      : ver(ver), dial(&Dialect::of(ver)), haveArg(haveArg), extArg(extArg) {}
  void add(const OpInfo &info);

private:
  PyVersion ver;
  const Dialect *dial;
  uint8_t haveArg;
  uint8_t extArg;
  std::array<OpInfo, 256> numbers{};
  std::array<OpInfo, NumOps + 1> ops{};
};

} // namespace sleepy

#endif
