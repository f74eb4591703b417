// The classroom: walkthrough (on a pipe and on a terminal) and the quiz.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/classroom.hpp"
#include "present/glossary.hpp"
#include "process.hpp"
#include "pty.hpp"
#include "test_scale.hpp"

using racedemo::testing::run_racedemo;
using racedemo::testing::TerminalSession;

TEST_CASE("walkthrough on a pipe runs straight through, CORRUPTED then CLEAN for each pair" *
          kCourseOutput) {
    // Under sanitizer scale, from the ninth scenario on (test_scale.hpp): early-return, whose
    // unsafe exploration deadlocks.
    const bool sample = racedemo::testing::sanitizer_scale();
    auto result = run_racedemo({"walkthrough", "--from", sample ? "9" : "3"});
    REQUIRE(result.exit_code == 0);
    const std::string& out = result.out;
    CHECK(out.find("-- Enter") == std::string::npos);  // no pauses without a terminal
    struct Pair {
        std::string name;
        std::string found;  // what the unsafe exploration finds
    };
    const std::vector<Pair> pairs = sample ? std::vector<Pair>{{"early-return", "DEADLOCKED"}}
                                           : std::vector<Pair>{{"trie-race", "CORRUPTED"},
                                                               {"stack", "CORRUPTED"},
                                                               {"rwmutex-cache", "CORRUPTED"}};
    for (const Pair& pair : pairs) {
        INFO(pair.name);
        auto unsafe = out.find("$ racedemo " + pair.name + " --mode model --explore\n");
        auto fixed = out.find("$ racedemo " + pair.name + " --fixed --mode model --explore\n");
        REQUIRE(unsafe != std::string::npos);
        REQUIRE(fixed != std::string::npos);
        CHECK(out.find(pair.found, unsafe) < fixed);  // the exploration finds the bug
        CHECK(out.find("CLEAN", fixed) != std::string::npos);
    }
    CHECK(out.find("unsafe-map") == std::string::npos);  // --from 3 skips 1 and 2
    CHECK(out.find("End of the walkthrough.") != std::string::npos);
}

