//===- test/unit/cfg/AssembleTest.cpp - labels, prefixes and tables -------===//
#include "Builders.h"

#include "sleepy/cfg/Assemble.h"
#include "sleepy/cfg/StackDepth.h"
#include "sleepy/cfg/Verify.h"

#include <doctest/doctest.h>

using namespace sleepy;
using sleepy::test::instr;
using sleepy::test::message;

namespace {

struct Fixture {
  explicit Fixture(PyVersion v, int32_t flags = 0)
      : graph(v), code(test::makeCode(graph, flags)),
        fn(*OpcodeTable::get(v), graph, code, "t.pyc") {}
  uint32_t block(InstrList instrs) {
    uint32_t b = fn.addBlock();
    fn.blocks[b].instrs = std::move(instrs);
    fn.layout.push_back(b);
    return b;
  }
  ObjectGraph graph;
  ObjectId code;
  Function fn;
};

/// co_code as (opcode name, arg) pairs, with EXTENDED_ARG and CACHE shown.
std::string units(const Fixture &f, const std::string &code) {
  std::string out;
  for (size_t k = 0; k < code.size(); k += 2) {
    const OpInfo &info = f.fn.ops.byNumber(uint8_t(code[k]));
    out += opName(info.op).str() + " " + std::to_string(uint8_t(code[k + 1])) +
           "; ";
  }
  return out;
}

} // namespace

TEST_CASE("a straight-line function assembles to its units") {
  Fixture f(PyVersion(3, 11));
  f.block({instr(Op::RESUME), instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)});
  auto out = assemble(f.fn);
  REQUIRE(bool(out));
  CHECK(units(f, out->code) == "RESUME 0; LOAD_CONST 0; RETURN_VALUE 0; ");
  CHECK(out->stackSize == 1);
  CHECK(out->exceptionTable.empty());
}

TEST_CASE("a long forward jump grows an EXTENDED_ARG prefix") {
  Fixture f(PyVersion(3, 11));
  f.block({instr(Op::RESUME), instr(Op::JUMP_FORWARD, 0, 2)});
  f.block(InstrList(300, instr(Op::NOP)));
  f.block({instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)});
  auto out = assemble(f.fn);
  REQUIRE(bool(out));
  // The jump takes units 1-2; its base is unit 3; the target is unit 303.
  CHECK(units(f, out->code.substr(0, 8)) ==
        "RESUME 0; EXTENDED_ARG 1; JUMP_FORWARD 44; NOP 0; ");
  CHECK(f.fn.blocks[0].instrs[1].arg == 300);
}

TEST_CASE("3.11 jumps take the opcode of their direction") {
  Fixture f(PyVersion(3, 11));
  uint32_t loop = f.block({instr(Op::NOP)});
  f.block({instr(Op::LOAD_CONST), instr(Op::POP_JUMP_FORWARD_IF_TRUE, 0, 0)});
  f.block({instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)});
  CHECK(loop == 0);
  auto out = assemble(f.fn);
  REQUIRE(bool(out));
  CHECK(f.fn.blocks[1].instrs[1].op == Op::POP_JUMP_BACKWARD_IF_TRUE);
  CHECK(units(f, out->code) == "NOP 0; LOAD_CONST 0; "
                               "POP_JUMP_BACKWARD_IF_TRUE 3; LOAD_CONST 0; "
                               "RETURN_VALUE 0; ");
}

TEST_CASE("3.12 conditional jumps only go forward") {
  Fixture f(PyVersion(3, 12));
  f.block({instr(Op::NOP)});
  f.block({instr(Op::LOAD_CONST), instr(Op::POP_JUMP_IF_TRUE, 0, 0)});
  f.block({instr(Op::RETURN_CONST)});
  CHECK(message(assemble(f.fn).takeError()) ==
        "t.pyc:0x0: error: POP_JUMP_IF_TRUE can only jump forward, but its "
        "target bb0 lies before it");
}

TEST_CASE("3.13 jumps count their cache unit in the base") {
  Fixture f(PyVersion(3, 13));
  f.block({instr(Op::NOP)});
  f.block({instr(Op::JUMP_FORWARD, 0, 0)});
  auto out = assemble(f.fn);
  REQUIRE(bool(out));
  // NOP at 0; JUMP_BACKWARD at 1 with a cache at 2: base 3, back 3 units.
  CHECK(units(f, out->code) == "NOP 0; JUMP_BACKWARD 3; CACHE 0; ");
}

