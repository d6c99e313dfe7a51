//===- lib/pyc/Opcode.cpp - symbolic opcodes and per-version tables -------===//
#include "sleepy/pyc/Opcode.h"

#include "llvm/ADT/StringMap.h"

namespace sleepy {
namespace {

constexpr llvm::StringLiteral Names[] = {
#define SLEEPY_OPNAME(Name) #Name,
#include "sleepy/pyc/OpcodeNames.def"
#undef SLEEPY_OPNAME
};

// Each version's generated table expands into the body of one function.
#define SLEEPY_VERSION(Major, Minor, HaveArg, ExtArg)                          \
  OpcodeTable t(PyVersion(Major, Minor), HaveArg, ExtArg);
#define SLEEPY_OPCODE(Name, Num, Caches, Jump, NK, NB, NS, JK, JB, JS, Flags)   \
  t.add(OpInfo{Op::Name, Num, Caches, JumpKind::Jump,                          \
               {StackEffect::NK, NB, NS}, {StackEffect::JK, JB, JS},           \
               uint16_t(Flags)});

OpcodeTable python38() {
#include "opcodes/Python38.def"
  return t;
}
OpcodeTable python39() {
#include "opcodes/Python39.def"
  return t;
}
OpcodeTable python310() {
#include "opcodes/Python310.def"
  return t;
}
OpcodeTable python311() {
#include "opcodes/Python311.def"
  return t;
}
OpcodeTable python312() {
#include "opcodes/Python312.def"
  return t;
}
OpcodeTable python313() {
#include "opcodes/Python313.def"
  return t;
}
#undef SLEEPY_VERSION
#undef SLEEPY_OPCODE

} // namespace

llvm::StringRef opName(Op op) {
  if (op == Op::Invalid)
    return "<invalid>";
  return Names[unsigned(op)];
}

Op opByName(llvm::StringRef name) {
  static const llvm::StringMap<Op> map = [] {
    llvm::StringMap<Op> m;
    for (unsigned i = 0; i < NumOps; ++i)
      m[Names[i]] = Op(i);
    return m;
  }();
  auto it = map.find(name);
  return it == map.end() ? Op::Invalid : it->second;
}

const OpcodeTable *OpcodeTable::get(PyVersion version) {
  static const OpcodeTable tables[] = {python38(),  python39(),  python310(),
                                       python311(), python312(), python313()};
  for (const OpcodeTable &t : tables)
    if (t.version() == version)
      return &t;
  return nullptr;
}

void OpcodeTable::add(const OpInfo &info) {
  numbers[info.number] = info;
  ops[unsigned(info.op)] = info;
}

} // namespace sleepy
