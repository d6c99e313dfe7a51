//===- sleepy/pyc/Repr.h - Python-like repr of marshal objects ------------===//
#ifndef SLEEPY_PYC_REPR_H
#define SLEEPY_PYC_REPR_H

#include "sleepy/pyc/Object.h"

#include <string>

namespace sleepy {

/// A repr() of \p id close to Python's, for printers and messages. Long
/// containers are cut after \p maxItems items.
std::string reprObject(const ObjectGraph &graph, ObjectId id,
                       unsigned maxItems = 16);

/// A Python str literal of \p text ('...' or "...").
std::string reprStr(llvm::StringRef text);

} // namespace sleepy

#endif
