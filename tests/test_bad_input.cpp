// Bad command lines, as users type them: each is refused at once, before anything runs, with one
// line on stderr that names what was wrong, nothing on stdout, and exit code 2.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"

using racedemo::testing::count_lines;
using racedemo::testing::run_racedemo;

namespace {

struct BadInput {
    std::vector<std::string> args;
    std::string named;  // what the one line must contain: the bad value, or the option's name
};

// A value far too long to echo: a message shows its start and its length.
const std::string kHuge(100000, '7');
const std::string kHugeName(100000, 'x');
const std::string kHugeShown = "…(100000 characters)";

// The longest line a refusal may take (a terminal's width, and some).
constexpr std::size_t kLongestLine = 160;

const std::vector<BadInput>& bad_inputs() {
    static const std::vector<BadInput> cases = {
        // closed or full output streams are tested in test_end_to_end.cpp; these are words.
        // -- unknown commands and scenarios
        {{"bogus"}, "unknown scenario 'bogus'"},
        {{""}, "unknown scenario ''"},
        {{"0"}, "unknown scenario '0': they are numbered 1 to"},
        {{"99"}, "unknown scenario '99'"},
        {{"-1"}, "-1 is not an option of racedemo itself"},
        {{"TRIE-RACE"}, "did you mean 'trie-race'"},
        {{"Trie-Race"}, "did you mean 'trie-race'"},
        {{"tri-race"}, "did you mean 'trie-race'"},
        {{"LIST"}, "'LIST'"},
        {{kHugeName}, kHugeShown},
        {{"bad\nname"}, "bad\\x0aname"},
        // -- options before a command, commands one after another
        {{"--json", "explain", "3"}, "--json is not an option of racedemo itself"},
        {{"--threads", "4", "list"}, "--threads is not an option of racedemo itself"},
        {{"--color", "never", "list"}, "--color is not an option of racedemo itself"},
        {{"--bogus"}, "--bogus is not an option of racedemo itself"},
        {{"--"}, "-- is not an option of racedemo itself"},
        {{"list", "explain", "3"}, "'explain' after 'list': give one command at a time"},
        {{"explain", "3", "walkthrough"}, "'walkthrough' after 'explain'"},
        {{"3", "list"}, "'list' after 'trie-race'"},
        {{"3", "4"}, "'4' after 'trie-race'"},
        {{"3", "--", "4"}, "'4' after 'trie-race'"},
        {{"list", "3"}, "'3' after 'list'"},
        {{"glossary", "explain"}, "'explain' after 'glossary'"},
        {{"walkthrough", "play"}, "'play' after 'walkthrough'"},
        // -- extra arguments, in the user's order: the first one is named
        {{"list", "a", "b", "c"}, "unexpected argument 'a' to 'list'"},
        {{"glossary", "x"}, "unexpected argument 'x' to 'glossary'"},
        {{"explain", "3", "4"}, "unexpected argument '4' to 'explain'"},
        {{"play", "3", "4"}, "unexpected argument '4' to 'play'"},
        {{"walkthrough", "extra"}, "unexpected argument 'extra' to 'walkthrough'"},
        {{"3", "extra", "more"}, "unexpected argument 'extra' to 'trie-race'"},
        {{"3", kHugeName}, kHugeShown},
        {{"list", kHugeName}, kHugeShown},
        // -- unknown options of each command
        {{"list", "--threads", "3"}, "--threads is not an option of 'list'"},
        {{"glossary", "--json"}, "--json is not an option of 'glossary'"},
        {{"explain", "3", "--threads", "2"}, "--threads is not an option of 'explain'"},
        {{"play", "3", "--runs", "2"}, "--runs is not an option of 'play'"},
        {{"walkthrough", "--json"}, "--json is not an option of 'walkthrough'"},
        {{"3", "-t", "4"}, "-t is not an option of 'trie-race'"},
        {{"3", "--Threads", "4"}, "--Threads is not an option of 'trie-race'"},
        {{"3", "--policy", "reader-preferring"}, "--policy is not an option of 'trie-race'"},
        {{"3", "--frobnicate=1"}, "--frobnicate is not an option of 'trie-race'"},
        {{"3", "--" + kHugeName}, "…(100002 characters)"},
        // -- the scenario of explain, play and walkthrough
        {{"explain"}, "'explain' needs a scenario"},
        {{"play"}, "'play' needs a scenario"},
        {{"explain", ""}, "unknown scenario ''"},
        {{"play", ""}, "unknown scenario ''"},
        {{"explain", "0"}, "unknown scenario '0'"},
        {{"play", "99"}, "unknown scenario '99'"},
        {{"explain", kHugeName}, kHugeShown},
        {{"walkthrough", "--only", ""}, "unknown scenario ''"},
        {{"walkthrough", "--from", ""}, "unknown scenario ''"},
        {{"walkthrough", "--only", "bogus"}, "unknown scenario 'bogus'"},
        {{"walkthrough", "--from", "0"}, "unknown scenario '0'"},
        {{"walkthrough", "--only"}, "--only needs a value"},
        {{"walkthrough", "--only", "3", "--only", "4"}, "--only is given more than once"},
        {{"walkthrough", "--only", "3", "--from", "2"}, "--only and --from cannot be given"},
        // -- check: a scenario, a variant it has
        {{"check"}, "'check' needs a scenario"},
        {{"check", "bogus"}, "unknown scenario 'bogus'"},
        {{"check", "99"}, "unknown scenario '99'"},
        {{"check", "stak"}, "did you mean 'stack'"},
        {{"check", "stack", "--variant", "broken"}, "--variant 'broken': not one of fixed, unsafe"},
        {{"check", "stack", "--variant"}, "--variant needs a value"},
        {{"check", "mutex-map", "--variant", "unsafe"}, "mutex-map has only a safe program"},
        {{"check", "stack", "--threads", "4"}, "--threads is not an option of 'check'"},
        {{"check", "stack", "--json", "--color", "always"}, "--json and --color cannot be given"},
        {{"check", "stack", "--max-time", "0"}, "--max-time 0: must be from 0.001"},
        {{"check", "stack", "extra"}, "unexpected argument 'extra' to 'check'"},
        {{"check", "stack", "list"}, "'list' after 'check'"},
        {{"new"}, "'new' needs the name of the scenario"},
        {{"new", "Bank"}, "new 'Bank': a scenario's name is lower-case letters"},
        {{"new", "ok", "--bogus"}, "--bogus is not an option of 'new'"},
        {{"new", "stack"}, "new 'stack': a scenario of that name exists already"},
        {{"new", "walkthrough"}, "new 'walkthrough': that is a racedemo command's name"},
        {{"new", "a", "b"}, "unexpected argument 'b' to 'new'"},
        {{"new", "ok", "--dir"}, "--dir needs a value"},
        {{"--plugin"}, "--plugin needs a value"},
        {{"--plugin", ""}, "--plugin '': give the path of a .so file"},
        {{"--plugin", "/nonexistent.so", "list"},
         "--plugin '/nonexistent.so': there is no such file"},
        {{"--plugin", "/etc", "list"}, "--plugin '/etc': it is not a file"},
        // -- whole numbers: plain decimal digits, in range
        {{"3", "--threads", "0"}, "--threads 0: must be from 1 to 64"},
        {{"3", "--threads", "65"}, "--threads 65: must be from 1 to 64"},
        {{"3", "--threads", "-1"}, "--threads -1: must be from 1 to 64"},
        {{"3", "--threads", "-99999999999999999999999"}, "must be from 1 to 64"},
        {{"3", "--threads", "99999999999999999999999"}, "must be from 1 to 64"},
        {{"3", "--threads", "0x10"}, "--threads 0x10: not a whole number"},
        {{"3", "--threads", "1e1"}, "--threads 1e1: not a whole number"},
        {{"3", "--threads", "+4"}, "--threads +4: not a whole number"},
        {{"3", "--threads", " 4"}, "--threads  4: not a whole number"},
        {{"3", "--threads", "4 "}, "--threads 4 : not a whole number"},
        {{"3", "--threads", "2.5"}, "--threads 2.5: not a whole number"},
        {{"3", "--threads", ""}, "--threads '': not a whole number"},
        {{"3", "--threads"}, "--threads needs a value"},
        {{"3", "--threads", kHuge}, kHugeShown},
        {{"3", "--threads", "4", "--threads", "5"}, "--threads is given more than once"},
        {{"1", "--threads", "1"}, "--threads 1: unsafe-map needs at least 2 threads"},
        {{"3", "--runs", "0"}, "--runs 0: must be from 1 to 1000000"},
        {{"3", "--runs", "1000001"}, "--runs 1000001"},
        {{"3", "--runs", "ten"}, "--runs ten: not a whole number"},
        {{"3", "--seed", "-1"}, "--seed -1: must be from 0 to 18446744073709551615"},
        {{"3", "--seed", "18446744073709551616"}, "--seed 18446744073709551616: must be from 0"},
        {{"3", "--seed", "0x1"}, "--seed 0x1: not a whole number"},
        {{"3", "--seed", kHuge}, kHugeShown},
        {{"3", "--strategy", "pct", "--depth", "0"}, "--depth 0: must be from 1 to 20"},
        {{"3", "--strategy", "pct", "--depth", "21"}, "--depth 21: must be from 1 to 20"},
        {{"3", "--explore", "--preemptions", "-1"}, "--preemptions -1: must be from 0 to 1000"},
        {{"3", "--explore", "--preemptions", "1001"}, "--preemptions 1001"},
        {{"3", "--explore", "--budget", "0"}, "--budget 0: must be from 1 to 100000000"},
        {{"3", "--explore", "--budget", "1e6"}, "--budget 1e6: not a whole number"},
        {{"3", "--explore", "--max-steps", "5"}, "--max-steps 5: must be from 10 to 10000000"},
        {{"3", "--explore", "--max-steps", "lots"}, "--max-steps lots: not a whole number"},
        {{"5", "--max-steps", "100", "--bench"}, "--max-steps and --bench"},
        {{"3", "--quiz", "--rounds", "0"}, "--rounds 0: must be from 1 to 50"},
        {{"3", "--quiz", "--rounds", "51"}, "--rounds 51: must be from 1 to 50"},
        {{"play", "3", "--threads", "9"}, "--threads 9: must be from 1 to 4"},
        {{"play", "3", "--threads", "0"}, "--threads 0: must be from 1 to 4"},
        {{"play", "1", "--threads", "1"}, "unsafe-map needs at least 2 threads"},
        {{"play", "3", "--threads", "0x2"}, "--threads 0x2: not a whole number"},
        // -- seconds: digits, at most one '.' and digits
        {{"3", "--timeout", "1e-300"}, "--timeout 1e-300: not a number of seconds"},
        {{"3", "--max-time", "0"}, "--max-time 0: must be from 0.001 to 604800 seconds"},
        {{"3", "--max-time", "abc"}, "--max-time abc: not a number of seconds"},
        {{"3", "--max-time", "1e3"}, "--max-time 1e3: not a number of seconds"},
        {{"3", "--max-time", "700000"}, "--max-time 700000: must be from 0.001"},
        {{"3", "--quiz", "--max-time", "5"}, "--quiz and --max-time cannot be given together"},
        {{"walkthrough", "--max-time", "-1"}, "--max-time -1: not a number of seconds"},
        {{"walkthrough", "--max-time"}, "--max-time needs a value"},
        {{"list", "--max-time", "5"}, "--max-time is not an option of 'list'"},
        {{"explain", "3", "--max-time", "5"}, "--max-time is not an option of 'explain'"},
        {{"3", "--timeout", "0x10"}, "--timeout 0x10: not a number of seconds"},
        {{"3", "--timeout", " 5"}, "--timeout  5: not a number of seconds"},
        {{"3", "--timeout", "5 "}, "--timeout 5 : not a number of seconds"},
        {{"3", "--timeout", "inf"}, "--timeout inf: not a number of seconds"},
        {{"3", "--timeout", "nan"}, "--timeout nan: not a number of seconds"},
        {{"3", "--timeout", "-1"}, "--timeout -1: not a number of seconds"},
        {{"3", "--timeout", ".5"}, "--timeout .5: not a number of seconds"},
        {{"3", "--timeout", "1.2.3"}, "--timeout 1.2.3: not a number of seconds"},
        {{"3", "--timeout", "0"}, "--timeout 0: must be from 0.001 to 3600 seconds"},
        {{"3", "--timeout", "3600.5"}, "--timeout 3600.5: must be from 0.001 to 3600"},
        {{"3", "--timeout", kHuge}, kHugeShown},
        // -- one of a few words
        {{"3", "--color", "bogus"}, "--color 'bogus': not one of auto, always, never"},
        {{"3", "--color", ""}, "--color '': not one of"},
        {{"3", "--color"}, "--color needs a value"},
        {{"glossary", "--color", "blue"}, "--color 'blue'"},
        {{"explain", "3", "--color", "red"}, "--color 'red'"},
        {{"walkthrough", "--color", "maybe"}, "--color 'maybe'"},
        {{"play", "3", "--color", "x"}, "--color 'x'"},
        {{"3", "--mode", "bogus"}, "--mode 'bogus': not one of real, model"},
        {{"3", "--strategy", "bogus"}, "--strategy 'bogus': not one of random, pct, explore"},
        {{"3", "--explore", "--reduction", "bogus"}, "--reduction 'bogus'"},
        {{"3", "--expect", "bogus"}, "--expect 'bogus': not one of corrupt, clean, deadlocked"},
        {{"3", "--detector", "bogus"}, "--detector 'bogus': not one of tsan"},
        {{"10", "--policy", "bogus"}, "--policy 'bogus'"},
        {{"5", "--policy", "reader-preferring"}, "--policy is not an option of 'rwmutex-cache'"},
        {{"3", "--expect", kHugeName}, kHugeShown},
        // -- flags take no value
        {{"3", "--json=maybe"}, "--json takes no value, not 'maybe'"},
        {{"3", "--fixed=perhaps"}, "--fixed takes no value, not 'perhaps'"},
        {{"explain", "3", "--markdown=x"}, "--markdown takes no value"},
        // -- malformed schedules
        {{"3", "--schedule", "1,x,2"}, "--schedule: position 2 is 'x'"},
        {{"3", "--schedule", "1,3"}, "position 2 names thread 3"},
        {{"3", "--schedule", "1,,2"}, "position 2 is ''"},
        {{"3", "--schedule", "0"}, "position 1 is '0'"},
        {{"3", "--schedule", ""}, "--schedule"},
        {{"3", "--schedule"}, "--schedule needs a value"},
        {{"3", "--schedule", "1x0"}, "position 1 is '1x0'"},
        {{"3", "--schedule", "-1"}, "--schedule"},
        // -- options that never go together, or need another
        {{"3", "--explore", "--schedule", "1,2"}, "--schedule"},
        {{"3", "--json", "--color", "always"}, "--json and --color cannot be given together"},
        {{"explain", "3", "--markdown", "--color", "never"}, "--markdown and --color"},
        {{"3", "--answers"}, "--answers works only with --quiz"},
        {{"3", "--rounds", "2"}, "--rounds works only with --quiz"},
        {{"3", "--quiz", "--json"}, "--json"},
        {{"rwmutex-cache", "--bench", "--threads", "2"}, "--threads and --bench"},
        {{"3", "--bench"}, "--bench: trie-race has nothing to measure"},
        {{"3", "--bench", "--threads", "2"}, "--bench: trie-race has nothing to measure"},
        {{"3", "--detector", "tsan", "--mode", "model"}, "--mode"},
        // -- options that have no effect in this run
        {{"3", "--depth", "4"}, "--depth has no effect"},
        {{"3", "--preemptions", "2"}, "--preemptions has no effect"},
        {{"3", "--mode", "model", "--timeout", "5"}, "--timeout has no effect"},
        {{"3", "--mode", "real", "--seed", "3"}, "--seed has no effect in real mode"},
        {{"3", "--explore", "--mode", "real"}, "--explore has no effect in real mode"},
        {{"3", "--strategy", "pct", "--reduction", "none"}, "--reduction has no effect"},
        {{"3", "--full-trace"}, "--full-trace has no effect in real mode"},
        {{"counter", "--reduction", "dpor"}, "--reduction has no effect on random schedules"},
        {{"3", "--strategy", "random", "--budget", "5"}, "--budget has no effect"},
        {{"3", "--mode", "real", "--max-steps", "500"}, "--max-steps has no effect"},
        {{"3", "--quiz", "--strategy", "explore"}, "--quiz has no effect on an exploration"},
        {{"3", "--explore", "--seed", "3"}, "--explore and --seed cannot be given together"},
        {{"explain", "--markdown"}, "'explain' needs a scenario"},
        {{"walkthrough", "--no-pause=x"}, "--no-pause takes no value, not 'x'"},
        {{"explain", "-1"}, "unknown scenario '-1'"},
    };
    return cases;
}

// The help command a refusal ends with: "... (see 'racedemo stack --help')" gives
// {"stack", "--help"}; nothing when the line does not end so.
std::vector<std::string> help_words(const std::string& err) {
    const std::string opening = "(see 'racedemo ";
    const std::size_t at = err.rfind(opening);
    if (at == std::string::npos || err.size() < at + opening.size() + 3) return {};
    if (err.compare(err.size() - 3, 3, "')\n") != 0) return {};
    std::istringstream split(err.substr(at + opening.size(), err.size() - 3 - at - opening.size()));
    std::vector<std::string> words;
    for (std::string word; split >> word;) words.push_back(word);
    return words;
}

}  // namespace

