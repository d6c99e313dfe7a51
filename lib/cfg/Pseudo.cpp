//===- lib/cfg/Pseudo.cpp - instructions a pass writes, per version -------===//
#include "sleepy/cfg/Pseudo.h"

namespace sleepy {
namespace {

Instr make(Op op, uint32_t arg = 0) {
  Instr i;
  i.op = op;
  i.arg = arg;
  return i;
}

} // namespace

Op forwardJump(const Dialect &d, JumpIf cond) {
  switch (cond) {
  case JumpIf::False:
    return d.directedJumps ? Op::POP_JUMP_FORWARD_IF_FALSE : Op::POP_JUMP_IF_FALSE;
  case JumpIf::True:
    return d.directedJumps ? Op::POP_JUMP_FORWARD_IF_TRUE : Op::POP_JUMP_IF_TRUE;
  case JumpIf::None:
    return d.directedJumps ? Op::POP_JUMP_FORWARD_IF_NONE : Op::POP_JUMP_IF_NONE;
  case JumpIf::NotNone:
    return d.directedJumps ? Op::POP_JUMP_FORWARD_IF_NOT_NONE
                           : Op::POP_JUMP_IF_NOT_NONE;
  }
  return Op::Invalid;
}

void appendCall(const Dialect &d, InstrList &out, uint32_t argc) {
  if (d.precall)
    out.push_back(make(Op::PRECALL, argc));
  out.push_back(make(Op::CALL, argc));
}

void appendCallWithTop(const Dialect &d, InstrList &out, Op load) {
  // [arg] -> [arg, NULL, callable]; then [NULL, callable, arg], or
  // [callable, NULL, arg] where the NULL goes after the callable.
  out.push_back(make(Op::PUSH_NULL));
  out.push_back(make(load));
  if (!d.nullAfterCallable)
    out.push_back(make(Op::SWAP, 2));
  out.push_back(make(Op::SWAP, 3));
  appendCall(d, out, 1);
}

Instr loadCell(const Dialect &d, uint32_t slot) {
  return make(d.closurePseudo ? Op::LOAD_FAST : Op::LOAD_CLOSURE, slot);
}

} // namespace sleepy
