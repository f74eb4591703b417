// Replays every input of the fuzz corpus (tests/fuzz/corpus/) and every crash the fuzzer ever
// saved (tests/fuzz/crashes/) through the fuzz harness: a crash found once stays a regression test.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_harness.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_in(const fs::path& directory) {
    std::vector<fs::path> files;
    if (!fs::is_directory(directory)) return files;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory))
        if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string contents(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("fuzz corpus and saved crashes: the parsers return or refuse with a UsageError") {
    const fs::path fuzz_dir = RACEDEMO_FUZZ_DIR;
    const std::vector<fs::path> corpus = inputs_in(fuzz_dir / "corpus");
    const std::vector<fs::path> crashes = inputs_in(fuzz_dir / "crashes");
    REQUIRE_MESSAGE(corpus.size() >= 10, "the seed corpus is missing from " << fuzz_dir);
    for (const std::vector<fs::path>* files : {&corpus, &crashes}) {
        for (const fs::path& file : *files) {
            const std::string input = contents(file);
            const std::string problem = racedemo::fuzz::check_input(
                reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
            CHECK_MESSAGE(problem.empty(), file.string() << ": " << problem);
        }
    }
    MESSAGE(corpus.size() << " corpus inputs and " << crashes.size() << " saved crashes replayed");
}
