//===- lib/rewrite/ResumeTwin.cpp - the resume dispatcher of a function ---===//
//
// The resume twin of a function is its rewritten code with a jump at the
// start (for a generator, after RETURN_GENERATOR and POP_TOP, so that calling
// the twin still makes a generator) to a dispatcher appended at the end.
// Normal calls never run it. This file builds the dispatcher; the pipeline
// assembles it after the normal code and the runtime composes the twin (see
// Trailer.cpp and runtime/sleepy/_registry.py). The dispatcher:
//
//   R = __sleepy_resume__()            the frame's record, from the runtime
//   for each slot i: if R[1+2i]: slot i = R[2+2i]   (cells by identity)
//   jump on R[0], the site
//
// and for each site rebuilds the value stack kept below it from R (NULLs with
// PUSH_NULL, a saved exception state by replaying PUSH_EXC_INFO with the
// exception to make current), then goes on as the site's kind says (see
// SuspendSite): call R's callee in place of the call, run FOR_ITER or SEND
// again, or yield once to prime a generator. The record stays on top of the
// stack while the slots are rebuilt, so the twin needs no extra locals.
//
//===----------------------------------------------------------------------===//
#include "sleepy/rewrite/Suspend.h"

#include "llvm/ADT/DenseMap.h"

namespace sleepy {
namespace {

Instr make(Op op, uint32_t arg = 0, int32_t target = -1) {
  Instr i;
  i.op = op;
  i.arg = arg;
  i.target = target;
  return i;
}

class Builder {
public:
  Builder(Twin &twin, ObjectGraph &graph, ObjectId code,
          std::vector<std::pair<std::string, char>> slots,
          const std::vector<uint32_t> &normalLayout)
      : twin(twin), t(twin.fn), graph(graph), code(code),
        slots(std::move(slots)), normalLayout(normalLayout) {
    const CodeObject &c = graph.code(code);
    baseConsts = uint32_t(graph.items(c.consts).size());
    baseNames = uint32_t(graph.items(c.names).size());
  }

  void build();

private:
  /// The index of an int constant (or None, for \p none).
  uint32_t constant(int64_t value, bool none = false);
  void rebuildStack(const SuspendSite &site, InstrList &out);

