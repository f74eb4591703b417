// Golden outputs: what racedemo prints, byte for byte, for every scenario's deterministic runs
// (model explorations, random and pct series with a seed, replays and their refusals, the
// lessons, the glossary) in text and JSON. A change to how facts become words must leave these
// unchanged unless it means to change them: then `RACEDEMO_UPDATE_GOLDEN=1 racedemo_tests
// -tc='golden*'` writes the new files, and the diff shows every line that moved.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"
#include "test_scale.hpp"

namespace {

namespace fs = std::filesystem;
using racedemo::testing::run_racedemo;

const fs::path kGoldenDir = fs::path(RACEDEMO_SOURCE_DIR) / "tests" / "golden";

struct GoldenCommand {
    std::string file;  // tests/golden/<file>
    std::vector<std::string> args;
};

// A run's JSON without what varies from run to run (the wall time), pretty-printed.
std::string normalized_json(const std::string& out) {
    nlohmann::json json = nlohmann::json::parse(out, nullptr, false);
    if (json.is_discarded()) return out;
    json.erase("elapsed_ms");
    return json.dump(1) + "\n";
}

std::string captured(const GoldenCommand& command) {
    // COLUMNS unset: what a pipe gets by default (80 columns).
    const auto result = run_racedemo(command.args, {"NO_COLOR=1"});
    const bool json =
        std::find(command.args.begin(), command.args.end(), "--json") != command.args.end();
    return fmt::format("$ racedemo {}\nexit {}\n--- stdout\n{}--- stderr\n{}",
                       fmt::join(command.args, " "), result.exit_code,
                       json ? normalized_json(result.out) : result.out, result.err);
}

std::vector<GoldenCommand> scenario_commands(const std::string& name) {
    return {
        {name + ".explore.txt", {name, "--mode", "model", "--explore"}},
        {name + ".explore-fixed.txt", {name, "--mode", "model", "--explore", "--fixed"}},
        {name + ".explore.json", {name, "--mode", "model", "--explore", "--json"}},
        {name + ".explore-3.json",
         {name, "--mode", "model", "--explore", "--threads", "3", "--budget", "3000", "--json"}},
        {name + ".random.txt", {name, "--mode", "model", "--seed", "1"}},
        {name + ".pct.txt",
         {name, "--mode", "model", "--strategy", "pct", "--runs", "50", "--seed", "2"}},
        {name + ".explain.txt", {"explain", name}},
    };
}

std::vector<GoldenCommand> golden_commands() {
    std::vector<GoldenCommand> commands;
    // Under sanitizer scale, every fourth scenario (test_scale.hpp).
    for (const char* name : racedemo::testing::sample_of<const char*>(
             {"unsafe-map", "mutex-map", "trie-race", "stack", "rwmutex-cache", "counter",
              "job-queue", "lock-order", "early-return", "rwmutex-recursive", "read-only"},
             4))
        for (GoldenCommand& command : scenario_commands(name)) commands.push_back(command);
    commands.push_back({"rwmutex-recursive.reader-preferring.txt",
                        {"rwmutex-recursive", "--policy", "reader-preferring", "--mode", "model",
                         "--explore", "--threads", "3"}});
    commands.push_back({"lock-order.full-trace.txt",
                        {"lock-order", "--mode", "model", "--explore", "--full-trace"}});
    commands.push_back(
        {"replay.blocked.txt", {"lock-order", "--mode", "model", "--schedule", "1,2,2,1,1,1"}});
    commands.push_back(
        {"replay.no-thread.txt", {"trie-race", "--mode", "model", "--schedule", "1,3"}});
    commands.push_back({"replay.queued-writer.txt",
                        {"rwmutex-recursive", "--mode", "model", "--schedule", "1,2,1,1"}});
    commands.push_back({"list.txt", {"list"}});
    commands.push_back({"glossary.txt", {"glossary"}});
    return commands;
}

}  // namespace

TEST_CASE("golden outputs: every scenario's deterministic runs print what they printed" *
          kCourseOutput) {
    const bool update = std::getenv("RACEDEMO_UPDATE_GOLDEN") != nullptr;
    if (update) fs::create_directories(kGoldenDir);
    for (const GoldenCommand& command : golden_commands()) {
        CAPTURE(command.file);
        const std::string now = captured(command);
        const fs::path path = kGoldenDir / command.file;
        if (update) {
            std::ofstream(path, std::ios::binary) << now;
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        REQUIRE_MESSAGE(in.good(), "no golden file; RACEDEMO_UPDATE_GOLDEN=1 writes it");
        std::stringstream before;
        before << in.rdbuf();
        CHECK(now == before.str());
    }
}
