// What the user asked for, typed: the command line parsed into one of these, and nothing else.
// Everything behind the parser (runners, reporters, the classroom) trusts these values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/names.hpp"
#include "core/run_report.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

enum class ColorChoice { automatic, always, never };
enum class Expectation { none, corrupt, clean, deadlocked, misuse };
// --noise: automatic is on for an unsafe variant, off for a fixed one.
enum class NoiseChoice { automatic, on, off };

// Their names, as the command line takes them (core/names.hpp).
template <>
struct Names<ColorChoice> {
    static constexpr std::array<Named<ColorChoice>, 3> table{{{ColorChoice::automatic, "auto"},
                                                              {ColorChoice::always, "always"},
                                                              {ColorChoice::never, "never"}}};
};
template <>
struct Names<NoiseChoice> {
    static constexpr std::array<Named<NoiseChoice>, 2> table{
        {{NoiseChoice::on, "on"}, {NoiseChoice::off, "off"}}};
};
template <>
struct Names<Expectation> {
    static constexpr std::array<Named<Expectation>, 4> table{
        {{Expectation::corrupt, "corrupt"},
         {Expectation::clean, "clean"},
         {Expectation::deadlocked, "deadlocked"},
         {Expectation::misuse, "misuse"}}};
};

// Exit codes, the contract graders and scripts rely on.
enum ExitCode : int { kExitRan = 0, kExitError = 1, kExitUsage = 2, kExitExpectation = 3 };

// Bad usage: `what` is the one line for stderr (without the "racedemo: " prefix).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    // `help`: the command whose help page explains what was wrong.
    UsageError(const std::string& what, std::string help)
        : std::runtime_error(what), help_(std::move(help)) {}
    std::string help() const { return help_.empty() ? "racedemo --help" : help_; }
    bool names_help() const { return !help_.empty(); }

  private:
    std::string help_;  // empty: racedemo's own page
};

// `racedemo <scenario> ...`: one run of a scenario, by one runner.
struct RunRequest {
    const Scenario* scenario = nullptr;
    Runner runner = Runner::real;
    Variant variant = Variant::unsafe;  // the variant that really runs (see Scenario::effective)
    int threads = 2;
    RWPolicy policy = RWPolicy::writer_preferring;  // a scenario with has_rw_policy: --policy
    RealOptions real;      // Runner::real and ::detector: trials and their watchdog
    ModelOptions model;    // Runner::model: strategy and its settings (stop and progress unset)
    bool quiz = false;     // model: predict, then reveal
    bool answers = false;  // with quiz: print the solution
    int quiz_rounds = 1;   // with quiz: how many runs it asks about
    bool quiz_picks_seeds = false;  // with quiz: the seeds are chosen (see quiz_seeds)
    bool json = false;
    std::string html_path;    // also write the page there (empty: no page)
    bool full_trace = false;  // model: every step, not only the damage's window
    ColorChoice color = ColorChoice::automatic;
    Expectation expect = Expectation::none;
    double max_time_seconds = 0;  // --max-time: stop with what it has after this long (0: none)

    Mode mode() const { return runner == Runner::model ? Mode::model : Mode::real; }
};

// `racedemo --help`, `racedemo <scenario> --help`, and `racedemo` alone (its help lists the
// scenarios).
struct HelpRequest {
    std::string text;
};
struct ListRequest {};
struct GlossaryRequest {
    ColorChoice color = ColorChoice::automatic;
};
struct ExplainRequest {
    const Scenario* scenario = nullptr;
    bool markdown = false;  // the page docs/scenarios/ holds, with real output
    ColorChoice color = ColorChoice::automatic;
    bool go = false;  // and the same program in Go, unsafe and fixed (demos/go/)
};
struct WalkthroughRequest {
    int from = 1;       // first scenario number
    int only = 0;       // just this scenario (0: all from `from` on)
    bool pause = true;  // wait for Enter between steps, when on a terminal
    ColorChoice color = ColorChoice::automatic;
    double max_time_seconds = 0;  // --max-time for the whole walkthrough (0: none)
};

// `racedemo play SCENARIO`: the student chooses every step.
struct PlayRequest {
    const Scenario* scenario = nullptr;
    Variant variant = Variant::unsafe;
    int threads = 2;        // 0: the scenario's own default
    std::string html_path;  // write the page of each run that comes to its end (empty: none)
    ColorChoice color = ColorChoice::automatic;
};

// `racedemo new NAME [--dir DIR]`: a ready project for a scenario outside the tree.
struct NewRequest {
    std::string name;       // the scenario's name, checked: free, and one racedemo can take
    std::string directory;  // the project goes in DIRECTORY/NAME
};

// `racedemo complete WORDS...` (hidden; the bash completion calls it): the words that may come
// after WORDS, one a line.
struct CompleteRequest {
    std::vector<std::string> words;
};

// `racedemo check SCENARIO`: the autograder. Explorations, real runs and the detector judge one
// variant; it passes only when every check ran to its end and found nothing.
struct CheckRequest {
    const Scenario* scenario = nullptr;
    Variant variant = Variant::fixed;
    bool json = false;
    ColorChoice color = ColorChoice::automatic;
    double max_time_seconds = 0;  // --max-time for all the checks (0: none)
    // An exploration cut at this many schedules gives way to pct (tests lower it to get there).
    std::uint64_t explore_budget = ModelOptions{}.budget;
};

using Request =
    std::variant<HelpRequest, ListRequest, GlossaryRequest, ExplainRequest, WalkthroughRequest,
                 PlayRequest, CheckRequest, RunRequest, NewRequest, CompleteRequest>;

// A request for `scenario` with the defaults a bare `racedemo <scenario>` gets; with `variant`,
// those of `racedemo <scenario>` with or without --fixed (the variant the scenario has, and
// noise for the unsafe one).
RunRequest default_run(const Scenario& scenario, Variant variant = Variant::unsafe);

// The words after "racedemo" that make `request` again: options equal to their default are
// left out, except --threads of a replay (a schedule is only valid for its thread count).
// The one place a request becomes a command line (replays, the walkthrough, the detector).
std::vector<std::string> command_words(const RunRequest& request);
// "racedemo " and the words.
std::string command_line(const RunRequest& request);
// The request that replays `schedule` of `request`'s run in model mode.
RunRequest replay_request(const RunRequest& request, const std::vector<int>& schedule);
// command_line(replay_request(request, schedule)).
std::string replay_command(const RunRequest& request, const std::vector<int>& schedule);
// A word as a shell reads it back: quoted when it holds anything but plain characters.
std::string shell_word(const std::string& word);

// "1,2,2,1" -> {1, 2, 2, 1}; "1x3,2" -> {1, 1, 1, 2} (thread 1 for 3 steps); thread numbers
// must be in 1..threads. Throws UsageError naming the bad position.
std::vector<int> parse_schedule(const std::string& text, int threads);
// The other way, a run of 3 or more steps of one thread written TxN: {1, 1, 1, 2} -> "1x3,2".
// Long schedules stay short enough for a projector and a command line.
std::string schedule_text(const std::vector<int>& schedule);

}  // namespace racedemo