  Twin &twin;
  Function &t;
  ObjectGraph &graph;
  ObjectId code;
  uint32_t baseConsts = 0, baseNames = 0;
  bool indexed = false;
  llvm::DenseMap<int64_t, uint32_t> known; ///< int constant -> index
  uint32_t noneIndex = ~0u;
  std::vector<std::pair<std::string, char>> slots;
  const std::vector<uint32_t> &normalLayout;
};

uint32_t Builder::constant(int64_t value, bool none) {
  // The code's own ints and None, once: the dispatcher asks for hundreds.
  if (!indexed) {
    auto items = graph.items(graph.code(code).consts);
    for (size_t k = items.size(); k-- > 0;) {
      const Object &o = graph.get(items[k]);
      if (o.kind == ObjKind::Int)
        known[o.i] = uint32_t(k);
      else if (o.kind == ObjKind::None)
        noneIndex = uint32_t(k);
    }
    indexed = true;
  }
  if (none && noneIndex != ~0u)
    return noneIndex;
  if (!none) {
    auto found = known.find(value);
    if (found != known.end())
      return found->second;
  }
  Object o;
  if (!none) {
    o.kind = ObjKind::Int;
    o.type = 'i';
    o.i = value;
  }
  twin.extraConsts.push_back(graph.add(o));
  uint32_t index = baseConsts + uint32_t(twin.extraConsts.size() - 1);
  if (none)
    noneIndex = index;
  else
    known[value] = index;
  return index;
}

void Builder::rebuildStack(const SuspendSite &site, InstrList &out) {
  int64_t base = 1 + 2 * int64_t(slots.size());
  auto load = [&](int64_t index) {
    out.push_back(make(Op::COPY, 1));
    out.push_back(make(Op::LOAD_CONST, constant(index)));
    out.push_back(make(Op::BINARY_SUBSCR));
  };
  for (uint32_t j = 0; j < site.depth; ++j) {
    char kind = site.shape[j];
    if (kind == 'n' || kind == 'm') {
      out.push_back(make(Op::PUSH_NULL));
      out.push_back(make(Op::SWAP, 2));
    } else if (kind == 'p') {
      // [.. R, X] -> PUSH_EXC_INFO -> [.. R, prev, X], X current again.
      load(base + j);
      out.push_back(make(Op::PUSH_EXC_INFO));
      if (j + 1 < site.depth && site.shape[j + 1] == 'e') {
        out.push_back(make(Op::SWAP, 2));
        out.push_back(make(Op::SWAP, 3));
        ++j; // the exception was the next slot
      } else {
        out.push_back(make(Op::POP_TOP));
        out.push_back(make(Op::SWAP, 2));
      }
    } else {
      load(base + j);
      out.push_back(make(Op::SWAP, 2));
    }
  }
}

void Builder::build() {
  const std::vector<SuspendSite> &sites = twin.sites;
  uint32_t resumeName = baseNames;
  twin.extraNames.push_back(ResumeName);
  // Three blocks a slot and a few a site: grown once, not moved block by
  // block.
  t.blocks.reserve(t.blocks.size() + 3 * slots.size() + 4 * sites.size() + 4);
  t.layout.reserve(t.layout.size() + 3 * slots.size() + 4 * sites.size() + 4);

  t.appendBlock({make(Op::LOAD_GLOBAL, (resumeName << 1) | 1),
                 make(Op::PRECALL, 0), make(Op::CALL, 0)});
  for (size_t i = 0; i < slots.size(); ++i) {
    uint32_t test = t.appendBlock(
        {make(Op::COPY, 1), make(Op::LOAD_CONST, constant(1 + 2 * int64_t(i))),
         make(Op::BINARY_SUBSCR), make(Op::POP_JUMP_FORWARD_IF_FALSE)});
    t.appendBlock({make(Op::COPY, 1),
                   make(Op::LOAD_CONST, constant(2 + 2 * int64_t(i))),
                   make(Op::BINARY_SUBSCR), make(Op::STORE_FAST, uint32_t(i))});
    uint32_t next = t.appendBlock({});
    t.blocks[test].instrs.back().target = int32_t(next);
  }
  t.appendBlock({make(Op::COPY, 1), make(Op::LOAD_CONST, constant(0)),
                 make(Op::BINARY_SUBSCR)});
  std::vector<uint32_t> selects;
  for (size_t k = 0; k < sites.size(); ++k)
    selects.push_back(t.appendBlock(
        {make(Op::COPY, 1), make(Op::LOAD_CONST, constant(int64_t(k))),
         make(Op::COMPARE_OP, 2), make(Op::POP_JUMP_FORWARD_IF_TRUE)}));
  t.appendBlock(
      {make(Op::RAISE_VARARGS, 0)}); // an unknown site: never asked for

  int64_t slotsEnd = 1 + 2 * int64_t(slots.size());
  for (size_t k = 0; k < sites.size(); ++k) {
    const SuspendSite &site = sites[k];
    InstrList out = {make(Op::POP_TOP)}; // the site number
    rebuildStack(site, out);
    uint32_t none = constant(0, true);
    if (site.kind == "call" || site.kind == "attr") {
      // [.. R] -> [.. NULL, R[callee]]; the call is captured like the site.
      out.push_back(make(Op::COPY, 1));
      out.push_back(make(Op::LOAD_CONST, constant(slotsEnd + site.depth)));
      out.push_back(make(Op::BINARY_SUBSCR));
      out.push_back(make(Op::SWAP, 2));
      out.push_back(make(Op::POP_TOP));
      out.push_back(make(Op::PUSH_NULL));
      out.push_back(make(Op::SWAP, 2));
      uint32_t rebuilt = t.appendBlock(std::move(out));
      t.blocks[selects[k]].instrs.back().target = int32_t(rebuilt);
      Instr precall = make(Op::PRECALL, 0), call = make(Op::CALL, 0);
      if (!site.bare)
        precall.handler = call.handler =
            Handler{int32_t(site.capture), uint16_t(site.depth), true};
      twin.sites[k].resumeBlock = t.appendBlock({precall, call});
      t.appendBlock({make(Op::JUMP_FORWARD, 0, int32_t(site.after))});
      continue;
    }
    out.push_back(make(Op::POP_TOP)); // the record
    uint32_t rebuilt = t.appendBlock(std::move(out));
    t.blocks[selects[k]].instrs.back().target = int32_t(rebuilt);
    if (site.kind == "iter") {
      t.appendBlock({make(Op::JUMP_FORWARD, 0, int32_t(site.block))});
    } else if (site.kind == "send") {
      t.appendBlock({make(Op::LOAD_CONST, none),
                     make(Op::JUMP_FORWARD, 0, int32_t(site.block))});
    } else if (site.kind == "yield") {
      // Prime: yield once where the generator yielded; what is sent next
      // arrives as it would have at the original yield.
      Instr yield = make(Op::YIELD_VALUE), resume = make(Op::RESUME, 1);
      yield.handler = resume.handler = site.original;
      t.appendBlock({make(Op::LOAD_CONST, none)});
      twin.sites[k].resumeBlock = t.appendBlock({yield, resume});
      t.appendBlock({make(Op::JUMP_FORWARD, 0, int32_t(site.after))});
    } else if (site.kind == "entry") {
      const CodeObject &c = graph.code(code);
      if (c.flags & CO_GENERATOR_LIKE) {
        // A generator not started: park at a yield before its first line.
        t.appendBlock({make(Op::LOAD_CONST, none)});
        twin.sites[k].resumeBlock = t.appendBlock(
            {make(Op::YIELD_VALUE), make(Op::RESUME, 1), make(Op::POP_TOP)});
      }
      t.appendBlock({make(Op::JUMP_FORWARD, 0, int32_t(site.block))});
    }
  }

  // For a generator the entry jump goes after RETURN_GENERATOR and POP_TOP,
  // which end the first block (the entry site cut RESUME off).
  if (graph.code(code).flags & CO_GENERATOR_LIKE)
    twin.jumpBefore = normalLayout.size() > 1 ? normalLayout[1] : ~0u;
}

} // namespace

std::unique_ptr<Twin> buildTwin(const Function &fn, ObjectGraph &graph,
                                ObjectId code, std::vector<SuspendSite> sites,
                                std::vector<std::pair<std::string, char>> slots,
                                std::vector<Provenance> provenances) {
  // The normal blocks stay as numbers only: targets of the dispatcher.
  Function dispatcher(fn.ops, fn.graph, fn.code, fn.path);
  dispatcher.blocks.resize(fn.blocks.size());
  auto twin = std::make_unique<Twin>(std::move(dispatcher));
  twin->sites = std::move(sites);
  twin->provenances = std::move(provenances);
  Builder(*twin, graph, code, std::move(slots), fn.layout).build();
  return twin;
}

} // namespace sleepy
