# Build and test entry points; CMake does the work in build/.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all configure test demo fuzz conformance realworld clean format

all: configure
	cmake --build $(BUILD) -j $(JOBS)

configure: $(BUILD)/CMakeCache.txt

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

# Builds, then runs every test (unit, golden, end-to-end) through ctest.
test: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The README's demo: rewrite an example program and run it.
demo: all
	examples/demo.sh

# CPython's whole test suite on its rewritten stdlib (test/conformance/run.py;
# `make test` runs a quick set). Appends a row to bench/results/conformance.md.
# PY names the interpreter (`make conformance PY=python3.12`; pyenv's newest
# of that name first, then PATH's); 3.11 by default. `make realworld` too.
PY ?= python3.11
CONFORMANCE_PYTHON ?= $(or $(lastword $(sort $(wildcard \
  $(shell pyenv root 2>/dev/null)/versions/3.*/bin/$(PY)))),\
  $(shell command -v $(PY)))

conformance: all
	$(CONFORMANCE_PYTHON) test/conformance/run.py --tool $(BUILD)/bin/sleepy-rewrite \
	  --table bench/results/conformance.md -j $(JOBS)

# Real programs (test/realworld: CPython's test modules, pyperformance's
# benchmarks, Debian's pure-Python libraries, user-shaped scripts) suspended
# by SIGTERM at random moments and resumed until they end, compared with an
# uninterrupted run; writes bench/results/realworld.md. PYPERFORMANCE is a
# checkout of pyperformance (without it, that group is skipped).
PYPERFORMANCE ?=
REALWORLD_ROUNDS ?= 2

realworld: all
	$(CONFORMANCE_PYTHON) bench/realworld.py --tool $(BUILD)/bin/sleepy-rewrite \
	  $(if $(PYPERFORMANCE),--pyperformance $(PYPERFORMANCE)) --rounds $(REALWORLD_ROUNDS) \
	  --table bench/results/realworld.md -j 2

# libFuzzer on the .pyc reader, decoder and assembler (fuzz/read-pyc-fuzzer.cpp):
# builds it with clang, ASan and UBSan in $(FUZZ_BUILD)/, writes a seed corpus
# per interpreter with utils/make-bad-pyc.py, and fuzzes for FUZZ_TIME seconds.
# New inputs are kept in $(FUZZ_BUILD)/corpus for the next run; a crash is
# saved as $(FUZZ_BUILD)/crash-* (run the fuzzer on it alone to reproduce).
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME ?= 60
FUZZ_PYTHONS ?= $(foreach m,11 12 13,$(or $(lastword $(sort $(wildcard \
  $(shell pyenv root 2>/dev/null)/versions/3.$(m).*/bin/python3.$(m)))),\
  $(shell command -v python3.$(m))))

fuzz:
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DSLEEPY_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target read-pyc-fuzzer
	rm -rf $(FUZZ_BUILD)/seeds
	mkdir -p $(FUZZ_BUILD)/corpus
	for py in $(FUZZ_PYTHONS); do \
	  $$py utils/make-bad-pyc.py --corpus \
	    $(FUZZ_BUILD)/seeds/$$(basename $$py) > /dev/null || exit 1; \
	done
	$(FUZZ_BUILD)/bin/read-pyc-fuzzer -max_total_time=$(FUZZ_TIME) -timeout=10 \
	  -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/seeds/*

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')
