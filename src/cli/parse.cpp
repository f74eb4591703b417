#include "cli/parse.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "cli/plugins.hpp"
#include "cli/validators.hpp"
#include "present/go_listing.hpp"
#include "real/real_runner.hpp"

namespace racedemo {
namespace {

// Upper bounds keep a typo from asking for a week-long run or ten thousand threads.
constexpr long long kMaxThreads = 64;
constexpr long long kMaxRuns = 1'000'000;
constexpr long long kMaxBudget = 100'000'000;
constexpr long long kMaxPreemptions = 1000;
// An execution of fewer steps than this could not show a spin loop; more than the most would
// keep a whole search's memory in one execution.
constexpr long long kMinMaxSteps = 10;
constexpr long long kMaxMaxSteps = 10'000'000;
constexpr long long kMaxDepth = 20;
constexpr long long kMaxQuizRounds = 50;
// More lanes than this do not fit side by side, and a student can follow no more.
constexpr long long kMaxPlayThreads = 4;
constexpr double kMinTimeoutSeconds = 0.001;
constexpr double kMaxTimeoutSeconds = 3600;
// A week: a limit for a search left running, still refusing a typo's extra zeros.
constexpr double kMaxRunSeconds = 7 * 24 * 3600;
// --strategy: how schedules are chosen (a replay is asked for by --schedule instead).
constexpr std::initializer_list<Strategy> kChosenStrategies = {Strategy::random, Strategy::pct,
                                                               Strategy::explore};

// What the options of one scenario's subcommand write. Each scenario has its own, so that its
// help page shows its own defaults.
struct ScenarioOptions {
    const Scenario* scenario = nullptr;
    CLI::App* app = nullptr;
    int threads = 2;
    RWPolicy policy = RWPolicy::writer_preferring;
    int runs = RealOptions{}.runs;
    double timeout = RealOptions{}.timeout_seconds;
    Mode mode = Mode::real;
    bool fixed = false, explore = false, bench = false, quiz = false, answers = false;
    bool json = false, full_trace = false;
    double max_time = 0;
    std::string schedule, detector, html;
    std::uint64_t seed = ModelOptions{}.seed;
    Strategy strategy = Strategy::random;
    int depth = ModelOptions{}.pct_depth;
    int preemptions = -1;
    int rounds = 1;
    std::uint64_t budget = ModelOptions{}.budget;
    Reduction reduction = ModelOptions{}.reduction;
    int max_steps = ModelOptions{}.max_steps;
    ColorChoice color = ColorChoice::automatic;
    Expectation expect = Expectation::none;
    NoiseChoice noise = NoiseChoice::automatic;

