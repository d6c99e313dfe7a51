//===- lib/pyc/Dialect.cpp - what each CPython's bytecode does its way ----===//
#include "sleepy/pyc/Dialect.h"

#include <iterator>

namespace sleepy {
namespace {

Dialect python38to310(PyVersion v) {
  Dialect d;
  d.version = v;
  d.generatorEntryDepth = 1;
  return d;
}

Dialect python311() {
  Dialect d = python38to310(PyVersion(3, 11));
  d.localsPlus = true;
  d.globalNullBit = true;
  return d;
}

Dialect python312() {
  Dialect d = python311();
  d.version = PyVersion(3, 12);
  d.attrMethodBit = true;
  d.compareShift = 4;
  d.locationRuns = true;
  return d;
}

Dialect python313() {
  Dialect d = python312();
  d.version = PyVersion(3, 13);
  d.nullAfterCallable = true;
  d.compareShift = 5;
  d.jumpSizeFromIndex = true;
  d.generatorEntryDepth = 0;
  return d;
}

} // namespace

const Dialect &Dialect::of(PyVersion version) {
  static const Dialect dialects[] = {
      python38to310(PyVersion(3, 8)), python38to310(PyVersion(3, 9)),
      python38to310(PyVersion(3, 10)), python311(), python312(), python313()};
  for (const Dialect &d : dialects)
    if (d.version == version)
      return d;
  return version < dialects[0].version ? dialects[0]
                                       : dialects[std::size(dialects) - 1];
}

} // namespace sleepy
