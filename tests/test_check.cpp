// `racedemo check`: the autograder passes a fix, fails a bug with a replay that really shows it,
// never passes a check it did not finish, and says which checks it skipped.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/check.hpp"
#include "cli/interrupt.hpp"
#include "process.hpp"
#include "pty.hpp"

using racedemo::testing::fake_tsan_twin;
using racedemo::testing::run_racedemo;
using racedemo::testing::TerminalSession;

namespace {

// "racedemo stack --mode model ..." -> {"stack", "--mode", "model", ...}
std::vector<std::string> words_of(const std::string& command) {
    std::istringstream in(command);
    std::string word;
    std::vector<std::string> words;
    in >> word;  // racedemo
    while (in >> word) words.push_back(word);
    return words;
}

// The lines of `text` that start with `start`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& start) {
    std::istringstream in(text);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (line.rfind(start, 0) == 0) lines.push_back(line);
    return lines;
}

// Runs a replay command with --json and returns its verdict.
std::string verdict_of_replay(const std::string& command) {
    std::vector<std::string> words = words_of(command);
    words.push_back("--json");
    const auto replay = run_racedemo(words);
    INFO(command);
    REQUIRE(replay.exit_code == 0);
    return nlohmann::json::parse(replay.out)["verdict"];
}

// Without the twin the detector's check is skipped; with it, it runs: either way, not both.
const std::vector<std::string> kNoTwin = {"RACEDEMO_TSAN=/nonexistent/racedemo-tsan"};

}  // namespace

TEST_CASE("check stack: the fix passes every check, exit 0") {
    const auto result = run_racedemo({"check", "stack"}, kNoTwin);
    INFO(result.out);
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(lines_starting(result.out, "explore, 2 threads: PASS — ").size() == 1);
    CHECK(lines_starting(result.out, "explore, 3 threads: PASS — ").size() == 1);
    CHECK(lines_starting(result.out, "real, 2 threads: PASS — 10 runs").size() == 1);
    CHECK(result.out.find("FAIL") == std::string::npos);
    CHECK(result.out.find("replay:") == std::string::npos);
    CHECK(lines_starting(result.out, "PASSED: 3 of 3 checks passed").size() == 1);
}

TEST_CASE("check stack --variant unsafe: fails, and each replay reproduces the corruption") {
    const auto result = run_racedemo({"check", "stack", "--variant", "unsafe"}, kNoTwin);
    INFO(result.out);
    CHECK(result.exit_code == 1);
    CHECK(lines_starting(result.out, "explore, 2 threads: FAIL — ").size() == 1);
    CHECK(lines_starting(result.out, "explore, 3 threads: FAIL — ").size() == 1);
    CHECK(lines_starting(result.out, "FAILED: ").size() == 1);
    const std::vector<std::string> replays = lines_starting(result.out, "  replay: racedemo ");
    REQUIRE(replays.size() >= 2);
    for (const std::string& line : replays) {
        const std::string command = line.substr(std::string("  replay: ").size());
        CHECK(command.find("--mode model") != std::string::npos);
        CHECK(command.find("--schedule") != std::string::npos);
        CHECK(verdict_of_replay(command) == "corrupted");
    }
}

TEST_CASE("check lock-order --variant unsafe: the deadlock fails it, and its replay deadlocks") {
    const auto result =
        run_racedemo({"check", "lock-order", "--variant", "unsafe", "--json"}, kNoTwin);
    CHECK(result.exit_code == 1);
    const auto json = nlohmann::json::parse(result.out);
    CHECK(json["passed"] == false);
    const auto& first = json["checks"][0];
    CHECK(first["name"] == "explore, 2 threads");
    CHECK(first["passed"] == false);
    CHECK(first["detail"].get<std::string>().find("deadlocked") != std::string::npos);
    REQUIRE(first["replay"].is_string());
    CHECK(verdict_of_replay(first["replay"]) == "deadlocked");
    // The fix of the same scenario passes.
    CHECK(run_racedemo({"check", "lock-order"}, kNoTwin).exit_code == 0);
}

TEST_CASE("check --json: one object, the documented fields, well typed") {
    const auto result = run_racedemo({"check", "stack", "--json"}, kNoTwin);
    CHECK(result.exit_code == 0);
    const auto json = nlohmann::json::parse(result.out);  // throws unless exactly one document
    CHECK(json["scenario"] == "stack");
    CHECK(json["variant"] == "fixed");
    CHECK(json["passed"] == true);
    CHECK(json["interrupted"] == false);
    CHECK(json["time_limit_reached"] == false);
    CHECK(json["not_run"].empty());
    REQUIRE(json["checks"].size() == 3);
    for (const auto& check : json["checks"]) {
        CHECK(check["name"].is_string());
        CHECK(check["passed"] == true);
        CHECK(check["detail"].is_string());
        CHECK(check["replay"].is_null());
    }
    // The detector without its twin: skipped, named with the reason, and counted neither way.
    REQUIRE(json["skipped"].size() == 1);
    CHECK(json["skipped"][0]["name"] == "tsan, 2 threads");
    CHECK(json["skipped"][0]["detail"].get<std::string>().find("/nonexistent/racedemo-tsan") !=
          std::string::npos);

    const auto unsafe = run_racedemo({"check", "stack", "--variant", "unsafe", "--json"}, kNoTwin);
    const auto failed = nlohmann::json::parse(unsafe.out);
    CHECK(failed["variant"] == "unsafe");
    CHECK(failed["passed"] == false);
    CHECK(failed["checks"][0]["replay"].is_string());
}

