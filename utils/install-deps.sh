#!/bin/sh
# Installs what building and testing sleepy needs on Debian 12, from Debian's
# own packages: LLVM 14 (ADT/Support, FileCheck, lit), fmt, doctest, CPython
# headers and test suite (for the conformance tests), CMake and a compiler,
# the pure-Python libraries that bench/realworld.py rewrites and drives, and
# Celery with redis-server for the farm tests (test/e2e/test_celery.py).
set -e
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  cmake make g++ python3 python3-dev libpython3.11-testsuite \
  llvm-14-dev llvm-14-tools libfmt-dev doctest-dev zlib1g-dev \
  python3-networkx python3-sortedcontainers python3-mpmath python3-pyparsing \
  python3-chardet python3-celery python3-redis redis-server >/dev/null
echo "install-deps: done"
