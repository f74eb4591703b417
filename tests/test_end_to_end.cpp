// The binary as users and graders run it: exit codes, stderr, stdout, JSON.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/sanitizers.hpp"
#include "present/text.hpp"
#include "process.hpp"
#include "racedemo/scenario.hpp"
#include "test_scale.hpp"

using racedemo::testing::count_lines;
using racedemo::testing::run_racedemo;

TEST_CASE("list prints one numbered scenario a line") {
    auto result = run_racedemo({"list"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(count_lines(result.out) >= 5);
    CHECK(result.out.find(" 3  trie-race") != std::string::npos);
}

TEST_CASE("explain prints the lesson of a scenario named by number") {
    auto result = run_racedemo({"explain", "3"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("trie-race") != std::string::npos);
    CHECK(result.out.find("Takeaway:") != std::string::npos);
}

TEST_CASE("--help works on the program and on each subcommand") {
    for (auto args : std::vector<std::vector<std::string>>{
             {"--help"}, {"list", "--help"}, {"explain", "--help"}, {"3", "--help"}}) {
        INFO(fmt::format("{}", fmt::join(args, " ")));
        auto result = run_racedemo(args);
        CHECK(result.exit_code == 0);
        CHECK(result.out.find("Usage") != std::string::npos);
    }
}

TEST_CASE("bad input: exit 2, one line on stderr naming the value, nothing on stdout") {
    // Each invocation, and the text its one line of stderr must contain.
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"tri-race"}, "'tri-race'"},
        {{"frobnicate"}, "'frobnicate'"},
        {{"explain", "nope"}, "'nope'"},
        {{"walkthrough", "--only", "99"}, "'99'"},
        {{"3", "--threads", "0"}, "--threads 0"},
        {{"3", "--threads", "-1"}, "--threads -1"},
        {{"3", "--threads", "abc"}, "--threads abc"},
        {{"3", "--threads", ""}, "--threads"},
        {{"3", "--threads", "123456789012345678901234567890"}, "123456789012345678901234567890"},
        {{"3", "--threads", "65"}, "--threads 65"},
        {{"3", "--runs", "0"}, "--runs 0"},
        {{"3", "--runs", "-5"}, "--runs -5"},
        {{"3", "--runs", "many"}, "--runs many"},
        {{"3", "--runs", "99999999999"}, "--runs 99999999999"},
        {{"3", "--timeout", "0"}, "--timeout 0"},
        {{"3", "--timeout", "nan"}, "--timeout nan"},
        {{"3", "--timeout", "-1"}, "--timeout -1"},
        {{"3", "--timeout", ""}, "--timeout"},
        {{"3", "--timeout", "1e999"}, "--timeout 1e999"},
        {{"3", "--budget", "0", "--explore"}, "--budget 0"},
        {{"3", "--budget", "lots", "--explore"}, "--budget lots"},
        {{"3", "--preemptions", "-2", "--explore"}, "--preemptions -2"},
        {{"3", "--seed", "-4"}, "--seed -4"},
        {{"3", "--seed", "99999999999999999999999"}, "--seed 99999999999999999999999"},
        {{"3", "--color", "rainbow"}, "'rainbow'"},
        {{"3", "--expect", "perhaps"}, "'perhaps'"},
        {{"3", "--mode", "fast"}, "'fast'"},
        {{"3", "--reduction", "magic", "--explore"}, "'magic'"},
        {{"3", "--detector", "helgrind"}, "'helgrind'"},
        {{"3", "--bogus"}, "--bogus"},
        {{"3", "--schedule", "1,x,2"}, "position 2"},
        {{"3", "--schedule", "1,7"}, "thread 7"},
        {{"3", "--schedule", ""}, "position 1"},
        {{"3", "--schedule", "1,1,1,1,1,1"}, "position 6"},
        {{"3", "--schedule", "1,2", "--explore"}, "--schedule"},
        {{"3", "--quiz", "--mode", "real"}, "--quiz"},
        {{"3", "--mode", "model", "--explore", "--runs", "5"}, "--runs"},
        {{"3", "--mode", "model", "--reduction", "none"}, "--reduction"},
        {{"3", "--strategy", "pct", "--depth", "99"}, "--depth 99"},
        {{"list", "--threads", "3"}, "--threads is not an option of 'list'"},
        {{"1", "--threads", "1"}, "at least 2"},
        {{"3", "--bench"}, "--bench"},
    };
    CHECK(cases.size() >= 30);
    for (const auto& [args, named] : cases) {
        const std::string command = fmt::format("racedemo {}", fmt::join(args, " "));
        INFO(command);  // clang 14's lambdas cannot capture a structured binding
        auto result = run_racedemo(args);
        CHECK(result.exit_code == 2);
        CHECK(result.signal == 0);
        CHECK(result.out.empty());
        CHECK(count_lines(result.err) == 1);
        CHECK(result.err.find(named) != std::string::npos);
        CHECK(result.err.find("--help") != std::string::npos);
        CHECK(result.err.find("terminate") == std::string::npos);  // no uncaught exception
    }
}

TEST_CASE("a fixed variant with --expect: clean passes (0), corrupt fails (3)") {
    auto clean = run_racedemo({"trie-race", "--fixed", "--runs", "2", "--expect", "clean"});
    CHECK(clean.exit_code == 0);
    CHECK(clean.out.find("CLEAN") != std::string::npos);
    auto corrupt = run_racedemo({"trie-race", "--fixed", "--runs", "2", "--expect", "corrupt"});
    CHECK(corrupt.exit_code == 3);
    CHECK(count_lines(corrupt.err) == 1);
    CHECK(corrupt.err.find("expected corrupt") != std::string::npos);
}

TEST_CASE("--json prints one document with the documented fields, well typed") {
    auto result = run_racedemo({"stack", "--fixed", "--threads", "4", "--runs", "3", "--json"});
    REQUIRE(result.exit_code == 0);
    auto json = nlohmann::json::parse(result.out);
    CHECK(json["scenario"] == "stack");
    CHECK(json["number"] == 4);
    CHECK(json["variant"] == "fixed");
    CHECK(json["mode"] == "real");
    CHECK(json["threads"] == 4);
    CHECK(json["runs"] == 3);
    CHECK(json["verdict"] == "clean");
    CHECK(json["outcomes"].is_object());
    CHECK(json["outcomes"]["clean"] == 3);
    CHECK(json["corrupted_runs"] == 0);
    CHECK(json["crashed_runs"] == 0);
    CHECK(json["hung_runs"] == 0);
    CHECK(json["deadlocked_runs"] == 0);
    CHECK(json["wait_for"].is_array());
    CHECK(json["first_corruption_ms"].is_null());
    CHECK(json["trace"].is_array());
}

