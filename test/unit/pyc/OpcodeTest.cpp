//===- test/unit/pyc/OpcodeTest.cpp - the generated opcode tables ---------===//
#include "sleepy/pyc/Opcode.h"

#include <doctest/doctest.h>

using namespace sleepy;

TEST_CASE("each supported version has a table with its own numbers") {
  for (unsigned minor = 8; minor <= 13; ++minor)
    CHECK(OpcodeTable::get(PyVersion(3, minor)) != nullptr);
  CHECK(OpcodeTable::get(PyVersion(3, 7)) == nullptr);

  const OpcodeTable &t311 = *OpcodeTable::get(PyVersion(3, 11));
  const OpcodeTable &t313 = *OpcodeTable::get(PyVersion(3, 13));
  CHECK(t311.info(Op::RESUME).number == 151);
  CHECK(t313.info(Op::RESUME).number == 149);
  CHECK(t313.extendedArg() == 71);
  CHECK(t313.haveArgument() == 44);
  CHECK(t311.byNumber(151).op == Op::RESUME);
  CHECK(!t311.has(Op::END_FOR));
  CHECK(t311.info(Op::LOAD_ATTR).caches == 4);
  CHECK(t313.info(Op::JUMP_BACKWARD).caches == 1);
  CHECK(t311.info(Op::POP_JUMP_BACKWARD_IF_TRUE).jump == JumpKind::Backward);
  CHECK(OpcodeTable::get(PyVersion(3, 9))->info(Op::JUMP_ABSOLUTE).jump ==
        JumpKind::Absolute);
  CHECK(opName(Op::LOAD_FAST) == "LOAD_FAST");
  CHECK(opByName("LOAD_FAST") == Op::LOAD_FAST);
  CHECK(opByName("NOT_AN_OPCODE") == Op::Invalid);
}

TEST_CASE("stack effects depend on the oparg as dis.stack_effect says") {
  const OpcodeTable &t311 = *OpcodeTable::get(PyVersion(3, 11));
  const OpcodeTable &t312 = *OpcodeTable::get(PyVersion(3, 12));
  // BUILD_TUPLE n pops n, pushes 1.
  CHECK(t311.info(Op::BUILD_TUPLE).noJump.eval(3) == -2);
  // LOAD_GLOBAL pushes a NULL too when bit 0 is set.
  CHECK(t311.info(Op::LOAD_GLOBAL).noJump.eval(1) == 2);
  CHECK(t311.info(Op::LOAD_GLOBAL).noJump.eval(2) == 1);
  // UNPACK_EX: low byte before the star, high byte after.
  CHECK(t311.info(Op::UNPACK_EX).noJump.eval(0x0102) == 3);
  // FOR_ITER: 3.11 pops the iterator on the jump, 3.12 models END_FOR.
  CHECK(t311.info(Op::FOR_ITER).onJump.eval(0) == -1);
  CHECK(t312.info(Op::FOR_ITER).onJump.eval(0) == 1);
  // MAKE_FUNCTION pops one item per flag bit.
  CHECK(t311.info(Op::MAKE_FUNCTION).noJump.eval(0x0B) == -3);
  CHECK(t311.info(Op::BUILD_SLICE).noJump.eval(3) == -2);
}
