// Ctrl-C and SIGTERM during a long run: a partial result, the conventional exit code, and no
// trial process left behind.
#include <doctest/doctest.h>
#include <signal.h>

#include <cerrno>

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
    CHECK(session.screen().find("CLEAN:") != std::string::npos);  // the summary so far
    CHECK(group_is_gone(session.pid()));
}

}  // namespace

TEST_CASE("SIGINT stops a long run with its partial result, exit 130, nothing left running") {
    interrupt_long_run(SIGINT, 130);
}

TEST_CASE("SIGTERM does the same with exit 143") {
    interrupt_long_run(SIGTERM, 143);
}

TEST_CASE("SIGINT during an exploration reports it incomplete") {
    TerminalSession session({"trie-race", "--threads", "4", "--explore", "--reduction", "none",
                             "--budget", "100000000"});
    REQUIRE(session.read_until("exploring"));
    session.send_signal(SIGINT);
    CHECK(session.wait_exit() == 130);
    CHECK(session.screen().find("INCOMPLETE") != std::string::npos);
}