TEST_CASE("--json of real deadlocks: verdict deadlocked, counted apart, the cycle in wait_for") {
    // Whether a round deadlocks is chance; that the counts and the verdict agree is not.
    auto result = run_racedemo({"lock-order", "--runs", "4", "--json"});
    REQUIRE(result.exit_code == 0);
    auto json = nlohmann::json::parse(result.out);
    const int deadlocked = json["deadlocked_runs"].get<int>();
    CHECK(json["corrupted_runs"] == 0);  // the transfers never lose money
    CHECK(json["hung_runs"] == 0);       // a deadlock is named, never left to the timeout
    // An unsafe program in which nothing was seen is never CLEAN.
    CHECK(json["verdict"] == (deadlocked > 0 ? "deadlocked" : "no-bug-found"));
    CHECK(json["outcomes"].value("deadlock", 0) == deadlocked);
    CHECK(json["wait_for"].size() == (deadlocked > 0 ? 2u : 0u));
    CHECK(json["first_deadlock_run"].is_null() == (deadlocked == 0));
    // A deadlocked trial's last steps: each thread took the lock the other waits for.
    CHECK(json["deadlock_trace"].size() >= (deadlocked > 0 ? 2u : 0u));
}

// How many times the trace shows `entry` popped: a Pop's read of a slot that returned it.
int pops_in_trace(const nlohmann::json& json, const std::string& entry) {
    int pops = 0;
    for (const auto& step : json["trace"])
        if (step["operation"] == "Pop()" && step["op"] == "read" &&
            step["target"].get<std::string>().rfind("entries[", 0) == 0 && step["value"] == entry)
            ++pops;
    return pops;
}

TEST_CASE("stack's evidence says how many times an entry came out, and where: as the trace shows") {
    auto three =
        run_racedemo({"stack", "--mode", "model", "--threads", "3", "--seed", "1", "--json"});
    REQUIRE(three.exit_code == 0);
    const auto three_json = nlohmann::json::parse(three.out);
    CHECK(three_json["evidence"] ==
          "lost 301; came out 3 times: 201 popped twice and still on the stack once (of 3 pushes)");
    CHECK(pops_in_trace(three_json, "201") == 2);
    // Seed 1 pops 201 once; the second time it comes out is what the stack still holds.
    auto two = run_racedemo({"stack", "--mode", "model", "--seed", "1", "--json"});
    REQUIRE(two.exit_code == 0);
    const auto two_json = nlohmann::json::parse(two.out);
    CHECK(two_json["evidence"] ==
          "came out twice: 201 popped once and still on the stack once (of 2 pushes)");
    CHECK(pops_in_trace(two_json, "201") == 1);
}

TEST_CASE("unsafe-map says Go would stop the program, not that the run crashed") {
    auto run = run_racedemo({"unsafe-map", "--mode", "model", "--seed", "1", "--json"});
    REQUIRE(run.exit_code == 0);
    const auto json = nlohmann::json::parse(run.out);
    CHECK(json["crashed_runs"] == 0);
    const std::string evidence = json["evidence"].get<std::string>();
    CHECK(evidence.rfind("Go's runtime would stop the program here with \"fatal error:", 0) == 0);
}

TEST_CASE("--json of an unsafe run: the verdict agrees with the counts") {
    auto result = run_racedemo({"trie-race", "--runs", "3", "--json"});
    REQUIRE(result.exit_code == 0);
    auto json = nlohmann::json::parse(result.out);
    CHECK(json["variant"] == "unsafe");
    int bad = json["corrupted_runs"].get<int>() + json["crashed_runs"].get<int>() +
              json["hung_runs"].get<int>();
    CHECK(json["verdict"] == (bad > 0 ? "corrupted" : "no-bug-found"));
    CHECK(json["first_corruption_ms"].is_null() == (bad == 0));
    int total = 0;
    for (const auto& [label, count] : json["outcomes"].items()) total += count.get<int>();
    CHECK(total == 3);
}

// Splits a printed command line at spaces (the replay commands have no quoted words).
std::vector<std::string> words_after_racedemo(const std::string& command) {
    std::vector<std::string> words;
    std::size_t at = command.find(' ');
    while (at != std::string::npos) {
        const std::size_t next = command.find(' ', at + 1);
        words.push_back(command.substr(at + 1, next == std::string::npos ? next : next - at - 1));
        at = next;
    }
    return words;
}

TEST_CASE("a real corruption comes with an exact model replay that corrupts when run") {
    // Real runs are not certain to corrupt; whenever one does, its replay must hold.
    for (const char* name : {"counter", "stack", "rwmutex-cache"}) {
        CAPTURE(name);
        auto real = run_racedemo({name, "--runs", "3", "--json"});
        REQUIRE(real.exit_code == 0);
        const auto json = nlohmann::json::parse(real.out);
        CHECK(json["order_is_approximate"] == true);
        if (json["corrupted_runs"] == 0) {
            CHECK(json["model_replay"].is_null());
            continue;
        }
        REQUIRE(json["model_replay"].is_object());
        const std::string command = json["model_replay"]["command"];
        CHECK(command.find("--mode model") != std::string::npos);
        std::vector<std::string> replay = words_after_racedemo(command);
        replay.push_back("--json");
        auto model = run_racedemo(replay);
        REQUIRE(model.exit_code == 0);
        const auto replayed = nlohmann::json::parse(model.out);
        CHECK(replayed["verdict"] == "corrupted");
        CHECK(replayed["evidence"] == json["model_replay"]["evidence"]);
    }
}

TEST_CASE("colour: never on a pipe by default, always on request, never with NO_COLOR") {
    auto plain = run_racedemo({"2", "--runs", "1"});
    CHECK(plain.out.find('\x1b') == std::string::npos);
    auto forced = run_racedemo({"2", "--runs", "1", "--color", "always"});
    CHECK(forced.out.find('\x1b') != std::string::npos);
    auto no_color = run_racedemo({"2", "--runs", "1"}, {"NO_COLOR=1"});
    CHECK(no_color.out.find('\x1b') == std::string::npos);
}

