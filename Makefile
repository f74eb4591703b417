# racedemo: two commands do everything on a fresh Debian machine.
#   make demo   install what is missing, build, list the scenarios and run one
#   make test   install what is missing, build, run every test through ctest

BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
# Debian packages the build needs (compiler, CMake and the libraries).
PACKAGES = g++ make cmake libcli11-dev libfmt-dev doctest-dev nlohmann-json3-dev libboost-context-dev

.PHONY: all deps build demo test bench clean format

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
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/racedemo list
	./$(BUILD)/racedemo trie-race --threads 8
	./$(BUILD)/racedemo trie-race --threads 8 --fixed

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Benchmarks: Google Benchmark (engine costs, the lock grid) and racedemo's own lock table.
bench: PACKAGES += libbenchmark-dev
bench: deps
	cmake -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=Release -DRACEDEMO_BENCH=ON -DRACEDEMO_TESTS=OFF
	cmake --build $(BUILD)-bench -j $(JOBS)
	./$(BUILD)-bench/bench/racedemo_bench
	./$(BUILD)-bench/racedemo rwmutex-cache --bench

format:
	clang-format -i src/*.cpp src/*.hpp demos/*.cpp demos/*.hpp tests/*.cpp tests/*.hpp

clean:
	rm -rf $(BUILD)
