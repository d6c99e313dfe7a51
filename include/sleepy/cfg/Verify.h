//===- sleepy/cfg/Verify.h - structural checks of a control-flow graph ----===//
#ifndef SLEEPY_CFG_VERIFY_H
#define SLEEPY_CFG_VERIFY_H

#include "sleepy/cfg/Function.h"

#include "llvm/Support/Error.h"

namespace sleepy {

/// Checks what the assembler and the interpreter rely on: the layout names
/// each block once; every opcode exists in the version; only the last
/// instruction of a block jumps or ends control; jump and handler targets are
/// blocks of the layout; no EXTENDED_ARG or CACHE instructions; arguments fit
/// in 30 bits; the stack depths agree on every path and never underflow.
llvm::Error verifyFunction(const Function &fn);

} // namespace sleepy

#endif
