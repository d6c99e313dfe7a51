//===- lib/rewrite/SuspendPass.cpp - make every call site resumable -------===//
//
// The suspension pass (CPython 3.11 to 3.13: what differs between them is
// in their dialects, sleepy/pyc/Dialect.h, and the instructions it writes
// come from sleepy/cfg/Pseudo.h). Rewritten code costs nothing while no
// suspension happens: all it adds is exception-table entries and code that
// only an exception reaches.
//
// Sites (see SuspendSite): calls, attribute loads (property getters),
// operators and subscripts (a dunder called through a type slot), FOR_ITER
// and SEND (a generator running under them), the RESUME that enters a
// function (a frame caught as it starts, by a signal), the heads of loops
// (a frame caught by a signal between two iterations), and in generators
// the yields (where a generator parked in the heap waits).
//
// Loops. The interpreter runs a signal's Python handler at a jump back
// (JUMP_BACKWARD, POP_JUMP_BACKWARD_IF_*), after the jump, and looks up an
// exception the handler raises at the code unit before the jump's target
// (ceval's INSTR_OFFSET()-1 in exception_unwind). So the pass puts a NOP
// there, just before each loop's head, with the head's stack shape and a
// capture handler: a loop without calls (`for i in r: total += i * i`) can
// be suspended between two iterations, where the frame holds nothing but
// its locals and the loop's iterators. The NOP takes the place, position
// and handler of the instruction before it: a tracer sees the same lines,
// and any other exception raised there goes where it went. Each jump back
// to the head gets a capture handler too, for an exception raised at the
// jump itself: where a signal's handler runs before jumping (3.13), and
// where a tracer raises as the jump is reached, on every version (the
// runtime's, which sees a loop through to its jump when the handler ran in
// a C function: see runtime/sleepy/_signals.py); the NOP stays where a
// resumed frame goes on.
//
// The unit before a site. Where a Python frame's exception is looked up at
// the code unit before the instruction that pushed the frame
// (calleeRaisesBefore, 3.13), that unit must have the site's handler too:
// the instruction before takes it where that changes nothing else, else a
// NOP is put there (see run).
//
// Capture. Every site but a yield or an entry gets its own innermost handler
// that keeps the value-stack slots below the site and the offset of the site
// (lasti). (A parked generator is captured by pickling it; a frame caught as
// it starts is captured in its caller, which the profile hook sees stopped at
// the call: the interpreter unwinds an exception raised by that hook without
// looking at the new frame's table. So a function without calls or attribute
// loads keeps its code as it was; only its trailer entry tells the runtime
// how to enter it on resume.)
//
// The handler first checks whether the exception is the runtime's unwinding
// marker: it compares it with what LOAD_BUILD_CLASS pushes (the frame's
// builtins.__build_class__). No exception is ever that builtin, except while
// a suspension unwinds, when the runtime puts the marker there (it still
// builds classes, should any be built meanwhile). Before that lookup, a flag
// test screens out ordinary exceptions: the marker's class is registered as
// a collections.abc.Sequence, which MATCH_SEQUENCE reads from its type
// flags. So the rewritten code adds no name, no global and no prologue:
// co_names and the module's namespace are the original ones. Any other
// exception goes to the site's original handler with exactly what the
// interpreter would have given it: the stack popped to its depth, the call's
// offset as lasti, the exception (see passOn: a jump where the handler starts
// without a line, else RERAISE 1 from an instruction the original handler
// covers). When it is the marker, the handler wraps each NULL (or maybe-NULL)
// slot into a 1-tuple so no instruction touches a bare NULL, packs the slots,
// lasti, the exception and the frame's cells into one tuple, calls the marker
// with it, and re-raises from code no handler covers: no except, finally or
// __exit__ of the program runs while the stack unwinds. The handler has no
// source position, like CPython's own cleanup code: were it given a line, a
// tracer would see a line event whenever an exception passes a call.
//
// Bare sites. A call or attribute load that no handler of the program
// covers, with nothing kept under it, in a function without cells and not a
// generator, gets no capture handler: all the runtime needs of such a frame
// is its locals and the site, which it reads from the frame itself (f_locals,
// f_lasti) once an outer frame's handler reports in. An exception leaving
// the function through such a call costs what it costs in the original; the
// trailer marks the site (its kind in upper case).
//
// Resume. The pass writes no resume code: it describes each site in the
// trailer (where, what kind, the value-stack shape below it, what a call
// calls), and the runtime builds, for the functions it resumes, a twin of the
// rewritten code with a dispatcher that restores the frame and resumes at
// the site (runtime/sleepy/_twin.py). That resume call is covered by the
// site's capture handler, so a resumed frame can be suspended again.
//
//===----------------------------------------------------------------------===//
#include "sleepy/cfg/Pseudo.h"
#include "sleepy/rewrite/Pass.h"
#include "sleepy/rewrite/Suspend.h"

