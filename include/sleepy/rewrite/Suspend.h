//===- sleepy/rewrite/Suspend.h - what the suspension pass hands on -------===//
//
// The suspension pass makes every call site of a function a place where the
// frame can be captured and later re-entered. Capture is in the rewritten
// code (exception-table entries and handlers); resume is not: the pass
// describes each site (where, what kind, the value-stack shape below it) and
// the pipeline writes that into the .pyc's trailer, from which the runtime
// builds a resume twin for the functions it resumes (see
// runtime/sleepy/_twin.py and _registry.py).
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_REWRITE_SUSPEND_H
#define SLEEPY_REWRITE_SUSPEND_H

#include "sleepy/cfg/Assemble.h"
#include "sleepy/cfg/StackShape.h"

#include <string>
#include <vector>

namespace sleepy {

/// What a site is (see SuspendSite); the value is the trailer's letter.
enum class SiteKind : char {
  Call = 'c',
  Attr = 'a',
  Iter = 'i',
  Send = 's',
  Yield = 'y',
  Entry = 'e',
  Op = 'o',
  Loop = 'l',
};

/// A place where a frame can be captured and resumed.
///
///  - call   a call (PRECALL+CALL, CALL_FUNCTION_EX): resumed by calling what
///           the runtime gives in its place, then going on after the call;
///  - attr   an attribute load (LOAD_ATTR, LOAD_METHOD) that ran a property
///           getter, a descriptor's __get__ or __getattr__: likewise;
///  - iter   FOR_ITER driving a generator: resumed by running FOR_ITER again
///           on the rebuilt iterator;
///  - send   SEND driving a sub-generator (yield from, await): likewise, with
///           None to send, as a fresh generator wants;
///  - yield  YIELD_VALUE of a generator parked in the heap: its resume twin
///           is primed by yielding once at the equivalent point;
///  - entry  the RESUME that starts a function: a frame caught entering a
///           call (signals), or a generator not started;
///  - op     an instruction that calls a dunder through its operand's type
///           slot (BINARY_OP, COMPARE_OP, the subscripts, CONTAINS_OP, the
///           unary operators, BEFORE_WITH's __enter__): resumed like a call, whose result the
///           runtime turns into the instruction's (see
///           runtime/sleepy/_slots.py); its callee is the operands'
///           provenances;
///  - loop   a NOP the pass puts just before the head of a loop (the target
///           of a jump back, where the interpreter runs signal handlers):
///           resumed by going on there, into the next iteration.
struct SuspendSite {
  SiteKind kind = SiteKind::Call;
  uint32_t block = 0;       ///< the block holding the site
  uint32_t index = 0;       ///< its first instruction in the block
  uint32_t length = 1;      ///< its instructions
  uint32_t depth = 0;       ///< value-stack slots kept below the site
  std::string shape;        ///< kinds of those slots (slotKindCode)
  int32_t callee = -1;      ///< provenance of what a call calls
  /// No capture handler: the runtime reads the frame itself (see
  /// SuspendPass.cpp).
  bool bare = false;
};

/// What the suspension pass found in a function, for the trailer.
struct Suspension {
  std::vector<SuspendSite> sites;
  std::vector<Provenance> provenances;
  /// For a generator, the instruction (block, index) before which the
  /// resume twin's entry jump goes (after RETURN_GENERATOR and POP_TOP);
  /// block ~0u: at the very start.
  struct {
    uint32_t block = ~0u;
    uint32_t index = 0;
  } entryBefore;
};

/// The trailer entry of a rewritten code object (a tuple in \p graph):
/// \p suspension with offsets in \p normal, the assembled \p normalFn.
ObjectId makeTrailerEntry(ObjectGraph &graph, uint32_t codeIndex,
                          const Function &normalFn, const AssembledCode &normal,
                          const Suspension &suspension);

/// The trailer: (b"sleepy", format, (major, minor), entries, hashes).
ObjectId makeTrailer(ObjectGraph &graph, llvm::ArrayRef<ObjectId> entries,
                     llvm::ArrayRef<uint64_t> codeHashes);

/// A hash of a code object's own fields and the hashes of the code objects
/// among its constants (given in \p nested by code index). \p memo (zeros,
/// one per object of \p graph) keeps the hashes of strings between calls.
uint64_t hashCode(const ObjectGraph &graph, ObjectId code,
                  llvm::ArrayRef<uint64_t> nested,
                  llvm::MutableArrayRef<uint64_t> memo);

} // namespace sleepy

#endif
