#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "cli/cli.hpp"

using namespace racedemo;

namespace {

// The message of the UsageError that parsing `args` throws ("" when it parses).
std::string usage_error(const std::vector<std::string>& args) {
    try {
        parse_command_line(args);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a scenario by name takes its own default threads and real mode") {
    Command command = parse_command_line({"trie-race"});
    CHECK(command.kind == Command::Kind::run);
    CHECK(command.scenario->name == "trie-race");
    CHECK(command.mode == Mode::real);
    CHECK(command.variant == Variant::unsafe);
    CHECK(command.threads == command.scenario->default_threads);
    CHECK(command.real.runs == 20);
}

TEST_CASE("common options are read") {
    Command command =
        parse_command_line({"3", "--threads", "8", "--runs", "50", "--fixed", "--timeout", "2.5",
                            "--json", "--color", "never", "--expect", "clean"});
    CHECK(command.scenario->number == 3);
    CHECK(command.threads == 8);
    CHECK(command.real.threads == 8);
    CHECK(command.real.runs == 50);
    CHECK(command.real.timeout_seconds == doctest::Approx(2.5));
    CHECK(command.variant == Variant::fixed);
    CHECK(command.json);
    CHECK(command.color == ColorChoice::never);
    CHECK(command.expect == Expectation::clean);
}

TEST_CASE("model options are read and imply model mode") {
    Command explore = parse_command_line(
        {"trie-race", "--explore", "--preemptions", "2", "--budget", "500", "--reduction", "none"});
    CHECK(explore.mode == Mode::model);
    CHECK(explore.model.strategy == Strategy::explore);
    CHECK(explore.model.preemption_bound == 2);
    CHECK(explore.model.budget == 500);
    CHECK(explore.model.reduction == Reduction::none);

    Command replay = parse_command_line({"trie-race", "--schedule", "1,2,2,1"});
    CHECK(replay.mode == Mode::model);
    CHECK(replay.model.strategy == Strategy::replay);
    CHECK(replay.model.schedule == std::vector<int>{1, 2, 2, 1});

    Command random = parse_command_line({"stack", "--mode", "model", "--seed", "42"});
    CHECK(random.model.strategy == Strategy::random);
    CHECK(random.model.seed == 42);
}

TEST_CASE("subcommands") {
    CHECK(parse_command_line({"list"}).kind == Command::Kind::list);
    Command explain = parse_command_line({"explain", "4"});
    CHECK(explain.kind == Command::Kind::explain);
    CHECK(explain.scenario->name == "stack");
    CHECK(parse_command_line({}).kind == Command::Kind::overview);
    CHECK(parse_command_line({"--help"}).kind == Command::Kind::help);
    Command explain_help = parse_command_line({"explain", "--help"});
    CHECK(explain_help.kind == Command::Kind::help);
    CHECK(explain_help.help_text.find("explain") != std::string::npos);
}

TEST_CASE("bad input is refused with a message that names the bad value") {
    struct Case {
        std::vector<std::string> args;
        std::string named;  // what the message must contain
    };
    const std::vector<Case> cases = {
        {{"tri-race"}, "'tri-race'"},
        {{"tri-race"}, "did you mean 'trie-race'"},
        {{"rwmutex_cach"}, "did you mean 'rwmutex-cache'"},
        {{"no-such-scenario"}, "'no-such-scenario' ('racedemo list' shows all)"},
        {{"explain", "nope"}, "'nope'"},
        {{"3", "--threads", "0"}, "--threads 0"},
        {{"3", "--threads", "-1"}, "--threads -1"},
        {{"3", "--threads", "abc"}, "--threads abc"},
        {{"3", "--threads", "99999999999999999999999"}, "--threads 99999999999999999999999"},
        {{"3", "--threads", "100000"}, "--threads 100000"},
        {{"3", "--threads", ""}, "--threads"},
        {{"3", "--threads", "2.5"}, "--threads 2.5"},
        {{"3", "--runs", "0"}, "--runs 0"},
        {{"3", "--runs", "x1"}, "--runs x1"},
        {{"3", "--timeout", "0"}, "--timeout 0"},
        {{"3", "--timeout", "nan"}, "--timeout nan"},
        {{"3", "--timeout", "inf"}, "--timeout inf"},
        {{"3", "--timeout", "-3"}, "--timeout -3"},
        {{"3", "--color", "purple"}, "'purple'"},
        {{"3", "--expect", "maybe"}, "'maybe'"},
        {{"3", "--mode", "fast"}, "'fast'"},
        {{"3", "--reduction", "magic"}, "'magic'"},
        {{"3", "--seed", "-4"}, "--seed -4"},
        {{"3", "--frobnicate"}, "--frobnicate"},
        {{"1", "--threads", "1"}, "at least 2"},
        {{"3", "--explore", "--schedule", "1,2"}, "--schedule"},
        {{"3", "--explore", "--mode", "real"}, "--explore"},
        {{"3", "--mode", "model", "--runs", "5"}, "--runs"},
        {{"3", "--schedule", "1,x,2"}, "position 2 is 'x'"},
        {{"3", "--schedule", "1,3"}, "position 2 names thread 3"},
        {{"3", "--schedule", "1,,2"}, "position 2 is ''"},
        {{"3", "--schedule", "0"}, "position 1 is '0'"},
        {{"3", "--preemptions", "2"}, "--preemptions"},
    };
    for (const Case& bad : cases) {
        INFO(fmt::format("{}", fmt::join(bad.args, " ")));
        std::string message = usage_error(bad.args);
        CHECK(!message.empty());
        CHECK(message.find(bad.named) != std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
    }
}

TEST_CASE("schedules parse strictly") {
    CHECK(parse_schedule("1", 2) == std::vector<int>{1});
    CHECK(parse_schedule("2,1,2", 2) == std::vector<int>{2, 1, 2});
    CHECK_THROWS_AS(parse_schedule("", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule("1,", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule(" 1", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule("1;2", 2), UsageError);
}

TEST_CASE("the replay command names the scenario, variant, threads and schedule") {
    Command command = parse_command_line({"trie-race", "--fixed", "--threads", "3", "--explore"});
    CHECK(replay_command(command, {1, 2, 3}) ==
          "racedemo trie-race --mode model --fixed --threads 3 --schedule 1,2,3");
}
