# The two Quick start commands and the quality gates; see README.md.
DEBUG_DIR   ?= build/debug
RELEASE_DIR ?= build/release
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
GENERATOR   := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")

.PHONY: all deps debug release test check demo format format-check lint layers tidy cppcheck install bench fuzz memcheck deb deb-check clean

all: release

deps:
	@scripts/install-deps

debug: deps
	@cmake -S . -B $(DEBUG_DIR) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(DEBUG_DIR) -j $(JOBS)

release: deps
	@cmake -S . -B $(RELEASE_DIR) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(RELEASE_DIR) -j $(JOBS)

test: debug
	ctest --test-dir $(DEBUG_DIR) --output-on-failure -j $(JOBS)

# The unit tests and the fast integration suites (ctest labels; no "slow"): about a minute.
check: debug
	ctest --test-dir $(DEBUG_DIR) --output-on-failure -j $(JOBS) -LE slow

demo: release
	@scripts/demo $(RELEASE_DIR)

format-check: deps
	@scripts/lint format-check

format: deps
	@scripts/lint format

lint: tidy cppcheck layers

layers:
	@scripts/check-layers

tidy: debug
	@scripts/lint tidy $(DEBUG_DIR)

cppcheck: debug
	@scripts/lint cppcheck $(DEBUG_DIR)

install: release
	cmake --install $(RELEASE_DIR) $(if $(PREFIX),--prefix $(PREFIX))

bench: release
	@bench/run $(BENCH_ARGS)

fuzz:
	@scripts/fuzz $(FUZZ_ARGS)

memcheck: deps
	@scripts/memcheck

deb: deps
	@scripts/deb-build

deb-check: deb
	@scripts/deb-check

clean:
	rm -rf build
