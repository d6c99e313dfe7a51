//===- lib/rewrite/Trailer.cpp - what the runtime reads after the module --===//
//
// A rewritten .pyc holds a second marshalled object after the module's code
// object: the trailer. The import system reads one object and ignores the
// rest; the runtime reads both (marshal.load twice) when it suspends or
// resumes. Format (runtime/sleepy/_trailer.py reads it):
//
//   (b"sleepy", 1, (major, minor), entries, hashes)
//   hashes:  one int per code object, in the order marshal reads them
//            (children before parents), to refuse a snapshot of other code
//   entries: one per function with call sites:
//     (code index, twin co_code, twin extra consts, twin extra names,
//      twin co_exceptiontable, twin co_linetable, twin co_stacksize,
//      delta (where the body starts in the twin, in code units),
//      slots ((name, kind) in localsplus order; kind l, c or f),
//      sites ((kind, start, end, resume start, resume end, depth, shape,
//              callee), ...))
//   callee:  None, ("g"|"l"|"d"|"n", name), ("a"|"m", base, name),
//            ("c", code index)
//
//===----------------------------------------------------------------------===//
#include "sleepy/rewrite/Suspend.h"

#include "sleepy/pyc/Marshal.h"

#include "llvm/Support/xxhash.h"

namespace sleepy {
namespace {

ObjectId intObj(ObjectGraph &graph, int64_t value) {
  Object o;
  o.kind = ObjKind::Int;
  o.type = 'i';
  o.i = value;
  return graph.add(o);
}

ObjectId noneObj(ObjectGraph &graph) { return graph.add(Object{}); }

ObjectId provenanceObj(ObjectGraph &graph, const std::vector<Provenance> &provs,
                       int32_t index, unsigned depth = 0) {
  if (index < 0 || size_t(index) >= provs.size() || depth > 32)
    return noneObj(graph);
  const Provenance &p = provs[index];
  switch (p.kind) {
  case Provenance::Global:
    return graph.addTuple({graph.addStr("g"), graph.addStr(p.name)});
  case Provenance::Local:
    return graph.addTuple({graph.addStr("l"), graph.addStr(p.name)});
  case Provenance::Deref:
    return graph.addTuple({graph.addStr("d"), graph.addStr(p.name)});
  case Provenance::Name:
    return graph.addTuple({graph.addStr("n"), graph.addStr(p.name)});
  case Provenance::Attr:
  case Provenance::Method: {
    ObjectId base = provenanceObj(graph, provs, p.base, depth + 1);
    return graph.addTuple({graph.addStr(p.kind == Provenance::Attr ? "a" : "m"),
                           base, graph.addStr(p.name)});
  }
  case Provenance::Code:
    return graph.addTuple({graph.addStr("c"), intObj(graph, p.constant)});
  }
  return noneObj(graph);
}

/// Where the block after \p block in \p layout starts, or \p end.
uint32_t nextStart(const std::vector<uint32_t> &layout,
                   const std::vector<uint32_t> &starts, uint32_t block,
                   uint32_t end) {
  auto pos = std::find(layout.begin(), layout.end(), block);
  if (pos == layout.end() || pos + 1 == layout.end())
    return end;
  return starts[*(pos + 1)];
}

} // namespace

ObjectId makeTrailerEntry(ObjectGraph &graph, uint32_t codeIndex,
                          const AssembledCode &normal, const Twin &twin,
                          const AssembledCode &assembledTwin) {
  const Function &t = twin.fn;
  uint32_t normalUnits = uint32_t(normal.code.size() / 2);
  uint32_t twinUnits = uint32_t(assembledTwin.code.size() / 2);
  // The body moved by the size of the twin's entry jump.
  uint32_t delta = assembledTwin.blockStart[twin.bodyBlock] -
                   normal.blockStart[twin.bodyBlock];

  std::vector<ObjectId> slots;
  for (const auto &[name, kind] : twin.slots)
    slots.push_back(graph.addTuple({graph.addStr(name),
                                    graph.addStr(llvm::StringRef(&kind, 1))}));
  std::vector<ObjectId> sites;
  // Ranges in the normal code come from the normal layout, which is the
  // twin's without its entry block.
  std::vector<uint32_t> normalLayout;
  for (uint32_t b : t.layout)
    if (b != twin.entryBlock)
      normalLayout.push_back(b);
  for (const SuspendSite &s : twin.sites) {
    uint32_t start = normal.blockStart[s.block];
    uint32_t end = nextStart(normalLayout, normal.blockStart, s.block,
                             normalUnits);
    uint32_t rstart = 0, rend = 0;
    if (s.resumeBlock != ~0u) {
      rstart = assembledTwin.blockStart[s.resumeBlock];
      rend = nextStart(t.layout, assembledTwin.blockStart, s.resumeBlock,
                       twinUnits);
    }
    sites.push_back(graph.addTuple(
        {graph.addStr(s.kind), intObj(graph, start), intObj(graph, end),
         intObj(graph, rstart), intObj(graph, rend), intObj(graph, s.depth),
         graph.addStr(s.shape),
         provenanceObj(graph, twin.provenances, s.callee)}));
  }
  std::vector<ObjectId> names;
  for (const std::string &n : twin.extraNames)
    names.push_back(graph.addStr(n));
  return graph.addTuple(
      {intObj(graph, codeIndex), graph.addBytes(assembledTwin.code),
       graph.addTuple(twin.extraConsts), graph.addTuple(names),
       graph.addBytes(assembledTwin.exceptionTable),
       graph.addBytes(assembledTwin.lineTable),
       intObj(graph, assembledTwin.stackSize), intObj(graph, delta),
       graph.addTuple(slots), graph.addTuple(sites)});
}

ObjectId makeTrailer(ObjectGraph &graph, llvm::ArrayRef<ObjectId> entries,
                     llvm::ArrayRef<uint64_t> codeHashes) {
  std::vector<ObjectId> hashes;
  for (uint64_t h : codeHashes)
    hashes.push_back(intObj(graph, int64_t(h & 0x7FFFFFFF)));
  PyVersion v = graph.version();
  Object tag;
  tag.kind = ObjKind::Bytes;
  tag.type = 's';
  tag.data = "sleepy";
  return graph.addTuple(
      {graph.add(tag), intObj(graph, 1),
       graph.addTuple({intObj(graph, v.major), intObj(graph, v.minor)}),
       graph.addTuple(entries), graph.addTuple(hashes)});
}

uint64_t hashCode(const ObjectGraph &graph, ObjectId code,
                  llvm::ArrayRef<uint64_t> nested) {
  const CodeObject &c = graph.code(code);
  llvm::SmallVector<char, 256> bytes;
  auto field = [&](ObjectId id) {
    if (id != NoObject)
      writeMarshal(graph, id, bytes);
  };
  for (int32_t n : {c.argCount, c.posOnlyArgCount, c.kwOnlyArgCount,
                    c.flags, c.firstLineNo})
    bytes.append(reinterpret_cast<const char *>(&n),
                 reinterpret_cast<const char *>(&n) + sizeof n);
  for (ObjectId id : {c.code, c.names, c.localsPlusNames, c.localsPlusKinds,
                      c.varNames, c.freeVars, c.cellVars, c.name, c.qualName,
                      c.exceptionTable})
    field(id);
  for (ObjectId k : graph.items(c.consts)) {
    const Object &o = graph.get(k);
    if (o.kind == ObjKind::Code) {
      uint64_t h = o.first < nested.size() ? nested[o.first] : 0;
      bytes.append(reinterpret_cast<const char *>(&h),
                   reinterpret_cast<const char *>(&h) + sizeof h);
    } else {
      field(k);
    }
  }
  return llvm::xxHash64(llvm::StringRef(bytes.data(), bytes.size()));
}

} // namespace sleepy
