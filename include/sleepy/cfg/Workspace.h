//===- sleepy/cfg/Workspace.h - working storage reused across functions ---===//
//
// Decoding, analysing, rewriting and assembling one code object needs
// working vectors (leaders, stack shapes, slots, jump lists...). The stdlib
// has some 80,000 code objects: allocating, and faulting in, fresh vectors
// for each would cost more than the work. So each piece of the pipeline
// keeps its vectors in a Workspace, which the pipeline owns, one per thread
// (rewritePyc is given it and hangs it on the Function it decodes into), and
// which keeps their storage from one code object to the next.
//
// A user asks for its own scratch type: `fn.workspace().get<Scratch>()`.
// The object is made, value-initialised, on the first call and the same one
// is returned after that: its user resets what it reads (assign, clear), as
// the vectors keep their last contents. Two users never share a type; a
// type is private to the .cpp file that uses it.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_CFG_WORKSPACE_H
#define SLEEPY_CFG_WORKSPACE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Compiler.h"

#include <memory>

namespace sleepy {

class Workspace {
public:
  Workspace() = default;
  Workspace(const Workspace &) = delete;
  Workspace &operator=(const Workspace &) = delete;

  /// This workspace's object of type \p T, made on first use.
  template <class T> T &get() {
    unsigned id = idOf<T>();
    if (LLVM_UNLIKELY(id >= slots.size() || !slots[id]))
      make<T>(id);
    return static_cast<HeldAs<T> &>(*slots[id]).value;
  }

  /// The workspace of callers outside a pipeline (tools and tests that
  /// decode or assemble a function of their own), one per thread.
  static Workspace &forThisThread();

private:
  struct Held {
    virtual ~Held() = default;
  };
  template <class T> struct HeldAs : Held {
    T value{};
  };
  static unsigned nextId();
  /// (Out of line: the callers' hot paths keep only the lookup.)
  template <class T> LLVM_ATTRIBUTE_NOINLINE void make(unsigned id) {
    if (id >= slots.size())
      slots.resize(id + 1);
    slots[id] = std::make_unique<HeldAs<T>>();
  }
  template <class T> static unsigned idOf() {
    static const unsigned id = nextId();
    return id;
  }
  llvm::SmallVector<std::unique_ptr<Held>, 16> slots;
};

} // namespace sleepy

#endif