TEST_CASE("walkthrough --only shows one scenario" * kCourseOutput) {
    // Under sanitizer scale, the last scenario, whose runs are the shortest (test_scale.hpp).
    const bool sample = racedemo::testing::sanitizer_scale();
    auto result =
        run_racedemo({"walkthrough", "--only", sample ? "read-only" : "mutex-map", "--no-pause"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find(sample ? "11 read-only" : "02 mutex-map") != std::string::npos);
    CHECK(result.out.find("trie-race") == std::string::npos);
    CHECK(result.out.find("CLEAN") != std::string::npos);
}

TEST_CASE("walkthrough on a terminal waits for Enter, advances, and q quits" * kCourseOutput) {
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
    // No input: the quiz says so and gives the command that prints the answers.
    CHECK(quiz.out.find("No answer came (the input ended). The answers:\n   racedemo stack") !=
          std::string::npos);
    CHECK(quiz.out == run_racedemo({"stack", "--quiz", "--seed", "5"}).out);
    auto answers = run_racedemo({"stack", "--quiz", "--seed", "5", "--answers"});
    CHECK(answers.out.find("A1.") != std::string::npos);
    CHECK(answers.out.find("A2.") != std::string::npos);
}

namespace {

// Types the answers when asked (both questions, whatever the first answer), and waits for the
// answers to be shown.
void answer_quiz(TerminalSession& session, const std::string& q1, const std::string& q2) {
    REQUIRE(session.read_until("Your answer to Q1"));
    session.type(q1);
    REQUIRE(session.read_until("Your answer to Q2"));
    session.type(q2);
    REQUIRE(session.read_until("A2."));
}

// counter's schedule 1,2,2,1: both read 0, T2 writes 1 at step 3, T1 writes 1 over it at step 4.
const std::vector<std::string> kCounterLost = {"counter", "--quiz", "--schedule", "1,2,2,1"};

// The right answers of a quiz, read from its --answers output: two lines a round, "yes" or "no"
// and a step or "none".
std::string right_answers(const std::string& answers_out) {
    std::string typed;
    std::size_t at = 0;
    while ((at = answers_out.find(" A1. ", at)) != std::string::npos) {
        const bool wrong = answers_out.compare(at + 5, 3, "yes") == 0;
        const std::size_t second = answers_out.find(" A2. ", at);
        const std::string step =
            answers_out.substr(second + 5, answers_out.find('\n', second) - second - 5);
        typed += wrong ? "yes\n" : "no\n";
        typed += step.rfind("step ", 0) == 0 ? step.substr(5) + "\n" : "none\n";
        at = second;
    }
    return typed;
}

// What each prompt took from a piped input, in order ("Q1 no", "Q2 none"): the quiz echoes each
// line after the prompt that read it.
std::vector<std::string> taken(const std::string& out) {
    const std::string prompt = " Your answer to Q";
    std::vector<std::string> lines;
    for (std::size_t at = out.find(prompt); at != std::string::npos;
         at = out.find(prompt, at + 1)) {
        const std::size_t answer = out.find("): ", at) + 3;
        lines.push_back(fmt::format("Q{} {}", out[at + prompt.size()],
                                    out.substr(answer, out.find('\n', answer) - answer)));
    }
    return lines;
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

}  // namespace

TEST_CASE("a quiz on a terminal takes the student's answers and scores them") {
    // The shortest corrupting trie schedule: T1 reads, T2 inserts "git" whole, T1 overwrites
    // root['g'] at step 9.
    TerminalSession session({"trie-race", "--quiz", "--schedule", "1,2,2,2,2,2,2,2,1,1,1,1"});
    answer_quiz(session, "yes", "9");
    CHECK(session.screen().find("Q1 right: it goes wrong at step 9") != std::string::npos);
    CHECK(session.screen().find("Q2 right: the damage starts at step 9") != std::string::npos);
    CHECK(session.wait_exit() == 0);
}

TEST_CASE("a quiz run that deadlocks went wrong: it is never called clean") {
    // lock-order's two transfers each take their first lock: neither can take its second.
    auto answers = run_racedemo({"lock-order", "--quiz", "--schedule", "1,2", "--answers"});
    CHECK(answers.exit_code == 0);
    CHECK(answers.out.find("A1. yes, it deadlocks: T1 holds a.mu") != std::string::npos);
    CHECK(answers.out.find("this run is clean") == std::string::npos);
    CHECK(answers.out.find("A2. none: no step does damage") != std::string::npos);

    TerminalSession session({"lock-order", "--quiz", "--schedule", "1,2"});
    answer_quiz(session, "yes", "");  // nothing damaged: no step
    CHECK(session.screen().find("Q1 right: it goes wrong: the threads are stuck for ever") !=
          std::string::npos);
    CHECK(session.screen().find("Q2 right") != std::string::npos);
    CHECK(session.wait_exit() == 0);
}

TEST_CASE("a quiz takes only yes, y, no or n, and asks again for anything else") {
    auto quiz = run_racedemo(kCounterLost, {}, "maybe\n\nYes\n4\n");
    CHECK(quiz.exit_code == 0);
    std::size_t asked_again = 0;
    for (std::size_t at = 0;
         (at = quiz.out.find("please answer yes or no", at)) != std::string::npos; ++at)
        ++asked_again;
    CHECK(asked_again == 2);  // "maybe" and the empty line
    CHECK(quiz.out.find("Q1 right") != std::string::npos);
    CHECK(quiz.out.find("Q2 right") != std::string::npos);
    // A step outside the run is asked again too.
    auto step = run_racedemo(kCounterLost, {}, "y\n9\nfour\n4\n");
    CHECK(step.out.find("please answer with a step from 1 to 4, or none") != std::string::npos);
    CHECK(step.out.find("Q2 right") != std::string::npos);
}

TEST_CASE("piped answers stay in step: each line is taken by the question it answers") {
    struct Piped {
        std::vector<std::string> args;
        std::string input;
        std::vector<std::string> taken;  // by the prompts, in order
        std::string graded;              // a grade it ends with
    };
    const std::vector<std::string> deadlock = {"lock-order", "--quiz", "--schedule", "1,2"};
    const std::vector<std::string> clean = {"counter", "--quiz", "--schedule", "1,1,2,2"};
    const std::vector<Piped> cases = {
        // After a no, Q2 is asked all the same: "none" is its answer, not the next question's.
        {kCounterLost, "no\nnone\n", {"Q1 no", "Q2 none"}, "Q2 wrong: you said none"},
        {clean, "no\nnone\n", {"Q1 no", "Q2 none"}, "Q2 right: no step damages the data"},
        {clean, "n\n\n", {"Q1 n", "Q2 "}, "Q2 right"},  // an empty line is none
        {kCounterLost, "no\n4\n", {"Q1 no", "Q2 4"}, "Q2 right: the damage starts at step 4"},
        // A deadlock damages nothing, and Q2 is still asked: none is right.
        {deadlock, "yes\nnone\n", {"Q1 yes", "Q2 none"}, "Q2 right: nothing is damaged"},
        // An answer asked again takes its own line only, at either question.
        {kCounterLost,
         "maybe\nno\nfour\n4\n",
         {"Q1 maybe", "Q1 no", "Q2 four", "Q2 4"},
         "Q2 right"},
        {kCounterLost, "yes\n9\n\n", {"Q1 yes", "Q2 9", "Q2 "}, "Q2 wrong: you said none"},
    };
    for (const Piped& piped : cases) {
        CAPTURE(fmt::format("{}", fmt::join(piped.args, " ")));
        CAPTURE(piped.input);
        const auto quiz = run_racedemo(piped.args, {}, piped.input);
        INFO(quiz.out);
        CHECK(quiz.exit_code == 0);
        CHECK(taken(quiz.out) == piped.taken);
        CHECK(quiz.out.find(piped.graded) != std::string::npos);
        CHECK(quiz.out.find("No answer came") == std::string::npos);
        CHECK(count_of(quiz.out, "please answer") ==
              piped.taken.size() - 2);  // one for each line asked again
    }
}

TEST_CASE("piped answers stay in step over rounds: two lines a round, Q2 always asked") {
    const std::vector<std::string> quiz = {"counter", "--quiz", "--rounds", "6", "--seed", "3"};
    std::vector<std::string> with_answers = quiz;
    with_answers.push_back("--answers");
    const auto answers = run_racedemo(with_answers);
    REQUIRE(answers.exit_code == 0);
    REQUIRE(answers.out.find(" A1. no") != std::string::npos);  // clean rounds among them
    const std::string typed = right_answers(answers.out);
    std::vector<std::string> right;
    for (std::size_t at = 0; at < typed.size(); at = typed.find('\n', at) + 1)
        right.push_back(typed.substr(at, typed.find('\n', at) - at));
    REQUIRE(right.size() == 12);
    // Every line taken by its own question, in order: Q1, Q2, Q1, Q2, ...
    const auto all_right = run_racedemo(quiz, {}, fmt::format("{}\n", fmt::join(right, "\n")));
    std::vector<std::string> expected;
    for (std::size_t line = 0; line < right.size(); ++line)
        expected.push_back(fmt::format("Q{} {}", 1 + line % 2, right[line]));
    CHECK(taken(all_right.out) == expected);
    CHECK(all_right.out.find("Score: 12 of 12 answers right") != std::string::npos);
    // Three rounds answered anyhow (a no with a step, a yes with none, a line asked again), then
    // the last three right: still in step, every round graded whole.
    const std::vector<std::string> last(right.begin() + 6, right.end());
    const auto mixed = run_racedemo(
        quiz, {}, fmt::format("no\n1\nyes\nnone\nmaybe\nyes\n2\n{}\n", fmt::join(last, "\n")));
    INFO(mixed.out);
    CHECK(count_of(mixed.out, "Your answer to Q2") == 6);
    CHECK(count_of(mixed.out, "please answer") == 1);
    const std::vector<std::string> all_taken = taken(mixed.out);
    REQUIRE(all_taken.size() == 13);  // 12 answers and the line asked again
    CHECK(std::vector<std::string>(all_taken.begin() + 7, all_taken.end()) ==
          std::vector<std::string>(expected.begin() + 6, expected.end()));
    CHECK(mixed.out.find(" of 12 answers right\n") != std::string::npos);
    CHECK(mixed.out.find("No answer came") == std::string::npos);
}

TEST_CASE("every grade says why, with the evidence and the damaging step") {
    auto said_no = run_racedemo(kCounterLost, {}, "no\nnone\n");
    CHECK(said_no.out.find(
              "Q1 wrong: it goes wrong at step 4: T1 overwrites 1 written by T2 at step 3:") !=
          std::string::npos);
    CHECK(said_no.out.find("counted 1 of 2 hits: 1 lost") != std::string::npos);
    CHECK(said_no.out.find("Q2 wrong: you said none; the damage starts at step 4") !=
          std::string::npos);
    auto early = run_racedemo(kCounterLost, {}, "yes\n3\n");
    CHECK(early.out.find("Q2 wrong: you said step 3; the damage starts at step 4") !=
          std::string::npos);
    // A clean run: 'no' is right, and the reason says so.
    auto clean = run_racedemo({"counter", "--quiz", "--schedule", "1,1,2,2"}, {}, "no\nnone\n");
    CHECK(clean.out.find("Q1 right: this run is clean") != std::string::npos);
    CHECK(clean.out.find("Q2 right: no step damages the data") != std::string::npos);
}

TEST_CASE("a quiz without a seed asks about a run that goes wrong, the same one every time") {
    for (const char* name : {"unsafe-map", "trie-race", "stack", "rwmutex-cache", "counter",
                             "job-queue", "lock-order", "early-return", "rwmutex-recursive"}) {
        CAPTURE(name);
        auto answers = run_racedemo({name, "--quiz", "--answers"});
        REQUIRE(answers.exit_code == 0);
        CHECK(answers.out.find(" A1. yes") != std::string::npos);
        CHECK(answers.out == run_racedemo({name, "--quiz", "--answers"}).out);
    }
}

TEST_CASE("--quiz --rounds N asks N questions, clean and wrong runs mixed, and scores them") {
    const std::vector<std::string> quiz = {"counter", "--quiz", "--rounds", "4"};
    std::vector<std::string> with_answers = quiz;
    with_answers.push_back("--answers");
    const auto answers = run_racedemo(with_answers);
    REQUIRE(answers.exit_code == 0);
    CHECK(answers.out.find("question 4 of 4") != std::string::npos);
    CHECK(answers.out.find(" A1. yes") != std::string::npos);
    CHECK(answers.out.find(" A1. no") != std::string::npos);
    // Answered right, every answer scores; answered 'no' throughout, only the clean ones do.
    const auto all_right = run_racedemo(quiz, {}, right_answers(answers.out));
    CHECK(all_right.out.find("Score: 8 of 8 answers right") != std::string::npos);
    const auto all_no = run_racedemo(quiz, {}, "no\nnone\nno\nnone\nno\nnone\nno\nnone\n");
    CHECK(all_no.out.find("Score: 4 of 8 answers right") != std::string::npos);
    // Input that ends early: the score so far, and how far it got.
    const auto half = run_racedemo(quiz, {}, "no\nnone\nno\nnone\n");
    CHECK(half.out.find("(2 of 4 questions answered before the input ended)") != std::string::npos);
}

TEST_CASE("quiz options are checked") {
    CHECK(run_racedemo({"trie-race", "--quiz", "--mode", "real"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--quiz", "--explore"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--answers"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--rounds", "3"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--quiz", "--rounds", "0"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--quiz", "--rounds", "3", "--schedule", "1,2"}).exit_code ==
          2);
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

TEST_CASE("every word a scenario uses is in the glossary") {
    for (const racedemo::Scenario* scenario : racedemo::scenarios())
        for (const std::string_view term : scenario->terms) {
            if (term.empty()) continue;
            CAPTURE(scenario->name);
            CAPTURE(term);
            CHECK(racedemo::glossary_meaning(term).has_value());
        }
}

TEST_CASE("the walkthrough defines each word where the course first uses it, once" *
          kCourseOutput) {
    auto result = run_racedemo({"walkthrough", "--no-pause", "--from", "8"});
    REQUIRE(result.exit_code == 0);
    const std::string& out = result.out;
    const std::size_t defined = out.find("\n  deadlock: Threads blocked for ever");
    REQUIRE(defined != std::string::npos);
    CHECK(out.find("\n  deadlock: ", defined + 1) == std::string::npos);  // not again at 09
    CHECK(defined < out.find("$ racedemo lock-order"));                   // before the runs
    CHECK(out.find("\n  writer-preferring: ") > out.find("=== 3 of 3: 10 rwmutex-recursive"));
}

TEST_CASE("on a terminal, TERM=dumb and NO_COLOR turn colour off on every path; others get it") {
    // Each command line, read on a terminal up to the text it shows first (a prompt, or the end).
    struct Path {
        std::vector<std::string> args;
        std::string shown;
    };
    const std::vector<Path> paths = {
        {{"glossary"}, "\x01never"},
        {{"explain", "3"}, "\x01never"},
        {{"3", "--mode", "model", "--explore"}, "\x01never"},
        {{"walkthrough", "--only", "3"}, "-- Enter"},
        {{"play", "3"}, "T1"},
    };
    const std::string escape = "\x1b[";
    for (const Path& path : paths) {
        INFO(fmt::format("racedemo {}", fmt::join(path.args, " ")));
        for (const char* plain : {"TERM=dumb", "NO_COLOR=1"}) {
            INFO(plain);
            TerminalSession session(path.args, {"TERM=xterm", plain});
            session.read_until(path.shown);
            CHECK(session.screen().find(escape) == std::string::npos);
        }
        TerminalSession coloured(path.args, {"TERM=xterm"});
        coloured.read_until(path.shown);
        CHECK(coloured.screen().find(escape) != std::string::npos);
    }
}
