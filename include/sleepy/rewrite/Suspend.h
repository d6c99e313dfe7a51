//===- sleepy/rewrite/Suspend.h - what the suspension pass hands on -------===//
//
// The suspension pass makes every call site of a function a place where the
// frame can be captured and later re-entered. Besides rewriting the function
// it makes a resume twin: the same code with an entry jump to a dispatcher
// that restores the frame's slots and value stack and resumes the call. The
// pipeline assembles both and describes them to the runtime in the .pyc's
// trailer (see runtime/sleepy/_trailer.py for the reading side).
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_REWRITE_SUSPEND_H
#define SLEEPY_REWRITE_SUSPEND_H

#include "sleepy/cfg/Assemble.h"
#include "sleepy/cfg/StackShape.h"

#include <string>
#include <vector>

namespace sleepy {

/// Names the rewritten code and the runtime share.
constexpr const char *UnwindingName = "__sleepy_unwinding__";
constexpr const char *ResumeName = "__sleepy_resume__";

/// A call site where a frame can be captured and resumed.
struct SuspendSite {
  uint32_t block = 0;       ///< normal code: the block holding the call
  uint32_t resumeBlock = 0; ///< twin: the block holding the resume call
  uint32_t depth = 0;       ///< value-stack slots kept below the call
  std::string shape;        ///< kinds of those slots (slotKindCode)
  int32_t callee = -1;      ///< provenance of what the call calls
  std::string kind;         ///< "call"
};

/// The resume twin of a rewritten function.
struct Twin {
  explicit Twin(Function fn) : fn(std::move(fn)) {}
  Function fn;                         ///< normal body, entry jump, dispatcher
  std::vector<ObjectId> extraConsts;   ///< after the normal code's constants
  std::vector<std::string> extraNames; ///< after the normal code's names
  std::vector<SuspendSite> sites;
  /// The frame's slots in localsplus order: name and kind (l, c, f).
  std::vector<std::pair<std::string, char>> slots;
  std::vector<Provenance> provenances;
  uint32_t entryBlock = 0;
};

/// Builds the trailer entry of one rewritten code object from the assembled
/// normal code and twin; returns the entry object (a tuple) in \p graph.
ObjectId makeTrailerEntry(ObjectGraph &graph, uint32_t codeIndex,
                          const AssembledCode &normal, const Twin &twin,
                          const AssembledCode &assembledTwin);

/// The trailer: (b"sleepy", format, (major, minor), entries, hashes).
ObjectId makeTrailer(ObjectGraph &graph, llvm::ArrayRef<ObjectId> entries,
                     llvm::ArrayRef<uint64_t> codeHashes);

/// A hash of a code object's own fields and the hashes of the code objects
/// among its constants (given in \p nested by code index).
uint64_t hashCode(const ObjectGraph &graph, ObjectId code,
                  llvm::ArrayRef<uint64_t> nested);

} // namespace sleepy

#endif