TEST_CASE("bad input: one line on stderr naming it, nothing on stdout, exit 2, nothing run") {
    CHECK(bad_inputs().size() >= 100);
    std::set<std::vector<std::string>> help_commands;
    for (const BadInput& bad : bad_inputs()) {
        const std::string line = fmt::format("racedemo {}", fmt::join(bad.args, " "));
        CAPTURE(line.substr(0, 200));
        const auto result = run_racedemo(bad.args);
        CAPTURE(result.err.substr(0, 400));
        CHECK(result.signal == 0);
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(count_lines(result.err) == 1);
        CHECK(result.err.rfind("racedemo: ", 0) == 0);
        CHECK(!result.err.empty());
        CHECK(result.err.back() == '\n');
        CHECK(result.err.size() <= kLongestLine + 1);
        CHECK(result.err.find(bad.named) != std::string::npos);
        // It ends by naming the help page of the command it is about.
        const std::vector<std::string> help = help_words(result.err);
        REQUIRE(!help.empty());
        CHECK(help.back() == "--help");
        // A command or scenario given by name is the page named (a number names its scenario).
        const std::string& first = bad.args.empty() ? "" : bad.args.front();
        const bool by_name =
            help.size() == 2 && !first.empty() && first.front() != '-' &&
            first.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos;
        if (by_name) CHECK(help.front() == first);
        help_commands.insert(help);
    }
    // Each help command named works as given: racedemo's page, or a command's or scenario's own.
    CHECK(help_commands.size() >= 8);
    for (const std::vector<std::string>& help : help_commands) {
        CAPTURE(fmt::format("racedemo {}", fmt::join(help, " ")));
        const auto page = run_racedemo(help);
        CHECK(page.exit_code == 0);
        CHECK(page.err.empty());
        CHECK(page.out.find(help.size() == 2 ? help.front() : "racedemo") != std::string::npos);
    }
}
