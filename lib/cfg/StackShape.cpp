//===- lib/cfg/StackShape.cpp - what each value-stack slot holds ----------===//
//
// Opcodes that make or consume NULLs, saved exception states or provenance
// are modelled one by one; every other opcode by its stack effect, as pops
// of its inputs and pushes of fresh values.
//
//===----------------------------------------------------------------------===//
#include "sleepy/cfg/StackShape.h"

#include "sleepy/cfg/StackDepth.h"
#include "sleepy/pyc/Error.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

/// Merges what two paths say about a slot.
Slot merge(const Slot &a, const Slot &b) {
  if (a == b)
    return a;
  Slot out;
  out.prov = a.prov == b.prov ? a.prov : -1;
  if (a.kind == b.kind)
    out.kind = a.kind;
  else if ((a.kind == SlotKind::Value || a.kind == SlotKind::Null ||
            a.kind == SlotKind::MaybeNull) &&
           (b.kind == SlotKind::Value || b.kind == SlotKind::Null ||
            b.kind == SlotKind::MaybeNull))
    out.kind = SlotKind::MaybeNull;
  else
    out.kind = SlotKind::Mixed;
  return out;
}

/// Opcodes that neither read nor write the value stack.
bool isStackNeutral(Op op) {
  switch (op) {
  case Op::NOP:
  case Op::RESUME:
  case Op::KW_NAMES:
  case Op::EXTENDED_ARG:
  case Op::CACHE:
  case Op::MAKE_CELL:
  case Op::COPY_FREE_VARS:
  case Op::SETUP_ANNOTATIONS:
  case Op::JUMP_FORWARD:
  case Op::JUMP_BACKWARD:
  case Op::JUMP_BACKWARD_NO_INTERRUPT:
    return true;
  default:
    return false;
  }
}

} // namespace

char slotKindCode(SlotKind kind) {
  switch (kind) {
  case SlotKind::Value: return 'v';
  case SlotKind::Null: return 'n';
  case SlotKind::MaybeNull: return 'm';
  case SlotKind::Saved: return 'u';
  case SlotKind::PrevExc: return 'p';
  case SlotKind::Exc: return 'e';
  case SlotKind::Lasti: return 'l';
  case SlotKind::Mixed: return 'x';
  }
  return '?';
}

int32_t StackShapes::provenance(uint32_t id, unsigned which,
                                Provenance::Kind kind, uint32_t index,
                                int32_t base) {
  int32_t &made = (*byInstr)[2 * size_t(id) + which];
  if (made < 0) {
    made = int32_t(provenances.size());
    provenances.push_back(Provenance{kind, index, -1});
  }
  // The object's provenance as the latest visit found it: after the last
  // pass of compute() through the block, the one of the fixed point.
  if (base != made)
    provenances[size_t(made)].base = base;
  return made;
}

