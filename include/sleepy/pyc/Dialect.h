//===- sleepy/pyc/Dialect.h - what each CPython's bytecode does its way ---===//
//
// The opcode tables (lib/pyc/opcodes) say which instructions a version has
// and their numbers, operands and stack effects. What else differs between
// versions, for the code that decodes, analyses, prints, rewrites and
// assembles bytecode, is here: one entry per version (lib/pyc/Dialect.cpp),
// read through OpcodeTable::dialect() or Function::dialect(), so that the
// rest of the code asks about a behaviour, never compares versions.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_PYC_DIALECT_H
#define SLEEPY_PYC_DIALECT_H

#include "sleepy/pyc/Version.h"

namespace sleepy {

struct Dialect {
  PyVersion version;
  /// Opargs of the fast-local, cell and free instructions index one table,
  /// co_localsplusnames, which code objects marshal with its kinds (3.11+);
  /// before, locals index co_varnames, and code objects hold varnames,
  /// cellvars and freevars.
  bool localsPlus = false;
  /// LOAD_GLOBAL's low bit also pushes a NULL, its name index the rest
  /// (3.11+)...
  bool globalNullBit = false;
  /// ...and a call's NULL (or self) goes after the callable: [callable,
  /// NULL|self, args] (3.13+), where before it was [NULL|method, callable|self,
  /// args].
  bool nullAfterCallable = false;
  /// LOAD_ATTR's low bit loads a method, pushing two slots (3.12+; 3.11
  /// has LOAD_METHOD).
  bool attrMethodBit = false;
  /// COMPARE_OP's comparison is its oparg shifted right by this (the low
  /// bits are flags: 3.12 4, 3.13 5).
  unsigned compareShift = 0;
  /// co_linetable entries cover runs of instructions that share a
  /// location, across block boundaries (3.12+); on 3.11 one entry or more
  /// per instruction.
  bool locationRuns = false;
  /// The assembler sizes a new jump first from its target's instruction
  /// index, as CPython's does (3.13+); before, from nothing.
  bool jumpSizeFromIndex = false;
  /// The value stack a generator's frame starts with (the value sent by
  /// the first send(): 1 before 3.13, where RETURN_GENERATOR's frame
  /// starts with it pushed).
  int generatorEntryDepth = 0;
  /// A call is PRECALL n then CALL n (3.11); CALL n alone after.
  bool precall = false;
  /// A jump's direction is part of its opcode for the conditional jumps
  /// too (3.11: POP_JUMP_FORWARD_IF_FALSE...); after, they jump forward
  /// only and are named POP_JUMP_IF_FALSE...
  bool directedJumps = false;
  /// LOAD_CLOSURE is a pseudo-instruction of the compiler's, which writes
  /// LOAD_FAST for it (3.13+).
  bool closurePseudo = false;
  /// An exception that leaves a Python frame an instruction pushed (a
  /// CALL's callee, a property getter or __getitem__ the specialised
  /// instruction runs inline) is looked up in the exception table at the
  /// code unit before that instruction (3.13+: the caller's instr_ptr is
  /// the instruction's first unit, and unwinding looks one unit back);
  /// before, at its last unit. One raised by a C function it called is
  /// looked up at its last unit on every version.
  bool calleeRaisesBefore = false;
  /// The suspension pass (lib/rewrite/SuspendPass.cpp) and the runtime
  /// handle this version's bytecode (3.11, 3.12, 3.13).
  bool suspendable = false;

  /// The entry of \p version; that of the newest version known for a
  /// newer one (readers check the version first: isSupported).
  static const Dialect &of(PyVersion version);
};

} // namespace sleepy

#endif
