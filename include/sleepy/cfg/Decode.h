//===- sleepy/cfg/Decode.h - bytecode to control-flow graph ---------------===//
//
// Decodes the bytecode of one 3.11+ code object into a Function: folds
// EXTENDED_ARG prefixes, skips inline caches, resolves jumps and exception
// handlers to blocks and gives each instruction its location. Every way the
// input can be malformed (unknown opcodes, truncated caches, jumps or handlers
// outside the code or into the middle of an instruction, overlapping or
// unsorted handler ranges, tables that do not fit the code) is an error that
// names the file offset.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_DECODE_H
#define SLEEPY_CFG_DECODE_H

#include "sleepy/cfg/Function.h"

#include "llvm/Support/Error.h"

namespace sleepy {

/// Decodes the code object \p code of \p graph; \p path names the file.
llvm::Expected<Function> decodeFunction(const ObjectGraph &graph,
                                        ObjectId code, llvm::StringRef path);
/// The same into \p into, a function of the same graph whose storage is
/// reused: decoding one code object after another into it keeps its blocks'
/// room rather than allocating it afresh for each. Everything it held before
/// is replaced (after an error, what it holds is not a function to use).
llvm::Error decodeFunction(ObjectId code, llvm::StringRef path,
                           Function &into);

} // namespace sleepy

#endif