void StackShapes::step(const Function &fn, const Instr &in, uint32_t id,
                       Shape &shape, bool jump) {
  const OpInfo &info = fn.info(in);
  const ObjectGraph &graph = fn.graph;
  const CodeObject &co = fn.codeObject();
  const Dialect &d = fn.dialect();
  auto push = [&](SlotKind kind, int32_t prov = -1) {
    shape.push_back(Slot{kind, prov});
  };
  auto tooShallow = [&]() {
    if (!underflow) {
      underflow = &in;
      underflowHeld = shape.size();
    }
  };
  auto pop = [&](size_t n) {
    if (shape.size() < n)
      tooShallow();
    shape.resize(shape.size() >= n ? shape.size() - n : 0);
  };
  auto top = [&]() -> Slot { return shape.empty() ? Slot{} : shape.back(); };
  auto named = [&](Provenance::Kind kind, uint32_t index, int32_t base = -1,
                   unsigned which = 0) {
    return provenance(id, which, kind, index, base);
  };

  switch (in.op) {
  case Op::PUSH_NULL:
    push(SlotKind::Null);
    return;
  case Op::LOAD_GLOBAL: {
    bool withNull = d.globalNullBit && (in.arg & 1);
    uint32_t index = nameIndex(d, in.op, in.arg);
    int32_t prov = named(Provenance::Global, index);
    if (withNull && !d.nullAfterCallable)
      push(SlotKind::Null);
    push(SlotKind::Value, prov);
    if (withNull && d.nullAfterCallable)
      push(SlotKind::Null);
    return;
  }
  case Op::LOAD_FAST:
  case Op::LOAD_FAST_CHECK:
    push(SlotKind::Value, named(Provenance::Local, in.arg));
    return;
  case Op::LOAD_FAST_LOAD_FAST:
    push(SlotKind::Value, named(Provenance::Local, in.arg >> 4));
    push(SlotKind::Value, named(Provenance::Local, in.arg & 15, -1, 1));
    return;
  case Op::STORE_FAST_LOAD_FAST: // stores into oparg >> 4, loads oparg & 15
    pop(1);
    push(SlotKind::Value, named(Provenance::Local, in.arg & 15));
    return;
  case Op::LOAD_FAST_AND_CLEAR: // an inlined comprehension saves its
                                // variable, which may be unbound (3.12+)
    push(SlotKind::Saved, named(Provenance::Local, in.arg));
    return;
  case Op::LOAD_SUPER_ATTR: { // [super, class, self] (3.12+)
    pop(3);
    if (!(in.arg & 1)) {
      push(SlotKind::Value, named(Provenance::Attr, nameIndex(d, in.op, in.arg)));
      return;
    }
    // [method, self], or [NULL, attribute] (or after the callable, 3.13+),
    // as LOAD_METHOD of super()'s result would push them.
    int32_t prov = named(Provenance::Method, nameIndex(d, in.op, in.arg));
    push(d.nullAfterCallable ? SlotKind::Value : SlotKind::MaybeNull, prov);
    push(d.nullAfterCallable ? SlotKind::MaybeNull : SlotKind::Value, prov);
    return;
  }
  case Op::LOAD_DEREF:
    push(SlotKind::Value, named(Provenance::Deref, in.arg));
    return;
  case Op::LOAD_NAME:
    push(SlotKind::Value, named(Provenance::Name, in.arg));
    return;
  case Op::LOAD_CONST:
    push(SlotKind::Value, in.arg < graph.items(co.consts).size()
                              ? named(Provenance::Code, in.arg)
                              : -1);
    return;
  case Op::LOAD_METHOD: {
    int32_t base = top().prov;
    pop(1);
    int32_t prov = named(Provenance::Method, in.arg, base);
    push(SlotKind::MaybeNull, prov);
    push(SlotKind::Value, prov);
    return;
  }
  case Op::LOAD_ATTR: {
    int32_t base = top().prov;
    pop(1);
    bool method = d.attrMethodBit && (in.arg & 1);
    uint32_t index = nameIndex(d, in.op, in.arg);
    if (!method) {
      push(SlotKind::Value, named(Provenance::Attr, index, base));
      return;
    }
    int32_t prov = named(Provenance::Method, index, base);
    if (d.nullAfterCallable) {
      push(SlotKind::Value, prov);
      push(SlotKind::MaybeNull, prov);
    } else {
      push(SlotKind::MaybeNull, prov);
      push(SlotKind::Value, prov);
    }
    return;
  }
  case Op::PUSH_EXC_INFO:
    pop(1);
    push(SlotKind::PrevExc);
    push(SlotKind::Exc);
    return;
  case Op::COPY: {
    if (in.arg < 1 || in.arg > shape.size())
      tooShallow();
    Slot s = in.arg >= 1 && in.arg <= shape.size() ? shape[shape.size() - in.arg]
                                                   : Slot{};
    if (s.kind == SlotKind::Exc || s.kind == SlotKind::Lasti ||
        s.kind == SlotKind::PrevExc)
      s.kind = SlotKind::Value;
    shape.push_back(s);
    return;
  }
  case Op::SWAP:
    if (in.arg > shape.size())
      tooShallow();
    if (in.arg >= 2 && in.arg <= shape.size())
      std::swap(shape.back(), shape[shape.size() - in.arg]);
    return;
  case Op::MAKE_FUNCTION: {
    // The code object is on top; the function inherits its provenance.
    int32_t prov = top().prov;
    int effect = info.noJump.eval(in.arg);
    pop(size_t(1 - effect));
    push(SlotKind::Value, prov);
    return;
  }
  default:
    break;
  }
  if (isStackNeutral(in.op))
    return;
  int effect = jump ? info.onJump.eval(in.arg) : info.noJump.eval(in.arg);
  if (effect < 0) {
    pop(size_t(-effect));
    if (!shape.empty()) {
      // The instruction consumed its inputs and left a fresh value.
      shape.back().prov = -1;
      if (shape.back().kind == SlotKind::Null ||
          shape.back().kind == SlotKind::MaybeNull)
        shape.back().kind = SlotKind::Value; // a call's result
    }
  } else {
    if (effect == 0 && !shape.empty() && info.has(OF_HasArg) == false &&
        !info.isJump())
      shape.back().prov = -1; // read and replaced the top
    for (int k = 0; k < effect; ++k)
      push(SlotKind::Value);
  }
}

