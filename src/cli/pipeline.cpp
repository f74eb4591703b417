#include "cli/pipeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

#include "cli/crash_guard.hpp"
#include "cli/interrupt.hpp"
#include "cli/model_replay.hpp"
#include "cli/output.hpp"
#include "cli/quiz.hpp"
#include "engine/model.hpp"
#include "present/html_report.hpp"
#include "present/refusals.hpp"
#include "present/text.hpp"
#include "present/waits.hpp"
#include "real/detector.hpp"
#include "real/real_runner.hpp"

namespace racedemo {
namespace {

using Clock = std::chrono::steady_clock;

RunHeader header_of(const RunRequest& request) {
    return RunHeader{request.scenario, request.variant, request.mode(), request.threads,
                     request.policy};
}

// A progress line on stderr for real runs that take more than a second (on a terminal only).
TrialObserver progress_line(const RunRequest& request, const Terminal& terminal) {
    if (!terminal.progress) return {};
    const auto started = Clock::now();
    auto shown = std::make_shared<bool>(false);
    const int runs = request.real.runs;
    return [runs, started, shown](int run, const TrialResult&) {
        const bool last = run == runs;
        if (Clock::now() - started > std::chrono::seconds(1) && !last && run % 10 == 0) {
            print_to_stderr("\rrun {} of {}", run, runs);
            *shown = true;
        } else if (last && *shown) {
            print_to_stderr("\r{:40}\r", "");
        }
        return true;
    };
}

RealReport run_real_request(const RunRequest& request, const Terminal& terminal) {
    RealReport report{request.real, {}};
    report.variant = request.variant;
    if (request.variant == Variant::unsafe) {
        // Every schedule of a few threads: a complete search of 8 would not end in a lesson.
        RunRequest search = replay_request(request, {});
        search.threads = std::max(request.scenario->min_threads, std::min(request.threads, 3));
        search.model.strategy = Strategy::explore;
        report.model_search = command_line(search);
    }
    RealOptions options = request.real;
    options.stop_requested = [] { return should_stop(); };
    report.result =
        run_real(*request.scenario, request.variant, options, progress_line(request, terminal));
    RealResult& result = report.result;
    // The runner knows that it was asked to stop; racedemo knows why.
    result.interrupted_by = interrupted();
    result.time_limit_reached =
        time_is_up() && result.interrupted_by == 0 && result.runs_done < result.runs_requested;
    word_result(result);
    if (should_stop() && terminal.progress) print_to_stderr("\r{:40}\r", "");
    // Nothing of the scenario ran: there is no outcome to report, only the machine's refusal.
    if (report.result.runs_done == 0 && report.result.failed_to_start > 0 && !should_stop())
        throw std::runtime_error(
            fmt::format("no trial could start: {}", report.result.start_failure));
    if (report.result.first_bad && !should_stop())
        report.model_replay = find_model_replay(request, *report.result.first_bad, terminal);
    return report;
}

ModelResult run_model_watched(const RunRequest& request, ModelOptions options,
                              const Terminal& terminal) {
    const auto started = Clock::now();
    bool progress_shown = false;
    if (terminal.progress)
        options.progress = [&](std::uint64_t schedules) {
            if (Clock::now() - started < std::chrono::seconds(1)) return;
            if (options.strategy == Strategy::explore)
                print_to_stderr("\rexploring: {} schedules", schedules);
            else
                print_to_stderr("\rschedule {} of {}", schedules, options.runs);
            progress_shown = true;
        };
    StopOnInterrupt stop;
    options.stop = stop.token();
    options.on_stuck = end_when_stuck(*request.scenario);
    const ModelCrashGuard crash_guard(request);
    options.probe = crash_guard.probe();
    ModelResult result = run_model(*request.scenario, request.variant,
                                   TrialConfig{request.threads, true, request.policy}, options);
    if (progress_shown) print_to_stderr("\r{:40}\r", "");
    result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return result;
}

ModelReport run_model_request(const RunRequest& request, const Terminal& terminal) {
    ModelReport report{request.model, {}, {}, request.full_trace};
    try {
        report.result = run_model_watched(request, request.model, terminal);
        word_result(report.result);
    } catch (const ScheduleError& refusal) {
        throw UsageError(
            fmt::format("--schedule: position {}: {}", refusal.position, refusal_words(refusal)));
    } catch (const NondeterministicScenario& problem) {
        throw std::runtime_error(nondeterminism_words(problem));
    }
    // An engine that polls the signal itself stops without saying so: the flag says it.
    if (should_stop()) report.result.interrupted = true;
    report.time_limit_reached = report.result.interrupted && interrupted() == 0 && time_is_up();
    report.replay = replay_command(request, pointed_schedule(report));
    return report;
}

DetectorReport run_detector_request(const RunRequest& request, const Terminal& terminal) {
    RunRequest real = default_run(*request.scenario);
    real.variant = request.variant;
    real.threads = request.threads;
    real.real = request.real;
    DetectorWatch watch;
    // The time limit stops the twin as Ctrl-C would; a signal is passed on as it came.
    watch.stop_signal = [] {
        return interrupted() != 0 ? interrupted() : time_is_up() ? SIGINT : 0;
    };
    const int runs = request.real.runs;
    if (terminal.progress)
        watch.progress = [runs](double seconds) {
            print_to_stderr("\rThreadSanitizer: {} run{}, {:.0f} s so far", runs,
                            runs == 1 ? "" : "s", seconds);
        };
    // A report's location is its first frame in the scenario's own code: a built-in's demos/
    // directory, or a plugin's source file.
    const Scenario& scenario = *request.scenario;
    const std::string own_code =
        scenario.origin.empty() ? "/demos/" : fmt::format("/{}:", scenario.source_file);
    DetectorReport report{runs, run_tsan_detector(command_words(real), own_code, watch)};
    if (terminal.progress) print_to_stderr("\r{:50}\r", "");
    if (should_stop())
        report.result.incomplete = fmt::format(
            "{} after {} of {} runs",
            interrupted() != 0 ? fmt::format("interrupted ({})", signal_name(interrupted()))
                               : std::string("stopped at the time limit (--max-time)"),
            report.result.runs_done, runs);
    return report;
}

BenchReport run_bench_request(const RunRequest& request, const Terminal& terminal) {
    BenchReport report;
    BenchSettings& settings = report.settings;
    settings.max_threads = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // Contention settles within about 20 ms of the threads starting (docs/performance.md): each
    // sample runs 30 ms untimed, then times 30 ms. The whole grid takes about half a minute.
    settings.warmup_seconds_per_sample = 0.03;
    settings.seconds_per_sample = 0.03;
    settings.repetitions = 5;
    const bool show_progress = terminal.progress;
    settings.progress = [show_progress](int done, int total) {
        if (show_progress) print_to_stderr("\rmeasuring: {} of {} rows", done, total);
    };
    settings.should_stop = [] { return should_stop(); };
    report.table = request.scenario->bench(settings);
    if (show_progress) print_to_stderr("\r{:30}\r", "");
    settings.progress = nullptr;
    settings.should_stop = nullptr;
    return report;
}

}  // namespace

bool write_page(const std::string& path, const RunReport& report) {
    // The page's text report is plain, at the projector's width.
    const std::string text = text::fit(render_text(report, Style(false, 100)), 100);
    std::FILE* file = std::fopen(path.c_str(), "w");
    const std::string page = render_html(report, text);
    const bool written =
        file != nullptr && std::fwrite(page.data(), 1, page.size(), file) == page.size();
    const int error = errno;
    if (file != nullptr && std::fclose(file) != 0 && written) {
        print_to_stderr("racedemo: cannot write the page {}: {}\n", path, std::strerror(errno));
        return false;
    }
    if (!written)
        print_to_stderr("racedemo: cannot write the page {}: {}\n", path, std::strerror(error));
    return written;
}

namespace {

std::string_view shouted(Verdict verdict) {
    return verdict_word(verdict);
}

}  // namespace

// A scenario thread that never reaches a step cannot be taken back (the model runs every thread
// on one OS thread): say so and end here, from the watchdog's thread. Exit 1, or 128 + the
// signal that asked racedemo to stop.
std::function<void(const StuckThread&)> end_when_stuck(const Scenario& scenario) {
    return [name = std::string(scenario.name)](const StuckThread& stuck) {
        print_to_stderr(
            "racedemo: {}'s T{} ran {:.1f} s in the model without a shared operation (a loop "
            "that\n  touches nothing shared, or a sleep?); the model cannot take it back: "
            "racedemo stops\n",
            name, stuck.thread, stuck.seconds);
        std::_Exit(interrupted() != 0 ? 128 + interrupted() : 1);
    };
}

RunReport run_request(const RunRequest& request, const Terminal& terminal) {
    RunReport report{header_of(request), RealReport{}, 0};
    switch (request.runner) {
        case Runner::real:
            report.body = run_real_request(request, terminal);
            break;
        case Runner::model:
            report.body = run_model_request(request, terminal);
            break;
        case Runner::detector:
            report.body = run_detector_request(request, terminal);
            break;
        case Runner::bench:
            report.body = run_bench_request(request, terminal);
            break;
    }
    // Each runner stops at the first look after a signal or the time limit; what it had is kept.
    report.interrupted_by = interrupted();
    report.time_limit_reached = report.interrupted_by == 0 && time_is_up();
    return report;
}

int check_expectation(Expectation expect, Verdict verdict) {
    if (expect == Expectation::none) return kExitRan;
    const Verdict wanted = expect == Expectation::corrupt      ? Verdict::corrupted
                           : expect == Expectation::deadlocked ? Verdict::deadlocked
                           : expect == Expectation::misuse     ? Verdict::misuse
                                                               : Verdict::clean;
    if (verdict == wanted) return kExitRan;
    print_to_stderr("racedemo: expected {} but the verdict is {}\n", name_of(expect),
                    shouted(verdict));
    return kExitExpectation;
}

int execute_run(const RunRequest& request, const Terminal& terminal, std::FILE* out) {
    if (request.quiz) return run_quiz(request, terminal, stdin, out);
    const RunReport report = run_request(request, terminal);
    fmt::print(out, "{}", render_report(report, form_of(request, terminal)));
    if (!request.html_path.empty()) {
        if (!write_page(request.html_path, report)) return kExitError;
        if (!request.json) fmt::print(out, " page written: {}\n", request.html_path);
    }
    flush_output(out);
    if (report.interrupted_by != 0) return 128 + report.interrupted_by;  // as a shell reports it
    return check_expectation(request.expect, verdict_of(report));
}

}  // namespace racedemo