    bool given(const std::string& name) const { return app->count(name) > 0; }
};

struct ExplainOptions {
    CLI::App* app = nullptr;
    std::string key;
    bool markdown = false;
    ColorChoice color = ColorChoice::automatic;
    bool go = false;
};

struct PlayOptions {
    CLI::App* app = nullptr;
    std::string key;
    bool fixed = false;
    int threads = 0;  // 0: the scenario's default
    std::string html;
    ColorChoice color = ColorChoice::automatic;
};

struct CheckOptions {
    CLI::App* app = nullptr;
    std::string key;
    Variant variant = Variant::fixed;
    bool json = false;
    double max_time = 0;
    ColorChoice color = ColorChoice::automatic;
};

struct WalkthroughFlags {
    CLI::App* app = nullptr;
    bool no_pause = false;
    double max_time = 0;
    std::string only, from;
    ColorChoice color = ColorChoice::automatic;
};

// The whole command line: the CLI11 application and what its options write.
struct Parser {
    CLI::App app{"racedemo: race conditions made visible, step by step", "racedemo"};
    CLI::App* list = nullptr;
    CLI::App* glossary = nullptr;
    ColorChoice glossary_color = ColorChoice::automatic;
    ExplainOptions explain;
    PlayOptions play;
    CheckOptions check;
    WalkthroughFlags walkthrough;
    std::vector<std::unique_ptr<ScenarioOptions>> runs;
    CLI::App* new_project = nullptr;
    NewRequest new_request;
    CLI::App* complete = nullptr;
    // Only for --help: load_plugins takes --plugin out of the arguments before they get here.
    std::vector<std::string> plugin_files;
};

// Help pages show each option's type and default; which options go together is told by the
// refusal itself (CLI11's own "Excludes:" lists would double the width of every line).
class HelpFormatter : public CLI::Formatter {
  public:
    // These override CLI::Formatter's (not marked `override`: pmccabe cannot read that keyword).
    std::string make_option_opts(const CLI::Option* option) const;
    // In a list of commands, a scenario shows the first line of its page: its summary.
    std::string make_subcommand(const CLI::App* command) const;
};

std::string HelpFormatter::make_subcommand(const CLI::App* command) const {
    const std::string& description = command->get_description();
    std::stringstream out;
    CLI::detail::format_help(out, command->get_display_name(true),
                             description.substr(0, description.find('\n')), column_width_);
    return out.str();
}

std::string HelpFormatter::make_option_opts(const CLI::Option* option) const {
    if (option->get_type_size() == 0) return {};
    std::string out = " " + option->get_type_name();
    if (!option->get_default_str().empty()) out += "=" + option->get_default_str();
    if (option->get_required()) out += " " + get_label("REQUIRED");
    return out;
}

const Scenario& lookup(const std::string& key) {
    if (const Scenario* scenario = find_scenario(key)) return *scenario;
    if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos)
        throw UsageError(fmt::format("unknown scenario {}: they are numbered 1 to {}",
                                     in_quotes(key), scenarios().size()));
    // No parenthesis: the line ends with one, naming the help page.
    if (std::string_view guess = closest_scenario_name(key); !guess.empty())
        throw UsageError(
            fmt::format("unknown scenario {}: did you mean '{}'? 'racedemo list' shows them all",
                        in_quotes(key), guess));
    throw UsageError(
        fmt::format("unknown scenario {}: 'racedemo list' shows them all", in_quotes(key)));
}

// ---- setup: one function per subcommand

CLI::Option* add_color(CLI::App& app, ColorChoice& color) {
    return app
        .add_option("--color", color, "colour: auto (a terminal, no NO_COLOR), always, never")
        ->transform(one_of_named<ColorChoice>())
        ->type_name(names_joined<ColorChoice>())
        ->default_str("auto");
}

CLI::Option* add_max_time(CLI::App& app, double& seconds, std::string_view what) {
    return app
        .add_option("--max-time", seconds,
                    fmt::format("stop {} after this long, with what it has (never CLEAN)", what))
        ->transform(racedemo::seconds(kMinTimeoutSeconds, kMaxRunSeconds))
        ->type_name("SECONDS");
}

// The foot of a command's help page: command lines of its own, each with what it does (CLI11
// would show the main page's otherwise). `more`: a line after them.
std::string examples(std::initializer_list<std::pair<std::string_view, std::string_view>> lines,
                     std::string_view more = {}) {
    std::size_t width = 0;
    for (const auto& line : lines) width = std::max(width, line.first.size());
    std::string out = "Examples:\n";
    for (const auto& [command, what] : lines)
        out += fmt::format("  {:<{}}  {}\n", command, width, what);
    return more.empty() ? out : out + std::string(more) + "\n";
}

void setup_list(Parser& parser) {
    parser.list = parser.app.add_subcommand("list", "the scenarios, one a line");
}

void setup_glossary(Parser& parser) {
    parser.glossary = parser.app.add_subcommand("glossary", "the words the reports use");
    add_color(*parser.glossary, parser.glossary_color);
}

void setup_explain(Parser& parser) {
    ExplainOptions& options = parser.explain;
    options.app = parser.app.add_subcommand(
        "explain", "the lesson of a scenario: what goes wrong, why, the fix");
    options.app->add_option("scenario", options.key, "a scenario, by name or number")->required();
    CLI::Option* markdown = options.app->add_flag(
        "--markdown", options.markdown, "write the page docs/scenarios/ holds, with real output");
    add_color(*options.app, options.color)->excludes(markdown);
    options.app->add_flag("--go", options.go,
                          "then the same program in Go, unsafe and fixed, beside its C++ lines");
    options.app->footer(examples({
        {"racedemo explain trie-race", "the lesson, and the code with the fix marked"},
        {"racedemo explain 8 --go", "lock-order's lesson, then its program in Go"},
        {"racedemo explain stack --markdown", "the page docs/scenarios/ holds, with real output"},
    }));
}

void setup_play(Parser& parser) {
    PlayOptions& options = parser.play;
    options.app = parser.app.add_subcommand(
        "play", "you are the scheduler: choose each step, damage the data or deadlock");
    options.app->add_option("scenario", options.key, "a scenario, by name or number")->required();
    options.app->add_flag("--fixed", options.fixed, "play the fixed (locked) variant");
    options.app->add_option("--threads", options.threads, "threads (default: the scenario's own)")
        ->transform(whole_number(1, kMaxPlayThreads))
        ->type_name("N");
    options.app->add_option("--html", options.html, "write the page of the run when it ends")
        ->type_name("FILE");
    add_color(*options.app, options.color);
    options.app->footer(examples({
        {"racedemo play counter", "you choose who steps when: lose an increment"},
        {"racedemo play lock-order", "deadlock two transfers"},
        {"racedemo play counter --fixed", "the same with the lock: try to break it"},
        {"racedemo play trie-race --html trie.html", "then keep the run as a page"},
    }));
}

void setup_check(Parser& parser) {
    CheckOptions& options = parser.check;
    options.app = parser.app.add_subcommand(
        "check", "grade a fix: explorations, real runs and the detector; exit 0 only if all pass");
    options.app->add_option("scenario", options.key, "a scenario, by name or number")->required();
    options.app->add_option("--variant", options.variant, "the program to check")
        ->transform(one_of_named<Variant>({Variant::fixed, Variant::unsafe}))
        ->type_name(names_joined<Variant>({Variant::fixed, Variant::unsafe}))
        ->default_str(std::string(name_of(Variant::fixed)));
    CLI::Option* json =
        options.app->add_flag("--json", options.json, "print one JSON document instead of text");
    add_max_time(*options.app, options.max_time, "the checks");
    add_color(*options.app, options.color)->excludes(json);
    options.app->footer(
        examples({{"racedemo check stack", "grade stack's fixed program: exit 0 if all pass"},
                  {"racedemo check stack --variant unsafe", "it fails, with a replay per failure"},
                  {"racedemo check counter --json --max-time 300",
                   "for CI: one JSON document, within 5 minutes"}},
                 "Exit codes: 0 every check passed, 1 a check failed or was cut short, 2 bad "
                 "usage."));
}

void setup_walkthrough(Parser& parser) {
    WalkthroughFlags& options = parser.walkthrough;
    options.app = parser.app.add_subcommand(
        "walkthrough", "every scenario in order, for a class: lesson, runs, fix, takeaway");
    options.app->add_flag("--no-pause", options.no_pause,
                          "run straight through (also when not on a terminal)");
    CLI::Option* only =
        options.app->add_option("--only", options.only, "just this scenario (number or name)")
            ->type_name("N");
    options.app->add_option("--from", options.from, "start at this scenario (number or name)")
        ->type_name("N")
        ->excludes(only);
    add_max_time(*options.app, options.max_time, "the whole walkthrough");
    add_color(*options.app, options.color);
    options.app->footer(examples({
        {"racedemo walkthrough", "the whole course; Enter goes on, q quits"},
        {"racedemo walkthrough --from stack", "the course from 04 stack on"},
        {"racedemo walkthrough --only lock-order --no-pause", "one scenario, straight through"},
        {"racedemo walkthrough --no-pause --max-time 900", "the course, stopped after 15 minutes"},
    }));
}

void setup_new(Parser& parser) {
    parser.new_project = parser.app.add_subcommand(
        "new", "write a project for a scenario of your own (a plugin): CMake, code, README");
    parser.new_project
        ->add_option("name", parser.new_request.name,
                     "the scenario's name (lower-case letters, digits, '-')")
        ->required()
        ->check(new_scenario_name());
    parser.new_request.directory = ".";
    parser.new_project
        ->add_option("--dir", parser.new_request.directory,
                     "write the project in DIR/NAME (default: here)")
        ->type_name("DIR")
        ->check(CLI::ExistingDirectory.description(""));
}

// Hidden: the bash completion's question. Takes every word after it as it is.
void setup_complete(Parser& parser) {
    parser.complete = parser.app.add_subcommand("complete", "")->group("");
    parser.complete->prefix_command();
    parser.complete->allow_extras();
}

void add_real_options(CLI::App& app, ScenarioOptions& o) {
    const Scenario& scenario = *o.scenario;
    app.add_option("--threads", o.threads, "threads to run")
        ->transform(whole_number(
            scenario.min_threads, kMaxThreads,
            fmt::format("{} needs at least {} threads", scenario.name, scenario.min_threads)))
        ->type_name("N")
        ->default_str(std::to_string(scenario.default_threads));
    app.add_option("--runs", o.runs,
                   "trials (real mode), or random/pct schedules (model mode: default 1)")
        ->transform(whole_number(1, kMaxRuns))
        ->type_name("N")
        ->default_str(std::to_string(RealOptions{}.runs));
    app.add_option("--mode", o.mode, "real (OS threads) or model (deterministic scheduler)")
        ->transform(one_of_named<Mode>())
        ->type_name(names_joined<Mode>())
        ->default_str("real");
    app.add_flag("--fixed", o.fixed, "run the fixed (locked) variant");
    app.add_option("--timeout", o.timeout, "real mode: seconds before a trial counts as hung")
        ->transform(seconds(kMinTimeoutSeconds, kMaxTimeoutSeconds))
        ->type_name("SECONDS")
        ->default_str(fmt::format("{:g}", RealOptions{}.timeout_seconds));
    app.add_option("--noise", o.noise,
                   "real mode: pause threads at random steps (on unless --fixed)")
        ->transform(one_of_named<NoiseChoice>())
        ->type_name(names_joined<NoiseChoice>());
}

void add_model_options(CLI::App& app, ScenarioOptions& o) {
    app.add_option("--strategy", o.strategy, "model mode: how schedules are chosen")
        ->transform(one_of_named(kChosenStrategies))
        ->type_name(names_joined(kChosenStrategies))
        ->default_str("random");
    app.add_flag("--explore", o.explore, "the same as --strategy explore: every schedule");
    app.add_option("--schedule", o.schedule,
                   "model mode: replay this schedule (1,2,2,1,...; 1x3 = 1,1,1)")
        ->type_name("LIST");
    app.add_option("--seed", o.seed, "random and pct: the seed of the first schedule")
        ->transform(seed_number())
        ->type_name("N")
        ->default_str(std::to_string(ModelOptions{}.seed));
    app.add_option("--depth", o.depth, "pct: the bug depth it aims at")
        ->transform(whole_number(1, kMaxDepth))
        ->type_name("D")
        ->default_str(std::to_string(ModelOptions{}.pct_depth));
    app.add_option("--preemptions", o.preemptions, "explore: at most K preemptions a schedule")
        ->transform(whole_number(0, kMaxPreemptions))
        ->type_name("K");
    app.add_option("--budget", o.budget, "explore: at most N schedules")
        ->transform(whole_number(1, kMaxBudget))
        ->type_name("N")
        ->default_str(std::to_string(ModelOptions{}.budget));
    app.add_option("--reduction", o.reduction, "explore: how equivalent schedules are merged")
        ->transform(one_of_named<Reduction>())
        ->type_name(names_joined<Reduction>())
        ->default_str(std::string(name_of(ModelOptions{}.reduction)));
    app.add_option("--max-steps", o.max_steps,
                   "model mode: cut an execution after N steps (a spin loop that nothing ends)")
        ->transform(whole_number(kMinMaxSteps, kMaxMaxSteps))
        ->type_name("N")
        ->default_str(std::to_string(ModelOptions{}.max_steps));
}

void add_other_options(CLI::App& app, ScenarioOptions& o) {
    app.add_flag("--bench", o.bench, "measure instead of demonstrating: the scenario's benchmark");
    app.add_option("--detector", o.detector, "run under a race detector and sum up its reports")
        ->transform(one_of<std::string>({{"tsan", "tsan"}}))
        ->type_name("tsan");
    app.add_flag("--quiz", o.quiz, "model mode: predict what happens, then see (--answers)");
    app.add_flag("--answers", o.answers, "with --quiz: print the solution");
    app.add_option("--rounds", o.rounds,
                   "with --quiz: ask about N runs, clean and wrong ones mixed, and keep the score")
        ->transform(whole_number(1, kMaxQuizRounds))
        ->type_name("N")
        ->default_str("1");
    app.add_flag("--json", o.json, "print one JSON document instead of text");
    app.add_flag("--full-trace", o.full_trace,
                 "model mode: every step, not only those around the damage");
    app.add_option("--html", o.html, "also write the run as one self-contained HTML page")
        ->type_name("FILE");
    add_max_time(app, o.max_time, "the run");
    add_color(app, o.color);
    app.add_option("--expect", o.expect, "exit 3 unless the verdict is this")
        ->transform(one_of_named<Expectation>())
        ->type_name(names_joined<Expectation>());
}

// Only for a scenario whose reader/writer lock can follow either policy.
void add_policy_option(CLI::App& app, ScenarioOptions& o) {
    app.add_option("--policy", o.policy,
                   "the reader/writer lock's policy: a queued writer keeps new readers out, or not")
        ->transform(one_of_named<RWPolicy>())
        ->type_name(names_joined<RWPolicy>())
        ->default_str(std::string(name_of(RWPolicy::writer_preferring)))
        ->excludes("--bench");
}

// A subcommand's options by long name. CLI11 finds an option by name with a linear search that
// builds a string for every name it passes; declaring the conflicts that way took 7 M of the
// 14 M instructions racedemo spends before it runs anything (callgrind), on every start.
class OptionsByName {
  public:
    explicit OptionsByName(CLI::App& app) {
        for (CLI::Option* option : app.get_options())
            for (const std::string& name : option->get_lnames()) options_["--" + name] = option;
    }
    CLI::Option* operator[](const std::string& name) const { return options_.at(name); }

