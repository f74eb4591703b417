#include "cli/cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "real/detector.hpp"
#include "cli/interrupt.hpp"
#include "present/lesson.hpp"

namespace racedemo {
namespace {

// Upper bounds keep a typo from asking for a week-long run or ten thousand threads.
constexpr long long kMaxThreads = 64;
constexpr long long kMaxRuns = 1'000'000;
constexpr long long kMaxBudget = 100'000'000;
constexpr double kMaxTimeoutSeconds = 3600;

std::string describe(const Scenario& scenario) {
    return fmt::format("{:>2}  {:<14} {}", scenario.number, scenario.name, scenario.summary);
}

long long parse_whole(const std::string& option, const std::string& text, long long low,
                      long long high) {
    long long value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty()) throw UsageError(fmt::format("{}: an empty value is not a number", option));
    if (error == std::errc::result_out_of_range)
        throw UsageError(fmt::format("{} {}: too large (at most {})", option, text, high));
    if (error != std::errc() || stop != end)
        throw UsageError(fmt::format("{} {}: not a whole number", option, text));
    if (value < low || value > high)
        throw UsageError(fmt::format("{} {}: must be from {} to {}", option, text, low, high));
    return value;
}

std::uint64_t parse_seed(const std::string& text) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty()) throw UsageError("--seed: an empty value is not a number");
    if (error == std::errc::result_out_of_range)
        throw UsageError(fmt::format("--seed {}: too large (at most {})", text, UINT64_MAX));
    if (error != std::errc() || stop != end)
        throw UsageError(
            fmt::format("--seed {}: not a whole number from 0 to {}", text, UINT64_MAX));
    return value;
}

double parse_seconds(const std::string& text) {
    char* stop = nullptr;
    errno = 0;
    double value = text.empty() ? NAN : std::strtod(text.c_str(), &stop);
    if (text.empty() || stop != text.c_str() + text.size() || !std::isfinite(value) || errno != 0)
        throw UsageError(fmt::format("--timeout {}: not a number of seconds", text));
    if (value <= 0 || value > kMaxTimeoutSeconds)
        throw UsageError(fmt::format("--timeout {}: must be more than 0 and at most {:g} seconds",
                                     text, kMaxTimeoutSeconds));
    return value;
}

Command help_command(std::string text) {
    Command command;
    command.kind = Command::Kind::help;
    command.help_text = std::move(text);
    return command;
}

const Scenario& lookup(const std::string& key) {
    if (const Scenario* scenario = find_scenario(key)) return *scenario;
    if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos)
        throw UsageError(fmt::format("unknown scenario '{}' (they are numbered 1 to {})", key,
                                     scenarios().size()));
    if (std::string_view guess = closest_scenario_name(key); !guess.empty())
        throw UsageError(fmt::format(
            "unknown scenario '{}' (did you mean '{}'? 'racedemo list' shows all)", key, guess));
    throw UsageError(fmt::format("unknown scenario '{}' ('racedemo list' shows all)", key));
}

// The raw strings of the common options, validated after CLI11 has split the command line.
struct RawOptions {
    std::string threads, runs, seed, timeout, schedule, preemptions, budget;
    std::string mode, color = "auto", expect, reduction = "dpor", detector;
    bool fixed = false, explore = false, json = false, bench = false, quiz = false, answers = false;
    std::vector<CLI::Option*> options;

    // Whether the option was on the command line (an empty value counts: "--threads ''").
    bool given(std::string_view name) const {
        for (const CLI::Option* option : options)
            if (option->get_name() == name) return option->count() > 0;
        return false;
    }
};

