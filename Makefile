# racedemo: two commands do everything on a fresh Debian machine.
#   make demo   install what is missing, build, list the scenarios and run one
#   make test   install what is missing, build, run every test through ctest
#   make tsan   ThreadSanitizer: tests/sanitizers/tsan_check.sh on the build's TSan twin
#   make asan   AddressSanitizer + UndefinedBehaviorSanitizer (clang): the test suite
#   make package  a .deb (CPack) of the build, checked: unpacked elsewhere, it runs and builds plugins
#   make fuzz   libFuzzer on the command-line parsers for FUZZ_SECONDS (default 60), in asan's tree
#   make bench  Google Benchmark (engine costs, the lock grid) and racedemo's own lock table
#   make bench-compare  the two lock grids side by side, and the picture in docs/
#   make bench-channel  racedemo's channel against Go's on the same work (installs golang-go)

BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
# ctest runs one test more than there are cores: many tests wait on a child process or a
# watchdog, and on 2 cores -j 3 takes 0.67 of the time of -j 2 (docs/performance.md).
TEST_JOBS ?= $(shell echo $$(( $(JOBS) + 1 )))
# Debian packages the build needs (compiler, CMake and the libraries).
PACKAGES = g++ make cmake ninja-build libcli11-dev libfmt-dev doctest-dev nlohmann-json3-dev libboost-context-dev pmccabe clang-format

# Sanitizer builds: -O1, as the sanitizers advise, builds and runs faster than -O2; asserts stay on.
# -g1: line tables, all a sanitizer's report needs for its file:line frames, and about 13% less
# compile time than -g.
SANITIZER_CMAKE = -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
# The plain build: optimised as a release, with line tables (-g1) for a crash's backtrace; -g
# would add about an eighth to the compile time and nothing a user sees.
PLAIN_FLAGS = -O2 -g1 -DNDEBUG
FUZZ_SECONDS ?= 60
# Ninja for a new build tree (an existing one keeps the generator it was made with).
generator = $(if $(wildcard $(1)/CMakeCache.txt),,-G Ninja)

.PHONY: all deps build demo test package bench-build bench bench-compare bench-channel tsan asan-tree asan fuzz clean format

all: build

# Installs the packages that are not there yet: as root directly, otherwise through sudo.
deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "racedemo: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "racedemo: need root or sudo to install:$$missing (apt-get install$$missing)" >&2; exit 1; fi; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing

build: deps
	cmake -S . -B $(BUILD) $(call generator,$(BUILD)) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$(PLAIN_FLAGS)"
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/racedemo list
	./$(BUILD)/racedemo trie-race --threads 8
	./$(BUILD)/racedemo trie-race --threads 8 --fixed

# The --html page is tested in a real browser: headless Chromium, chromedriver and Selenium.
test: PACKAGES += chromium chromium-driver python3-selenium
test: PACKAGES += golang-go
test: PACKAGES += $(if $(shell command -v npm),,npm)  # axe-core's; an npm there already (NodeSource's nodejs has its own) conflicts with Debian's
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(TEST_JOBS)

# The .deb: racedemo, its TSan twin, man page, bash completion, docs and the SDK (headers, CMake
# package). tests/package/check_deb.sh unpacks it under another path and uses it there.
package: PACKAGES += dpkg-dev
package: build
	rm -f $(BUILD)/racedemo_*.deb
	cd $(BUILD) && cpack -G DEB
	bash tests/package/check_deb.sh $(BUILD)/racedemo_*.deb

# Benchmarks: Google Benchmark (engine costs, the lock grid) and racedemo's own lock table.
bench-build: PACKAGES += libbenchmark-dev
bench-build: deps
	cmake -S . -B $(BUILD)-bench $(call generator,$(BUILD)-bench) -DCMAKE_BUILD_TYPE=Release -DRACEDEMO_BENCH=ON -DRACEDEMO_TESTS=OFF
	cmake --build $(BUILD)-bench -j $(JOBS)

bench: bench-build
	./$(BUILD)-bench/bench/racedemo_bench
	./$(BUILD)-bench/racedemo rwmutex-cache --bench

