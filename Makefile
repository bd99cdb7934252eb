# The two commands a newcomer needs:
#   make run    boot the default guest on 4 emulated cores (installs missing Debian packages first)
#   make test   build everything and run the whole suite through ctest (what CI runs)
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
ARGS       ?=

.PHONY: run test deps build build-asan clean

deps:
	@tools/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake --preset asan
	cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/chemu $(ARGS)

# The suite runs twice: once optimised, once under ASan+UBSan (host-crash hunting).
test: build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 ctest --output-on-failure -j $(JOBS) -L 'unit|sanitize'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
