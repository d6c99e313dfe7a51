//===- lib/rewrite/Trailer.cpp - what the runtime reads after the module --===//
//
// A rewritten .pyc holds a second marshalled object after the module's code
// object: the trailer. The import system reads one object and ignores the
// rest; the runtime reads both (marshal.load twice) when it suspends or
// resumes. Format (runtime/sleepy/_registry.py reads it):
//
//   (b"sleepy", 4, (major, minor), entries, hashes)
//   hashes:  one int per code object, in the order marshal reads them
//            (children before parents), to refuse a snapshot of other code
//   entries: one per function with sites:
//     (code index, prefix (where the resume twin's entry jump goes, in code
//      units), sites (packed: kind char, upper case for a bare site, start
//      and end as u32, depth and callee as u16, little endian), shapes (one
//      string: the sites' shapes one after another), callees (bytes: the
//      distinct provenances the sites name, one after another, each a kind
//      char and a LEB128 index, and for a and m the base after it))
//   site kinds: c (call), a (attribute), i (FOR_ITER), s (SEND), y (yield),
//            e (entry), o (operator), l (loop: format 4)
//   provenance kinds: g, n (co_names[i]), l, d (the frame's slot i), a, m
//            (attribute, method co_names[i] of the base), c (the constant
//            co_consts[i], or a function made from it), ? (not known: no index), o (an
//            operator's operands: no index, two provenances after it)
//
// Format 2 also held each function's resume dispatcher, assembled; the
// runtime now builds it when it resumes the function (runtime/sleepy/_twin.py)
// from the sites and the handlers of the rewritten code, which took the
// stdlib's rewritten size from 153 MB to 74 MB.
//
//===----------------------------------------------------------------------===//
#include "sleepy/rewrite/Suspend.h"


#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
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

/// Appends provenance \p index of \p provs to \p out: a kind char and the
/// index it names (LEB128), then, for an attribute or a method, its base the
/// same way; for an operator's operands, 'o' and the two operands'; '?' for
/// a provenance not known (or a chain too deep).
void encodeProvenance(std::string &out, const std::vector<Provenance> &provs,
                      int32_t index) {
  static constexpr char Kinds[] = {'g', 'l', 'd', 'n', 'a', 'm', 'c', 'o'};
  for (unsigned depth = 0;; ++depth) {
    if (index < 0 || size_t(index) >= provs.size() || depth > 32) {
      out.push_back('?');
      return;
    }
    const Provenance &p = provs[size_t(index)];
    out.push_back(Kinds[p.kind]);
    if (p.kind == Provenance::Operands) { // (never nested: no loop)
      encodeProvenance(out, provs, int32_t(p.index));
      encodeProvenance(out, provs, p.base);
      return;
    }
    uint32_t v = p.index;
    do {
      out.push_back(char((v & 0x7F) | (v > 0x7F ? 0x80 : 0)));
      v >>= 7;
    } while (v);
    if (p.kind != Provenance::Attr && p.kind != Provenance::Method)
      return;
    index = p.base;
  }
}

} // namespace

