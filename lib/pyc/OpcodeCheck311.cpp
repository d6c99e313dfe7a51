//===- lib/pyc/OpcodeCheck311.cpp - the 3.11 table against CPython's headers ===//
//
// Compiles only if the generated 3.11 table (opcodes/Python311.def) agrees with
// the CPython 3.11 headers of the build machine: every opcode number, the
// argument threshold, EXTENDED_ARG and every inline cache count.
//
//===----------------------------------------------------------------------===//
#define Py_BUILD_CORE
#include <Python.h>

#include <internal/pycore_code.h>
#include <opcode.h>

#if PY_MAJOR_VERSION != 3 || PY_MINOR_VERSION != 11
#error "the opcode check needs the CPython 3.11 headers"
#endif

namespace {

/// Inline cache units per opcode, as pycore_code.h sizes the cache structs.
constexpr int headerCaches(int op) {
  switch (op) {
  case LOAD_GLOBAL: return INLINE_CACHE_ENTRIES_LOAD_GLOBAL;
  case BINARY_OP: return INLINE_CACHE_ENTRIES_BINARY_OP;
  case UNPACK_SEQUENCE: return INLINE_CACHE_ENTRIES_UNPACK_SEQUENCE;
  case COMPARE_OP: return INLINE_CACHE_ENTRIES_COMPARE_OP;
  case BINARY_SUBSCR: return INLINE_CACHE_ENTRIES_BINARY_SUBSCR;
  case LOAD_ATTR: return INLINE_CACHE_ENTRIES_LOAD_ATTR;
  case STORE_ATTR: return INLINE_CACHE_ENTRIES_STORE_ATTR;
  case LOAD_METHOD: return INLINE_CACHE_ENTRIES_LOAD_METHOD;
  case CALL: return INLINE_CACHE_ENTRIES_CALL;
  case PRECALL: return INLINE_CACHE_ENTRIES_PRECALL;
  case STORE_SUBSCR: return INLINE_CACHE_ENTRIES_STORE_SUBSCR;
  default: return 0;
  }
}

// The flag bits of include/sleepy/pyc/Opcode.h; that header cannot be included
// here, where every opcode name is a macro of opcode.h.
#define OF_HasArg (1 << 0)
#define OF_HasConst (1 << 1)
#define OF_HasName (1 << 2)
#define OF_HasLocal (1 << 3)
#define OF_HasFree (1 << 4)
#define OF_HasCompare (1 << 5)
#define OF_Terminal (1 << 6)
#define OF_Unconditional (1 << 7)
#define OF_BlockSetup (1 << 8)

// Opcode names are macros of opcode.h here, so `Name` below is its number.
#define SLEEPY_VERSION(Major, Minor, HaveArg, ExtArg)                          \
  static_assert(HaveArg == HAVE_ARGUMENT, "HAVE_ARGUMENT");                    \
  static_assert(ExtArg == EXTENDED_ARG, "EXTENDED_ARG");
#define SLEEPY_OPCODE(Name, Num, Caches, Jump, NK, NB, NS, JK, JB, JS, Flags)  \
  static_assert(Num == Name, "opcode number of " #Name);                       \
  static_assert(Caches == headerCaches(Num), "cache entries of " #Name);       \
  static_assert(bool((Flags)&OF_HasArg) == HAS_ARG(Num),               \
                "HAS_ARG of " #Name);                                          \
  static_assert(bool((Flags)&OF_HasConst) == HAS_CONST(Num),                   \
                "HAS_CONST of " #Name);
#include "opcodes/Python311.def"

} // namespace