# Both lock grids (racedemo --bench and Google Benchmark), alternated twice, compared cell by
# cell; draws docs/lock-grid.svg. About 6 minutes; needs python3. See docs/performance.md.
bench-compare: PACKAGES += python3
bench-compare: bench-build
	python3 tools/compare-lock-grids.py --racedemo $(BUILD)-bench/racedemo \
	  --bench $(BUILD)-bench/bench/racedemo_bench --runs 2 --svg docs/lock-grid.svg

# racedemo's unbuffered Chan<int> and Go's unbuffered channel, 1M jobs to 1, 2 and 4 workers,
# each a whole process, alternated over 7 rounds (with a mutex and an atomic as more columns).
# About a minute. See docs/performance.md.
bench-channel: PACKAGES += golang-go python3
bench-channel: bench-build
	cd bench/go && GOFLAGS=-mod=mod go build -o $(abspath $(BUILD)-bench)/bench/jobqueue-go .
	/usr/bin/python3 bench/channel_vs_go.py --jobqueue $(BUILD)-bench/bench/racedemo_jobqueue \
	  --go $(BUILD)-bench/bench/jobqueue-go

# ThreadSanitizer: every fixed variant is silent, every unsafe one is reported, a planted race is
# caught (tests/sanitizers/tsan_check.sh says what and why). It runs the build's own TSan twin:
# the engine and the demos are compiled with ThreadSanitizer once, in the plain build, where
# `make test` also runs the tests that use threads under ThreadSanitizer (ctest label tsan).
tsan: build
	JOBS=$(JOBS) bash tests/sanitizers/tsan_check.sh $(BUILD)

# AddressSanitizer + UndefinedBehaviorSanitizer: the whole test suite, model-mode tests included,
# one ctest entry per test file. One clang tree serves this and the fuzzer (make fuzz).
# Unsafe trials run in child processes, so their damage stays there. ASAN_OPTIONS:
#  handle_segv=0, handle_sigbus=0: a trial that crashes must die of its signal, which the real
#    runner counts ("crashed: SIGSEGV"); ASan's own handler would turn it into exit status 1 and
#    fail "a trial that dies of SIGSEGV...". Memory errors ASan detects itself are still reported.
#  detect_stack_use_after_return=1: the Boost.Context fibers of the model scheduler need no option
#    at all, because src/engine/ tells ASan of every stack switch, fake stacks included
#    (__sanitizer_start/finish_switch_fiber); the suite passes with 0 and with 1, and 1 finds more.
#  detect_leaks=1: a leak fails the test binary; trial children leave with _exit and are not checked.
#  strict_string_checks=1: C string functions (strtod, ...) must find their terminator in bounds.
# UBSAN_OPTIONS: the build has -fno-sanitize-recover=undefined, so any UB report ends the test.
# RACEDEMO_TEST_SCALE=sanitizer: the long tests run a sample (tests/test_scale.hpp says which):
#   the plain build's run covers the rest, and every execution costs ten times more here.
ASAN_TREE = $(BUILD)-asan
asan-tree: PACKAGES += clang libclang-rt-14-dev
asan-tree: deps
	cmake -S . -B $(ASAN_TREE) $(call generator,$(ASAN_TREE)) -DCMAKE_CXX_COMPILER=clang++ \
	  $(SANITIZER_CMAKE) -DRACEDEMO_SANITIZER=address -DRACEDEMO_FUZZ=ON -DRACEDEMO_BROWSER_TEST=OFF
	cmake --build $(ASAN_TREE) -j $(JOBS)

asan: asan-tree
	ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:detect_stack_use_after_return=1:detect_leaks=1:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 RACEDEMO_TEST_SCALE=sanitizer \
	  ctest --test-dir $(ASAN_TREE) --output-on-failure -j $(TEST_JOBS)

# libFuzzer on parse_request and parse_schedule (tests/fuzz), built in asan's clang tree.
# Crashes go to tests/fuzz/crashes/, which `make test` replays from then on.
fuzz: asan-tree
	bash tests/fuzz/run_fuzz.sh $(ASAN_TREE)/tests/fuzz/racedemo_fuzz_cli $(FUZZ_SECONDS)

# Installs racedemo, racedemo-tsan and the manual page (PREFIX=/usr/local by default).
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

format:
	find src include demos tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-bench
