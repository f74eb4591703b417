// Ctrl-C and SIGTERM during a long run: a partial result, the conventional exit code, and no
// trial process left behind.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <cerrno>
#include <string>
#include <vector>

#include "process.hpp"
#include "pty.hpp"

using racedemo::testing::TerminalSession;

namespace {

// True when no process is left in the session's process group (racedemo and its trials).
bool group_is_gone(pid_t group) {
    return kill(-group, 0) != 0 && errno == ESRCH;
}

void interrupt_long_run(int signal, int expected_exit) {
    TerminalSession session({"mutex-map", "--runs", "100000"});
    // The progress line appears once the run has gone on for a second: it is running trials.
    REQUIRE(session.read_until("run "));
    session.send_signal(signal);
    CHECK(session.wait_exit() == expected_exit);
    CHECK(session.screen().find("interrupted after") != std::string::npos);
    CHECK(session.screen().find("of 100000 runs") != std::string::npos);
    // The runs so far are summed up, but a run cut short is never called clean.
    CHECK(session.screen().find("NO BUG FOUND:") != std::string::npos);
    CHECK(session.screen().find("runs finished, none went wrong") != std::string::npos);
    CHECK(session.screen().find("CLEAN") == std::string::npos);
    CHECK(group_is_gone(session.pid()));
}

}  // namespace

TEST_CASE("SIGINT stops a long run with its partial result, exit 130, nothing left running") {
    interrupt_long_run(SIGINT, 130);
}

TEST_CASE("SIGTERM does the same with exit 143") {
    interrupt_long_run(SIGTERM, 143);
}

TEST_CASE("SIGHUP (the terminal closed) does the same with exit 129") {
    interrupt_long_run(SIGHUP, 129);
}

TEST_CASE("SIGINT during an exploration reports it incomplete") {
    TerminalSession session({"trie-race", "--threads", "4", "--explore", "--reduction", "none",
                             "--budget", "100000000"});
    REQUIRE(session.read_until("exploring"));
    session.send_signal(SIGINT);
    CHECK(session.wait_exit() == 130);
    CHECK(session.screen().find("INCOMPLETE") != std::string::npos);
}

// ---- every other command: stopped by a signal, it says so, exits 128 + the signal, and leaves
// no process behind

namespace {

// Waits until `ready` is shown, sends `signal`, and returns the exit code.
int stop_at(TerminalSession& session, const std::string& ready, int signal) {
    REQUIRE(session.read_until(ready));
    session.send_signal(signal);
    const int code = session.wait_exit();
    CHECK(group_is_gone(session.pid()));
    return code;
}

bool shows(const TerminalSession& session, const std::string& text) {
    return session.screen().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("SIGINT stops a walkthrough in the middle of a run: the rest is not shown") {
    TerminalSession session({"walkthrough", "--no-pause"});
    CHECK(stop_at(session, "$ racedemo", SIGINT) == 130);
    CHECK(shows(session, "The walkthrough was interrupted at 1 of"));
    CHECK(!shows(session, "End of the walkthrough"));
    CHECK(!shows(session, "CLEAN"));  // the run it cut is no proof either
}

TEST_CASE("SIGTERM stops a walkthrough that waits for Enter") {
    TerminalSession session({"walkthrough"});
    CHECK(stop_at(session, "-- Enter:", SIGTERM) == 143);
    CHECK(shows(session, "The walkthrough was interrupted at 1 of"));
    CHECK(shows(session, "SIGTERM"));
}

TEST_CASE("SIGINT stops a series of pct schedules with what it ran") {
    TerminalSession session(
        {"counter", "--fixed", "--threads", "8", "--strategy", "pct", "--runs", "1000000"});
    CHECK(stop_at(session, "schedule ", SIGINT) == 130);
    CHECK(shows(session, "interrupted after"));
    CHECK(shows(session, "of 1000000 schedules"));
    CHECK(shows(session, "NO BUG FOUND:"));
}

TEST_CASE("SIGTERM stops a benchmark after the sample under way, and shows the rows it has") {
    TerminalSession session({"rwmutex-cache", "--bench"});
    CHECK(stop_at(session, "measuring:", SIGTERM) == 143);
    CHECK(shows(session, "interrupted (SIGTERM) after"));
    CHECK(shows(session, "the grid is not complete"));
}

TEST_CASE("SIGINT while the quiz waits for an answer: it says so, not that the input ended") {
    TerminalSession session({"counter", "--quiz"});
    CHECK(stop_at(session, "Your answer to Q1", SIGINT) == 130);
    CHECK(shows(session, "(interrupted)"));
    CHECK(shows(session, "it was interrupted by SIGINT"));
    CHECK(!shows(session, "input ended"));
}

TEST_CASE("SIGHUP while play waits for a step ends the game with exit 129") {
    TerminalSession session({"play", "counter"});
    CHECK(stop_at(session, "Step 1:", SIGHUP) == 129);
    CHECK(shows(session, "The game ends here: it was interrupted by SIGHUP"));
}

namespace {

// The text with each run of spaces and newlines made one space: a sentence, however wrapped.
std::string one_line(const std::string& text) {
    std::string out;
    for (char c : text) {
        const bool space = c == ' ' || c == '\n';
        if (!space || (!out.empty() && out.back() != ' ')) out += space ? ' ' : c;
    }
    return out;
}

}  // namespace

// ---- --max-time: the run stops with what it has, says so, and is never called clean

TEST_CASE("--max-time stops real runs, a search, a walkthrough and a benchmark, honestly") {
    using racedemo::testing::run_racedemo;
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    // Each would run for minutes to days: a limit of a fraction of a second always cuts it.
    const Case cases[] = {
        {{"counter", "--fixed", "--runs", "1000000", "--max-time", "0.3"},
         "stopped at the time limit after"},
        {{"rwmutex-cache", "--fixed", "--threads", "8", "--explore", "--budget", "100000000",
          "--max-time", "0.3"},
         "INCOMPLETE (time limit reached)"},
        {{"counter", "--fixed", "--threads", "8", "--strategy", "pct", "--runs", "1000000",
          "--max-time", "0.3"},
         "stopped at the time limit after"},
        {{"walkthrough", "--no-pause", "--max-time", "0.3"},
         "The walkthrough stopped at its time limit"},
        {{"rwmutex-cache", "--bench", "--max-time", "0.3"}, "stopped at the time limit"},
    };
    for (const Case& each : cases) {
        const auto result = run_racedemo(each.args);
        INFO(fmt::format("{}", fmt::join(each.args, " ")));
        INFO(result.out);
        CHECK(result.exit_code == 0);
        CHECK(one_line(result.out).find(each.says) != std::string::npos);
        CHECK(result.out.find("CLEAN") == std::string::npos);
    }
    const auto json =
        run_racedemo({"counter", "--fixed", "--runs", "1000000", "--max-time", "0.3", "--json"});
    CHECK(json.out.find("\"time_limit_reached\": true") != std::string::npos);
    CHECK(json.out.find("\"verdict\": \"no-bug-found\"") != std::string::npos);
}