  private:
    std::unordered_map<std::string, CLI::Option*> options_;
};

void excludes_all(const OptionsByName& options, const std::string& option,
                  std::initializer_list<const char*> others) {
    for (const char* other : others) options[option]->excludes(options[other]);
}

// Options that can never go together, whatever their values (CLI11 refuses them itself).
void declare_conflicts(CLI::App& command) {
    const OptionsByName app(command);
    excludes_all(app, "--bench",
                 {"--threads", "--runs", "--mode", "--fixed", "--timeout", "--noise", "--strategy",
                  "--explore", "--schedule", "--seed", "--depth", "--preemptions", "--budget",
                  "--reduction", "--max-steps", "--detector", "--quiz", "--expect"});
    excludes_all(app, "--detector",
                 {"--mode", "--strategy", "--explore", "--schedule", "--seed", "--depth",
                  "--preemptions", "--budget", "--reduction", "--max-steps", "--quiz"});
    excludes_all(app, "--explore", {"--strategy", "--schedule", "--seed", "--runs", "--depth"});
    excludes_all(
        app, "--schedule",
        {"--strategy", "--seed", "--runs", "--depth", "--preemptions", "--budget", "--reduction"});
    excludes_all(app, "--quiz", {"--json", "--runs", "--explore", "--html", "--max-time"});
    excludes_all(app, "--html", {"--bench", "--detector"});
    excludes_all(app, "--json", {"--color"});
    app["--answers"]->needs(app["--quiz"]);
    app["--rounds"]->needs(app["--quiz"]);
    excludes_all(app, "--rounds", {"--schedule", "--expect"});
}

// The first paragraph of the lesson: what races.
std::string_view lesson_start(const Scenario& scenario) {
    std::string_view lesson = scenario.lesson;
    return lesson.substr(0, lesson.find("\n\n"));
}

std::string scenario_examples(const Scenario& scenario) {
    const std::string name(scenario.name);
    std::string out = "Examples:\n";
    auto example = [&out](std::string command, std::string_view what) {
        out += fmt::format("  {:<44} {}\n", "racedemo " + command, what);
    };
    if (scenario.unsafe != nullptr) {
        example(name + " --threads 8", "real threads, an outcome histogram");
        example(name + " --explore", "every schedule; the shortest bad one");
        example(fmt::format("{} --strategy pct --runs 100", scenario.number),
                "100 pct schedules, seed 1");
    }
    if (scenario.unsafe != nullptr)
        example(name + " --fixed --explore", "the fix, on every schedule");
    else
        example(name + " --explore", "every schedule: all clean");
    if (scenario.has_rw_policy)
        example(name + " --policy reader-preferring --explore", "no deadlock; a writer waits");
    if (scenario.bench != nullptr) example(name + " --bench", "measure the locks");
    example("explain " + name, "the lesson and the code");
    if (scenario.has_rw_policy)
        out +=
            "\nPolicies of the reader/writer lock (--policy):\n"
            "  writer-preferring  a queued writer keeps new readers out (Go's RWMutex): a reader\n"
            "                     that locks again behind it waits for ever, a deadlock\n"
            "  reader-preferring  new readers get in ahead of a waiting writer: no deadlock, but\n"
            "                     while readers keep coming the writer waits without end, which "
            "is\n"
            "                     starvation\n";
    return out;
}

void setup_scenario(Parser& parser, const Scenario& scenario) {
    auto options = std::make_unique<ScenarioOptions>();
    options->scenario = &scenario;
    options->threads = scenario.default_threads;
    CLI::App* app = parser.app.add_subcommand(
        std::string(scenario.name),
        fmt::format("{}\n\n{}\n", scenario.summary, lesson_start(scenario)));
    app->alias(std::to_string(scenario.number));
    app->footer(scenario_examples(scenario));
    app->group("Scenarios");
    options->app = app;
    add_real_options(*app, *options);
    add_model_options(*app, *options);
    add_other_options(*app, *options);
    if (scenario.has_rw_policy) add_policy_option(*app, *options);
    // A scenario with nothing to measure still refuses --bench in words, but does not offer it.
    if (scenario.bench == nullptr) app->get_option("--bench")->group("");
    declare_conflicts(*app);
    app->allow_extras();
    parser.runs.push_back(std::move(options));
}

void setup(Parser& parser) {
    parser.app.footer(
        "Examples:\n"
        "  racedemo list\n"
        "  racedemo trie-race --threads 8          real threads, outcome histogram\n"
        "  racedemo trie-race --fixed --threads 8  the same with a mutex\n"
        "  racedemo 3 --mode model --explore       every schedule; the shortest bad one\n"
        "  racedemo 3 --help                       the page of a scenario, its options\n"
        "  racedemo explain trie-race\n"
        "  racedemo check stack                    grade the fix: 0 only if every check passes\n"
        "Exit codes: 0 ran, 2 bad usage, 3 verdict differs from --expect, 1 other errors\n"
        "(check: 1 when a check fails).");
    // One command, then its options: "racedemo list 3" is not "list", then scenario 3.
    parser.app.require_subcommand(0, 1);
    parser.app.set_version_flag("-V,--version", fmt::format("racedemo {}", RACEDEMO_VERSION));
    auto formatter = std::make_shared<HelpFormatter>();
    formatter->column_width(22);  // the longest scenario summary still fits in 100 columns
    parser.app.formatter(formatter);
    parser.app.allow_extras();
    setup_list(parser);
    setup_glossary(parser);
    setup_explain(parser);
    setup_play(parser);
    setup_check(parser);
    setup_walkthrough(parser);
    setup_new(parser);
    setup_complete(parser);
    parser.app
        .add_option("--plugin", parser.plugin_files,
                    "load a plugin's scenarios (repeatable; RACEDEMO_PLUGIN_PATH: its dirs)")
        ->type_name("FILE");
    for (const Scenario* scenario : scenarios()) setup_scenario(parser, *scenario);
    for (CLI::App* command : {parser.list, parser.glossary, parser.explain.app, parser.play.app,
                              parser.check.app, parser.walkthrough.app, parser.new_project})
        command->allow_extras();
}

// ---- after CLI11: what it cannot know (values against each other, the registry)

constexpr std::string_view kCommands[] = {"list",  "glossary",    "explain", "play",
                                          "check", "walkthrough", "new",     "complete"};

// A word that is a command of its own after `first`: a command's name, or a scenario's name or
// number (after a command that takes no scenario: after explain, it is one argument too many).
bool is_command(const std::string& word, std::string_view first) {
    const bool takes_scenario = first == "explain" || first == "play" || first == "check";
    return std::find(std::begin(kCommands), std::end(kCommands), word) != std::end(kCommands) ||
           (!takes_scenario && find_scenario(word) != nullptr);
}

void refuse_second_command(const std::string& word, std::string_view first) {
    if (is_command(word, first))
        throw UsageError(
            fmt::format("'{}' after '{}': give one command at a time", shown(word), first));
}

// Words a command did not take: an option it does not have, or an argument too many.
void refuse_extras(const CLI::App& command, const std::string& name) {
    const std::vector<std::string> extras = command.remaining();
    if (extras.empty()) return;
    const std::string& word = extras.front();
    refuse_second_command(word, name);
    if (word.rfind("-", 0) == 0)
        throw UsageError(fmt::format("{} is not an option of '{}'",
                                     shown(word.substr(0, word.find('='))), name));
    throw UsageError(fmt::format("unexpected argument {} to '{}'", in_quotes(word), name));
}

void refuse_top_level_extras(const CLI::App& app) {
    const std::vector<std::string> extras = app.remaining();
    if (extras.empty()) return;
    const std::string& word = extras.front();
    for (const CLI::App* command : app.get_subcommands())
        refuse_second_command(word, command->get_name());
    if (word.rfind("-", 0) != 0) lookup(word);  // throws: it is no scenario
    throw UsageError(
        fmt::format("{} is not an option of racedemo itself; give it after a scenario or a command",
                    shown(word.substr(0, word.find('=')))),
        "racedemo --help");  // racedemo's own options: its own page, whatever command follows
}

// What a run is, as far as the options that depend on it are concerned.
struct RunShape {
    Runner runner = Runner::real;
    Strategy strategy = Strategy::random;

