// The command line, parsed without running anything: argv in, a typed request (or one line of
// refusal) out.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "cli/parse.hpp"
#include "cli/terminal.hpp"

using namespace racedemo;

namespace {

// The message of the UsageError that parsing `args` throws ("" when it parses).
std::string usage_error(const std::vector<std::string>& args) {
    try {
        parse_request(args);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "";
}

RunRequest run_of(const std::vector<std::string>& args) {
    Request request = parse_request(args);
    REQUIRE(std::holds_alternative<RunRequest>(request));
    return std::get<RunRequest>(request);
}

std::string help_of(const std::vector<std::string>& args) {
    Request request = parse_request(args);
    REQUIRE(std::holds_alternative<HelpRequest>(request));
    return std::get<HelpRequest>(request).text;
}

}  // namespace

TEST_CASE("a scenario by name takes its own default threads and real mode") {
    RunRequest run = run_of({"trie-race"});
    CHECK(run.scenario->name == "trie-race");
    CHECK(run.runner == Runner::real);
    CHECK(run.mode() == Mode::real);
    CHECK(run.variant == Variant::unsafe);
    CHECK(run.threads == run.scenario->default_threads);
    CHECK(run.real.runs == 20);
    CHECK(run.expect == Expectation::none);
}

TEST_CASE("common options are read") {
    RunRequest run = run_of({"3", "--threads", "8", "--runs", "50", "--fixed", "--timeout", "2.5",
                             "--json", "--expect", "clean"});
    CHECK(run.scenario->number == 3);
    CHECK(run.threads == 8);
    CHECK(run.real.threads == 8);
    CHECK(run.real.runs == 50);
    CHECK(run.real.timeout_seconds == doctest::Approx(2.5));
    CHECK(run.variant == Variant::fixed);
    CHECK(run.json);
    CHECK(run.expect == Expectation::clean);
    CHECK(run_of({"3", "--color", "never"}).color == ColorChoice::never);
    CHECK(run_of({"3", "--color", "always"}).color == ColorChoice::always);
    CHECK(run_of({"3", "--threads=5"}).threads == 5);
    // Numbers are decimal: a leading zero is not octal.
    CHECK(run_of({"3", "--threads", "010"}).threads == 10);
}

TEST_CASE("model options are read and imply model mode") {
    RunRequest explore = run_of(
        {"trie-race", "--explore", "--preemptions", "2", "--budget", "500", "--reduction", "none"});
    CHECK(explore.runner == Runner::model);
    CHECK(explore.model.strategy == Strategy::explore);
    CHECK(explore.model.preemption_bound == 2);
    CHECK(explore.model.budget == 500);
    CHECK(explore.model.reduction == Reduction::none);
    CHECK(run_of({"3", "--strategy", "explore", "--reduction", "reads-from"}).model.reduction ==
          Reduction::reads_from);
    CHECK(run_of({"3", "--explore"}).model.reduction == ModelOptions{}.reduction);

    RunRequest replay = run_of({"trie-race", "--schedule", "1,2,2,1"});
    CHECK(replay.runner == Runner::model);
    CHECK(replay.model.strategy == Strategy::replay);
    CHECK(replay.model.schedule == std::vector<int>{1, 2, 2, 1});

    RunRequest random = run_of({"stack", "--mode", "model", "--seed", "42"});
    CHECK(random.model.strategy == Strategy::random);
    CHECK(random.model.seed == 42);
    CHECK(random.model.runs == 1);

    RunRequest series = run_of({"stack", "--mode", "model", "--runs", "300"});
    CHECK(series.model.strategy == Strategy::random);
    CHECK(series.model.runs == 300);

    RunRequest pct = run_of({"6", "--strategy", "pct", "--depth", "5", "--runs", "100"});
    CHECK(pct.runner == Runner::model);
    CHECK(pct.model.strategy == Strategy::pct);
    CHECK(pct.model.pct_depth == 5);
    CHECK(pct.model.runs == 100);
    CHECK(run_of({"6", "--strategy", "pct"}).model.pct_depth == 3);
    CHECK(run_of({"6", "--seed", "18446744073709551615"}).model.seed == UINT64_MAX);
}

TEST_CASE("other runners: detector and bench") {
    RunRequest detector = run_of({"3", "--detector", "tsan"});
    CHECK(detector.runner == Runner::detector);
    CHECK(detector.real.runs == 2);  // its own default
    CHECK(run_of({"3", "--detector", "tsan", "--runs", "5"}).real.runs == 5);
    CHECK(run_of({"rwmutex-cache", "--bench"}).runner == Runner::bench);
}

TEST_CASE("quiz and answers") {
    RunRequest quiz = run_of({"stack", "--quiz", "--seed", "5", "--expect", "corrupt"});
    CHECK(quiz.quiz);
    CHECK(quiz.runner == Runner::model);
    CHECK(quiz.expect == Expectation::corrupt);
    CHECK(run_of({"stack", "--quiz", "--answers"}).answers);
    // A seed given is the quiz's run; without one, or for several rounds, the quiz picks.
    CHECK_FALSE(quiz.quiz_picks_seeds);
    CHECK(quiz.quiz_rounds == 1);
    CHECK(run_of({"stack", "--quiz"}).quiz_picks_seeds);
    const RunRequest rounds = run_of({"stack", "--quiz", "--rounds", "5", "--seed", "9"});
    CHECK(rounds.quiz_picks_seeds);
    CHECK(rounds.quiz_rounds == 5);
    CHECK(rounds.model.seed == 9);
    CHECK_FALSE(run_of({"stack", "--quiz", "--schedule", "1,2"}).quiz_picks_seeds);
}

TEST_CASE("--expect takes corrupt, clean or deadlocked, and a replay command keeps it") {
    RunRequest deadlocked = run_of({"counter", "--mode", "model", "--expect", "deadlocked"});
    CHECK(deadlocked.expect == Expectation::deadlocked);
    CHECK(command_line(deadlocked).find("--expect deadlocked") != std::string::npos);
}

TEST_CASE("subcommands") {
    CHECK(std::holds_alternative<ListRequest>(parse_request({"list"})));
    CHECK(std::holds_alternative<GlossaryRequest>(parse_request({"glossary"})));
    CHECK(usage_error({"glossary", "--threads", "2"}) ==
          "--threads is not an option of 'glossary'");
    Request explain = parse_request({"explain", "4"});
    REQUIRE(std::holds_alternative<ExplainRequest>(explain));
    CHECK(std::get<ExplainRequest>(explain).scenario->name == "stack");
    CHECK(std::get<ExplainRequest>(parse_request({"explain", "stack", "--markdown"})).markdown);
    Request overview = parse_request({});
    REQUIRE(std::holds_alternative<HelpRequest>(overview));
    CHECK(std::get<HelpRequest>(overview).text.find("trie-race") != std::string::npos);
    CHECK(help_of({"--help"}).find("Usage") != std::string::npos);
    CHECK(help_of({"explain", "--help"}).find("explain") != std::string::npos);
    Request walk = parse_request({"walkthrough", "--from", "stack", "--no-pause"});
    REQUIRE(std::holds_alternative<WalkthroughRequest>(walk));
    CHECK(std::get<WalkthroughRequest>(walk).from == 4);
    CHECK(!std::get<WalkthroughRequest>(walk).pause);
    CHECK(std::get<WalkthroughRequest>(parse_request({"walkthrough", "--only", "2"})).only == 2);
}

TEST_CASE("each scenario's --help is its own page, by name and by number") {
    for (const Scenario* scenario : scenarios()) {
        const std::string name(scenario->name);
        INFO(name);
        const std::string page = help_of({name, "--help"});
        CHECK(page.find(name) != std::string::npos);
        CHECK(page.find(std::string(scenario->summary)) != std::string::npos);
        // Its default threads, shown with --threads.
        const std::size_t threads = page.find("--threads");
        REQUIRE(threads != std::string::npos);
        CHECK(page.find(fmt::format("={}", scenario->default_threads), threads) <
              page.find('\n', threads));
        // A scenario with only a safe program offers no "fix" to explore.
        const std::string explore =
            scenario->unsafe != nullptr ? " --fixed --explore " : " --explore ";
        CHECK(page.find("racedemo " + name + explore) != std::string::npos);
        CHECK(page.find("--strategy") != std::string::npos);
        // --bench is offered only where there is something to measure.
        CHECK((page.find("--bench") != std::string::npos) == (scenario->bench != nullptr));
        CHECK(help_of({std::to_string(scenario->number), "--help"}) == page);
    }
}

TEST_CASE("each command's --help ends with examples of its own, each a command line that parses") {
    for (const std::string command : {"explain", "play", "check", "walkthrough"}) {
        CAPTURE(command);
        const std::string page = help_of({command, "--help"});
        const std::size_t examples = page.find("\nExamples:\n");
        REQUIRE(examples != std::string::npos);
        int own = 0;
        std::size_t start = examples + 1;
        while (start < page.size()) {
            const std::size_t end = std::min(page.find('\n', start), page.size());
            const std::string line = page.substr(start, end - start);
            start = end + 1;
            CHECK(line.size() <= 100);  // CLI11 does not wrap a footer
            if (line.rfind("  racedemo ", 0) != 0) continue;
            // Its own command, never the main page's examples; the words before the two spaces
            // that start what it does are a command line racedemo takes.
            CAPTURE(line);
            CHECK(line.rfind("  racedemo " + command + " ", 0) == 0);
            const std::string typed = line.substr(11, line.find("  ", 11) - 11);
            std::vector<std::string> words;
            for (std::size_t at = 0; at <= typed.size();) {
                const std::size_t space = std::min(typed.find(' ', at), typed.size());
                words.push_back(typed.substr(at, space - at));
                at = space + 1;
            }
            CHECK(usage_error(words) == "");
            CHECK(line.size() > typed.size() + 13);  // and a few words on what it does
            ++own;
        }
        CHECK(own >= 2);
    }
}

TEST_CASE("bad values are refused with one line that names the option and the value") {
    struct Case {
        std::vector<std::string> args;
        std::string named;  // what the message must contain
    };
    const std::vector<Case> cases = {
        {{"tri-race"}, "'tri-race'"},
        {{"tri-race"}, "did you mean 'trie-race'"},
        {{"rwmutex_cach"}, "did you mean 'rwmutex-cache'"},
        {{"no-such-scenario"}, "'no-such-scenario': 'racedemo list' shows them all"},
        {{"explain", "nope"}, "'nope'"},
        {{"walkthrough", "--only", "99"}, "'99'"},
        {{"3", "--threads", "0"}, "--threads 0: must be from 1 to 64"},
        {{"3", "--threads", "-1"}, "--threads -1"},
        {{"3", "--threads", "abc"}, "--threads abc: not a whole number"},
        {{"3", "--threads", "99999999999999999999999"}, "--threads 99999999999999999999999"},
        {{"3", "--threads", "100000"}, "--threads 100000"},
        {{"3", "--threads", ""}, "--threads '': not a whole number"},
        {{"3", "--threads", "2.5"}, "--threads 2.5"},
        {{"3", "--threads", " 2"}, "--threads  2"},
        {{"3", "--threads", "0x10"}, "--threads 0x10"},
        {{"3", "--threads", "true"}, "--threads true"},
        {{"1", "--threads", "1"}, "--threads 1: unsafe-map needs at least 2 threads"},
        {{"3", "--runs", "0"}, "--runs 0"},
        {{"3", "--runs", "x1"}, "--runs x1"},
        {{"3", "--runs", "1000001"}, "--runs 1000001"},
        {{"3", "--timeout", "0"}, "--timeout 0"},
        {{"3", "--timeout", "nan"}, "--timeout nan"},
        {{"3", "--timeout", "inf"}, "--timeout inf"},
        {{"3", "--timeout", "-3"}, "--timeout -3"},
        {{"3", "--timeout", "3601"}, "--timeout 3601"},
        {{"3", "--color", "purple"}, "--color 'purple': not one of auto, always, never"},
        {{"3", "--expect", "maybe"}, "--expect 'maybe'"},
        {{"3", "--mode", "fast"}, "--mode 'fast'"},
        {{"3", "--mode", "0"}, "--mode '0'"},  // not the enum's number either
        {{"3", "--strategy", "dfs"}, "--strategy 'dfs': not one of random, pct, explore"},
        {{"3", "--strategy", "replay"}, "--strategy 'replay'"},
        {{"3", "--reduction", "magic"},
         "--reduction 'magic': not one of auto, none, dpor, reads-from"},
        {{"3", "--detector", "helgrind"}, "--detector 'helgrind'"},
        {{"3", "--seed", "-4"}, "--seed -4"},
        {{"3", "--seed", "18446744073709551616"}, "--seed 18446744073709551616: must be from 0"},
        {{"3", "--strategy", "pct", "--depth", "0"}, "--depth 0: must be from 1 to 20"},
        {{"3", "--strategy", "pct", "--depth", "21"}, "--depth 21"},
        {{"3", "--explore", "--budget", "0"}, "--budget 0"},
        {{"3", "--explore", "--preemptions", "-2"}, "--preemptions -2"},
        {{"3", "--schedule", "1,x,2"}, "position 2 is 'x'"},
        {{"3", "--schedule", "1,3"}, "position 2 names thread 3"},
        {{"3", "--schedule", "1,,2"}, "position 2 is ''"},
        {{"3", "--schedule", "0"}, "position 1 is '0'"},
        {{"3", "--frobnicate"}, "--frobnicate is not an option of 'trie-race'"},
        {{"3", "extra"}, "unexpected argument 'extra' to 'trie-race'"},
        {{"list", "--threads", "3"}, "--threads is not an option of 'list'"},
        {{"list", "3"}, "'3' after 'list': give one command at a time"},
        {{"explain", "3", "--threads", "2"}, "--threads is not an option of 'explain'"},
        {{"--threads", "3"}, "--threads is not an option of racedemo itself"},
        {{"3", "--bench"}, "--bench: trie-race has nothing to measure"},
    };
    for (const Case& bad : cases) {
        INFO(fmt::format("{}", fmt::join(bad.args, " ")));
        const std::string message = usage_error(bad.args);
        CHECK(message.find(bad.named) != std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
    }
}

TEST_CASE("no option is accepted and then ignored: each is refused where it has no effect") {
    // Each row: a command line, and the option its one-line refusal must name first.
    struct Case {
        std::vector<std::string> args;
        std::string refused;
    };
    const std::vector<Case> cases = {
        // explore-only options outside an exploration
        {{"counter", "--mode", "model", "--reduction", "none"}, "--reduction has no effect"},
        {{"counter", "--reduction", "dpor"}, "--reduction has no effect"},
        {{"counter", "--strategy", "pct", "--reduction", "none"}, "--reduction has no effect"},
        {{"3", "--preemptions", "2"}, "--preemptions has no effect"},
        {{"3", "--strategy", "random", "--budget", "5"}, "--budget has no effect"},
        // pct-only
        {{"3", "--depth", "4"}, "--depth has no effect"},
        {{"3", "--strategy", "random", "--depth", "4"}, "--depth has no effect"},
        {{"3", "--explore", "--depth", "4"}, "--depth"},
        {{"3", "--strategy", "explore", "--depth", "4"}, "--depth has no effect"},
        // --runs: real trials, or random/pct schedules; never an exploration or a replay
        {{"3", "--explore", "--runs", "5"}, "--runs"},
        {{"3", "--strategy", "explore", "--runs", "5"}, "--runs has no effect"},
        {{"3", "--schedule", "1,2", "--runs", "5"}, "--runs"},
        {{"3", "--quiz", "--runs", "5"}, "--runs"},
        // --seed: random and pct only
        {{"3", "--explore", "--seed", "3"}, "--seed"},
        {{"3", "--strategy", "explore", "--seed", "3"}, "--seed has no effect"},
        {{"3", "--schedule", "1,2", "--seed", "3"}, "--seed"},
        {{"3", "--mode", "real", "--seed", "3"}, "--seed has no effect in real mode"},
        // model-only options with --mode real
        {{"3", "--explore", "--mode", "real"}, "--explore has no effect in real mode"},
        {{"3", "--strategy", "pct", "--mode", "real"}, "--strategy has no effect in real mode"},
        {{"3", "--schedule", "1,2", "--mode", "real"}, "--schedule has no effect in real mode"},
        {{"3", "--quiz", "--mode", "real"}, "--quiz has no effect in real mode"},
        // real-only
        {{"3", "--mode", "model", "--timeout", "5"}, "--timeout has no effect"},
        {{"3", "--explore", "--timeout", "5"}, "--timeout has no effect"},
        // choices that exclude each other
        {{"3", "--explore", "--schedule", "1,2"}, "--schedule"},
        {{"3", "--explore", "--strategy", "pct"}, "--strategy"},
        {{"3", "--schedule", "1,2", "--strategy", "pct"}, "--strategy"},
        {{"3", "--quiz", "--explore"}, "--quiz"},
        {{"3", "--quiz", "--strategy", "explore"}, "--quiz has no effect on an exploration"},
        {{"3", "--quiz", "--json"}, "--json"},
        {{"3", "--answers"}, "--answers works only with --quiz"},
        {{"3", "--json", "--color", "always"}, "--color"},
        {{"explain", "3", "--markdown", "--color", "always"}, "--color"},
        {{"walkthrough", "--only", "3", "--from", "2"}, "--only"},
        // the detector runs real threads
        {{"3", "--detector", "tsan", "--mode", "model"}, "--mode"},
        {{"3", "--detector", "tsan", "--explore"}, "--explore"},
        {{"3", "--detector", "tsan", "--seed", "1"}, "--seed"},
        {{"3", "--detector", "tsan", "--quiz"}, "--quiz"},
        // a bench measures over its own grid
        {{"rwmutex-cache", "--bench", "--threads", "2"}, "--threads"},
        {{"rwmutex-cache", "--bench", "--fixed"}, "--fixed"},
        {{"rwmutex-cache", "--bench", "--runs", "3"}, "--runs"},
        {{"rwmutex-cache", "--bench", "--expect", "clean"}, "--expect"},
        {{"rwmutex-cache", "--bench", "--explore"}, "--explore"},
        {{"rwmutex-cache", "--bench", "--detector", "tsan"}, "--detector"},
    };
    for (const Case& bad : cases) {
        INFO(fmt::format("racedemo {}", fmt::join(bad.args, " ")));
        const std::string message = usage_error(bad.args);
        CHECK(message.find(bad.refused) != std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
    }
    // And where they do have an effect, the same options are taken.
    CHECK(run_of({"3", "--explore", "--reduction", "none"}).model.reduction == Reduction::none);
    CHECK(run_of({"3", "--strategy", "pct", "--seed", "9"}).model.seed == 9);
    CHECK(run_of({"3", "--detector", "tsan", "--timeout", "5"}).real.timeout_seconds == 5);
    CHECK(run_of({"3", "--mode", "model", "--runs", "5"}).model.runs == 5);
}

TEST_CASE("schedules parse strictly") {
    CHECK(parse_schedule("1", 2) == std::vector<int>{1});
    CHECK(parse_schedule("2,1,2", 2) == std::vector<int>{2, 1, 2});
    CHECK_THROWS_AS(parse_schedule("", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule("1,", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule(" 1", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule("1;2", 2), UsageError);
}

TEST_CASE("a command line comes from a typed request, and parses back to the same request") {
    RunRequest fixed = run_of({"trie-race", "--fixed", "--threads", "3", "--explore"});
    CHECK(replay_command(fixed, {1, 2, 3}) ==
          "racedemo trie-race --fixed --mode model --threads 3 --schedule 1,2,3");
    // Replays always name their threads; other options only when not the default.
    CHECK(replay_command(run_of({"stack"}), {1, 2}) ==
          "racedemo stack --mode model --threads 2 --schedule 1,2");
    CHECK(command_line(run_of({"stack", "--explore"})) == "racedemo stack --mode model --explore");
    const std::vector<std::vector<std::string>> round_trips = {
        {"stack"},
        {"stack", "--fixed", "--threads", "4", "--runs", "7", "--timeout", "2.5"},
        {"stack", "--mode", "model", "--explore", "--preemptions", "2", "--budget", "50",
         "--reduction", "none"},
        {"counter", "--mode", "model", "--strategy", "pct", "--depth", "4", "--runs", "9", "--seed",
         "11"},
        {"counter", "--mode", "model", "--runs", "9", "--seed", "11", "--json", "--expect",
         "corrupt"},
        {"trie-race", "--mode", "model", "--threads", "2", "--schedule", "1,2,1", "--quiz",
         "--answers"},
    };
    for (const auto& args : round_trips) {
        INFO(fmt::format("{}", fmt::join(args, " ")));
        CHECK(command_words(run_of(args)) == args);
    }
}

TEST_CASE("terminal decisions: colour, progress, pauses and width, in one place") {
    TerminalFacts tty;
    tty.stdin_tty = tty.stdout_tty = tty.stderr_tty = true;
    tty.columns = 132;
    Terminal on_tty = decide_terminal(ColorChoice::automatic, false, tty);
    CHECK(on_tty.color);
    CHECK(on_tty.progress);
    CHECK(on_tty.interactive);
    CHECK(on_tty.width == 100);
    CHECK(!decide_terminal(ColorChoice::never, false, tty).color);
    CHECK(!decide_terminal(ColorChoice::automatic, true, tty).color);    // JSON has no colour
    CHECK(decide_terminal(ColorChoice::automatic, true, tty).progress);  // on stderr, beside
    TerminalFacts no_color = tty;
    no_color.no_color = true;
    CHECK(!decide_terminal(ColorChoice::automatic, false, no_color).color);
    CHECK(decide_terminal(ColorChoice::always, false, no_color).color);
    TerminalFacts dumb = tty;
    dumb.dumb = true;
    CHECK(!decide_terminal(ColorChoice::automatic, false, dumb).color);
    TerminalFacts pipe;
    Terminal on_pipe = decide_terminal(ColorChoice::automatic, false, pipe);
    CHECK(!on_pipe.color);
    CHECK(!on_pipe.progress);
    CHECK(!on_pipe.interactive);
    CHECK(on_pipe.width == 80);
    CHECK(decide_terminal(ColorChoice::always, false, pipe).color);
}

TEST_CASE("COLUMNS sets the width off a terminal, when it is a width; a terminal's own wins") {
    auto width_with = [](const std::string& columns, bool tty) {
        TerminalFacts facts;
        facts.stdout_tty = tty;
        facts.columns = tty ? 72 : 0;
        facts.columns_variable = columns;
        return decide_terminal(ColorChoice::automatic, false, facts).width;
    };
    CHECK(width_with("60", false) == 60);
    CHECK(width_with("200", false) == 200);
    CHECK(width_with("40", false) == 60);  // the narrowest drawn, as on a terminal
    CHECK(width_with("1000", false) == 1000);
    // Not a width racedemo can draw for: ignored, the default stays.
    for (const std::string bad : {"", "0", "-60", "39", "1001", "99999999999999999999", "60x",
                                  " 60", "+60", "6e1", "abc"}) {
        CAPTURE(bad);
        CHECK(width_with(bad, false) == 80);
    }
    CHECK(width_with("200", true) == 72);
    CHECK(width_with("abc", true) == 72);
}

TEST_CASE("a schedule prints runs of one thread as TxN, and reads them back") {
    const std::vector<int> schedule = {1, 1, 1, 1, 2, 2, 1, 2, 2, 2};
    CHECK(schedule_text(schedule) == "1x4,2,2,1,2x3");
    CHECK(parse_schedule("1x4,2,2,1,2x3", 2) == schedule);
    CHECK(parse_schedule(schedule_text(schedule), 2) == schedule);
    CHECK_THROWS_AS(parse_schedule("1x0", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule("x3", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule("3x2", 2), UsageError);
    CHECK_THROWS_AS(parse_schedule("1x", 2), UsageError);
}

TEST_CASE("a timeout shorter than a trial's own work is refused, naming the least that will do") {
    // A trial runs its rounds for up to the runner's budget (0.15 s): at 0.1 s every trial would
    // be killed as hung.
    const std::string error = usage_error({"trie-race", "--fixed", "--timeout", "0.1"});
    CHECK(error.find("--timeout 0.1: a trial of trie-race plans up to 0.15 s of rounds") == 0);
    CHECK(error.find("give at least 0.3") != std::string::npos);
    CHECK(usage_error({"trie-race", "--detector", "tsan", "--timeout", "0.001"})
              .find("give at least 0.3") != std::string::npos);
    CHECK(run_of({"trie-race", "--timeout", "0.3"}).real.timeout_seconds == doctest::Approx(0.3));
}

// ---- check: the autograder's command line

TEST_CASE("check takes a scenario and a variant, fixed by default") {
    const Request plain = parse_request({"check", "stack"});
    REQUIRE(std::holds_alternative<CheckRequest>(plain));
    const CheckRequest& check = std::get<CheckRequest>(plain);
    CHECK(check.scenario == find_scenario("stack"));
    CHECK(check.variant == Variant::fixed);
    CHECK_FALSE(check.json);
    CHECK(check.max_time_seconds == 0);

    const Request unsafe =
        parse_request({"check", "4", "--variant", "unsafe", "--json", "--max-time", "2.5"});
    REQUIRE(std::holds_alternative<CheckRequest>(unsafe));
    CHECK(std::get<CheckRequest>(unsafe).variant == Variant::unsafe);
    CHECK(std::get<CheckRequest>(unsafe).json);
    CHECK(std::get<CheckRequest>(unsafe).max_time_seconds == 2.5);
    CHECK(wants_json(unsafe));
    CHECK(max_time_of(unsafe) == 2.5);
    CHECK(color_choice(parse_request({"check", "stack", "--color", "always"})) ==
          ColorChoice::always);
}

TEST_CASE("check refuses a variant the scenario does not have, and words it is no scenario of") {
    CHECK(usage_error({"check", "mutex-map", "--variant", "unsafe"}) ==
          "--variant unsafe: mutex-map has only a safe program; check it without --variant");
    CHECK(usage_error({"check", "mutex-map"}).empty());
    CHECK(usage_error({"check", "stack", "--variant", "safe"}) ==
          "--variant 'safe': not one of fixed, unsafe");
    CHECK(usage_error({"check", "stak"}).find("did you mean 'stack'") != std::string::npos);
    CHECK(usage_error({"check"}).find("'check' needs a scenario") != std::string::npos);
    CHECK(usage_error({"list", "check"}).find("'check' after 'list'") != std::string::npos);
}
