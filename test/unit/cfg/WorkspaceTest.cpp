//===- test/unit/cfg/WorkspaceTest.cpp - working storage -----------------===//
#include "sleepy/cfg/Workspace.h"

#include <doctest/doctest.h>

#include <vector>

using namespace sleepy;

namespace {
struct Numbers {
  std::vector<int> v;
  int count;
};
struct Other {
  int count;
};
} // namespace

TEST_CASE("a workspace keeps one value-initialised object per type") {
  Workspace ws;
  Numbers &n = ws.get<Numbers>();
  CHECK(n.v.empty());
  CHECK(n.count == 0);
  n.v.assign(1000, 7);
  n.count = 3;
  Other &o = ws.get<Other>();
  CHECK(o.count == 0); // another type, another object
  o.count = 9;
  Numbers &again = ws.get<Numbers>();
  CHECK(&again == &n); // kept, with its storage
  CHECK(again.v.size() == 1000);
  CHECK(again.v.capacity() >= 1000);
  CHECK(ws.get<Other>().count == 9);
}

TEST_CASE("two workspaces do not share objects") {
  Workspace a, b;
  a.get<Numbers>().count = 1;
  CHECK(b.get<Numbers>().count == 0);
  CHECK(&a.get<Numbers>() != &b.get<Numbers>());
}