TEST_CASE("check --max-time: a check the limit cut is not passed, the rest are not run") {
    // The real-thread check alone takes over a second: a millisecond always cuts something.
    const auto result = run_racedemo({"check", "stack", "--max-time", "0.001", "--json"}, kNoTwin);
    CHECK(result.exit_code == 1);
    const auto json = nlohmann::json::parse(result.out);
    CHECK(json["passed"] == false);
    CHECK(json["time_limit_reached"] == true);
    CHECK(json["interrupted"] == false);
    // On a loaded machine the millisecond can be over before the first check starts: then all
    // three are not run. Otherwise the last check begun is the one the limit cut.
    if (!json["checks"].empty()) {
        const auto& cut = json["checks"].back();
        CHECK(cut["passed"] == false);
        CHECK(cut["detail"].get<std::string>().find("stopped at the time limit") !=
              std::string::npos);
    }
    CHECK(json["checks"].size() + json["not_run"].size() == 3);
}

TEST_CASE("SIGINT during check: the check under way is not passed, exit 130, it says so") {
    // plugin-slow's real trials would take minutes: the signal comes while the first runs.
    TerminalSession session(
        {"--plugin", RACEDEMO_PLUGIN_DIR "/plugin_counter.so", "check", "plugin-slow"},
        {"NO_COLOR=1", "RACEDEMO_TSAN=/nonexistent/racedemo-tsan"});
    REQUIRE(session.read_until("explore, 3 threads: PASS"));
    session.send_signal(SIGINT);
    CHECK(session.wait_exit() == 130);
    // The signal comes while the real check runs, or just before it starts: either way it is
    // not passed, and the report says which.
    const std::string screen = session.screen();
    CHECK((screen.find("real, 2 threads: FAIL — interrupted (SIGINT)") != std::string::npos ||
           screen.find("not run: real, 2 threads") != std::string::npos));
    CHECK(session.screen().find("NOT PASSED: interrupted (SIGINT)") != std::string::npos);
    CHECK(session.screen().find("PASSED: 3 of 3") == std::string::npos);
}

TEST_CASE("an exploration cut by its budget gives way to pct, which says how many it ran") {
    racedemo::clear_interrupt();
    racedemo::CheckRequest request;
    request.scenario = racedemo::find_scenario("stack");
    request.explore_budget = 3;  // stack's fixed program has 6 schedules at 2 threads
    const racedemo::CheckReport fixed = racedemo::run_checks(request, racedemo::Terminal{});
    REQUIRE(fixed.checks.size() >= 2);
    CHECK(fixed.checks[0].name == "pct, 2 threads");
    CHECK(fixed.checks[0].passed);
    CHECK(fixed.checks[0].detail.find("stopped at its budget after 3 schedules") !=
          std::string::npos);
    CHECK(fixed.checks[0].detail.find("1000 of 1000 pct schedules (depth 3") != std::string::npos);

    // The unsafe program: pct finds the damage, and its replay shows it.
    request.variant = racedemo::Variant::unsafe;
    request.explore_budget = 1;
    const racedemo::CheckReport unsafe = racedemo::run_checks(request, racedemo::Terminal{});
    REQUIRE_FALSE(unsafe.checks.empty());
    CHECK(unsafe.checks[0].name == "pct, 2 threads");
    CHECK_FALSE(unsafe.checks[0].passed);
    CHECK_FALSE(unsafe.passed());
    REQUIRE(unsafe.checks[0].replay);
    CHECK(verdict_of_replay(*unsafe.checks[0].replay) == "corrupted");
}

TEST_CASE("with the twin installed, the detector is a check: passed when whole, not when cut") {
    std::string path;
    const std::string whole = fake_tsan_twin(
        R"(echo '{"thread_sanitizer": true, "runs": 2, "runs_requested": 2}')", path);
    const auto passed = run_racedemo({"check", "counter", "--json"}, {whole});
    CHECK(passed.exit_code == 0);
    const auto json = nlohmann::json::parse(passed.out);
    CHECK(json["skipped"].empty());
    REQUIRE(json["checks"].size() == 4);
    CHECK(json["checks"][3]["name"] == "tsan, 2 threads");
    CHECK(json["checks"][3]["passed"] == true);
    unlink(path.c_str());

    // Both trials hung: no race was reported, but nothing was seen either.
    const std::string hung = fake_tsan_twin(
        R"(echo '{"thread_sanitizer": true, "runs": 2, "runs_requested": 2, "hung_runs": 2, "timeout_seconds": 0.3}')",
        path);
    const auto cut = run_racedemo({"check", "counter"}, {hung});
    INFO(cut.out);
    CHECK(cut.exit_code == 1);
    CHECK(lines_starting(cut.out,
                         "tsan, 2 threads: FAIL — 2 runs under ThreadSanitizer: not "
                         "complete")
              .size() == 1);
    CHECK(lines_starting(cut.out, "FAILED: 3 of 4 checks passed").size() == 1);
    unlink(path.c_str());
}