    bool model() const { return runner == Runner::model; }
    bool series() const {
        return model() && (strategy == Strategy::random || strategy == Strategy::pct);
    }
    bool trials() const { return runner == Runner::real || runner == Runner::detector; }
    bool real() const { return runner == Runner::real; }
    bool counted() const { return trials() || series(); }
    bool pct() const { return model() && strategy == Strategy::pct; }
    bool explore() const { return model() && strategy == Strategy::explore; }
    bool one_model_run() const { return model() && strategy != Strategy::explore; }
    std::string context() const {
        switch (runner) {
            case Runner::real:
                return "in real mode";
            case Runner::detector:
                return "under --detector";
            case Runner::bench:
                return "with --bench";
            case Runner::model:
                break;
        }
        switch (strategy) {
            case Strategy::replay:
                return "on a replay (--schedule)";
            case Strategy::random:
                return "on random schedules (model mode's default)";
            case Strategy::pct:
                return "on pct schedules";
            case Strategy::explore:
                return "on an exploration";
        }
        return "here";
    }
};

// An option that has an effect only in some runs: refused, never ignored, elsewhere.
struct Applicability {
    const char* option;
    bool (RunShape::*applies)() const;
    const char* purpose;
};

const Applicability kApplicability[] = {
    {"--explore", &RunShape::model, "works in model mode"},
    {"--strategy", &RunShape::model, "works in model mode"},
    {"--schedule", &RunShape::model, "works in model mode"},
    {"--full-trace", &RunShape::model, "shows a model run's every step"},
    {"--quiz", &RunShape::one_model_run, "asks about one model run"},
    {"--runs", &RunShape::counted, "counts real-mode trials, or random and pct schedules"},
    {"--timeout", &RunShape::trials, "guards real-mode trials"},
    {"--noise", &RunShape::real, "perturbs real-mode trials"},
    {"--seed", &RunShape::series, "seeds random and pct schedules in model mode"},
    {"--depth", &RunShape::pct, "sets the depth of --strategy pct"},
    {"--preemptions", &RunShape::explore, "bounds an exploration (--explore)"},
    {"--budget", &RunShape::explore, "bounds an exploration (--explore)"},
    {"--reduction", &RunShape::explore, "prunes an exploration (--explore)"},
    {"--max-steps", &RunShape::model, "bounds each model execution"},
};

// The options that mean model mode when --mode is not given.
constexpr const char* kModelOptions[] = {
    "--explore",     "--strategy", "--schedule",  "--seed",      "--depth",
    "--preemptions", "--budget",   "--reduction", "--max-steps", "--quiz"};

RunShape shape_of(const ScenarioOptions& o) {
    RunShape shape;
    bool model_option = false;
    for (const char* option : kModelOptions) model_option = model_option || o.given(option);
    if (o.bench)
        shape.runner = Runner::bench;
    else if (o.given("--detector"))
        shape.runner = Runner::detector;
    else if (o.given("--mode"))
        shape.runner = o.mode == Mode::model ? Runner::model : Runner::real;
    else
        shape.runner = model_option ? Runner::model : Runner::real;
    shape.strategy = o.given("--schedule") ? Strategy::replay
                     : o.explore           ? Strategy::explore
                                           : o.strategy;
    return shape;
}

void refuse_ineffective(const ScenarioOptions& o, const RunShape& shape) {
    for (const Applicability& rule : kApplicability)
        if (o.given(rule.option) && !(shape.*rule.applies)())
            throw UsageError(fmt::format("{} has no effect {}: it {}", rule.option, shape.context(),
                                         rule.purpose));
    if (o.bench && o.scenario->bench == nullptr)
        throw UsageError(fmt::format("--bench: {} has nothing to measure (try rwmutex-cache)",
                                     o.scenario->name));
}

ModelOptions model_options(const ScenarioOptions& o, const RunShape& shape) {
    ModelOptions model;
    model.strategy = shape.strategy;
    if (shape.strategy == Strategy::replay) model.schedule = parse_schedule(o.schedule, o.threads);
    model.seed = o.seed;
    model.runs = o.given("--runs") ? static_cast<std::uint64_t>(o.runs) : 1;
    model.pct_depth = o.depth;
    model.preemption_bound = o.preemptions;
    model.budget = o.budget;
    model.reduction = o.reduction;
    model.max_steps = o.max_steps;
    return model;
}

// A timeout shorter than a trial's own work would call every trial hung: refused, with the least
// that lets a trial end by itself. Refused rather than raised: the run a teacher gets is the one
// typed, and a hang shown in class is then a hang of the scenario, not of the option.
void refuse_short_timeout(const ScenarioOptions& o, const RealOptions& real) {
    const double least = least_timeout_seconds(real);
    if (!o.given("--timeout") || o.timeout >= least) return;
    const double planned = planned_trial_seconds(real);
    throw UsageError(fmt::format(
        "--timeout {:g}: a trial of {} plans up to {:g} s of rounds ({} rounds, or {:g} s if they "
        "take longer) and needs as long again to start its threads and end its last round; give "
        "at least {:g}",
        o.timeout, o.scenario->name, planned, o.scenario->rounds, planned, least));
}

// ThreadSanitizer sees a plugin's races only in a build of the plugin made with it: the twin
// loads NAME.tsan.so (racedemo_add_scenario builds it) in place of NAME.so.
void refuse_uninstrumented_plugin(const Scenario& scenario) {
    const std::string origin(scenario.origin);
    if (origin.empty() || tsan_build_of(origin) != origin) return;
    throw UsageError(fmt::format(
        "--detector tsan: plugin {} has no ThreadSanitizer build beside it (NAME.tsan.so beside "
        "NAME.so, which racedemo_add_scenario builds where the compiler can)",
        in_quotes(origin)));
}

// The detector runs two trials unless told: ThreadSanitizer sees a race without it happening.
constexpr int kDetectorRuns = 2;

RunRequest run_request(const ScenarioOptions& o) {
    const RunShape shape = shape_of(o);
    refuse_ineffective(o, shape);
    RunRequest request = default_run(*o.scenario, o.fixed ? Variant::fixed : Variant::unsafe);
    request.runner = shape.runner;
    request.threads = o.threads;
    request.policy = o.policy;
    request.real.threads = o.threads;
    request.real.policy = o.policy;
    request.real.runs =
        shape.runner == Runner::detector && !o.given("--runs") ? kDetectorRuns : o.runs;
    request.real.timeout_seconds = o.timeout;
    // The detector's twin runs without noise: ThreadSanitizer sees a race without it happening.
    if (!shape.real())
        request.real.noise.on = false;
    else if (o.noise != NoiseChoice::automatic)
        request.real.noise.on = o.noise == NoiseChoice::on;
    if (shape.trials()) refuse_short_timeout(o, request.real);
    if (shape.runner == Runner::detector) refuse_uninstrumented_plugin(*o.scenario);
    if (shape.model()) request.model = model_options(o, shape);
    request.quiz = o.quiz;
    request.answers = o.answers;
    request.quiz_rounds = o.rounds;
    // Without --seed, the quiz picks a run that goes wrong; with several rounds, a mix.
    request.quiz_picks_seeds =
        o.quiz && !o.given("--schedule") && (o.rounds > 1 || !o.given("--seed"));
    request.json = o.json;
    request.html_path = o.html;
    request.full_trace = o.full_trace;
    request.color = o.color;
    request.expect = o.expect;
    request.max_time_seconds = o.max_time;
    return request;
}

ExplainRequest explain_request(const ExplainOptions& o) {
    const Scenario& scenario = lookup(o.key);
    // Only racedemo's own scenarios come with a Go program (demos/go/); a plugin's does not.
    if (o.go && !has_go_listings(scenario))
        throw UsageError(fmt::format(
            "--go: {} has no Go listing: only racedemo's own scenarios have one", scenario.name));
    return ExplainRequest{&scenario, o.markdown, o.color, o.go};
}

PlayRequest play_request(const PlayOptions& o) {
    const Scenario& scenario = lookup(o.key);
    const int threads = o.threads > 0 ? o.threads : scenario.default_threads;
    if (threads < scenario.min_threads)
        throw UsageError(fmt::format("--threads: {} needs at least {} threads, not {}",
                                     scenario.name, scenario.min_threads, threads));
    return PlayRequest{&scenario, scenario.effective(o.fixed ? Variant::fixed : Variant::unsafe),
                       threads, o.html, o.color};
}

CheckRequest check_request(const CheckOptions& o) {
    const Scenario& scenario = lookup(o.key);
    if (o.variant == Variant::unsafe && scenario.unsafe == nullptr)
        throw UsageError(
            fmt::format("--variant unsafe: {} has only a safe program; check it without --variant",
                        scenario.name));
    CheckRequest request;
    request.scenario = &scenario;
    request.variant = o.variant;
    request.json = o.json;
    request.color = o.color;
    request.max_time_seconds = o.max_time;
    return request;
}

WalkthroughRequest walkthrough_request(const WalkthroughFlags& o) {
    WalkthroughRequest request;
    request.pause = !o.no_pause;
    request.color = o.color;
    request.max_time_seconds = o.max_time;
    // Given, even empty: --only '' names no scenario, it does not mean "all of them".
    if (o.app->count("--only") > 0) request.only = lookup(o.only).number;
    if (o.app->count("--from") > 0) request.from = lookup(o.from).number;
    return request;
}

Request resolve(const Parser& parser) {
    refuse_top_level_extras(parser.app);
    if (parser.list->parsed()) {
        refuse_extras(*parser.list, "list");
        return ListRequest{};
    }
    if (parser.glossary->parsed()) {
        refuse_extras(*parser.glossary, "glossary");
        return GlossaryRequest{parser.glossary_color};
    }
    if (parser.explain.app->parsed()) {
        refuse_extras(*parser.explain.app, "explain");
        return explain_request(parser.explain);
    }
    if (parser.play.app->parsed()) {
        refuse_extras(*parser.play.app, "play");
        return play_request(parser.play);
    }
    if (parser.check.app->parsed()) {
        refuse_extras(*parser.check.app, "check");
        return check_request(parser.check);
    }
    if (parser.walkthrough.app->parsed()) {
        refuse_extras(*parser.walkthrough.app, "walkthrough");
        return walkthrough_request(parser.walkthrough);
    }
    if (parser.new_project->parsed()) {
        refuse_extras(*parser.new_project, "new");
        return parser.new_request;
    }
    if (parser.complete->parsed()) {
        return CompleteRequest{parser.complete->remaining()};
    }
    for (const auto& options : parser.runs) {
        if (!options->app->parsed()) continue;
        refuse_extras(*options->app, std::string(options->scenario->name));
        return run_request(*options);
    }
    return HelpRequest{parser.app.help()};
}

// ---- CLI11's refusals in racedemo's words (CLI11's own would leak its wording and whole values)

// The part of `message` after `start` and before `stop` (to the end when there is no `stop`).
std::string between(const std::string& message, std::string_view start, std::string_view stop) {
    std::size_t from = message.find(start);
    from = from == std::string::npos ? 0 : from + start.size();
    return message.substr(from, message.find(stop, from) - from);
}

// The option an error names first: "--threads: ...", "--json was given ...".
std::string option_named(const std::string& message) {
    return message.substr(0, message.find_first_of(": "));
}

// ArgumentMismatch: an option given twice, or without its value.
std::string wrong_count(const std::string& message) {
    if (message.rfind("Expected ", 0) == 0)
        return fmt::format("{} needs a value", between(message, " to ", ","));
    const std::string option = option_named(message);
    if (message.find("At Most") != std::string::npos)
        return fmt::format("{} is given more than once: give it once", option);
    if (message.find("flag override") != std::string::npos)
        return fmt::format("{} takes no value", option);
    return fmt::format("{} needs a value", option);
}

// ConversionError: a value given to a flag ("--json=maybe").
std::string not_converted(const std::string& message) {
    if (message.rfind("Could not convert: ", 0) == 0)
        return fmt::format("{} takes no value, not {}", between(message, ": ", " = "),
                           in_quotes(between(message, " = ", "\n")));
    return fmt::format("{} takes no value", option_named(message));
}

// The command whose scenario argument is missing ("explain", "play" or "check").
std::string_view missing_argument_of(const Parser& parser) {
    if (parser.check.app->parsed()) return "check";
    return parser.play.app->parsed() ? "play" : "explain";
}

// ExcludesError: two options that never go together. CLI11 names a hidden option '' (--bench of
// a scenario with nothing to measure).
std::string excluded(const std::string& message, const Parser& parser) {
    const std::string other = between(message, " excludes ", "\n");
    if (!other.empty())
        return fmt::format("{} and {} cannot be given together", option_named(message), other);
    for (const auto& options : parser.runs)
        if (options->app->parsed())
            return fmt::format("--bench: {} has nothing to measure (try rwmutex-cache)",
                               options->scenario->name);
    return fmt::format("{} cannot be given here", option_named(message));
}

std::string in_plain_words(const CLI::ParseError& error, const Parser& parser) {
    const std::string message = error.what();
    const std::string kind = error.get_name();
    if (kind == "ArgumentMismatch") return wrong_count(message);
    if (kind == "ConversionError") return not_converted(message);
    if (kind == "ExcludesError") return excluded(message, parser);
    if (kind == "RequiresError")
        return fmt::format("{} works only with {}", option_named(message),
                           between(message, " requires ", "\n"));
    if (kind == "RequiredError" && parser.new_project->parsed())
        return "'new' needs the name of the scenario to write, as in: racedemo new bank-race";
    if (kind == "RequiredError")
        return fmt::format(
            "'{}' needs a scenario, by name or number: 'racedemo list' shows them all",
            missing_argument_of(parser));
    if (kind == "ValidationError") return join_validation_message(message);
    return fmt::format("cannot read the command line: {}", shown(message));
}

}  // namespace

