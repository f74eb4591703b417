// racedemo play: the student is the scheduler. Games are scripted through a pipe.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/play.hpp"
#include "process.hpp"
#include "racedemo/scenario.hpp"
#include "test_scale.hpp"

using racedemo::testing::run_racedemo;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a position: the steps so far, who can run, and each thread's next step") {
    const racedemo::Scenario& counter = *racedemo::find_scenario("counter");
    const racedemo::TrialConfig config{2, true, racedemo::RWPolicy::writer_preferring};
    auto position = racedemo::play_position(counter, racedemo::Variant::unsafe, config, {1});
    REQUIRE(position.trace.events.size() == 1);
    CHECK(position.trace.events[0].thread == 1);
    CHECK(position.next[0].op == racedemo::Op::write);
    CHECK(position.next[0].target == "hits");
    CHECK(position.next[1].op == racedemo::Op::read);
    CHECK(position.next[1].target == "hits");
    CHECK(position.state[1] == racedemo::PlayerThread::can_run);
    CHECK_FALSE(position.over);
    auto over = racedemo::play_position(counter, racedemo::Variant::unsafe, config, {1, 2, 2, 1});
    CHECK(over.over);
    CHECK(over.state[0] == racedemo::PlayerThread::finished);
    CHECK(has(racedemo::damage_note(over.trace.events[3].damage),
              "overwrites 1 written by T2 at step 3"));
    CHECK_THROWS(racedemo::play_position(counter, racedemo::Variant::unsafe, config, {1, 1, 1}));
}

TEST_CASE("play: a game that loses an update ends with the verdict, a replay and the shortest") {
    auto game = run_racedemo({"play", "counter"}, {}, "1\n2\n2\n1\n");
    REQUIRE(game.exit_code == 0);
    CHECK(has(game.out, "Goal: choose the steps so that the data is damaged"));
    CHECK(has(game.out, "CORRUPTED: counted 1 of 2 hits: 1 lost"));
    CHECK(has(game.out, "racedemo counter --mode model --threads 2 --schedule 1,2,2,1"));
    CHECK(has(game.out, "You needed 4 steps; the shortest corrupting schedule needs 4"));
    // The replay it printed does what the game did.
    auto replay = run_racedemo(
        {"counter", "--mode", "model", "--threads", "2", "--schedule", "1,2,2,1", "--json"});
    CHECK(nlohmann::json::parse(replay.out)["verdict"] == "corrupted");
}

TEST_CASE("play refuses a finished thread and a thread that does not exist, naming who can run") {
    auto game = run_racedemo({"play", "counter"}, {}, "1\n1\n1\n9\nx\nq\n");
    REQUIRE(game.exit_code == 0);
    CHECK(has(game.out, "T1 cannot take a step: it has finished; you can run T2."));
    CHECK(has(game.out, "There is no T9: the threads are T1 to T2."));
    CHECK(has(game.out, "Please type a thread number, u, r, q or ? (help)."));
    CHECK(has(game.out,
              "Your schedule so far:\n   racedemo counter --mode model --threads 2 "
              "--schedule 1,1\n"));
}

TEST_CASE("play: u undoes a step, r starts again, q quits with the schedule so far") {
    auto game = run_racedemo({"play", "counter"}, {}, "1\nu\n2\nr\n2\n2\nq\n");
    REQUIRE(game.exit_code == 0);
    CHECK(has(game.out, "--schedule 2,2\n"));
    auto nothing = run_racedemo({"play", "counter"}, {}, "u\nq\n");
    CHECK(has(nothing.out, "Nothing to undo."));
}

TEST_CASE("play: the threads can be deadlocked, and a thread waiting for a lock is blocked") {
    auto game = run_racedemo({"play", "lock-order"}, {}, "1\n2\n");
    REQUIRE(game.exit_code == 0);
    CHECK(has(game.out, "Goal: choose the steps so that the threads deadlock"));
    CHECK(has(game.out, "DEADLOCKED: T1 holds a.mu, waits for b.mu"));
    CHECK(has(game.out, "the shortest deadlocking schedule needs 2"));
    // T1 takes both locks; T2 chooses to wait for b.mu: then it is blocked, and refused.
    auto blocked = run_racedemo({"play", "lock-order"}, {}, "1\n1\n2\n2\nq\n");
    CHECK(has(blocked.out, "T2 next: lock b.mu (taken: its step would be to wait)"));
    CHECK(has(blocked.out, "lock b.mu: waits for T1"));
    CHECK(has(blocked.out, "T2 is blocked: lock b.mu waits until it can go on"));
    CHECK(has(blocked.out, "T2 cannot take a step: it is blocked; you can run T1."));
}

TEST_CASE("play works for every scenario, both variants: Enter plays a whole run to its end" *
          kCourseOutput) {
    const std::string enters(400, '\n');
    for (const racedemo::Scenario* scenario :
         racedemo::testing::sample_of(racedemo::scenarios())) {  // test_scale.hpp
        for (const char* variant : {"unsafe", "fixed"}) {
            std::vector<std::string> args = {"play", std::string(scenario->name)};
            if (std::string(variant) == "fixed") args.push_back("--fixed");
            CAPTURE(fmt::format("{} {}", scenario->name, variant));
            auto game = run_racedemo(args, {}, enters);
            REQUIRE(game.exit_code == 0);
            CHECK(has(game.out, "Goal: "));
            CHECK((has(game.out, "CLEAN: every thread finished") || has(game.out, "CORRUPTED:") ||
                   has(game.out, "DEADLOCKED:")));
        }
    }
}

TEST_CASE("play's options are checked") {
    CHECK(run_racedemo({"play"}).exit_code == 2);
    CHECK(run_racedemo({"play", "bogus"}).exit_code == 2);
    CHECK(run_racedemo({"play", "counter", "--threads", "9"}).exit_code == 2);
    CHECK(run_racedemo({"play", "counter", "--runs", "3"}).exit_code == 2);
}

TEST_CASE("play --html writes the page of the game when the run ends") {
    const std::string path = "racedemo-test-play.html";
    auto game = run_racedemo({"play", "counter", "--html", path}, {}, "1\n2\n2\n1\n");
    REQUIRE(game.exit_code == 0);
    CHECK(has(game.out, " page written: " + path));
    std::ifstream file(path);
    std::stringstream page;
    page << file.rdbuf();
    std::size_t steps = 0;
    for (std::size_t at = 0; (at = page.str().find("<tr data-step=", at)) != std::string::npos;
         ++at)
        ++steps;
    CHECK(steps == 4);  // the four steps the student chose
    CHECK(has(page.str(), "--schedule 1,2,2,1"));
    std::remove(path.c_str());
}