void add_run_options(CLI::App& app, RawOptions& raw) {
    app.add_option("--threads", raw.threads, "threads to run (default: the scenario's own)")
        ->type_name("N");
    app.add_option("--runs", raw.runs, "real mode: trials, each in its own process (default 20)")
        ->type_name("N");
    app.add_option("--mode", raw.mode, "real (OS threads) or model (deterministic scheduler)")
        ->type_name("real|model");
    app.add_flag("--fixed", raw.fixed, "run the fixed (locked) variant");
    app.add_flag("--explore", raw.explore, "model mode: run every schedule");
    app.add_option("--schedule", raw.schedule, "model mode: replay this schedule (1,2,2,1,...)")
        ->type_name("LIST");
    app.add_option("--seed", raw.seed, "model mode: a random schedule from this seed")
        ->type_name("N");
    app.add_option("--preemptions", raw.preemptions, "--explore: at most K preemptions")
        ->type_name("K");
    app.add_option("--budget", raw.budget, "--explore: at most N schedules (default 1000000)")
        ->type_name("N");
    app.add_option("--reduction", raw.reduction, "--explore: dpor (default) or none")
        ->type_name("dpor|none");
    app.add_option("--timeout", raw.timeout, "real mode: seconds before a trial counts as hung")
        ->type_name("SECONDS");
    app.add_flag("--bench", raw.bench,
                 "measure instead of demonstrating (rwmutex-cache: the locks)");
    app.add_option("--detector", raw.detector, "run under a race detector and sum up its reports")
        ->type_name("tsan");
    app.add_flag("--quiz", raw.quiz, "model mode: predict what happens, then see (--answers)");
    app.add_flag("--answers", raw.answers, "with --quiz: print the solution");
    app.add_flag("--json", raw.json, "print one JSON document instead of text");
    app.add_option("--color", raw.color, "colour: auto (a terminal, no NO_COLOR), always, never")
        ->type_name("auto|always|never");
    app.add_option("--expect", raw.expect, "exit 3 unless the verdict is this")
        ->type_name("corrupt|clean");
    for (CLI::Option* option : app.get_options()) raw.options.push_back(option);
}

template <class Enum>
Enum parse_choice(const std::string& option, const std::string& text,
                  std::initializer_list<std::pair<const char*, Enum>> choices) {
    std::string names;
    for (const auto& [name, value] : choices) {
        if (text == name) return value;
        names += names.empty() ? name : fmt::format(", {}", name);
    }
    throw UsageError(fmt::format("{} '{}': not one of {}", option, text, names));
}

ColorChoice parse_color(const std::string& text) {
    return parse_choice<ColorChoice>("--color", text,
                                     {{"auto", ColorChoice::automatic},
                                      {"always", ColorChoice::always},
                                      {"never", ColorChoice::never}});
}

