//===- lib/rewrite/Trailer.cpp - what the runtime reads after the module --===//
//
// A rewritten .pyc holds a second marshalled object after the module's code
// object: the trailer. The import system reads one object and ignores the
// rest; the runtime reads both (marshal.load twice) when it suspends or
// resumes. Format (runtime/sleepy/_registry.py reads it):
//
//   (b"sleepy", 2, (major, minor), entries, hashes)
//   hashes:  one int per code object, in the order marshal reads them
//            (children before parents), to refuse a snapshot of other code
//   entries: one per function with sites:
//     (code index, dispatcher co_code, its co_exceptiontable, its
//      co_linetable (both with offsets in the twin), twin extra consts, twin
//      extra names, twin co_stacksize, delta (size of the entry jump), prefix
//      (where it goes, in code units), sites (packed: kind char, upper case
//      for a bare site, start, end, resume start, resume end as u32, depth
//      and callee as u16, little endian), shapes (one string: the sites'
//      shapes one after another), callees (the distinct provenances the
//      sites name))
//   callee:  None, ("g"|"l"|"d"|"n", name), ("a"|"m", base, name),
//            ("c", code index)
//
//===----------------------------------------------------------------------===//
#include "sleepy/rewrite/Suspend.h"


#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
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

/// Where each block of \p layout ends: where the next one starts, or \p end.
std::vector<uint32_t> blockEnds(const std::vector<uint32_t> &layout,
                                const std::vector<uint32_t> &starts,
                                size_t blocks, uint32_t end) {
  std::vector<uint32_t> ends(blocks, end);
  // The normal code's layout is the twin's less its entry; blocks only the
  // twin has are not in `starts` and end nothing here.
  for (size_t i = 0; i + 1 < layout.size(); ++i)
    if (layout[i] < blocks && layout[i + 1] < starts.size())
      ends[layout[i]] = starts[layout[i + 1]];
  return ends;
}

} // namespace

llvm::Expected<ObjectId> makeTrailerEntry(ObjectGraph &graph,
                                          uint32_t codeIndex,
                                          const Function &normalFn,
                                          const AssembledCode &normal,
                                          Twin &twin) {
  uint32_t units = uint32_t(normal.code.size() / 2);
  // The entry jump: JUMP_FORWARD over the normal code after the prefix P,
  // to the dispatcher; everything from P on moves by its size, delta.
  uint32_t prefix = twin.jumpBefore == ~0u ? 0 : normal.blockStart[twin.jumpBefore];
  uint32_t delta = 1 + prefixesFor(units - prefix);
  std::vector<uint32_t> moved(normalFn.blocks.size(), 0);
  for (size_t b = 0; b < moved.size(); ++b)
    moved[b] = normal.blockStart[b] + (normal.blockStart[b] >= prefix ? delta : 0);
  auto appendix = assembleAppendix(twin.fn, units + delta, moved);
  if (!appendix)
    return appendix.takeError();
  // The dispatcher never holds more than a site's slots and four more.
  int32_t stack = normal.stackSize;
  for (const SuspendSite &site : twin.sites)
    stack = std::max<int32_t>(stack, int32_t(site.depth) + 4);

  std::vector<uint32_t> normalEnds = blockEnds(
      normalFn.layout, normal.blockStart, normal.blockStart.size(), units);
  std::vector<uint32_t> twinEnds =
      blockEnds(twin.fn.layout, appendix->blockStart, appendix->blockStart.size(),
                units + delta + uint32_t(appendix->code.size() / 2));
  // Sites, packed: kind, start, end, resume start, resume end (u32), depth,
  // callee (u16, index in the provenances, 0xFFFF for none); the shapes of
  // all sites follow each other in one string.
  std::string packed, shapes;
  std::vector<ObjectId> provs;
  llvm::DenseMap<int32_t, uint16_t> provIndex;
  auto put = [&](uint64_t v, unsigned bytes) {
    for (unsigned k = 0; k < bytes; ++k)
      packed.push_back(char((v >> (8 * k)) & 0xFF));
  };
  for (const SuspendSite &s : twin.sites) {
    uint32_t rstart = 0, rend = 0;
    if (s.resumeBlock != ~0u) {
      rstart = appendix->blockStart[s.resumeBlock];
      rend = twinEnds[s.resumeBlock];
    }
    uint16_t callee = 0xFFFF;
    if (s.callee >= 0) {
      auto found = provIndex.find(s.callee);
      if (found == provIndex.end()) {
        found = provIndex.insert({s.callee, uint16_t(provs.size())}).first;
        provs.push_back(provenanceObj(graph, twin.provenances, s.callee));
      }
      callee = found->second;
    }
    put(uint8_t(s.bare ? llvm::toUpper(s.kind[0]) : s.kind[0]), 1);
    put(normal.blockStart[s.block], 4);
    put(normalEnds[s.block], 4);
    put(rstart, 4);
    put(rend, 4);
    put(s.depth, 2);
    put(callee, 2);
    shapes += s.shape;
  }
  std::vector<ObjectId> names;
  for (const std::string &n : twin.extraNames)
    names.push_back(graph.addStr(n));
  return graph.addTuple(
      {intObj(graph, codeIndex), graph.addSharedBytes(appendix->code),
       graph.addSharedBytes(appendix->exceptionTable),
       graph.addSharedBytes(appendix->lineTable), graph.addTuple(twin.extraConsts),
       graph.addTuple(names), intObj(graph, stack), intObj(graph, delta),
       intObj(graph, prefix), graph.addBytes(packed), graph.addStr(shapes),
       graph.addTuple(provs)});
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
      {graph.add(tag), intObj(graph, 2),
       graph.addTuple({intObj(graph, v.major), intObj(graph, v.minor)}),
       graph.addTuple(entries), graph.addTuple(hashes)});
}