ObjectId makeTrailerEntry(ObjectGraph &graph, uint32_t codeIndex,
                          const Function &normalFn, const AssembledCode &normal,
                          const Suspension &suspension) {
  uint32_t units = uint32_t(normal.code.size() / 2);
  // Where each block ends: where the next one of the layout starts.
  const std::vector<uint32_t> &layout = normalFn.layout;
  std::vector<uint32_t> ends(normal.blockStart.size(), units);
  for (size_t i = 0; i + 1 < layout.size(); ++i)
    ends[layout[i]] = normal.blockStart[layout[i + 1]];
  // Sites, packed: kind, start, end (u32), depth, callee (u16, index in the
  // provenances, 0xFFFF for none); the shapes of all sites follow each other
  // in one string.
  size_t shapeSize = 0;
  for (const SuspendSite &s : suspension.sites)
    shapeSize += s.shape.size();
  std::string packed(13 * suspension.sites.size(), '\0'),
      shapes(shapeSize, '\0'), callees;
  char *out = &packed[0], *shape = &shapes[0];
  uint16_t calleeCount = 0;
  // By provenance (dense, per function): its index among the callees.
  struct CalleeScratch {
    std::vector<uint16_t> v;
  };
  std::vector<uint16_t> &calleeIndex = normalFn.workspace().get<CalleeScratch>().v;
  calleeIndex.assign(suspension.provenances.size(), 0xFFFF);
  for (const SuspendSite &s : suspension.sites) {
    uint16_t callee = 0xFFFF;
    if (s.callee >= 0 && size_t(s.callee) < calleeIndex.size()) {
      uint16_t &known = calleeIndex[size_t(s.callee)];
      if (known == 0xFFFF && calleeCount < 0xFFFF) {
        known = calleeCount++;
        encodeProvenance(callees, suspension.provenances, s.callee);
      }
      callee = known;
    }
    using namespace llvm::support::endian;
    *out++ = s.bare ? llvm::toUpper(char(s.kind)) : char(s.kind);
    write32le(out, instrStart(normalFn, normal, s.block, s.index));
    // A site that ends its block ends where the next block starts.
    write32le(out + 4, s.index + s.length <
                               normalFn.blocks[s.block].instrs.size()
                           ? instrStart(normalFn, normal, s.block,
                                        s.index + s.length)
                           : ends[s.block]);
    write16le(out + 8, uint16_t(s.depth));
    write16le(out + 10, callee);
    out += 12;
    shape = std::copy(s.shape.begin(), s.shape.end(), shape);
  }
  uint32_t prefix = suspension.entryBefore.block == ~0u
                        ? 0
                        : instrStart(normalFn, normal,
                                     suspension.entryBefore.block,
                                     suspension.entryBefore.index);
  return graph.addTuple({intObj(graph, codeIndex), intObj(graph, prefix),
                         graph.addBytes(packed), graph.addStr(shapes),
                         graph.addBytes(callees)});
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
      {graph.add(tag), intObj(graph, 4),
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
/// Strings and bytes are hashed once each (\p memo, by object; 0: not yet):
/// names shared through marshal references recur in many code objects.
uint64_t hashObject(const ObjectGraph &graph, ObjectId id,
                    llvm::ArrayRef<uint64_t> nested,
                    llvm::MutableArrayRef<uint64_t> memo, unsigned depth = 0) {
  if (id == NoObject)
    return 0;
  const Object &o = graph.get(id);
  if ((o.kind == ObjKind::Str || o.kind == ObjKind::Bytes) && id < memo.size()) {
    if (!memo[id])
      memo[id] = mix(mix(0, uint64_t(o.kind)), llvm::xxHash64(o.data));
    return memo[id];
  }
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
    for (ObjectId item : graph.items(id)) {
      // Names, mostly: hashed already, no call needed.
      uint64_t known = item < memo.size() ? memo[item] : 0;
      h = mix(h, known ? known
                       : hashObject(graph, item, nested, memo, depth + 1));
    }
    return h;
  default:
    return h;
  }
}

} // namespace

uint64_t hashCode(const ObjectGraph &graph, ObjectId code,
                  llvm::ArrayRef<uint64_t> nested,
                  llvm::MutableArrayRef<uint64_t> memo) {
  const CodeObject &c = graph.code(code);
  uint64_t h = 0;
  for (int32_t n : {c.argCount, c.posOnlyArgCount, c.kwOnlyArgCount, c.flags,
                    c.firstLineNo})
    h = mix(h, uint64_t(uint32_t(n)));
  for (ObjectId id : {c.code, c.consts, c.names, c.localsPlusNames,
                      c.localsPlusKinds, c.varNames, c.freeVars, c.cellVars,
                      c.name, c.qualName, c.exceptionTable})
    h = mix(h, hashObject(graph, id, nested, memo));
  return h;
}

} // namespace sleepy