void validate(Command& command, const RawOptions& raw) {
    const Scenario& scenario = *command.scenario;
    command.color = parse_color(raw.color);
    if (raw.given("--expect"))
        command.expect = parse_choice<Expectation>(
            "--expect", raw.expect,
            {{"corrupt", Expectation::corrupt}, {"clean", Expectation::clean}});
    command.json = raw.json;
    command.bench = raw.bench;
    command.quiz = raw.quiz;
    if (raw.given("--detector")) {
        if (raw.detector != "tsan")
            throw UsageError(fmt::format("--detector '{}': not one of tsan", raw.detector));
        command.detector = true;
        for (const char* option : {"--mode", "--schedule", "--seed", "--preemptions", "--budget"})
            if (raw.given(option))
                throw UsageError(fmt::format("--detector runs real threads; drop {}", option));
        if (raw.explore || raw.quiz || raw.bench)
            throw UsageError(
                fmt::format("--detector cannot be combined with {}", raw.explore ? "--explore"
                                                                     : raw.quiz  ? "--quiz"
                                                                                 : "--bench"));
    }
    command.answers = raw.answers;
    if (raw.answers && !raw.quiz) throw UsageError("--answers goes with --quiz");
    if (raw.quiz && raw.explore)
        throw UsageError("--quiz asks about one run; use --seed or --schedule, not --explore");
    if (raw.quiz && raw.json) throw UsageError("--quiz is for people; drop --json");
    if (raw.quiz && raw.given("--mode") && raw.mode == "real")
        throw UsageError("--quiz works in model mode, where a run can be replayed exactly");
    if (raw.bench) {
        if (scenario.bench == nullptr)
            throw UsageError(fmt::format("--bench: {} has nothing to measure (try rwmutex-cache)",
                                         scenario.name));
        for (const char* option : {"--mode", "--schedule", "--seed", "--runs", "--timeout",
                                   "--preemptions", "--budget", "--threads"})
            if (raw.given(option))
                throw UsageError(
                    fmt::format("--bench measures over its own grid; drop {}", option));
        if (raw.explore) throw UsageError("--bench measures; it cannot be combined with --explore");
        if (raw.fixed) throw UsageError("--bench compares the locks itself; drop --fixed");
    }
    command.variant = scenario.effective(raw.fixed ? Variant::fixed : Variant::unsafe);

    const bool model_only = raw.explore || raw.quiz || raw.given("--schedule") ||
                            raw.given("--preemptions") || raw.given("--budget") ||
                            raw.given("--seed");
    if (!raw.given("--mode"))
        command.mode = model_only ? Mode::model : Mode::real;
    else
        command.mode =
            parse_choice<Mode>("--mode", raw.mode, {{"real", Mode::real}, {"model", Mode::model}});
    if (command.mode == Mode::real && model_only) {
        const char* option = raw.explore                  ? "--explore"
                             : raw.given("--schedule")    ? "--schedule"
                             : raw.given("--preemptions") ? "--preemptions"
                             : raw.given("--budget")      ? "--budget"
                                                          : "--seed";
        throw UsageError(fmt::format("{} works in model mode, not with --mode real", option));
    }
    if (command.mode == Mode::model && raw.given("--runs"))
        throw UsageError(
            "--runs counts real-mode trials; in model mode use --explore, --seed or --schedule");
    if (command.mode == Mode::model && raw.given("--timeout"))
        throw UsageError("--timeout guards real-mode trials; model mode never hangs");
    if (raw.explore && raw.given("--schedule"))
        throw UsageError("--schedule replays one schedule; it cannot be combined with --explore");
    if (raw.explore && raw.given("--seed"))
        throw UsageError("--seed picks one random schedule; it cannot be combined with --explore");
    if (raw.given("--schedule") && raw.given("--seed"))
        throw UsageError("--schedule and --seed each choose the schedule; give one of them");
    if (!raw.explore && (raw.given("--preemptions") || raw.given("--budget")))
        throw UsageError(fmt::format("{} only applies to --explore",
                                     !raw.given("--preemptions") ? "--budget" : "--preemptions"));

    command.threads = !raw.given("--threads")
                          ? scenario.default_threads
                          : static_cast<int>(parse_whole("--threads", raw.threads, 1, kMaxThreads));
    if (command.threads < scenario.min_threads)
        throw UsageError(fmt::format("--threads {}: {} needs at least {} threads", command.threads,
                                     scenario.name, scenario.min_threads));

    command.real.threads = command.threads;
    command.real_runs_given = raw.given("--runs");
    if (raw.given("--runs"))
        command.real.runs = static_cast<int>(parse_whole("--runs", raw.runs, 1, kMaxRuns));
    if (raw.given("--timeout")) command.real.timeout_seconds = parse_seconds(raw.timeout);

    ModelOptions& model = command.model;
    model.reduction = parse_choice<Reduction>(
        "--reduction", raw.reduction, {{"dpor", Reduction::dpor}, {"none", Reduction::none}});
    if (raw.explore) {
        model.strategy = Strategy::explore;
    } else if (raw.given("--schedule")) {
        model.strategy = Strategy::replay;
        model.schedule = parse_schedule(raw.schedule, command.threads);
    } else {
        model.strategy = Strategy::random;
    }
    if (raw.given("--seed")) model.seed = parse_seed(raw.seed);
    if (raw.given("--preemptions"))
        model.preemption_bound =
            static_cast<int>(parse_whole("--preemptions", raw.preemptions, 0, 1000));
    if (raw.given("--budget"))
        model.budget =
            static_cast<std::uint64_t>(parse_whole("--budget", raw.budget, 1, kMaxBudget));
}

bool use_color(ColorChoice choice) {
    if (choice != ColorChoice::automatic) return choice == ColorChoice::always;
    const char* no_color = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
}

int run_bench(const Command& command, std::FILE* out) {
    const RunHeader header{command.scenario, command.variant, command.mode, command.threads};
    const Style style(!command.json && use_color(command.color));
    BenchSettings settings;
    settings.max_threads = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // Contention settles within about 20 ms of the threads starting (docs/performance.md): each
    // sample runs 30 ms untimed, then times 30 ms. The whole grid takes about half a minute.
    settings.warmup_seconds_per_sample = 0.03;
    settings.seconds_per_sample = 0.03;
    settings.repetitions = 5;
    const bool show_progress = isatty(STDERR_FILENO) == 1;
    settings.progress = [&](int done, int total) {
        if (show_progress) fmt::print(stderr, "\rmeasuring: {} of {} rows", done, total);
    };
    BenchTable table = command.scenario->bench(settings);
    if (show_progress) fmt::print(stderr, "\r{:30}\r", "");
    if (command.json)
        fmt::print(out, "{}\n", bench_json(header, settings, table).dump(2));
    else
        fmt::print(out, "{}", render_bench(header, settings, table, style));
    return kExitRan;
}