namespace {

std::vector<std::string> split_words(const std::string& command) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < command.size()) {
        std::size_t end = command.find(' ', start);
        if (end == std::string::npos) end = command.size();
        if (end > start) words.push_back(command.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

}  // namespace

namespace {

// Every scenario's name, as `racedemo list` prints them: tests cover new scenarios by themselves.
std::vector<std::string> scenario_names() {
    std::istringstream lines(run_racedemo({"list"}).out);
    std::vector<std::string> names;
    int number = 0;
    std::string name, rest;
    while (lines >> number >> name && std::getline(lines, rest)) names.push_back(name);
    return names;
}

bool has_unsafe_variant(const std::string& name) {
    auto json =
        nlohmann::json::parse(run_racedemo({name, "--mode", "model", "--seed", "1", "--json"}).out);
    return json["variant"] == "unsafe";
}

}  // namespace

TEST_CASE(
    "model exploration: each unsafe scenario corrupts or deadlocks, and its shortest schedule "
    "replays it") {
    int unsafe_scenarios = 0;
    for (const std::string& scenario : racedemo::testing::sample_of(scenario_names(), 2)) {
        if (!has_unsafe_variant(scenario)) continue;
        ++unsafe_scenarios;
        INFO(scenario);
        auto result = run_racedemo({scenario, "--mode", "model", "--explore", "--json"});
        REQUIRE(result.exit_code == 0);
        auto json = nlohmann::json::parse(result.out);
        CHECK(json["mode"] == "model");
        // lock-order's threads never corrupt anything: they wait for each other forever.
        const bool deadlocks = json["verdict"] == "deadlocked";
        const std::string verdict = deadlocks ? "deadlocked" : "corrupted";
        const std::string shouted = deadlocks ? "DEADLOCKED" : "CORRUPTED";
        const std::string shortest = deadlocks ? "shortest_deadlock_schedule" : "shortest_schedule";
        const std::string bad = deadlocks ? "schedules_deadlocked" : "schedules_corrupt";
        CHECK(json["verdict"] == verdict);
        CHECK(json["complete"] == true);
        CHECK(json[bad].get<int>() > 0);
        CHECK(json["schedules_explored"].get<int>() >= json[bad].get<int>());
        CHECK(json["steps"].get<int>() > 0);
        CHECK(json["elapsed_ms"].is_number());
        REQUIRE(json[shortest].is_array());
        CHECK(json["trace"].size() == json[shortest].size());
        for (const auto& event : json["trace"]) {
            CHECK(event["step"].is_number_integer());
            CHECK(event["thread"].is_number_integer());
            CHECK(event["op"].is_string());
            CHECK(event["target"].is_string());
            CHECK(event["value"].is_string());
            CHECK(event["note"].is_string());
        }

        // The replay command, run as printed, does the same, and tells it in at most 40 lines.
        std::vector<std::string> words = split_words(json["replay"].get<std::string>());
        REQUIRE(words.size() > 2);
        CHECK(words[0] == "racedemo");
        std::vector<std::string> args(words.begin() + 1, words.end());
        auto replay = run_racedemo(args);
        CHECK(replay.exit_code == 0);
        CHECK(replay.out.find(shouted) != std::string::npos);
        CHECK(count_lines(replay.out) <= 40);
        args.push_back("--json");
        auto replay_json = nlohmann::json::parse(run_racedemo(args).out);
        CHECK(replay_json["schedule"] == json[shortest]);
        CHECK(replay_json["verdict"] == verdict);
    }
    CHECK(unsafe_scenarios >= 4);
}

TEST_CASE("model exploration: every fixed variant is proven clean") {
    for (const std::string& scenario : scenario_names()) {
        INFO(scenario);
        auto result = run_racedemo({scenario, "--fixed", "--explore", "--json"});
        REQUIRE(result.exit_code == 0);
        auto json = nlohmann::json::parse(result.out);
        CHECK(json["variant"] == "fixed");
        CHECK(json["verdict"] == "clean");
        CHECK(json["complete"] == true);
        CHECK(json["schedules_corrupt"] == 0);
        CHECK(json["shortest_schedule"].is_null());
    }
}

TEST_CASE("model mode is deterministic: the same seed or schedule prints the same bytes") {
    for (std::string scenario : {"trie-race", "stack", "unsafe-map"}) {
        INFO(scenario);
        auto first = run_racedemo({scenario, "--mode", "model", "--seed", "7"});
        auto second = run_racedemo({scenario, "--mode", "model", "--seed", "7"});
        CHECK(first.exit_code == 0);
        CHECK(first.out == second.out);
        auto json = nlohmann::json::parse(
            run_racedemo({scenario, "--mode", "model", "--seed", "7", "--json"}).out);
        std::string schedule;
        for (const auto& thread : json["schedule"])
            schedule += (schedule.empty() ? "" : ",") + std::to_string(thread.get<int>());
        auto replayed = run_racedemo({scenario, "--schedule", schedule, "--json"});
        auto replayed_json = nlohmann::json::parse(replayed.out);
        CHECK(replayed_json["trace"] == json["trace"]);
    }
}

TEST_CASE("a schedule that names a finished thread is refused at its position") {
    // Thread 1 of the 2-thread trie takes 5 steps ("go"); a sixth step for it is impossible.
    auto result = run_racedemo({"trie-race", "--schedule", "1,1,1,1,1,1"});
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(count_lines(result.err) == 1);
    CHECK(result.err.find("position 6") != std::string::npos);
    auto missing = run_racedemo({"trie-race", "--schedule", "1,3"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("position 2") != std::string::npos);
}

TEST_CASE("reduction pays: 3-thread tries are covered in few schedules, a full search is not") {
    auto fixed = nlohmann::json::parse(
        run_racedemo({"trie-race", "--fixed", "--threads", "3", "--explore", "--json"}).out);
    CHECK(fixed["complete"] == true);
    CHECK(fixed["schedules_corrupt"] == 0);
    CHECK(fixed["schedules_explored"].get<int>() <= 100);

    auto reduced = nlohmann::json::parse(
        run_racedemo({"trie-race", "--threads", "3", "--explore", "--json"}).out);
    CHECK(reduced["complete"] == true);
    CHECK(reduced["schedules_explored"].get<int>() <= 100);
    CHECK(reduced["schedules_corrupt"].get<int>() > 0);
    // Without reduction the same space has hundreds of thousands of schedules: a budget of
    // 5000 does not come close to covering it.
    auto full =
        nlohmann::json::parse(run_racedemo({"trie-race", "--threads", "3", "--explore",
                                            "--reduction", "none", "--budget", "5000", "--json"})
                                  .out);
    CHECK(full["complete"] == false);
    CHECK(full["schedules_explored"] == 5000);
}

TEST_CASE("docs/scenarios holds exactly the pages `explain --markdown` generates now" *
          kCourseOutput) {
    auto list = run_racedemo({"list"});
    std::istringstream lines(list.out);
    int number = 0;
    std::string name, rest;
    int pages = 0;
    while (lines >> number >> name && std::getline(lines, rest)) {
        // Under sanitizer scale, every fifth page (test_scale.hpp).
        if (racedemo::testing::sanitizer_scale() && (number - 1) % 5 != 0) continue;
        INFO(name);
        auto page = run_racedemo({"explain", name, "--markdown"});
        CHECK(page.exit_code == 0);
        std::string path =
            fmt::format("{}/docs/scenarios/{:02}-{}.md", RACEDEMO_SOURCE_DIR, number, name);
        std::ifstream file(path);
        REQUIRE_MESSAGE(file.good(), "missing page: run tools/make-docs.sh");
        std::stringstream committed;
        committed << file.rdbuf();
        CHECK_MESSAGE(committed.str() == page.out, "stale page: run tools/make-docs.sh");
        ++pages;
    }
    CHECK(pages >= racedemo::testing::scaled(5, 2));
}

TEST_CASE("explain shows the lesson and the scenario's own code with the fix marked") {
    for (std::string name : {"unsafe-map", "trie-race", "stack", "rwmutex-cache"}) {
        INFO(name);
        auto result = run_racedemo({"explain", name});
        CHECK(result.exit_code == 0);
        CHECK(result.out.find("\n+ ") != std::string::npos);  // a line the fix adds
        CHECK(result.out.find("Takeaway:") != std::string::npos);
    }
}

TEST_CASE("explain marks no lock line where the fix is something else, and says what it is") {
    // lock-order: both variants lock; the fix is the order.
    auto order = run_racedemo({"explain", "lock-order"});
    CHECK(order.exit_code == 0);
    CHECK(order.out.find("\n+ ") == std::string::npos);
    CHECK(order.out.find("Lines marked + are the fix") == std::string::npos);
    CHECK(order.out.find("The fix: the order of the two locks.") != std::string::npos);
    auto markdown = run_racedemo({"explain", "lock-order", "--markdown"});
    CHECK(markdown.out.find("Lock = NoLock") == std::string::npos);
    // read-only: the fix is what a reader does, not a lock.
    auto reads = run_racedemo({"explain", "read-only"});
    CHECK(reads.out.find("\n+ ") == std::string::npos);
    CHECK(reads.out.find("The fix: what a reader does.") != std::string::npos);
    // mutex-map: there is only the safe program, and no fix.
    auto safe = run_racedemo({"explain", "mutex-map"});
    CHECK(safe.out.find("\n+ ") == std::string::npos);
    CHECK(safe.out.find("The fix") == std::string::npos);
}

// A reader that went away wanted no more: racedemo stops quietly with 0, as ripgrep does.
TEST_CASE("a stdout whose reader went away ends racedemo quietly with 0, never by SIGPIPE") {
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    close(pipe_fds[0]);  // nobody will ever read
    pid_t child = fork();
    if (child == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDERR_FILENO);
        execl(RACEDEMO_BINARY, RACEDEMO_BINARY, "list", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(pipe_fds[1]);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a scenario's --help page: what races, its options with its defaults, its examples") {
    for (std::string key : {"trie-race", "3"}) {
        INFO(key);
        auto page = run_racedemo({key, "--help"});
        CHECK(page.exit_code == 0);
        CHECK(page.err.empty());
        CHECK(page.out.find("Usage: racedemo trie-race") != std::string::npos);
        CHECK(page.out.find("concurrent inserts into a trie") != std::string::npos);
        CHECK(page.out.find("--threads N=2") != std::string::npos);
        CHECK(page.out.find("--strategy random|pct|explore=random") != std::string::npos);
        CHECK(page.out.find("racedemo trie-race --explore") != std::string::npos);
        for (std::size_t start = 0, end = 0; start < page.out.size(); start = end + 1) {
            end = page.out.find('\n', start);
            if (end == std::string::npos) end = page.out.size();
            CHECK(end - start <= 100);  // no line wider than 100 columns
        }
    }
}

TEST_CASE("model mode: --runs N random schedules report how many corrupted, with a replay") {
    auto result = run_racedemo({"counter", "--mode", "model", "--runs", "20", "--json"});
    REQUIRE(result.exit_code == 0);
    auto json = nlohmann::json::parse(result.out);
    CHECK(json["strategy"] == "random");
    CHECK(json["runs_requested"] == 20);
    CHECK(json["runs"].is_number_integer());
    CHECK(json["corrupted_runs"].is_number_integer());
    CHECK(json["steps"].get<int>() > 0);
    CHECK(json["schedule"].is_array());
    CHECK(json["interrupted"] == false);
    CHECK(json["replay"].get<std::string>().find("--schedule") != std::string::npos);
}

TEST_CASE("a schedule whose outcome is clean marks no damage, whatever its steps overwrote") {
    // Over many random stack schedules: every trace with a "!" belongs to a corrupted outcome,
    // and some clean ones raced (stack seeds 17, 22, 23 and 24 overwrite a value, harmlessly).
    int clean = 0;
    for (int seed = 1; seed <= 30; ++seed) {
        auto run =
            run_racedemo({"stack", "--mode", "model", "--seed", std::to_string(seed), "--json"});
        REQUIRE(run.exit_code == 0);
        const auto json = nlohmann::json::parse(run.out);
        if (json["verdict"] != "clean") continue;
        ++clean;
        CAPTURE(seed);
        for (const auto& event : json["trace"]) CHECK(event["note"] == "");
    }
    CHECK(clean >= 4);
}

TEST_CASE("glossary: the words the reports use, each with a command that shows it" *
          kCourseOutput) {
    auto result = run_racedemo({"glossary"});
    CHECK(result.exit_code == 0);
    for (const char* term :
         {"data race", "race condition", "interleaving", "schedule", "preemption",
          "critical section", "mutex", "reader/writer lock", "deadlock", "channel", "lost update",
          "check-then-act", "partial-order reduction", "torn read", "nil", "real mode",
          "model mode", "run, round", "step"})
        CHECK_MESSAGE(result.out.find(fmt::format("\n{}\n", term)) != std::string::npos, term);
    // Every "see:" command runs (its words up to a parenthesis).
    std::istringstream lines(result.out);
    int commands = 0;
    for (std::string line; std::getline(lines, line);) {
        const std::size_t at = line.find("see: racedemo ");
        if (at == std::string::npos) continue;
        std::vector<std::string> words;
        std::istringstream command(line.substr(at + 14, line.find(" (") - at - 14));
        for (std::string word; command >> word;) words.push_back(word);
        ++commands;
        // Under sanitizer scale, every third command runs (test_scale.hpp).
        if (racedemo::testing::sanitizer_scale() && commands % 3 != 1) continue;
        CAPTURE(line);
        CHECK(run_racedemo(words).exit_code == 0);
    }
    CHECK(commands >= 19);
    CHECK(result.out.find("data race") != std::string::npos);
    CHECK(result.out.find("NO BUG FOUND") != std::string::npos);
    CHECK(result.out.find('\x1b') == std::string::npos);
    CHECK(run_racedemo({"glossary", "--color", "always"}).out.find('\x1b') != std::string::npos);
}

TEST_CASE("a deadlocked model run shows each stuck thread's wait in its lane, under its steps") {
    // early-return: T1 pops the empty stack and leaves holding mu; T2 never gets it.
    auto result = run_racedemo({"early-return", "--mode", "model", "--schedule", "1,1"});
    CHECK(result.exit_code == 0);
    const std::string& out = result.out;
    const auto header = out.find("T2 Push(200)");  // T2 took no step, yet has its lane
    const auto last_step = out.find("read  len -> 0");
    const auto wait = out.find("lock mu: waits");
    REQUIRE(header != std::string::npos);
    REQUIRE(last_step != std::string::npos);
    REQUIRE(wait != std::string::npos);
    CHECK(header < last_step);
    CHECK(last_step < wait);
    CHECK(out.find("DEADLOCKED: T2 waits for mu (held by T1, which has finished)") > wait);
}

TEST_CASE("rwmutex-cache's lesson schedule: readers share, a writer waits, a new reader queues") {
    // The schedule the lesson cites, with its step numbers.
    const std::string schedule = "1x6,2x7,4x8,1,2,3,4";
    auto run = run_racedemo({"rwmutex-cache", "--fixed", "--mode", "model", "--threads", "4",
                             "--schedule", schedule, "--json"});
    REQUIRE(run.exit_code == 0);
    const auto json = nlohmann::json::parse(run.out);
    CHECK(json["verdict"] == "clean");
    std::map<int, nlohmann::json> step;
    for (const auto& event : json["trace"]) step[event["step"].get<int>()] = event;
    auto is = [&](int at, int thread, const char* op, bool waits) {
        CAPTURE(at);
        CHECK(step[at]["thread"] == thread);
        CHECK(step[at]["op"] == op);
        CHECK(step[at]["waits"].get<bool>() == waits);
    };
    // Steps 22 and 23: T1 and T2 take the read lock, one after the other, without waiting.
    is(22, 1, "rlock", false);
    is(23, 2, "rlock", false);
    // Step 24: T3's Set waits for both readers.
    is(24, 3, "lock", true);
    CHECK(step[24]["value"] == "T1 and T2");
    // Step 25: T4's Get waits behind the queued writer, though only readers hold the lock.
    is(25, 4, "rlock", true);
    CHECK(step[25]["value"] == "T3, a queued writer");
    auto lesson = run_racedemo({"explain", "rwmutex-cache"});
    CHECK(lesson.out.find("--schedule " + schedule) != std::string::npos);
}

TEST_CASE("rwmutex-recursive reader-preferring: the writer waits while read locks come and go") {
    // The schedule the lesson cites: under writer-preferring its step 3 would wait for ever.
    auto run = run_racedemo({"rwmutex-recursive", "--mode", "model", "--policy",
                             "reader-preferring", "--schedule", "1,2,1x7", "--json"});
    REQUIRE(run.exit_code == 0);
    const auto json = nlohmann::json::parse(run.out);
    CHECK(json["verdict"] == "clean");
    std::map<int, nlohmann::json> step;
    for (const auto& event : json["trace"]) step[event["step"].get<int>()] = event;
    CHECK(step[2]["thread"] == 2);
    CHECK(step[2]["op"] == "lock");
    CHECK(step[2]["waits"].get<bool>());
    int read_locks_while_waiting = 0;
    for (int at = 3; at <= 9; ++at) {
        CHECK(step[at]["thread"] == 1);
        read_locks_while_waiting += step[at]["op"] == "rlock";
    }
    CHECK(read_locks_while_waiting == 2);
    CHECK(step[10]["thread"] == 2);
    CHECK(step[10]["op"] == "lock");
    CHECK_FALSE(step[10]["waits"].get<bool>());
    auto writer_first =
        run_racedemo({"rwmutex-recursive", "--mode", "model", "--schedule", "1,2,1x7"});
    CHECK(writer_first.exit_code == 2);  // T1 is blocked at step 3: the replay is refused
    auto help = run_racedemo({"rwmutex-recursive", "--help"});
    CHECK(help.out.find("starvation") != std::string::npos);
    CHECK(run_racedemo({"explain", "rwmutex-recursive"}).out.find("--schedule 1,2,1x7") !=
          std::string::npos);
}

TEST_CASE("rwmutex-recursive: --policy decides whether a reader locking again deadlocks") {
    auto writers_first =
        run_racedemo({"rwmutex-recursive", "--mode", "model", "--explore", "--json"});
    REQUIRE(writers_first.exit_code == 0);
    auto stuck = nlohmann::json::parse(writers_first.out);
    CHECK(stuck["policy"] == "writer-preferring");
    CHECK(stuck["complete"] == true);
    CHECK(stuck["verdict"] == "deadlocked");
    CHECK(stuck["evidence"] ==
          "T1 holds rw, waits for rw (a writer is queued); T2 waits for rw (held by T1)");

    auto readers_first = run_racedemo({"rwmutex-recursive", "--mode", "model", "--explore",
                                       "--policy", "reader-preferring", "--threads", "3"});
    REQUIRE(readers_first.exit_code == 0);
    CHECK(readers_first.out.find("· reader-preferring ·") != std::string::npos);
    CHECK(readers_first.out.find("CLEAN: none of the") != std::string::npos);
    // Its replay keeps the policy: the schedule means something else under the other one.
    // (A command wider than the width goes on after " \\", as a shell reads it.)
    std::string replay = readers_first.out;
    for (std::size_t at; (at = replay.find(" \\\n")) != std::string::npos;)
        replay.erase(at + 1, replay.find_first_not_of(' ', at + 3) - at - 1);
    CHECK(replay.find("racedemo rwmutex-recursive --policy reader-preferring --mode "
                      "model --threads 3 --schedule") != std::string::npos);

    // Real threads: whether a round deadlocks is chance; the verdict agrees with the counts,
    // and a reader-preferring lock never deadlocks here.
    auto real = run_racedemo({"rwmutex-recursive", "--runs", "3", "--json"});
    REQUIRE(real.exit_code == 0);
    auto json = nlohmann::json::parse(real.out);
    CHECK(json["hung_runs"] == 0);
    // Nothing seen of an unsafe program is no proof: never CLEAN.
    CHECK(json["verdict"] == (json["deadlocked_runs"] > 0 ? "deadlocked" : "no-bug-found"));
    auto readers_real = run_racedemo(
        {"rwmutex-recursive", "--runs", "3", "--policy", "reader-preferring", "--json"});
    REQUIRE(readers_real.exit_code == 0);
    const auto readers_json = nlohmann::json::parse(readers_real.out);
    CHECK(readers_json["deadlocked_runs"] == 0);
    CHECK(readers_json["verdict"] == "no-bug-found");

    // Only this scenario has a reader/writer lock whose policy can be chosen.
    auto elsewhere = run_racedemo({"trie-race", "--policy", "reader-preferring"});
    CHECK(elsewhere.exit_code == 2);
    CHECK(elsewhere.err.find("--policy") != std::string::npos);
    auto bad = run_racedemo({"rwmutex-recursive", "--policy", "fair"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("fair") != std::string::npos);
}

// The widest line of `out` in columns (colour codes take none).
std::size_t widest_line(const std::string& out) {
    std::size_t widest = 0, start = 0;
    while (start < out.size()) {
        const std::size_t end = std::min(out.find('\n', start), out.size());
        widest = std::max(
            widest, racedemo::text::columns(std::string_view(out).substr(start, end - start)));
        start = end + 1;
    }
    return widest;
}

TEST_CASE("no line of text output is wider than 100 columns: it fits a projector" * kCourseOutput) {
    std::vector<std::vector<std::string>> commands = {
        {"glossary"},
        {"list"},
        {"--help"},
        {"check", "stack", "--variant", "unsafe"},  // its replays are one line each, and short
        {"check", "lock-order", "--variant", "unsafe"}};
    // The walkthrough of one scenario; under sanitizer scale, that of the shortest, and every
    // fourth scenario (test_scale.hpp).
    commands.push_back(
        {"walkthrough", "--no-pause", "--only", racedemo::testing::sanitizer_scale() ? "11" : "1"});
    for (const racedemo::Scenario* scenario :
         racedemo::testing::sample_of(racedemo::scenarios(), 4)) {
        const std::string name(scenario->name);
        for (std::vector<std::string> command : {std::vector<std::string>{name, "--runs", "2"},
                                                 {name, "--explore", "--threads", "3"},
                                                 {name, "--fixed", "--explore"},
                                                 {name, "--explore", "--budget", "5"},
                                                 {name, "--strategy", "pct", "--runs", "20"},
                                                 {name, "--quiz", "--rounds", "2", "--answers"},
                                                 {"explain", name},
                                                 {"play", name},
                                                 {name, "--help"}})
            commands.push_back(command);
    }
    for (const auto& command : commands) {
        const auto run = run_racedemo(command);
        CAPTURE(fmt::format("{}", fmt::join(command, " ")));
        CHECK(widest_line(run.out) <= 100);
        CHECK(widest_line(run.err) <= 100);
    }
}

namespace {

// The lines of `out`.
std::vector<std::string> lines_of(const std::string& out) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The man page's paragraph that starts at `at`: to the next paragraph or section.
std::string paragraph_at(const std::string& page, std::size_t at) {
    std::size_t end = page.size();
    for (const char* next : {"\n.TP", "\n.PP", "\n.SH"}) end = std::min(end, page.find(next, at));
    return page.substr(at, end - at);
}

// The first line that starts with `start` (empty when none does).
std::string line_starting(const std::string& out, const std::string& start) {
    for (const std::string& line : lines_of(out))
        if (line.rfind(start, 0) == 0) return line;
    return "";
}

}  // namespace

TEST_CASE("on a pipe, COLUMNS is the width: no line wider, no sentence wrapped narrower") {
    const std::vector<std::vector<std::string>> commands = {
        {"trie-race", "--mode", "model", "--explore"},
        {"rwmutex-recursive", "--explore"},  // a deadlock's waits
        {"counter", "--runs", "3"},
        {"stack", "--quiz", "--answers"},
        {"lock-order", "--runs", "3"}};  // a real deadlock's cycle
    for (const auto& command : commands) {
        CAPTURE(fmt::format("{}", fmt::join(command, " ")));
        const auto narrow = run_racedemo(command, {"COLUMNS=60"});
        INFO(narrow.out);
        CHECK(narrow.exit_code == 0);
        // Wider only where a single word is longer than a line.
        for (const std::string& line : lines_of(narrow.out))
            if (racedemo::text::columns(line) > 60)
                CHECK(line.find(' ', line.find_first_not_of(' ')) == std::string::npos);
    }
    const std::vector<std::string> explore = {"trie-race", "--mode", "model", "--explore"};
    const auto plain = run_racedemo(explore);
    const auto wide = run_racedemo(explore, {"COLUMNS=200"});
    // The search's summary, wrapped at 80 without COLUMNS, is one line at 200.
    const std::string explored = line_starting(wide.out, " explored ");
    CHECK(racedemo::text::columns(explored) > 80);
    CHECK(plain.out.find(explored + "\n") == std::string::npos);
    CHECK(widest_line(plain.out) <= 80);
    CHECK(widest_line(wide.out) > 100);
    CHECK(widest_line(wide.out) <= 200);
    // Real runs too: the note on noise is one sentence, one line.
    const auto real = run_racedemo({"counter", "--runs", "3"}, {"COLUMNS=200"});
    CHECK(racedemo::text::columns(line_starting(real.out, " noise on:")) > 100);
    // No width at all: ignored, the output is the default's, byte for byte.
    for (const std::string bad : {"", "abc", "0", "-80", "39", "1001", "60x", "6e1"}) {
        CAPTURE(bad);
        CHECK(run_racedemo(explore, {"COLUMNS=" + bad}).out == plain.out);
    }
}

TEST_CASE("a --bench table has each row on one line, at any width") {
    struct Bench {
        std::vector<std::string> args;
        std::vector<std::string> columns;
    };
    // Cut short by --max-time: the rows measured by then. rwmutex-cache's rows take a fixed
    // time (about 1 s each); job-queue's a fixed number of jobs, which takes from half a second
    // to half a minute for the whole grid, as busy as the machine is.
    const Bench benches[] = {
        {{"rwmutex-cache", "--bench", "--max-time", "3"}, {"COLUMNS=60", "COLUMNS=80"}},
        {{"job-queue", "--bench", "--max-time", "30"}, {"COLUMNS=60"}}};
    // parameters, a median per variant, the winner or a tie, its lead, and its bar when it won
    const std::regex row(R"( +(\d+ +)+(\d+\.\d +)+[a-z_@-]+ +\d+\.\d\dx( (█)+)?)");
    const std::regex numbered(R"( +\d.*)");
    for (const Bench& bench : benches) {
        for (const std::string& columns : bench.columns) {
            CAPTURE(fmt::format("{} {}", columns, fmt::join(bench.args, " ")));
            const auto run = run_racedemo(bench.args, {columns});
            INFO(run.out);
            REQUIRE(run.exit_code == 0);
            const std::vector<std::string> lines = lines_of(run.out);
            const auto head = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
                return l.size() > 8 && l.compare(l.size() - 8, 8, "  winner") == 0;
            });
            REQUIRE(head != lines.end());
            int rows = 0;
            // Every line that starts with a number after the head is a whole row.
            for (auto line = head + 1; line != lines.end() && std::regex_match(*line, numbered);
                 ++line, ++rows)
                CHECK(std::regex_match(*line, row));
            if (bench.args.front() == "rwmutex-cache") CHECK(rows >= 1);
            WARN_MESSAGE(rows >= 1, "no row measured in time: nothing to check");
        }
    }
}

TEST_CASE("the man page names every scenario that deadlocks under --expect, and explain --go") {
    std::ifstream file(fmt::format("{}/man/racedemo.1", RACEDEMO_SOURCE_DIR));
    REQUIRE(file.good());
    std::stringstream read;
    read << file.rdbuf();
    const std::string page = read.str();
    // --expect's paragraph: from its tag to the next.
    const std::size_t expect = page.find(".BR \\-\\-expect ");
    REQUIRE(expect != std::string::npos);
    const std::string paragraph = paragraph_at(page, expect);
    CHECK(paragraph.find("DEADLOCKED") != std::string::npos);
    int deadlocking = 0;
    for (const racedemo::Scenario* scenario : racedemo::scenarios()) {
        if (scenario->unsafe == nullptr) continue;  // only a safe program: nothing deadlocks
        const std::string name(scenario->name);
        CAPTURE(name);
        const auto run = run_racedemo({name, "--mode", "model", "--explore", "--json"});
        REQUIRE(run.exit_code == 0);
        if (nlohmann::json::parse(run.out)["verdict"] != "deadlocked") continue;
        ++deadlocking;
        CHECK(paragraph.find(name) != std::string::npos);
    }
    CHECK(deadlocking >= 3);  // lock-order, early-return, rwmutex-recursive
    // explain's --go: in the synopsis and in explain's entry.
    CHECK(page.find(".B racedemo explain\n.I scenario\n.RB [ \\-\\-markdown ]\n.RB [ \\-\\-go ]") !=
          std::string::npos);
    const std::size_t explain = page.find(".BI explain \" scenario\"");
    REQUIRE(explain != std::string::npos);
    CHECK(paragraph_at(page, explain).find(".B \\-\\-go\n") != std::string::npos);
}

TEST_CASE("--html writes the page; a page it cannot write is one line and exit 1") {
    const std::string path = "racedemo-test-page.html";
    auto run = run_racedemo({"counter", "--explore", "--html", path});
    REQUIRE(run.exit_code == 0);
    CHECK(run.out.find(" page written: " + path) != std::string::npos);
    std::ifstream page(path);
    std::stringstream text;
    text << page.rdbuf();
    CHECK(text.str().rfind("<!doctype html>", 0) == 0);
    std::remove(path.c_str());
    auto unwritable = run_racedemo({"counter", "--explore", "--html", "/nonexistent/dir/p.html"});
    CHECK(unwritable.exit_code == 1);
    CHECK(unwritable.err ==
          "racedemo: cannot write the page /nonexistent/dir/p.html: No such "
          "file or directory\n");
    CHECK(run_racedemo({"rwmutex-cache", "--bench", "--html", path}).exit_code == 2);
    CHECK(run_racedemo({"counter", "--quiz", "--html", path}).exit_code == 2);
}

TEST_CASE("a model trace is cut to the damage's window, and --full-trace shows every step") {
    // unsafe-map's shortest corrupting schedule: T1's first insert (steps 1 to 9) is done
    // before the operations under way at the damage begin.
    auto cut = run_racedemo({"unsafe-map", "--explore"});
    REQUIRE(cut.exit_code == 0);
    CHECK(cut.out.find("... steps 1 to 9 come before the damage (T1 9); --full-trace shows "
                       "them") != std::string::npos);
    CHECK(cut.out.find("\n    1  write m.flags") == std::string::npos);
    CHECK(cut.out.find("\n   10  write m.flags <- 1") != std::string::npos);
    auto full = run_racedemo({"unsafe-map", "--explore", "--full-trace"});
    REQUIRE(full.exit_code == 0);
    CHECK(full.out.find("\n    1  write m.flags <- 1") != std::string::npos);
    CHECK(full.out.find("come before the damage") == std::string::npos);
    CHECK(count_lines(full.out) > count_lines(cut.out));
    CHECK(run_racedemo({"unsafe-map", "--full-trace"}).exit_code == 2);  // real mode: refused
}

TEST_CASE(
    "every way out is clean: an output that cannot be written never ends racedemo by a signal") {
    using racedemo::testing::Redirect;
    // Each case: a command line, where its stdout and stderr go, the exit code and what stderr
    // must say (when it is captured).
    struct Case {
        std::vector<std::string> args;
        Redirect out, err;
        int exit_code;
        std::string said;
    };
    const std::vector<Case> cases = {
        // stderr closed or full: the message is lost, the exit code is not
        {{"bogus"}, Redirect::captured, Redirect::closed, 2, ""},
        {{"bogus"}, Redirect::captured, Redirect::full, 2, ""},
        {{"trie-race", "--seed", "1", "--expect", "corrupt"},
         Redirect::captured,
         Redirect::closed,
         3,
         ""},
        {{"list"}, Redirect::full, Redirect::full, 1, ""},
        // stdout on a full disk: said in one line
        {{"list"},
         Redirect::full,
         Redirect::captured,
         1,
         "racedemo: cannot write the output: No space left on device\n"},
        {{"explain", "3"},
         Redirect::full,
         Redirect::captured,
         1,
         "racedemo: cannot write the output: No space left on device\n"},
        {{"list"},
         Redirect::closed,
         Redirect::captured,
         1,
         "racedemo: cannot write the output: Bad file descriptor\n"},
        // stdout a pipe whose reader went away (| head -1): quiet, exit 0
        {{"list"}, Redirect::broken_pipe, Redirect::captured, 0, ""},
        {{"walkthrough", "--no-pause"}, Redirect::broken_pipe, Redirect::captured, 0, ""},
        {{"glossary"}, Redirect::broken_pipe, Redirect::closed, 0, ""},
        {{"trie-race", "--mode", "model", "--explore"},
         Redirect::broken_pipe,
         Redirect::captured,
         0,
         ""},
    };
    for (const Case& each : cases) {
        INFO(fmt::format("racedemo {} (stdout {}, stderr {})", fmt::join(each.args, " "),
                         static_cast<int>(each.out), static_cast<int>(each.err)));
        auto result = run_racedemo(each.args, {}, {}, each.out, each.err);
        CHECK(result.signal == 0);
        CHECK(result.exit_code == each.exit_code);
        CHECK(result.err == each.said);
    }
}

TEST_CASE("--version and -V print the version and exit 0") {
    for (const char* flag : {"--version", "-V"}) {
        auto result = run_racedemo({flag});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out == fmt::format("racedemo {}\n", RACEDEMO_VERSION));
    }
}

#if !defined(RACEDEMO_ASAN) && !defined(RACEDEMO_TSAN)
// Sanitizer runtimes reserve terabytes of address space: ulimit -v would stop them, not racedemo.
TEST_CASE("trials that cannot create their threads are no trial: exit 1 with the reason") {
    // 300 MB of address space holds racedemo, not 64 threads of 8 MB stacks.
    auto starved = racedemo::testing::run_program(
        "/bin/sh", {"-c", "ulimit -s 8192 && ulimit -v 300000 && exec \"$0\" \"$@\"",
                    RACEDEMO_BINARY, "counter", "--fixed", "--threads", "64", "--runs", "2"});
    CHECK(starved.exit_code == 1);
    CHECK(starved.out.empty());
    CHECK(starved.err.rfind("racedemo: no trial could start: cannot create thread ", 0) == 0);
    CHECK(starved.err.find(" of 64: ") != std::string::npos);
    CHECK(count_lines(starved.err) == 1);
}

TEST_CASE("racedemo's own memory running out is said as such: exit 1, no verdict, no crash") {
    // A reads-from search of 4 threads keeps millions of states: 200 MB do not hold them.
    auto starved = racedemo::testing::run_program(
        "/bin/sh", {"-c", "ulimit -v 200000 && exec \"$0\" \"$@\"", RACEDEMO_BINARY, "unsafe-map",
                    "--mode", "model", "--explore", "--threads", "4", "--reduction", "reads-from",
                    "--budget", "100000000"});
    CHECK(starved.exit_code == 1);
    CHECK(starved.out.empty());
    CHECK(starved.err ==
          "racedemo: out of memory: racedemo itself ran out (a model search keeps what it "
          "explored: --reduction dpor, fewer --threads or a --budget keep less)\n");
    CHECK(starved.err.find("SIGABRT") == std::string::npos);
}
#endif

TEST_CASE("real runs: noise on for an unsafe variant, off for a fixed one, and it finds the ring") {
    // lock-order's ring of three transfers deadlocks only when all three threads hold their
    // first lock at once: without noise, on 2 cores, 0 of 20 runs (docs/real-runs.md). With it
    // a thread often pauses between its two locks; one deadlocked run of 20 is all that is asked.
    auto ring = run_racedemo({"lock-order", "--threads", "3", "--runs", "20", "--json"});
    REQUIRE(ring.exit_code == 0);
    const auto unsafe = nlohmann::json::parse(ring.out);
    CHECK(unsafe["noise"]["on"] == true);
    CHECK(unsafe["deadlocked_runs"].get<int>() >= 1);
    // The noise changes when steps happen, never what they do: the fixed ring stays clean.
    auto fixed_ring = run_racedemo(
        {"lock-order", "--fixed", "--threads", "3", "--runs", "3", "--noise", "on", "--json"});
    REQUIRE(fixed_ring.exit_code == 0);
    const auto fixed = nlohmann::json::parse(fixed_ring.out);
    CHECK(fixed["noise"]["on"] == true);
    CHECK(fixed["deadlocked_runs"] == 0);
    CHECK(fixed["corrupted_runs"] == 0);
    CHECK(nlohmann::json::parse(
              run_racedemo({"counter", "--fixed", "--runs", "1", "--json"}).out)["noise"]["on"] ==
          false);
    auto quiet = run_racedemo({"counter", "--runs", "1", "--noise", "off"});
    CHECK(quiet.out.find("· 1 run · noise off\n") != std::string::npos);
    CHECK(quiet.out.find("noise on:") == std::string::npos);
    auto noisy = run_racedemo({"counter", "--runs", "1"});
    CHECK(noisy.out.find("· 1 run · noise on\n noise on: 1 step in 8 pauses its thread") !=
          std::string::npos);
    // Only real runs have steps to perturb.
    auto model = run_racedemo({"counter", "--mode", "model", "--noise", "on"});
    CHECK(model.exit_code == 2);
    CHECK(model.err.find("--noise has no effect") != std::string::npos);
    CHECK(run_racedemo({"counter", "--noise", "loud"}).exit_code == 2);
}
