//===- test/unit/cfg/DecodeTest.cpp - bytecode back into blocks -----------===//
#include "Builders.h"

#include "sleepy/cfg/Assemble.h"
#include "sleepy/cfg/Decode.h"
#include "sleepy/cfg/Print.h"

#include <doctest/doctest.h>

using namespace sleepy;
using sleepy::test::instr;

namespace {

/// A code object of \p graph holding the blocks \p blocks, assembled.
ObjectId makeFunction(ObjectGraph &graph, std::vector<InstrList> blocks) {
  ObjectId code = test::makeCode(graph);
  Function fn(*OpcodeTable::get(graph.version()), graph, code, "t.pyc");
  for (InstrList &instrs : blocks)
    fn.appendBlock(std::move(instrs));
  auto out = assemble(fn);
  REQUIRE(bool(out));
  storeAssembled(graph, code, *out);
  return code;
}

std::string printed(const Function &fn) {
  std::string text;
  llvm::raw_string_ostream os(text);
  printFunction(os, fn);
  return os.str();
}

/// What a fresh decode of \p code prints.
std::string fresh(const ObjectGraph &graph, ObjectId code) {
  auto fn = decodeFunction(graph, code, "t.pyc");
  REQUIRE(bool(fn));
  return printed(*fn);
}

} // namespace

TEST_CASE("decoding into a reused function gives what a fresh one does") {
  ObjectGraph graph(PyVersion(3, 11));
  // Four blocks, two longer than a block holds inline, and a handler.
  InstrList head(12, instr(Op::NOP));
  head.push_back(instr(Op::LOAD_CONST));
  head.push_back(instr(Op::POP_JUMP_FORWARD_IF_FALSE, 0, 2));
  InstrList body(10, instr(Op::NOP));
  for (Instr &in : body)
    in.handler = Handler{3, 0, false};
  InstrList tail{instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)};
  InstrList handler{instr(Op::POP_TOP), instr(Op::LOAD_CONST),
                    instr(Op::RETURN_VALUE)};
  ObjectId big = makeFunction(graph, {head, body, tail, handler});
  ObjectId small = makeFunction(
      graph, {{instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)}});

  Function fn(*OpcodeTable::get(graph.version()), graph, NoObject, "t.pyc");
  REQUIRE(!decodeFunction(big, "t.pyc", fn));
  CHECK(fn.blocks.size() == 4);
  CHECK(printed(fn) == fresh(graph, big));
  // What a pass may have left in it.
  fn.maxStackDepth = 7;
  fn.appendedOnly = true;
  fn.addBlock();

  REQUIRE(!decodeFunction(small, "u.pyc", fn));
  CHECK(fn.code == small);
  CHECK(fn.path == "u.pyc");
  CHECK(fn.maxStackDepth == -1);
  CHECK(!fn.appendedOnly);
  CHECK(fn.blocks.size() == 1);
  CHECK(fn.layout.size() == 1);
  CHECK(printed(fn) == fresh(graph, small));

  // And growing again from one block.
  REQUIRE(!decodeFunction(big, "t.pyc", fn));
  CHECK(printed(fn) == fresh(graph, big));
}

TEST_CASE("decoding refuses versions without a control-flow graph") {
  ObjectGraph graph(PyVersion(3, 10));
  ObjectId code = test::makeCode(graph);
  Function fn(*OpcodeTable::get(graph.version()), graph, code, "t.pyc");
  CHECK(test::message(decodeFunction(code, "t.pyc", fn))
            .find("decoding bytecode of CPython 3.10 is not supported") !=
        std::string::npos);
}