llvm::Expected<StackShapes> StackShapes::compute(
    const Function &fn,
    llvm::function_ref<void(uint32_t, size_t, const Shape &)> visit) {
  struct DepthScratch {
    StackDepths depths;
  };
  StackDepths &depths = fn.workspace().get<DepthScratch>().depths;
  if (auto e = computeStackDepths(fn, depths))
    return std::move(e);
  StackShapes s;
  s.maxDepth = depths.maxDepth;
  // Working vectors in the function's workspace: thousands of functions
  // should not each allocate them.
  struct Scratch {
    std::vector<Shape> entry;
    std::vector<uint8_t> reached, queued;
    std::vector<uint32_t> firstId; ///< by block: the id of its first instruction
    std::vector<int32_t> byInstr, position;
    std::vector<uint32_t> work;
  };
  Scratch &w = fn.workspace().get<Scratch>();
  size_t blocks = fn.blocks.size();
  if (w.entry.size() < blocks)
    w.entry.resize(blocks);
  w.reached.assign(blocks, 0);
  w.queued.assign(blocks, 0);
  w.firstId.resize(blocks);
  uint32_t ids = 0;
  for (size_t b = 0; b < blocks; ++b) {
    w.firstId[b] = ids;
    ids += uint32_t(fn.blocks[b].instrs.size());
  }
  w.byInstr.assign(2 * size_t(ids), -1);
  s.byInstr = &w.byInstr;
  s.provenances.reserve(ids / 2); // about as many loads as other instructions
  w.position.assign(blocks, -1);
  std::vector<int32_t> &position = w.position;
  for (size_t k = 0; k < fn.layout.size(); ++k)
    position[fn.layout[k]] = int32_t(k);

  std::vector<uint32_t> &work = w.work;
  work.clear();
  auto reach = [&](int32_t block, const Shape &shape) {
    if (!w.reached[block]) {
      w.reached[block] = 1;
      w.entry[block] = shape;
    } else {
      Shape &old = w.entry[block];
      bool changed = false;
      for (size_t k = 0; k < old.size() && k < shape.size(); ++k) {
        Slot m = merge(old[k], shape[k]);
        if (m != old[k]) {
          old[k] = m;
          changed = true;
        }
      }
      if (!changed)
        return;
    }
    if (!w.queued[block]) {
      w.queued[block] = 1;
      work.push_back(uint32_t(block));
    }
  };

  uint32_t first = fn.layout[0];
  Shape start(size_t(depths.atEntry[first]), Slot{});
  reach(int32_t(first), start);
  while (!work.empty()) {
    uint32_t b = work.back();
    work.pop_back();
    w.queued[b] = 0;
    Shape shape = w.entry[b];
    bool falls = true;
    uint32_t id = w.firstId[b];
    const InstrList &instrs = fn.blocks[b].instrs;
    const Handler *sent = nullptr; // the handler last reached, with h
    Shape h;
    for (size_t k = 0; k < instrs.size(); ++k) {
      const Instr &in = instrs[k];
      const OpInfo &info = fn.info(in);
      if (visit)
        visit(b, k, shape);
      // Runs of instructions share a handler and leave the slots it keeps
      // alone: reaching it again with the same slots would change nothing.
      if (in.handler.valid()) {
        size_t kept = std::min<size_t>(in.handler.depth, shape.size());
        if (!sent || *sent != in.handler ||
            !std::equal(shape.begin(), shape.begin() + long(kept), h.begin(),
                        h.end() - 1 - (in.handler.lasti ? 1 : 0))) {
          h.assign(shape.begin(), shape.begin() + long(kept));
          if (in.handler.lasti)
            h.push_back(Slot{SlotKind::Lasti, -1});
          h.push_back(Slot{SlotKind::Value, -1});
          reach(in.handler.block, h);
          sent = &in.handler;
        }
      }
      if (info.isJump()) {
        Shape taken = shape;
        s.step(fn, in, id, taken, true);
        reach(in.target, taken);
      }
      s.step(fn, in, id++, shape, false);
      if (info.isTerminal()) {
        falls = false;
        break;
      }
    }
    if (falls && size_t(position[b]) + 1 < fn.layout.size())
      reach(int32_t(fn.layout[position[b] + 1]), shape);
  }
  s.byInstr = nullptr;
  if (s.underflow)
    return inputError(fn.path, fn.fileOffset(*s.underflow),
                      fmt::format("stack underflow: {} with {} items on the "
                                  "stack",
                                  opName(s.underflow->op), s.underflowHeld));
  return s;
}

} // namespace sleepy
