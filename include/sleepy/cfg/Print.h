//===- sleepy/cfg/Print.h - text, disassembly and Graphviz printers -------===//
//
// All three printers are deterministic: the same function prints the same
// text, so tests can check it with FileCheck.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_PRINT_H
#define SLEEPY_CFG_PRINT_H

#include "sleepy/cfg/Function.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace sleepy {

/// The blocks with their entry stack depths, successors, and each
/// instruction with its argument, location and handler.
void printFunction(llvm::raw_ostream &os, const Function &fn);

/// A flat listing in the manner of the dis module: byte offsets as the
/// assembler lays them out, then the exception table.
void printDisassembly(llvm::raw_ostream &os, const Function &fn);

/// A Graphviz digraph: one node per block; jump edges, fallthrough edges, and
/// dashed exception edges.
void printDot(llvm::raw_ostream &os, const Function &fn);

/// What an instruction's argument means: a constant, a name, a local.
std::string describeArg(const Function &fn, const Instr &in);

/// The header line naming a code object.
std::string describeCode(const Function &fn);

} // namespace sleepy

#endif