// A progress line on stderr for real runs that take more than a second (on a terminal only).
TrialObserver progress_line(const Command& command) {
    if (command.json || isatty(STDERR_FILENO) != 1) return {};
    auto started = std::chrono::steady_clock::now();
    auto shown = std::make_shared<bool>(false);
    return [&command, started, shown](int run, const TrialResult&) {
        const bool last = run == command.real.runs;
        if (std::chrono::steady_clock::now() - started > std::chrono::seconds(1) && !last &&
            run % 10 == 0) {
            fmt::print(stderr, "\rrun {} of {}", run, command.real.runs);
            *shown = true;
        } else if (last && *shown) {
            fmt::print(stderr, "\r{:40}\r", "");
        }
        return true;
    };
}

bool interactive() {
    return isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1;
}

int run_quiz(const Command& command, const RunHeader& header, const ModelRun& run,
             const Style& style, std::FILE* out) {
    fmt::print(out, "{}", quiz_questions(header, run, style));
    if (command.answers) {
        fmt::print(out, "{}", quiz_answers(run, style));
    } else if (interactive()) {
        auto ask = [&](std::string_view question) {
            fmt::print(out, "{} ", question);
            std::fflush(out);
            char line[64] = {};
            if (std::fgets(line, sizeof line, stdin) == nullptr) return std::string();
            std::string answer(line);
            while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back())))
                answer.pop_back();
            return answer;
        };
        std::string corrupts = ask(" Your answer to Q1:");
        std::string step = ask(" Your answer to Q2:");
        fmt::print(out, "{}{}", quiz_score(run, corrupts, step, style), quiz_answers(run, style));
    } else {
        fmt::print(out, " The answers: {} --quiz --answers\n",
                   replay_command(command, run.schedule));
    }
    return kExitRan;
}

int check_expectation(const Command& command, bool corrupt) {
    if (command.expect != Expectation::none &&
        corrupt != (command.expect == Expectation::corrupt)) {
        fmt::print(stderr, "racedemo: expected {} but the verdict is {}\n",
                   command.expect == Expectation::corrupt ? "corrupt" : "clean",
                   corrupt ? "CORRUPTED" : "CLEAN");
        return kExitExpectation;
    }
    return kExitRan;
}

int run_detector(const Command& command, std::FILE* out) {
    const RunHeader header{command.scenario, command.variant, Mode::real, command.threads};
    const int runs = command.real_runs_given ? command.real.runs : 2;
    std::vector<std::string> args{std::string(command.scenario->name),
                                  "--threads",
                                  std::to_string(command.threads),
                                  "--runs",
                                  std::to_string(runs),
                                  "--timeout",
                                  fmt::format("{}", command.real.timeout_seconds),
                                  "--color",
                                  "never"};
    if (command.variant == Variant::fixed && command.scenario->unsafe != nullptr)
        args.push_back("--fixed");
    DetectorResult result = run_tsan_detector(args);
    if (command.json)
        fmt::print(out, "{}\n", detector_json(header, runs, result).dump(2));
    else
        fmt::print(out, "{}",
                   render_detector(header, runs, result, Style(use_color(command.color))));
    std::fflush(out);
    return check_expectation(command, !result.races.empty());
}