#include "sleepy/pyc/Error.h"

#include <algorithm>
#include <cassert>
#include <optional>


namespace sleepy {
namespace {

Instr make(Op op, uint32_t arg = 0, int32_t target = -1) {
  Instr i;
  i.op = op;
  i.arg = arg;
  i.target = target;
  return i;
}

/// What a capture handler does with an exception that is not the marker,
/// whose stack is the \p depth slots under the site, lasti and the
/// exception: what the interpreter would have done, hand it to the site's
/// original handler. Where that handler begins without a source position
/// (except and finally bodies do), a jump does it: pop the slots above the
/// handler's depth (and lasti, unless the handler takes it) and go there.
/// That costs a few instructions where RERAISE would unwind a second time,
/// and a tracer sees no difference: it is never given a line event for an
/// instruction without a line, and the handler's first line comes after one.
/// The jump does not check for signals (JUMP_BACKWARD_NO_INTERRUPT), as the
/// interpreter's own jump to a handler does not. Elsewhere, RERAISE 1 from
/// an instruction the original handler covers (or none, to leave the frame).
InstrList passOn(const Function &fn, Handler original, llvm::StringRef below) {
  uint32_t depth = uint32_t(below.size());
  if (!original.valid() || depth < original.depth ||
      fn.blocks[original.block].instrs.empty() ||
      fn.blocks[original.block].instrs.front().loc.line != -1) {
    Instr reraise = make(Op::RERAISE, 1);
    reraise.handler = original;
    return {reraise};
  }
  // Pops the slot brought to the top; a NULL goes into a 1-tuple first
  // (POP_TOP would decref it).
  InstrList out;
  auto drop = [&](char kind) {
    if (kind == 'n' || kind == 'm' || kind == 'u')
      out.push_back(make(Op::BUILD_TUPLE, 1));
    out.push_back(make(Op::POP_TOP));
  };
  if (!original.lasti) { // [lasti, exc] -> [exc]
    out.push_back(make(Op::SWAP, 2));
    drop('l');
  }
  for (uint32_t k = depth; k-- > original.depth;) {
    if (original.lasti) { // [x, lasti, exc] -> [lasti, exc]
      out.push_back(make(Op::SWAP, 3));
      drop(below[k]);
      out.push_back(make(Op::SWAP, 2));
    } else { // [x, exc] -> [exc]
      out.push_back(make(Op::SWAP, 2));
      drop(below[k]);
    }
  }
  out.push_back(make(Op::JUMP_BACKWARD_NO_INTERRUPT, 0, original.block));
  return out;
}

/// A site found in the original function.
struct FoundSite {
  uint32_t block;
  size_t index;   ///< the first instruction of the site
  size_t length;  ///< instructions in the site
  std::string below; ///< the slots kept under the site (slotKindCode)
  int32_t callee; ///< provenance of what a call calls
  SiteKind kind;
  bool captured;     ///< gets a capture handler
  int32_t base = -1;  ///< an attribute's object, an operator's first operand
  int32_t other = -1; ///< an operator's second operand (provenances)
  /// The instruction before the site in its block can take the site's
  /// handler: it keeps the slots under the site as they are there, or it
  /// raises nothing (see calleeRaisesBefore in run).
  bool before = false;
};

/// For an instruction that calls a dunder of an operand's type through its
/// slot, where that operand is among its operands (0 the deepest); -1 for
/// any other instruction. (Its result is the dunder's, or made from it.)
int operatorSelf(Op op) {
  switch (op) {
  case Op::BINARY_OP:     // [left, right]: left's, or right's reflected
  case Op::COMPARE_OP:    // [left, right]: likewise
  case Op::BINARY_SUBSCR: // [container, key]
  case Op::DELETE_SUBSCR: // [container, key]
  case Op::UNARY_NEGATIVE:
  case Op::UNARY_POSITIVE:
  case Op::UNARY_INVERT:
  case Op::BEFORE_WITH:  // [manager] -> [__exit__, what __enter__ returned]
  case Op::GET_ITER:     // [iterable] -> [its __iter__'s iterator]
  case Op::FORMAT_VALUE: // [value, spec?]: __format__, or a conversion's
                         // __str__ or __repr__
  case Op::FORMAT_SIMPLE:    // [value]: __format__ (3.13+)
  case Op::FORMAT_WITH_SPEC: // [value, spec]
  case Op::CONVERT_VALUE:    // [value]: __str__, __repr__ or ascii()
    return 0;
  case Op::STORE_SUBSCR: // [value, container, key]
  case Op::CONTAINS_OP:  // [item, container]
    return 1;
  default:
    return -1;
  }
}

/// Instructions that raise nothing (a handler given to them is reached only
/// by what is raised elsewhere and looked up there), where the pass asks
/// (calleeRaisesBefore: 3.13, whose LOAD_FAST does not check for unbound
/// locals).
bool cannotRaise(Op op) {
  switch (op) {
  case Op::NOP:
  case Op::LOAD_FAST:
  case Op::LOAD_FAST_LOAD_FAST:
  case Op::LOAD_CONST:
  case Op::PUSH_NULL:
  case Op::COPY:
  case Op::SWAP:
  case Op::STORE_FAST:
  case Op::STORE_FAST_LOAD_FAST:
    return true;
  default:
    return false;
  }
}

/// How many operands an operator site's instruction pops.
size_t operatorOperands(const Instr &in) {
  switch (in.op) {
  case Op::STORE_SUBSCR:
    return 3;
  case Op::UNARY_NEGATIVE:
  case Op::UNARY_POSITIVE:
  case Op::UNARY_INVERT:
  case Op::BEFORE_WITH:
  case Op::GET_ITER:
  case Op::FORMAT_SIMPLE:
  case Op::CONVERT_VALUE:
    return 1;
  case Op::FORMAT_VALUE:
    return (in.arg & 0x4) ? 2 : 1; // FVS_HAVE_SPEC: the spec on top
  default:
    return 2;
  }
}

/// Puts the NOP of each loop site of \p found just before its head, in a
/// block of its own, and points the site at it. The NOP stands in for the
/// instruction before it in the layout: its position (so a tracer sees the
/// same lines: the NOP is reached only by falling through from there) and
/// its handler (where an exception raised at the jump back went). Returns
/// whether there was any.
bool insertLoopNops(Function &fn, std::vector<FoundSite> &found) {
  struct NopScratch {
    std::vector<uint32_t> v;
  };
  std::vector<uint32_t> &nopOf = fn.workspace().get<NopScratch>().v; // by head block
  nopOf.assign(fn.blocks.size(), ~0u);
  bool any = false;
  for (FoundSite &site : found) {
    if (site.kind != SiteKind::Loop)
      continue;
    const Instr *before = nullptr;
    for (size_t i = 0; i < fn.layout.size() && fn.layout[i] != site.block; ++i)
      if (!fn.blocks[fn.layout[i]].instrs.empty())
        before = &fn.blocks[fn.layout[i]].instrs.back();
    assert(before && "a loop's head follows an instruction (see loopHead)");
    Instr nop = make(Op::NOP);
    nop.loc = before->loc;
    nop.handler = before->handler;
    uint32_t head = site.block;
    nopOf[head] = fn.addBlock();
    fn.blocks[nopOf[head]].instrs.push_back(nop);
    site.block = nopOf[head];
    any = true;
  }
  if (!any)
    return false;
  std::vector<uint32_t> layout;
  layout.reserve(fn.layout.size() + found.size());
  for (uint32_t b : fn.layout) {
    if (b < nopOf.size() && nopOf[b] != ~0u)
      layout.push_back(nopOf[b]);
    layout.push_back(b);
  }
  fn.layout = std::move(layout);
  return true;
}

/// The condition a conditional jump back jumps on, if \p op is one (3.11
/// has them: `while COND:` tests again at the bottom and jumps back).
std::optional<JumpIf> backwardCondition(Op op) {
  switch (op) {
  case Op::POP_JUMP_BACKWARD_IF_FALSE:
    return JumpIf::False;
  case Op::POP_JUMP_BACKWARD_IF_TRUE:
    return JumpIf::True;
  case Op::POP_JUMP_BACKWARD_IF_NONE:
    return JumpIf::None;
  case Op::POP_JUMP_BACKWARD_IF_NOT_NONE:
    return JumpIf::NotNone;
  default:
    return std::nullopt;
  }
}

JumpIf opposite(JumpIf cond) {
  switch (cond) {
  case JumpIf::False:
    return JumpIf::True;
  case JumpIf::True:
    return JumpIf::False;
  case JumpIf::None:
    return JumpIf::NotNone;
  case JumpIf::NotNone:
    return JumpIf::None;
  }
  return cond;
}

/// Splits each conditional jump back of a loop that calls something into a
/// conditional jump forward out of the loop and a JUMP_BACKWARD, as 3.12's
/// compiler writes every loop. The runtime's tracer raises at a loop's
/// JUMP_BACKWARD to save the frame there (see the top of the file), which
/// it cannot do at a jump that may not jump; a loop that calls a C function
/// is where it needs to (time.sleep: the handler runs in there). One more
/// instruction per iteration of a loop that makes a call, where the call
/// costs tens of times more. Returns whether any was split.
bool splitConditionalJumpsBack(Function &fn) {
  bool any = false;
  for (size_t i = 0; i + 1 < fn.layout.size(); ++i) {
    uint32_t b = fn.layout[i];
    if (fn.blocks[b].instrs.empty())
      continue;
    Instr &jump = fn.blocks[b].instrs.back();
    std::optional<JumpIf> cond = backwardCondition(jump.op);
    if (!cond)
      continue;
    uint32_t head = uint32_t(jump.target);
    bool calls = false;
    for (size_t j = i + 1; j-- > 0 && !calls;) {
      for (const Instr &in : fn.blocks[fn.layout[j]].instrs)
        calls |= in.op == Op::CALL || in.op == Op::CALL_FUNCTION_EX;
      if (fn.layout[j] == head)
        break;
    }
    if (!calls)
      continue;
    Instr back = make(Op::JUMP_BACKWARD, 0, int32_t(head));
    back.loc = jump.loc;
    back.handler = jump.handler;
    jump.op = forwardJump(fn.dialect(), opposite(*cond));
    jump.target = int32_t(fn.layout[i + 1]);
    jump.prefixHint = 0;
    uint32_t nb = fn.addBlock(); // (blocks may move: `jump` is not used again)
    fn.blocks[nb].instrs.push_back(back);
    fn.layout.insert(fn.layout.begin() + i + 1, nb);
    ++i;
    any = true;
  }
  return any;
}

class SuspendPass : public Pass {
public:
  llvm::Error run(Function &fn, RewriteContext &ctx) override;
};

/// Finds the sites of \p fn while the shape analysis runs (see
/// StackShapes::compute), in layout order.
llvm::Expected<StackShapes> findSites(Function &fn, bool generator,
                                      bool function,
                                      llvm::ArrayRef<uint8_t> loopHead,
                                      std::vector<FoundSite> &sites) {
  // Every pass through a block appends its sites; the last pass is the one
  // that counts: latest[b] is where it began.
  struct Scratch {
    std::vector<FoundSite> all;
    std::vector<uint32_t> latest;
    Shape previous; ///< the shape before the instruction visited last
  };
  Scratch &scratch = fn.workspace().get<Scratch>();
  std::vector<FoundSite> &all = scratch.all;
  all.clear();
  std::vector<uint32_t> &latest = scratch.latest;
  latest.assign(fn.blocks.size(), ~0u);
  const Dialect &dialect = fn.dialect();
  Shape &previous = scratch.previous;
  previous.clear();
  auto computed = StackShapes::compute(fn, [&](uint32_t b, size_t k,
                                               const Shape &before) {
    // (Kept for the next instruction of the block, where the exception of
    // a frame it pushes is looked up at the unit before it.)
    struct Previous {
      Shape &shape;
      const Shape &now;
      bool keep;
      ~Previous() {
        if (keep)
          shape.assign(now.begin(), now.end());
      }
    } keepPrevious{previous, before, dialect.calleeRaisesBefore};
    bool previousInBlock = k > 0;
    if (k == 0) {
      latest[b] = uint32_t(all.size());
      if (loopHead[b] && std::none_of(before.begin(), before.end(),
                                      [](const Slot &s) {
                                        return s.kind == SlotKind::Mixed;
                                      })) {
        // The NOP before the head (put there by the caller), which keeps
        // every slot.
        FoundSite loop{b, 0, 1, std::string(before.size(), 'v'), -1,
                       SiteKind::Loop, true};
        for (size_t j = 0; j < before.size(); ++j)
          loop.below[j] = slotKindCode(before[j].kind);
        all.push_back(std::move(loop));
      }
    }
    const auto &instrs = fn.blocks[b].instrs;
    const Instr &in = instrs[k];
    size_t operands = 0, length = 1;
    SiteKind kind = SiteKind::Call;
    bool captured = true;
    if (in.op == Op::PRECALL && k + 1 < instrs.size() &&
        instrs[k + 1].op == Op::CALL) {
      operands = in.arg + 2;
      length = 2;
    } else if (in.op == Op::CALL && !dialect.precall) {
      operands = in.arg + 2;
    } else if (in.op == Op::CALL_KW) { // [callable, self|NULL, args, names]
      operands = in.arg + 3;
    } else if (in.op == Op::CALL_FUNCTION_EX) {
      operands = 3 + (in.arg & 1);
    } else if (in.op == Op::LOAD_ATTR || in.op == Op::LOAD_METHOD) {
      // A property getter, a descriptor's __get__ or __getattr__ runs
      // here. (LOAD_METHOD pushes NULL and the attribute when it is not a
      // method.)
      operands = 1;
      kind = SiteKind::Attr;
    } else if (in.op == Op::FOR_ITER) {
      kind = SiteKind::Iter; // the iterator stays: FOR_ITER runs again on resume
    } else if (in.op == Op::WITH_EXCEPT_START) {
      // An exception leaves a `with` body: __exit__(type, value, traceback)
      // of the manager runs here, called by the instruction, which pops
      // nothing ([__exit__, lasti, previous exception, exception] stay)
      // and pushes what it returns.
      kind = SiteKind::Op;
    } else if (int first = operatorSelf(in.op); first >= 0) {
      // A dunder of an operand's type runs under the operator, called by
      // its slot.
      operands = operatorOperands(in);
      kind = SiteKind::Op;
    } else if (in.op == Op::SEND) {
      operands = 1; // the value sent; the receiver stays
      kind = SiteKind::Send;
    } else if (in.op == Op::YIELD_VALUE && generator && k + 1 < instrs.size() &&
               instrs[k + 1].op == Op::RESUME) {
      operands = 1;
      length = 2;
      kind = SiteKind::Yield;
      captured = false;
    } else if (in.op == Op::RESUME && in.arg == 0 && function) {
      kind = SiteKind::Entry; // the first in layout order only (see below)
      captured = false; // captured in the caller: see above
    } else {
      return;
    }
    if (before.size() < operands)
      return;
    size_t depth = before.size() - operands;
    for (size_t j = 0; j < depth; ++j)
      if (before[j].kind == SlotKind::Mixed)
        return; // no site here: the runtime will refuse to stop here
    FoundSite site{b, k, length, std::string(depth, 'v'), -1, kind, captured};
    for (size_t j = 0; j < depth; ++j)
      site.below[j] = slotKindCode(before[j].kind);
    site.before =
        previousInBlock &&
        (cannotRaise(instrs[k - 1].op) ||
         (previous.size() >= depth &&
          std::equal(before.begin(), before.begin() + depth, previous.begin(),
                     [](const Slot &x, const Slot &y) { return x.kind == y.kind; })));
    if (kind == SiteKind::Op && operands > 0) {
      // The operands' provenances, the object whose slot is called first
      // (or a binary operator's left operand): made below. (WITH_EXCEPT_START
      // has none on the stack: the runtime takes __exit__'s self for the
      // manager.)
      size_t first = depth + size_t(operatorSelf(in.op));
      site.base = before[first].prov;
      site.other = operands > 1 ? before[first == depth ? depth + 1 : depth].prov
                                : -1;
      if (in.op == Op::STORE_SUBSCR)
        site.other = before[depth + 2].prov; // [value, container, key]
    } else if (kind == SiteKind::Attr) {
      site.base = before.back().prov; // the attribute's: made below
    } else if (kind == SiteKind::Call) {
      const Slot &first = before[depth], &second = before[depth + 1];
      // [NULL, callable, args] calls the callable; [method or function, self,
      // args] calls the first with the second as its first argument; where
      // NULL or self goes after the callable, the first is called.
      site.callee = first.kind == SlotKind::Null && !dialect.nullAfterCallable
                        ? second.prov
                        : first.prov;
    }
    all.push_back(std::move(site));
  });
  if (!computed)
    return computed.takeError();
  bool sawEntry = false;
  sites.reserve(all.size());
  for (uint32_t b : fn.layout) {
    for (uint32_t i = latest[b]; i < all.size() && all[i].block == b; ++i) {
      FoundSite &site = all[i];
      if (site.kind == SiteKind::Entry) {
        if (sawEntry)
          continue;
        sawEntry = true;
      }
      auto &provs = computed->provenances;
      if (site.kind == SiteKind::Attr) {
        const Instr &load = fn.blocks[b].instrs[site.index];
        uint32_t name = nameIndex(fn.dialect(), load.op, load.arg);
        provs.push_back(Provenance{Provenance::Attr, name, site.base});
        site.callee = int32_t(provs.size() - 1);
      } else if (site.kind == SiteKind::Op) {
        provs.push_back(Provenance{Provenance::Operands, uint32_t(site.base),
                                   site.other});
        site.callee = int32_t(provs.size() - 1);
      }
      sites.push_back(std::move(site));
    }
  }
  return computed;
}

llvm::Error SuspendPass::run(Function &fn, RewriteContext &ctx) {
  if (!fn.dialect().suspendable)
    return inputError(fn.path, fn.codeFileOffset(),
                      "the suspension pass supports CPython 3.11, 3.12 and "
                      "3.13 bytecode; "
                      "this file is CPython " +
                          fn.version().str());
  ObjectGraph &graph = ctx.graph;
  const int32_t flags = graph.code(ctx.code).flags;
  // Async generators (asend, athrow) are not handled yet.
  if (flags & CO_ASYNC_GENERATOR)
    return llvm::Error::success();
  bool generator = flags & CO_GENERATOR_LIKE;

  bool split = splitConditionalJumpsBack(fn);
  // The heads of loops: the targets of jumps back that check for signals
  // (JUMP_BACKWARD_NO_INTERRUPT does not), whose NOP needs an instruction
  // before it in the layout to stand in for.
  struct HeadScratch {
    std::vector<uint8_t> v;
  };
  std::vector<uint8_t> &loopHead = fn.workspace().get<HeadScratch>().v;
  loopHead.assign(fn.blocks.size(), 0);
  for (uint32_t b : fn.layout) {
    const InstrList &instrs = fn.blocks[b].instrs;
    if (!instrs.empty() && instrs.back().op != Op::JUMP_BACKWARD_NO_INTERRUPT &&
        fn.info(instrs.back()).jump == JumpKind::Backward)
      loopHead[instrs.back().target] = 1;
  }
  for (uint32_t b : fn.layout) { // (up to the first instruction: none)
    loopHead[b] = 0;
    if (!fn.blocks[b].instrs.empty())
      break;
  }

  struct FoundScratch {
    std::vector<FoundSite> v;
  };
  std::vector<FoundSite> &found = fn.workspace().get<FoundScratch>().v;
  found.clear();
  auto computed =
      findSites(fn, generator, (flags & CO_OPTIMIZED) != 0, loopHead, found);
  if (!computed)
    return computed.takeError();
  StackShapes shapes = std::move(*computed);
  // The head of each loop site, before the NOP takes its place.
  struct HeadOfScratch {
    std::vector<uint32_t> v;
  };
  std::vector<uint32_t> &loopHeadOf = fn.workspace().get<HeadOfScratch>().v;
  loopHeadOf.resize(found.size());
  for (size_t k = 0; k < found.size(); ++k)
    loopHeadOf[k] = found[k].block;
  bool loops = insertLoopNops(fn, found) || split;
  // The code below adds capture handlers only, whose depths it knows.
  int32_t maxDepth = shapes.maxDepth;

  // The frame's cell and free slots, in localsplus order: a capture hands
  // the cell objects on.
  llvm::SmallVector<uint32_t, 8> cellSlots;
  {
    const CodeObject &c = graph.code(ctx.code);
    llvm::StringRef kinds = graph.get(c.localsPlusKinds).data;
    for (size_t k = 0; k < kinds.size(); ++k)
      if (uint8_t(kinds[k]) & (CO_FAST_FREE | CO_FAST_CELL))
        cellSlots.push_back(uint32_t(k));
  }

  // The sites stay where they are in their blocks: the trailer takes their
  // offsets from the assembled code (instrStart), and the handlers below
  // cover just their instructions.
  std::vector<SuspendSite> sites(found.size());
  for (size_t k = 0; k < found.size(); ++k) {
    sites[k].block = found[k].block;
    sites[k].index = uint32_t(found[k].index);
    sites[k].length = uint32_t(found[k].length);
  }
  // Four handler blocks at most a site: grown once, not moved block by
  // block.
  fn.blocks.reserve(fn.blocks.size() + 4 * found.size());

  // Capture handlers; sites that keep the same slots under the same handler
  // share one: the runtime tells them apart by the offset it is given.
  bool plain = (flags & CO_OPTIMIZED) && !generator && cellSlots.empty();
  // The capture handlers made so far: a function has a few, so a look
  // through them all costs less than hashing a key for every site.
  struct Capture {
    llvm::StringRef shape;
    Handler original;
    uint32_t block;
  };
  llvm::SmallVector<Capture, 8> captures;
  const Dialect &dialect = fn.dialect();
  // The capture handler of the sites that keep the slots \p shape under
  // them where \p original covered them, made once.
  auto captureFor = [&](llvm::StringRef shape, Handler original) -> uint32_t {
    for (const Capture &c : captures)
      if (c.original == original && c.shape == shape)
        return c.block;
    uint32_t d = uint32_t(shape.size());
    // Is it the marker? Anything else goes on as the interpreter would
    // send it. A flag test first (the marker's class is registered as a
    // Sequence, no exception class usually is), so that an ordinary
    // exception costs no lookup of __build_class__ in the builtins.
    uint32_t screen = fn.appendBlock(
        {make(Op::MATCH_SEQUENCE), make(forwardJump(dialect, JumpIf::False))});
    uint32_t check = fn.appendBlock(
        {make(Op::LOAD_BUILD_CLASS), make(Op::COPY, 2), make(Op::IS_OP, 0),
         make(forwardJump(dialect, JumpIf::True))});
    uint32_t pass = fn.appendBlock(passOn(fn, original, shape));
    fn.blocks[screen].instrs.back().target = int32_t(pass);
    InstrList capture;
    for (uint32_t i = 0; i < d; ++i) {
      char kind = shape[i];
      if (kind == 'n' || kind == 'm' || kind == 'u') {
        uint32_t distance = d + 2 - i;
        capture.push_back(make(Op::SWAP, distance));
        capture.push_back(make(Op::BUILD_TUPLE, 1));
        capture.push_back(make(Op::SWAP, distance));
      }
    }
    for (uint32_t slot : cellSlots)
      capture.push_back(loadCell(dialect, slot));
    capture.push_back(make(Op::BUILD_TUPLE, d + 2 + uint32_t(cellSlots.size())));
    appendCallWithTop(dialect, capture, Op::LOAD_BUILD_CLASS);
    capture.push_back(make(Op::RERAISE, 0));
    uint32_t captureBlock = fn.appendBlock(std::move(capture));
    fn.blocks[check].instrs.back().target = int32_t(captureBlock);
    captures.push_back(Capture{shape, original, screen});
    // Deepest: the slots, lasti and the exception, and then two more (is
    // it the marker?) or the cells.
    maxDepth = std::max<int32_t>(
        maxDepth, int32_t(d + 2 + std::max<size_t>(2, cellSlots.size())));
    return screen;
  };
  // Where the exception of a frame a site pushes is looked up at the unit
  // before it (calleeRaisesBefore), that unit is covered too: by the
  // instruction before the site, where it keeps the same slots under the
  // same handler and is no site itself, else by a NOP put there.
  struct NopBefore {
    uint32_t block, index;
    Handler handler;
  };
  llvm::SmallVector<NopBefore, 8> nops;
  // A site that starts its block is covered already where the instruction
  // before it in the layout has its handler: a `for` loop's FOR_ITER keeps
  // the slots of its loop's head, whose NOP comes just before it.
  auto coveredBefore = [&](uint32_t block, uint32_t index, Handler capture) {
    if (index > 0)
      return false;
    const Instr *last = nullptr;
    for (uint32_t b : fn.layout) {
      if (b == block)
        return last && last->handler == capture;
      if (!fn.blocks[b].instrs.empty())
        last = &fn.blocks[b].instrs.back();
    }
    return false;
  };
  // Is the instruction before site k another site's? (Sites are in layout
  // order, those of a block in its order.)
  auto siteBefore = [&](size_t k) {
    return k > 0 && sites[k - 1].block == sites[k].block &&
           sites[k - 1].index + sites[k - 1].length >= sites[k].index;
  };
  // What covers each site in the end (its capture handler, or for a bare
  // site the original: none), and what covered it before.
  struct Cover {
    Handler original, now;
  };
  llvm::SmallVector<Cover, 16> covers(found.size());
  for (size_t k = 0; k < found.size(); ++k) {
    FoundSite &f = found[k];
    SuspendSite &site = sites[k];
    site.kind = f.kind;
    site.depth = uint32_t(f.below.size());
    site.shape = std::move(f.below);
    site.callee = f.callee;
    Handler original = fn.blocks[site.block].instrs[site.index].handler;
    covers[k] = Cover{original, original};
    if (!f.captured)
      continue;
    uint32_t d = site.depth;
    if (plain && !original.valid() && d == 0 &&
        (site.kind == SiteKind::Call || site.kind == SiteKind::Attr ||
         site.kind == SiteKind::Op)) {
      site.bare = true;
      continue;
    }
    Handler capture{int32_t(captureFor(site.shape, original)), uint16_t(d), true};
    covers[k].now = capture;
    // (Taken afresh: appending the handler's blocks may move the blocks.)
    InstrList &instrs = fn.blocks[site.block].instrs;
    for (uint32_t i = site.index; i < site.index + site.length; ++i)
      instrs[i].handler = capture;
  }
  // The unit before each site (once every site has its handler: that unit
  // may be another site's, whose handler would take this one's exception).
  // Another site's handler does where it is this one's (`self.f()`: the
  // attribute's and the call's keep the same slots); one that keeps more
  // slots would not do (`f(g(x))`: when the outer callee raises, the call
  // has taken its operands off the stack already).
  for (size_t k = 0; dialect.calleeRaisesBefore && k < found.size(); ++k) {
    const SuspendSite &site = sites[k];
    if (!found[k].captured || site.kind == SiteKind::Loop)
      continue;
    InstrList &instrs = fn.blocks[site.block].instrs;
    Instr *previous = site.index > 0 ? &instrs[site.index - 1] : nullptr;
    if (previous && previous->handler == covers[k].now)
      continue;
    if (found[k].before && previous->handler == covers[k].original &&
        !siteBefore(k))
      previous->handler = covers[k].now;
    else if (!coveredBefore(site.block, site.index, covers[k].now))
      nops.push_back(NopBefore{site.block, site.index, covers[k].now});
  }
  // An exception raised at a jump back itself (see the top of the file):
  // each jump to a loop's head keeps the head's slots, under a capture
  // handler of its own (the jump may not be covered where the head is: the
  // back jump of a loop in a try is not).
  for (size_t k = 0; k < found.size(); ++k) {
    if (sites[k].kind != SiteKind::Loop)
      continue;
    uint32_t head = loopHeadOf[k];
    for (uint32_t b : fn.layout) {
      InstrList &instrs = fn.blocks[b].instrs;
      if (instrs.empty() || instrs.back().target != int32_t(head) ||
          instrs.back().op == Op::JUMP_BACKWARD_NO_INTERRUPT ||
          fn.info(instrs.back()).jump != JumpKind::Backward)
        continue;
      Handler original = instrs.back().handler;
      uint32_t capture = captureFor(sites[k].shape, original);
      fn.blocks[b].instrs.back().handler =
          Handler{int32_t(capture), uint16_t(sites[k].depth), true};
    }
  }
  // The NOPs, last to first in each block, so that the sites' indices stay
  // valid until each is moved past its own.
  std::sort(nops.begin(), nops.end(), [](const NopBefore &a, const NopBefore &b) {
    return a.block != b.block ? a.block < b.block : a.index > b.index;
  });
  for (const NopBefore &n : nops) {
    InstrList &instrs = fn.blocks[n.block].instrs;
    Instr nop = make(Op::NOP);
    nop.loc = instrs[n.index].loc;
    nop.handler = n.handler;
    instrs.insert(instrs.begin() + n.index, nop);
    for (SuspendSite &s : sites)
      if (s.block == n.block && s.index >= n.index)
        ++s.index;
  }
  if (!nops.empty())
    loops = true; // (instructions moved: see appendedOnly below)

  fn.maxStackDepth = maxDepth;
  // Blocks cut, handlers changed, capture code (no source position)
  // appended: the input's instructions are where they were, unless a NOP
  // went before a loop or a site.
  fn.appendedOnly = !loops;
  if (sites.empty())
    return llvm::Error::success();
  ctx.suspension = std::make_unique<Suspension>();
  ctx.suspension->sites = std::move(sites);
  ctx.suspension->provenances = std::move(shapes.provenances);
  // A generator's twin must still run RETURN_GENERATOR and POP_TOP, which
  // come before the first site of its first block (the entry site, RESUME),
  // or, without a site there, before its second block.
  if (generator) {
    uint32_t first = fn.layout[0];
    size_t size = fn.blocks[first].instrs.size();
    for (const SuspendSite &site : ctx.suspension->sites) {
      if (site.block != first)
        break; // (in layout order: those of the first block come first)
      for (size_t at : {site.index, site.index + site.length})
        if (at > 0 && at < size) {
          ctx.suspension->entryBefore = {first, uint32_t(at)};
          return llvm::Error::success();
        }
    }
    if (fn.layout.size() > 1)
      ctx.suspension->entryBefore = {fn.layout[1], 0};
  }
  return llvm::Error::success();
}

} // namespace

std::unique_ptr<Pass> createSuspendPass() {
  return std::make_unique<SuspendPass>();
}

} // namespace sleepy