namespace {

/// Mixes \p v into the running hash \p h (stable across runs and hosts).
uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDull;
}

/// A structural hash of an object; code objects contribute their own hash.
uint64_t hashObject(const ObjectGraph &graph, ObjectId id,
                    llvm::ArrayRef<uint64_t> nested, unsigned depth = 0) {
  if (id == NoObject)
    return 0;
  const Object &o = graph.get(id);
  uint64_t h = mix(0, uint64_t(o.kind));
  switch (o.kind) {
  case ObjKind::Int:
    return mix(h, uint64_t(o.i));
  case ObjKind::Long:
    h = mix(h, uint64_t(o.i));
    [[fallthrough]];
  case ObjKind::Float:
  case ObjKind::Complex:
  case ObjKind::Bytes:
  case ObjKind::Str:
    return mix(h, llvm::xxHash64(o.data));
  case ObjKind::Code:
    return mix(h, o.first < nested.size() ? nested[o.first] : 0);
  case ObjKind::Tuple:
  case ObjKind::List:
  case ObjKind::Dict:
  case ObjKind::Set:
  case ObjKind::FrozenSet:
    if (depth > 64)
      return h;
    for (ObjectId item : graph.items(id))
      h = mix(h, hashObject(graph, item, nested, depth + 1));
    return h;
  default:
    return h;
  }
}

} // namespace

uint64_t hashCode(const ObjectGraph &graph, ObjectId code,
                  llvm::ArrayRef<uint64_t> nested) {
  const CodeObject &c = graph.code(code);
  uint64_t h = 0;
  for (int32_t n : {c.argCount, c.posOnlyArgCount, c.kwOnlyArgCount, c.flags,
                    c.firstLineNo})
    h = mix(h, uint64_t(uint32_t(n)));
  for (ObjectId id : {c.code, c.consts, c.names, c.localsPlusNames,
                      c.localsPlusKinds, c.varNames, c.freeVars, c.cellVars,
                      c.name, c.qualName, c.exceptionTable})
    h = mix(h, hashObject(graph, id, nested));
  return h;
}

} // namespace sleepy
