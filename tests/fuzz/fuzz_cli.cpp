// libFuzzer target: arbitrary bytes into the command-line parsers (see fuzz_harness.hpp).
// Built with clang++ -fsanitize=fuzzer,address,undefined by `make fuzz`; a contract violation
// aborts, so libFuzzer saves the input in tests/fuzz/crashes/ like any crash.
#include <cstdio>
#include <cstdlib>

#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string problem = racedemo::fuzz::check_input(data, size);
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_cli: contract broken: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
