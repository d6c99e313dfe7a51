//===- sleepy/pyc/Object.h - the marshal object model ---------------------===//
//
// A .pyc holds one marshalled object graph. ObjectGraph owns every object of
// one file in a vector; objects refer to their children by ObjectId. Payloads
// (bytes, strings, digits) point into the input buffer where possible, so
// reading a file copies almost nothing.
//
// Objects keep the marshal type code they were read with and whether they
// carried FLAG_REF. An object reached twice in the input (through a TYPE_REF)
// is one node reached twice here, so the writer reproduces the input byte for
// byte when nothing was changed.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_PYC_OBJECT_H
#define SLEEPY_PYC_OBJECT_H

#include "sleepy/pyc/Version.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/CachedHashString.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/StringSaver.h"

#include <cstdint>
#include <vector>

namespace sleepy {

using ObjectId = uint32_t;
constexpr ObjectId NoObject = ~0u;

enum class ObjKind : uint8_t {
  None,
  True,
  False,
  Ellipsis,
  StopIteration,
  Int,     ///< 'i' or 'I': value in Object::i
  Long,    ///< 'l': Object::i is the signed digit count, data the 15-bit digits
  Float,   ///< 'g' (8 bytes) or 'f' (text) in data
  Complex, ///< 'y' (16 bytes) or 'x' (two texts) in data
  Bytes,   ///< 's'
  Str,     ///< 'u', 't', 'a', 'A', 'z', 'Z': UTF-8 (surrogatepass) in data
  Tuple,
  List,
  Dict, ///< items are key, value, key, value...
  Set,
  FrozenSet,
  Code, ///< Object::first indexes ObjectGraph::codes()
};

/// One marshalled object.
struct Object {
  ObjKind kind = ObjKind::None;
  char type = 'N';            ///< marshal type code, without FLAG_REF
  bool ref = false;           ///< carries FLAG_REF: later uses write TYPE_REF
  uint32_t offset = ~0u;      ///< file offset of the type byte; ~0u if new
  int64_t i = 0;              ///< Int value; Long signed digit count
  llvm::StringRef data;       ///< payload bytes
  uint32_t first = 0;         ///< first child in ObjectGraph::items, or code
  uint32_t count = 0;         ///< number of children (Dict: entries)
};

/// The fields of a code object. Which ones exist depends on the version:
/// nLocals, varNames, freeVars and cellVars up to 3.10; localsPlusNames,
/// localsPlusKinds, qualName and exceptionTable from 3.11.
struct CodeObject {
  ObjectId self = NoObject;
  int32_t argCount = 0, posOnlyArgCount = 0, kwOnlyArgCount = 0, nLocals = 0;
  int32_t stackSize = 0, flags = 0, firstLineNo = 0;
  ObjectId code = NoObject, consts = NoObject, names = NoObject;
  ObjectId localsPlusNames = NoObject, localsPlusKinds = NoObject;
  ObjectId varNames = NoObject, freeVars = NoObject, cellVars = NoObject;
  ObjectId fileName = NoObject, name = NoObject, qualName = NoObject;
  ObjectId lineTable = NoObject, exceptionTable = NoObject;
};

/// Code flags (Include/cpython/code.h).
enum CodeFlags : int32_t {
  CO_OPTIMIZED = 0x1,
  CO_NEWLOCALS = 0x2,
  CO_VARARGS = 0x4,
  CO_VARKEYWORDS = 0x8,
  CO_NESTED = 0x10,
  CO_GENERATOR = 0x20,
  CO_NOFREE = 0x40,
  CO_COROUTINE = 0x80,
  CO_ITERABLE_COROUTINE = 0x100,
  CO_ASYNC_GENERATOR = 0x200,
};
constexpr int32_t CO_GENERATOR_LIKE =
    CO_GENERATOR | CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR;

/// co_localspluskinds bits (Include/internal/pycore_code.h).
enum LocalKind : uint8_t {
  CO_FAST_HIDDEN = 0x10,
  CO_FAST_LOCAL = 0x20,
  CO_FAST_CELL = 0x40,
  CO_FAST_FREE = 0x80,
};

/// Every object of one marshalled graph.
class ObjectGraph {
public:
  explicit ObjectGraph(PyVersion version) : ver(version) {}
  ObjectGraph(const ObjectGraph &) = delete;
  ObjectGraph &operator=(const ObjectGraph &) = delete;

  PyVersion version() const { return ver; }
  /// Makes room for the objects of about \p bytes of marshal data, so that
  /// reading them does not grow the tables step by step.
  void reserveFor(size_t bytes) {
    objects.reserve(bytes / 16);
    itemStore.reserve(bytes / 16);
    codeStore.reserve(bytes / 512);
  }

  const Object &get(ObjectId id) const { return objects[id]; }
  Object &get(ObjectId id) { return objects[id]; }
  size_t size() const { return objects.size(); }

  /// The children of a container (Dict: key, value, key, value...).
  llvm::ArrayRef<ObjectId> items(ObjectId id) const {
    const Object &o = objects[id];
    unsigned n = o.kind == ObjKind::Dict ? 2 * o.count : o.count;
    return llvm::ArrayRef<ObjectId>(itemStore).slice(o.first, n);
  }

  std::vector<CodeObject> &codes() { return codeStore; }
  const std::vector<CodeObject> &codes() const { return codeStore; }
  const CodeObject &code(ObjectId id) const { return codeStore[get(id).first]; }
  CodeObject &code(ObjectId id) { return codeStore[get(id).first]; }

  /// The string payload of a Str object (empty for any other kind).
  llvm::StringRef str(ObjectId id) const {
    const Object &o = objects[id];
    return o.kind == ObjKind::Str ? o.data : llvm::StringRef();
  }

  ObjectId add(const Object &o) {
    objects.push_back(o);
    return ObjectId(objects.size() - 1);
  }
  /// Appends children and returns the index of the first.
  uint32_t addItems(llvm::ArrayRef<ObjectId> ids) {
    uint32_t first = uint32_t(itemStore.size());
    itemStore.insert(itemStore.end(), ids.begin(), ids.end());
    return first;
  }
  /// A new bytes object that owns a copy of \p data.
  ObjectId addBytes(llvm::StringRef data);
  /// A bytes object equal to \p data, the same for every call with equal
  /// data, as CPython's compiler merges equal constants (and code, line and
  /// exception tables) of one module: marshal then writes it once and refers
  /// to it after. It carries FLAG_REF once it is shared.
  ObjectId addSharedBytes(llvm::StringRef data);
  /// A new str object that owns a copy of \p text.
  ObjectId addStr(llvm::StringRef text);
  /// A new tuple of \p ids.
  ObjectId addTuple(llvm::ArrayRef<ObjectId> ids);
  /// Keeps a copy of \p data alive as long as the graph.
  llvm::StringRef save(llvm::StringRef data) { return saver.save(data); }

  /// The object to write at the root of the file.
  ObjectId root = NoObject;
  /// An object written after the root (the import system reads only the
  /// root), or NoObject.
  ObjectId trailer = NoObject;

private:
  PyVersion ver;
  std::vector<Object> objects;
  std::vector<ObjectId> itemStore;
  std::vector<CodeObject> codeStore;
  llvm::BumpPtrAllocator alloc;
  llvm::StringSaver saver{alloc};
  /// Keys point at the objects' own copies; hashed once (a StringMap would
  /// copy every co_code again and hash it a byte at a time).
  llvm::DenseMap<llvm::CachedHashStringRef, ObjectId> sharedBytes;
};

} // namespace sleepy

#endif
