//===- sleepy/pyc/Marshal.h - marshal format version 4 reader and writer --===//
//
// Reads every type code a .pyc can hold (Python/marshal.c), FLAG_REF and
// TYPE_REF included, into an ObjectGraph; writes a graph back. A graph read
// and written unchanged gives the input bytes back.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_PYC_MARSHAL_H
#define SLEEPY_PYC_MARSHAL_H

#include "sleepy/pyc/Object.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

namespace sleepy {

/// Limits that keep hostile input from exhausting the stack or memory.
struct MarshalLimits {
  unsigned maxDepth = 2000; ///< as CPython's MAX_MARSHAL_STACK_DEPTH
};

/// Reads one object from \p data starting at \p offset into \p graph and
/// returns its id. \p path and the offsets name the place in errors; an
/// offset counts from the start of \p data (the start of the file).
llvm::Expected<ObjectId> readMarshal(llvm::StringRef data, size_t offset,
                                     ObjectGraph &graph, llvm::StringRef path,
                                     MarshalLimits limits = {});

/// Appends the marshalled form of \p id to \p out.
void writeMarshal(const ObjectGraph &graph, ObjectId id,
                  llvm::SmallVectorImpl<char> &out);

} // namespace sleepy

#endif
