//===- lib/cfg/Workspace.cpp - working storage reused across functions ----===//
#include "sleepy/cfg/Workspace.h"

#include <atomic>

namespace sleepy {

unsigned Workspace::nextId() {
  static std::atomic<unsigned> next{0};
  return next++;
}

Workspace &Workspace::forThisThread() {
  thread_local Workspace ws;
  return ws;
}

} // namespace sleepy