TEST_CASE("runs of one handler make one exception table entry") {
  Fixture f(PyVersion(3, 11));
  Handler h{2, 0, true};
  Instr a = instr(Op::LOAD_CONST), b = instr(Op::POP_TOP);
  a.handler = b.handler = h;
  f.block({instr(Op::RESUME), a, b, a, b});
  f.block({instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)});
  f.block({instr(Op::RERAISE, 1)});
  auto out = assemble(f.fn);
  REQUIRE(bool(out));
  // Units 1-4 are covered; the handler is at unit 7, depth 0, lasti.
  CHECK(out->exceptionTable == std::string("\x81\x04\x07\x01", 4));
  // The handler starts with lasti and the exception on the stack.
  CHECK(out->stackSize == 2);
}

TEST_CASE("stack depth errors name the instruction") {
  Fixture f(PyVersion(3, 11));
  f.block({instr(Op::RESUME), instr(Op::POP_TOP), instr(Op::RETURN_VALUE)});
  CHECK(message(computeStackDepths(f.fn).takeError()) ==
        "t.pyc:0x0: error: stack underflow: POP_TOP with 0 items on the stack");

  Fixture g(PyVersion(3, 11));
  g.block({instr(Op::LOAD_CONST), instr(Op::POP_JUMP_FORWARD_IF_TRUE, 0, 2)});
  g.block({instr(Op::LOAD_CONST)});
  g.block({instr(Op::RETURN_VALUE)});
  CHECK(message(computeStackDepths(g.fn).takeError())
            .find("where another path has") != std::string::npos);

  Fixture h(PyVersion(3, 11));
  h.block({instr(Op::NOP)});
  CHECK(message(verifyFunction(h.fn)) ==
        "t.pyc:0x0: error: control runs off the end of the bytecode");
}

TEST_CASE("the verifier refuses jumps in the middle of a block") {
  Fixture f(PyVersion(3, 11));
  f.block({instr(Op::JUMP_FORWARD, 0, 1), instr(Op::NOP)});
  f.block({instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)});
  CHECK(message(verifyFunction(f.fn)) ==
        "t.pyc:0x0: error: verifier: bb0[0] JUMP_FORWARD jumps or ends "
        "control in the middle of its block");
}

TEST_CASE("working storage reused across functions starts each one afresh") {
  // A jump 255 units back fits with no prefix, and with one (it is then 256
  // units back): both are fixed points. A new jump starts from none, even
  // where the function assembled before had a prefixed jump at its slot.
  Fixture before(PyVersion(3, 11));
  before.block(InstrList(254, instr(Op::NOP)));
  before.block({instr(Op::JUMP_FORWARD, 0, 3)});
  before.block(InstrList(300, instr(Op::NOP)));
  before.block({instr(Op::LOAD_CONST), instr(Op::RETURN_VALUE)});
  auto first = assemble(before.fn);
  REQUIRE(bool(first));
  REQUIRE(units(before, first->code.substr(2 * 254, 4)) ==
          "EXTENDED_ARG 1; JUMP_FORWARD 44; ");

  Fixture f(PyVersion(3, 11));
  f.block(InstrList(254, instr(Op::NOP)));
  f.block({instr(Op::JUMP_BACKWARD, 0, 0)});
  auto out = assemble(f.fn);
  REQUIRE(bool(out));
  CHECK(units(f, out->code.substr(2 * 254)) == "JUMP_BACKWARD 255; ");
}

TEST_CASE("instrStart finds each instruction, prefixes and caches counted") {
  Fixture f(PyVersion(3, 11));
  f.block({instr(Op::NOP)});
  // EXTENDED_ARG 1 + LOAD_CONST, then LOAD_ATTR and its four cache units.
  f.block({instr(Op::LOAD_CONST, 300), instr(Op::LOAD_ATTR),
           instr(Op::RETURN_VALUE)});
  auto out = assemble(f.fn);
  REQUIRE(bool(out));
  CHECK(units(f, out->code) ==
        "NOP 0; EXTENDED_ARG 1; LOAD_CONST 44; LOAD_ATTR 0; CACHE 0; "
        "CACHE 0; CACHE 0; CACHE 0; RETURN_VALUE 0; ");
  CHECK(instrStart(f.fn, *out, 0, 0) == 0);
  CHECK(instrStart(f.fn, *out, 1, 0) == 1);
  CHECK(instrStart(f.fn, *out, 1, 1) == 3);
  CHECK(instrStart(f.fn, *out, 1, 2) == 8);
}
