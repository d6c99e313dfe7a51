//===- sleepy/cfg/Pseudo.h - instructions a pass writes, per version ------===//
//
// A pass that writes new code says what it wants in version-free terms (a
// conditional jump forward, a call of the callable under its arguments,
// that callable's NULL) and gets the instructions of the function's
// version, chosen from its dialect (sleepy/pyc/Dialect.h): a pass never
// names PRECALL, POP_JUMP_FORWARD_IF_FALSE or where the NULL goes.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_PSEUDO_H
#define SLEEPY_CFG_PSEUDO_H

#include "sleepy/cfg/Function.h"

namespace sleepy {

/// What a conditional jump tests (it pops the value it tests).
enum class JumpIf { False, True, None, NotNone };

/// The conditional jump forward of \p d's bytecode testing \p cond.
Op forwardJump(const Dialect &d, JumpIf cond);

/// Appends to \p out the instructions that turn `[.. arg]` into `[.. the
/// callable that \p load pushes (one slot), its NULL, arg]`, in the order
/// \p d's calls take them, then call it with that one argument:
/// `[.. result]`.
void appendCallWithTop(const Dialect &d, InstrList &out, Op load);

/// Appends the call instructions of \p d for \p argc positional arguments
/// under which a callable and its NULL (or self) lie.
void appendCall(const Dialect &d, InstrList &out, uint32_t argc);

/// The instruction of \p d that pushes the cell object of localsplus slot
/// \p slot itself (not its contents), as a closure tuple takes it:
/// LOAD_CLOSURE, which 3.13 lowers to LOAD_FAST.
Instr loadCell(const Dialect &d, uint32_t slot);

} // namespace sleepy

#endif
