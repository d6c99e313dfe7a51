//===- sleepy/rewrite/Suspend.h - what the suspension pass hands on -------===//
//
// The suspension pass makes every call site of a function a place where the
// frame can be captured and later re-entered. Besides rewriting the function
// it makes a resume twin: the same code with an entry jump to a dispatcher
// that restores the frame's slots and value stack and resumes the call. The
// pipeline assembles both and describes them to the runtime in the .pyc's
// trailer (see runtime/sleepy/_registry.py for the reading side).
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_REWRITE_SUSPEND_H
#define SLEEPY_REWRITE_SUSPEND_H

#include "sleepy/cfg/Assemble.h"
#include "sleepy/cfg/StackShape.h"

#include <string>
#include <vector>

namespace sleepy {

/// The builtin through which a resume twin asks the runtime for its frame's
/// record. (Capture needs no name: see SuspendPass.cpp.)
constexpr const char *ResumeName = "__sleepy_resume__";

/// A place where a frame can be captured and resumed.
///
///  - call   a call (PRECALL+CALL, CALL_FUNCTION_EX): resumed by calling what
///           the runtime gives in its place, then going on after the call;
///  - attr   an attribute load that ran a property getter: likewise;
///  - iter   FOR_ITER driving a generator: resumed by running FOR_ITER again
///           on the rebuilt iterator;
///  - send   SEND driving a sub-generator (yield from, await): likewise, with
///           None to send, as a fresh generator wants;
///  - yield  YIELD_VALUE of a generator parked in the heap: the twin is primed
///           by yielding once at the equivalent point;
///  - entry  the RESUME that starts a function: a frame caught entering a
///           call (signals), or a generator not started.
struct SuspendSite {
  std::string kind;
  uint32_t block = 0;       ///< normal code: the block holding the site
  uint32_t after = ~0u;     ///< normal code: the block the site goes on to
  uint32_t resumeBlock = ~0u; ///< twin: the block holding the resume call
  uint32_t capture = ~0u;   ///< the capture handler (block), if captured
  uint32_t depth = 0;       ///< value-stack slots kept below the site
  std::string shape;        ///< kinds of those slots (slotKindCode)
  int32_t callee = -1;      ///< provenance of what a call calls
  Handler original;         ///< the handler that covered the site
  /// No capture handler: the runtime reads the frame itself (see
  /// SuspendPass.cpp).
  bool bare = false;
};

/// The resume twin of a rewritten function: the normal code with an entry
/// jump to a dispatcher appended after it. Only the dispatcher is built and
/// assembled here (it starts where the normal code ends); the runtime
/// composes the twin from the normal code object and the trailer (see
/// runtime/sleepy/_registry.py), so nothing is stored twice.
struct Twin {
  explicit Twin(Function fn) : fn(std::move(fn)) {}
  /// The dispatcher: its layout holds only dispatcher blocks; the blocks of
  /// the normal code keep their numbers (empty here) as jump targets.
  Function fn;
  std::vector<ObjectId> extraConsts;   ///< after the normal code's constants
  std::vector<std::string> extraNames; ///< after the normal code's names
  std::vector<SuspendSite> sites;
  std::vector<Provenance> provenances;
  /// For a generator, the entry jump goes before this block (after
  /// RETURN_GENERATOR and POP_TOP); ~0u: at the very start.
  uint32_t jumpBefore = ~0u;
};

/// Builds the resume twin of \p fn, a function already rewritten by the
/// suspension pass (capture handlers in place, every site in a block of its
/// own). Constants and names the twin adds come after those of the code
/// object \p code of \p graph. \p slots are the frame's slots in
/// localsplus order, name and kind (l, c, f).
std::unique_ptr<Twin> buildTwin(const Function &fn, ObjectGraph &graph,
                                ObjectId code, std::vector<SuspendSite> sites,
                                std::vector<std::pair<std::string, char>> slots,
                                std::vector<Provenance> provenances);

/// Assembles the dispatcher of \p twin after the assembled \p normal code
/// and returns the trailer entry of the code object (a tuple in \p graph).
llvm::Expected<ObjectId> makeTrailerEntry(ObjectGraph &graph,
                                          uint32_t codeIndex,
                                          const Function &normalFn,
                                          const AssembledCode &normal,
                                          Twin &twin);

/// The trailer: (b"sleepy", format, (major, minor), entries, hashes).
ObjectId makeTrailer(ObjectGraph &graph, llvm::ArrayRef<ObjectId> entries,
                     llvm::ArrayRef<uint64_t> codeHashes);

/// A hash of a code object's own fields and the hashes of the code objects
/// among its constants (given in \p nested by code index).
uint64_t hashCode(const ObjectGraph &graph, ObjectId code,
                  llvm::ArrayRef<uint64_t> nested);

} // namespace sleepy

#endif
