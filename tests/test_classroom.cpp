// The classroom: walkthrough (on a pipe and on a terminal) and the quiz.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/classroom.hpp"
#include "process.hpp"
#include "pty.hpp"

using racedemo::testing::run_racedemo;
using racedemo::testing::TerminalSession;

TEST_CASE("walkthrough on a pipe runs straight through, CORRUPTED then CLEAN for each pair") {
    auto result = run_racedemo({"walkthrough", "--from", "3"});
    REQUIRE(result.exit_code == 0);
    const std::string& out = result.out;
    CHECK(out.find("-- Enter") == std::string::npos);  // no pauses without a terminal
    for (std::string name : {"trie-race", "stack", "rwmutex-cache"}) {
        INFO(name);
        auto unsafe = out.find("$ racedemo " + name + " --mode model --explore\n");
        auto fixed = out.find("$ racedemo " + name + " --fixed --mode model --explore\n");
        REQUIRE(unsafe != std::string::npos);
        REQUIRE(fixed != std::string::npos);
        CHECK(out.find("CORRUPTED", unsafe) < fixed);  // the exploration finds the bug
        CHECK(out.find("CLEAN", fixed) != std::string::npos);
    }
    CHECK(out.find("unsafe-map") == std::string::npos);  // --from 3 skips 1 and 2
    CHECK(out.find("End of the walkthrough.") != std::string::npos);
}