namespace {

// The command `words` give (the first that names one), or null.
const CLI::App* command_in(const Parser& parser, const std::vector<std::string>& words) {
    for (const std::string& word : words) {
        if (word.rfind("-", 0) == 0) continue;
        for (const CLI::App* command : parser.app.get_subcommands({}))
            if (!command->get_group().empty() && command->check_name(word)) return command;
    }
    return nullptr;
}

// The long names of a command's options, and the values an option of type "a|b|c" takes.
std::vector<std::string> option_words(const CLI::App& command, const std::string& last) {
    const std::string name = last.rfind("--", 0) == 0 ? last.substr(2) : std::string();
    std::vector<std::string> words;
    for (const CLI::Option* option : command.get_options()) {
        if (option->get_group().empty() || option->get_lnames().empty()) continue;
        if (!name.empty() && option->check_lname(name) && option->get_items_expected_min() > 0) {
            // A value is due: the choices of a "a|b|c" option, or nothing (the shell's files).
            if (option->get_type_name().find('|') == std::string::npos) return {};
            return CLI::detail::split(option->get_type_name(), '|');
        }
        words.push_back("--" + option->get_lnames().front());
    }
    return words;
}

bool takes_scenario(const CLI::App& command) {
    const std::string& name = command.get_name();
    return name == "explain" || name == "play" || name == "check";
}

}  // namespace