int run_command(const Command& command, std::FILE* out) {
    if (command.bench) return run_bench(command, out);
    if (command.detector) return run_detector(command, out);
    const RunHeader header{command.scenario, command.variant, command.mode, command.threads};
    const Style style(!command.json && use_color(command.color));
    int stopped_by = 0;  // SIGINT or SIGTERM
    bool corrupt = false;
    if (command.mode == Mode::real) {
        RealResult result =
            run_real(*command.scenario, command.variant, command.real, progress_line(command));
        corrupt = verdict_corrupt(result);
        stopped_by = result.interrupted_by;
        if (stopped_by != 0 && isatty(STDERR_FILENO) == 1) fmt::print(stderr, "\r{:40}\r", "");
        if (command.json)
            fmt::print(out, "{}\n", real_json(header, command.real, result).dump(2));
        else
            fmt::print(out, "{}", render_real(header, command.real, result, style));
    } else {
        ModelResult result;
        try {
            auto started = std::chrono::steady_clock::now();
            ModelOptions options = command.model;
            bool progress_shown = false;
            if (!command.json && isatty(STDERR_FILENO) == 1) {
                options.progress = [&](std::uint64_t schedules) {
                    if (std::chrono::steady_clock::now() - started < std::chrono::seconds(1))
                        return;
                    fmt::print(stderr, "\rexploring: {} schedules", schedules);
                    progress_shown = true;
                };
            }
            result = run_model(*command.scenario, command.variant,
                               TrialConfig{command.threads, true}, options);
            if (progress_shown) fmt::print(stderr, "\r{:40}\r", "");
            result.elapsed_ms = std::chrono::duration<double, std::milli>(
                                    std::chrono::steady_clock::now() - started)
                                    .count();
        } catch (const ScheduleError& error) {
            throw UsageError(
                fmt::format("--schedule: position {}: {}", error.position, error.reason));
        }
        corrupt = verdict_corrupt(result);
        stopped_by = interrupted();
        const std::vector<int>& shown =
            result.shortest_schedule && command.model.strategy == Strategy::explore
                ? *result.shortest_schedule
                : result.shown.schedule;
        std::string replay = replay_command(command, shown);
        if (command.quiz) return run_quiz(command, header, result.shown, style, out);
        if (command.json)
            fmt::print(out, "{}\n", model_json(header, command.model, result, replay).dump(2));
        else
            fmt::print(out, "{}", render_model(header, command.model, result, replay, style));
    }
    std::fflush(out);
    if (stopped_by != 0) return 128 + stopped_by;  // as a shell reports a program it stopped
    return check_expectation(command, corrupt);
}

// What `racedemo <args>` prints, run in this process.
std::string printed_by(const std::vector<std::string>& args) {
    char* buffer = nullptr;
    std::size_t size = 0;
    std::FILE* memory = open_memstream(&buffer, &size);
    if (memory == nullptr) throw std::runtime_error("cannot capture output");
    Command command = parse_command_line(args);
    command.color = ColorChoice::never;
    execute(command, memory);
    std::fclose(memory);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
}

std::string explain_page(const Scenario& scenario) {
    std::vector<std::pair<std::string, std::string>> runs;
    std::vector<std::vector<std::string>> commands;
    const std::string name(scenario.name);
    if (scenario.unsafe != nullptr) commands.push_back({name, "--mode", "model", "--explore"});
    commands.push_back({name, "--mode", "model", "--explore", "--fixed"});
    for (const auto& args : commands)
        runs.emplace_back(fmt::format("racedemo {}", fmt::join(args, " ")), printed_by(args));
    return render_explain_markdown(scenario, runs);
}

}  // namespace

std::vector<int> parse_schedule(const std::string& text, int threads) {
    std::vector<int> schedule;
    std::size_t position = 0, start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        std::string token =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        ++position;
        int thread = 0;
        auto [stop, error] = std::from_chars(token.data(), token.data() + token.size(), thread);
        if (token.empty() || error != std::errc() || stop != token.data() + token.size() ||
            thread < 1)
            throw UsageError(
                fmt::format("--schedule: position {} is '{}', not a thread number (1 to {})",
                            position, token, threads));
        if (thread > threads)
            throw UsageError(
                fmt::format("--schedule: position {} names thread {}, but there {} only {}",
                            position, thread, threads == 1 ? "is" : "are", threads));
        schedule.push_back(thread);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return schedule;
}

std::string replay_command(const Command& command, const std::vector<int>& schedule) {
    return fmt::format("racedemo {} --mode model{} --threads {} --schedule {}",
                       command.scenario->name, command.variant == Variant::fixed ? " --fixed" : "",
                       command.threads, fmt::join(schedule, ","));
}