TEST_CASE("walkthrough --only shows one scenario") {
    auto result = run_racedemo({"walkthrough", "--only", "mutex-map", "--no-pause"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("02 mutex-map") != std::string::npos);
    CHECK(result.out.find("trie-race") == std::string::npos);
    CHECK(result.out.find("CLEAN") != std::string::npos);
}

TEST_CASE("walkthrough on a terminal waits for Enter, advances, and q quits") {
    TerminalSession session({"walkthrough", "--only", "3"});
    REQUIRE(session.read_until("-- Enter"));
    // It stopped after the lesson: the first run has not started.
    CHECK(session.screen().find("$ racedemo trie-race") == std::string::npos);
    CHECK(session.screen().find("Insert walks the key") != std::string::npos);
    session.type("");
    REQUIRE(session.read_until("-- Enter"));
    CHECK(session.screen().find("$ racedemo trie-race\r\n") !=
          std::string::npos);  // a terminal ends lines with CR LF
    CHECK(session.screen().find("$ racedemo trie-race --mode model") == std::string::npos);
    session.type("q");
    CHECK(session.wait_exit() == 0);
    CHECK(session.screen().find("$ racedemo trie-race --mode model") == std::string::npos);
}

TEST_CASE("a quiz hides the values, asks, and the same seed gives the same quiz") {
    auto quiz = run_racedemo({"stack", "--quiz", "--seed", "5"});
    CHECK(quiz.exit_code == 0);
    CHECK(quiz.out.find("-> ?") != std::string::npos);
    CHECK(quiz.out.find("Q1.") != std::string::npos);
    CHECK(quiz.out.find("A1.") == std::string::npos);
    CHECK(quiz.out == run_racedemo({"stack", "--quiz", "--seed", "5"}).out);
    auto answers = run_racedemo({"stack", "--quiz", "--seed", "5", "--answers"});
    CHECK(answers.out.find("A1.") != std::string::npos);
    CHECK(answers.out.find("A2.") != std::string::npos);
}

namespace {

// Types the two answers when asked, and waits for the answers to be shown.
void answer_quiz(TerminalSession& session, const std::string& q1, const std::string& q2) {
    REQUIRE(session.read_until("Your answer to Q1:"));
    session.type(q1);
    REQUIRE(session.read_until("Your answer to Q2:"));
    session.type(q2);
    REQUIRE(session.read_until("A2."));
}

}  // namespace

TEST_CASE("a quiz on a terminal takes the student's answers and scores them") {
    // The shortest corrupting trie schedule: T1 reads, T2 inserts "git" whole, T1 overwrites
    // root['g'] at step 9.
    TerminalSession session({"trie-race", "--quiz", "--schedule", "1,2,2,2,2,2,2,2,1,1,1,1"});
    answer_quiz(session, "yes", "9");
    CHECK(session.screen().find("Q1 right   Q2 right") != std::string::npos);
    CHECK(session.screen().find("step 9") != std::string::npos);
    CHECK(session.wait_exit() == 0);
}

TEST_CASE("a quiz run that deadlocks went wrong: it is never called clean") {
    // lock-order's two transfers each take their first lock: neither can take its second.
    auto answers = run_racedemo({"lock-order", "--quiz", "--schedule", "1,2", "--answers"});
    CHECK(answers.exit_code == 0);
    CHECK(answers.out.find("A1. yes, it deadlocks: T1 holds a.mu") != std::string::npos);
    CHECK(answers.out.find("this run is clean") == std::string::npos);
    CHECK(answers.out.find("A2. no step does damage") != std::string::npos);

    TerminalSession session({"lock-order", "--quiz", "--schedule", "1,2"});
    answer_quiz(session, "yes", "");  // nothing damaged: no step
    CHECK(session.screen().find("Q1 right   Q2 right") != std::string::npos);
    CHECK(session.wait_exit() == 0);
}

TEST_CASE("quiz options are checked") {
    CHECK(run_racedemo({"trie-race", "--quiz", "--mode", "real"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--quiz", "--explore"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--answers"}).exit_code == 2);
}

TEST_CASE("--expect with --quiz checks the quiz run's verdict: 0 when it agrees, 3 when not") {
    // The answers tell whether seed 5's run corrupts; the expectation is checked against that.
    auto answers = run_racedemo({"stack", "--quiz", "--seed", "5", "--answers"});
    REQUIRE(answers.exit_code == 0);
    const bool corrupts = answers.out.find("A1. yes") != std::string::npos;
    REQUIRE((corrupts || answers.out.find("A1. no") != std::string::npos));
    const std::string right = corrupts ? "corrupt" : "clean";
    const std::string wrong = corrupts ? "clean" : "corrupt";
    auto agreeing = run_racedemo({"stack", "--quiz", "--seed", "5", "--expect", right});
    CHECK(agreeing.exit_code == 0);
    CHECK(agreeing.out.find("Q1.") != std::string::npos);  // the quiz was still asked
    auto differing = run_racedemo({"stack", "--quiz", "--seed", "5", "--expect", wrong});
    CHECK(differing.exit_code == 3);
    CHECK(differing.err.find("expected " + wrong) != std::string::npos);
    // A replayed quiz with a known bad schedule: the trie loses a key (see the test above).
    auto replayed = run_racedemo(
        {"trie-race", "--quiz", "--schedule", "1,2,2,2,2,2,2,2,1,1,1,1", "--expect", "clean"});
    CHECK(replayed.exit_code == 3);
    CHECK(replayed.err.find("verdict is CORRUPTED") != std::string::npos);
}

TEST_CASE(
    "the walkthrough sets read-only right after unsafe-map, and --from counts in that order") {
    auto names = [](const racedemo::WalkthroughOptions& options) {
        std::vector<std::string_view> shown;
        for (const racedemo::Scenario* scenario : racedemo::walkthrough_course(options))
            shown.push_back(scenario->name);
        return shown;
    };
    racedemo::WalkthroughOptions all;
    const std::vector<std::string_view> course = names(all);
    REQUIRE(course.size() == racedemo::scenarios().size());
    CHECK(course[0] == "unsafe-map");
    CHECK(course[1] == "read-only");
    CHECK(course[2] == "mutex-map");
    racedemo::WalkthroughOptions from_two;
    from_two.from = 2;
    CHECK(names(from_two).front() == "mutex-map");  // read-only comes before 02 in this order
    racedemo::WalkthroughOptions only;
    only.only = 11;
    CHECK(names(only) == std::vector<std::string_view>{"read-only"});
}