std::vector<std::string> completions(const std::vector<std::string>& words) {
    Parser parser;
    setup(parser);
    std::vector<std::string> out;
    const CLI::App* command = command_in(parser, words);
    if (command == nullptr) {
        for (const CLI::App* each : parser.app.get_subcommands({}))
            if (!each->get_group().empty()) out.push_back(each->get_name());
        for (const std::string option : {"--help", "--version", "--plugin"}) out.push_back(option);
        return out;
    }
    const std::string last = words.empty() ? "" : words.back();
    out = option_words(*command, last);
    if (last.rfind("--", 0) != 0 && takes_scenario(*command) && command->get_name() == last)
        for (const Scenario* scenario : scenarios()) out.emplace_back(scenario->name);
    return out;
}

bool is_command_name(std::string_view word) {
    return std::find(std::begin(kCommands), std::end(kCommands), word) != std::end(kCommands);
}

namespace {

// The help page of the command a refusal is about: the command's own when one was given (a
// plugin's scenario is found only with its plugin), else racedemo's.
std::string help_command(const Parser& parser) {
    for (const CLI::App* given : parser.app.get_subcommands()) {
        if (given->get_group().empty()) continue;  // a hidden command has no page to show
        const Scenario* scenario = find_scenario(given->get_name());
        if (scenario != nullptr && !scenario->origin.empty())
            return fmt::format("racedemo --plugin {} {} --help",
                               shell_word(std::string(scenario->origin)), scenario->name);
        return fmt::format("racedemo {} --help", given->get_name());
    }
    return "racedemo --help";
}

}  // namespace

Request parse_request(const std::vector<std::string>& args) {
    Parser parser;
    setup(parser);
    // CLI11 takes the arguments reversed (it pops them from the back).
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        parser.app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        return HelpRequest{parser.app.help()};
    } catch (const CLI::CallForAllHelp&) {
        return HelpRequest{parser.app.help("", CLI::AppFormatMode::All)};
    } catch (const CLI::CallForVersion& version) {
        return HelpRequest{fmt::format("{}\n", version.what())};
    } catch (const CLI::ParseError& error) {
        throw UsageError(in_plain_words(error, parser), help_command(parser));
    }
    try {
        return resolve(parser);
    } catch (const UsageError& error) {
        if (error.names_help()) throw;
        throw UsageError(error.what(), help_command(parser));
    }
}

}  // namespace racedemo