Command parse_command_line(const std::vector<std::string>& args) {
    CLI::App app{"racedemo: race conditions made visible, step by step", "racedemo"};
    app.footer(
        "Examples:\n"
        "  racedemo list\n"
        "  racedemo trie-race --threads 8          real threads, outcome histogram\n"
        "  racedemo trie-race --fixed --threads 8  the same with a mutex\n"
        "  racedemo 3 --mode model --explore       every schedule; the shortest bad one\n"
        "  racedemo explain trie-race\n"
        "Exit codes: 0 ran, 2 bad usage, 3 verdict differs from --expect, 1 other errors.");
    std::string scenario_key;
    RawOptions raw;
    app.add_option("scenario", scenario_key, "a scenario, by name or number (see 'racedemo list')");
    add_run_options(app, raw);

    CLI::App* list = app.add_subcommand("list", "the scenarios, one a line");
    CLI::App* walk = app.add_subcommand(
        "walkthrough", "every scenario in order, for a class: lesson, unsafe run, fix, takeaway");
    bool no_pause = false;
    std::string walk_only, walk_from, walk_color = "auto";
    walk->add_flag("--no-pause", no_pause, "run straight through (also when not on a terminal)");
    walk->add_option("--only", walk_only, "just this scenario (number or name)")->type_name("N");
    walk->add_option("--from", walk_from, "start at this scenario (number or name)")
        ->type_name("N");
    walk->add_option("--color", walk_color, "colour: auto, always, never")
        ->type_name("auto|always|never");
    CLI::App* explain =
        app.add_subcommand("explain", "the lesson of a scenario: what goes wrong, why, the fix");
    std::string explain_key, explain_color = "auto";
    bool markdown = false;
    explain->add_option("scenario", explain_key, "a scenario, by name or number")->required();
    explain->add_flag("--markdown", markdown,
                      "write the page docs/scenarios/ holds, with real output");
    explain->add_option("--color", explain_color, "colour: auto, always, never")
        ->type_name("auto|always|never");

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        return help_command(app.help());
    } catch (const CLI::CallForAllHelp&) {
        return help_command(app.help("", CLI::AppFormatMode::All));
    } catch (const CLI::ParseError& error) {
        std::string message = error.what();
        const std::size_t colon = message.find(':');
        if (message.find("not expected") != std::string::npos && colon != std::string::npos)
            message = fmt::format("unexpected argument{}", message.substr(colon));
        throw UsageError(message);
    }

    Command command;
    if (list->parsed()) {
        command.kind = Command::Kind::list;
    } else if (walk->parsed()) {
        command.kind = Command::Kind::walkthrough;
        ColorChoice color = parse_color(walk_color);
        command.walkthrough.color = use_color(color);
        command.walkthrough.pause = !no_pause && interactive();
        if (!walk_only.empty() && !walk_from.empty())
            throw UsageError("--only and --from both choose where to start; give one of them");
        if (!walk_only.empty()) command.walkthrough.only = lookup(walk_only).number;
        if (!walk_from.empty()) command.walkthrough.from = lookup(walk_from).number;
    } else if (explain->parsed()) {
        command.kind = Command::Kind::explain;
        command.scenario = &lookup(explain_key);
        command.markdown = markdown;
        command.color = parse_color(explain_color);
    } else if (scenario_key.empty()) {
        command.kind = Command::Kind::overview;
        command.help_text = app.help();
    } else {
        command.kind = Command::Kind::run;
        command.scenario = &lookup(scenario_key);
        validate(command, raw);
    }
    return command;
}

int execute(const Command& command, std::FILE* out) {
    switch (command.kind) {
        case Command::Kind::help:
            fmt::print(out, "{}", command.help_text);
            return kExitRan;
        case Command::Kind::overview:
            fmt::print(out, "{}\nScenarios:\n", command.help_text);
            [[fallthrough]];
        case Command::Kind::list:
            for (const Scenario* scenario : scenarios())
                fmt::print(out, "{}\n", describe(*scenario));
            return kExitRan;
        case Command::Kind::explain:
            if (command.markdown)
                fmt::print(out, "{}", explain_page(*command.scenario));
            else
                fmt::print(out, "{}",
                           render_explain(*command.scenario, Style(use_color(command.color))));
            return kExitRan;
        case Command::Kind::walkthrough: {
            auto runner = [](const std::vector<std::string>& args, std::FILE* sink) {
                execute(parse_command_line(args), sink);
            };
            walkthrough(command.walkthrough, runner, stdin, out);
            return kExitRan;
        }
        case Command::Kind::run:
            return run_command(command, out);
    }
    return kExitError;
}

int run_cli(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        int code = execute(parse_command_line(args), stdout);
        // A reader that went away (a closed pipe, a full disk) is an error, not a success.
        if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0)
            throw std::runtime_error(
                fmt::format("cannot write the output: {}", std::strerror(errno)));
        return code;
    } catch (const UsageError& error) {
        fmt::print(stderr, "racedemo: {} (see 'racedemo --help')\n", error.what());
        return kExitUsage;
    } catch (const std::exception& error) {
        fmt::print(stderr, "racedemo: {}\n", error.what());
        return kExitError;
    }
}

}  // namespace racedemo
