// The command line: parsed and validated here, once; everything behind it trusts its inputs.
#pragma once

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/classroom.hpp"
#include "engine/model.hpp"
#include "real/real_runner.hpp"
#include "present/report.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

enum class ColorChoice { automatic, always, never };
enum class Expectation { none, corrupt, clean };

// Exit codes, the contract graders and scripts rely on.
enum ExitCode : int { kExitRan = 0, kExitError = 1, kExitUsage = 2, kExitExpectation = 3 };

struct Command {
    enum class Kind { overview, help, list, explain, walkthrough, run } kind = Kind::overview;
    std::string help_text;               // kind == help
    const Scenario* scenario = nullptr;  // explain, run
    Variant variant = Variant::unsafe;   // the variant that will really run
    Mode mode = Mode::real;
    RealOptions real;
    bool real_runs_given = false;
    ModelOptions model;
    int threads = 2;
    bool bench = false;     // --bench: the scenario's measurement instead of a demo
    bool markdown = false;  // explain --markdown: the page docs/scenarios/ holds
    bool detector = false;  // --detector tsan: run under ThreadSanitizer and sum up its reports
    bool quiz = false;      // --quiz: predict, then reveal (model mode)
    bool answers = false;   // --answers: with --quiz, print the solution
    WalkthroughOptions walkthrough;
    bool json = false;
    ColorChoice color = ColorChoice::automatic;
    Expectation expect = Expectation::none;
};

// Bad usage: `what` is the one line for stderr (without the "racedemo: " prefix).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Parses argv[1..]. Throws UsageError for anything wrong, naming the bad value.
Command parse_command_line(const std::vector<std::string>& args);

// Runs a parsed command, printing to `out`; returns the exit code.
int execute(const Command& command, std::FILE* out);

// main's body: parse, run, map every failure to its exit code and one line on stderr.
int run_cli(int argc, char** argv);

// "1,2,2,1" -> {1, 2, 2, 1}; thread numbers must be in 1..threads.
std::vector<int> parse_schedule(const std::string& text, int threads);

// The command that replays `schedule` of this run.
std::string replay_command(const Command& command, const std::vector<int>& schedule);

}  // namespace racedemo
