# Build and test entry points; CMake does the work in build/.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all configure test demo clean format

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

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')
