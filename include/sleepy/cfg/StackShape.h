//===- sleepy/cfg/StackShape.h - what each value-stack slot holds ---------===//
//
// A forward analysis over the graph that tells, for every reachable
// instruction, what each slot of the value stack holds before it runs:
//
//  - Value      an object;
//  - Null       the NULL that PUSH_NULL or LOAD_GLOBAL's low bit pushes below
//               a callable;
//  - MaybeNull  the first slot of LOAD_METHOD: a method, or NULL when the
//               attribute is not a method (known only when it runs);
//  - Saved      the variable of an inlined comprehension, which
//               LOAD_FAST_AND_CLEAR saved to restore it after (3.12+): its
//               value, or NULL where it was unbound;
//  - PrevExc    the exception state PUSH_EXC_INFO saved, restored by
//               POP_EXCEPT;
//  - Exc        the exception PUSH_EXC_INFO made current;
//  - Lasti      the offset a handler entry with lasti pushed;
//  - Mixed      different things on different paths.
//
// The suspension passes need this: NULL slots cannot be copied or popped by
// ordinary instructions, a saved exception state must be replayed with
// PUSH_EXC_INFO, and an offset must be moved when code moves.
//
// Each Value slot also carries its provenance where it is simple: the global,
// local or attribute chain it was loaded from, or the code object a function
// was made from. At a call site, the provenance of the callable tells the
// runtime what the call was meant to call.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_STACKSHAPE_H
#define SLEEPY_CFG_STACKSHAPE_H

#include "sleepy/cfg/Function.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace sleepy {

enum class SlotKind : uint8_t { Value, Null, MaybeNull, Saved, PrevExc, Exc, Lasti, Mixed };

/// One character per kind, as the runtime reads shapes: v n m p e l x.
char slotKindCode(SlotKind kind);

/// Where a value came from. Each loading instruction makes one provenance
/// (a slot's provenance is that of the instruction that pushed it), so two
/// paths that carry the same loaded value agree on it.
struct Provenance {
  enum Kind : uint8_t {
    Global, ///< LOAD_GLOBAL co_names[index]
    Local,  ///< LOAD_FAST of the frame slot `index`
    Deref,  ///< LOAD_DEREF of the frame slot `index`
    Name,   ///< LOAD_NAME co_names[index]
    Attr,   ///< LOAD_ATTR co_names[index] on base
    Method, ///< LOAD_METHOD co_names[index] on base (the pair method/self)
    Code,   ///< the constant co_consts[index], or a function made from it
    /// The operands of an operator site: `index` the provenance of the
    /// first (the object whose slot the operator calls, or the left one of a
    /// binary operator), `base` the second's; -1 (as int32) where not known.
    Operands,
  };
  Kind kind;
  uint32_t index = 0;
  int32_t base = -1; ///< Attr and Method: provenance of the object
};

struct Slot {
  SlotKind kind = SlotKind::Value;
  int32_t prov = -1; ///< index into StackShapes::provenances, or -1

  bool operator==(const Slot &o) const {
    return kind == o.kind && prov == o.prov;
  }
  bool operator!=(const Slot &o) const { return !(*this == o); }
};

/// Stacks are shallow: held inline, a shape costs no allocation of its own.
using Shape = llvm::SmallVector<Slot, 8>;

class StackShapes {
public:
  /// Computes the shapes of \p fn (which must pass the stack-depth
  /// analysis). \p visit, if given, sees every instruction of a block with
  /// the shape before it, each time the analysis goes through the block:
  /// a block may be gone through again (from index 0) when what reaches it
  /// changes, and the last time is the one at the fixed point. (One pass,
  /// where a second walk over the whole function would cost as much again.)
  static llvm::Expected<StackShapes>
  compute(const Function &fn,
          llvm::function_ref<void(uint32_t block, size_t index,
                                  const Shape &before)>
              visit = nullptr);

  std::vector<Provenance> provenances;
  int32_t maxDepth = 0; ///< the stack-depth analysis's

private:
  /// Applies the instruction \p id, \p in, to \p shape along its
  /// fallthrough (or, with \p jump, its jump) edge.
  void step(const Function &fn, const Instr &in, uint32_t id, Shape &shape,
            bool jump);
  /// The provenance made by the instruction \p id (its \p which-th push).
  int32_t provenance(uint32_t id, unsigned which, Provenance::Kind kind,
                     uint32_t index, int32_t base);
  /// By instruction id (two pushes each): its provenance or -1; per-thread
  /// room, used while compute() runs.
  std::vector<int32_t> *byInstr = nullptr;
  /// The first instruction found reading below the stack (which the depth
  /// analysis does not see where the net effect is not negative: a
  /// PUSH_EXC_INFO or a LOAD_METHOD on an empty stack, a COPY or SWAP too
  /// deep), and how many items the stack held there.
  const Instr *underflow = nullptr;
  size_t underflowHeld = 0;
};

} // namespace sleepy

#endif
