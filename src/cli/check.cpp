#include "cli/check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/interrupt.hpp"
#include "cli/output.hpp"
#include "cli/pipeline.hpp"
#include "cli/plugins.hpp"
#include "core/overloaded.hpp"
#include "present/text.hpp"
#include "real/detector.hpp"

namespace racedemo {
namespace {

// Real threads: enough trials to show a race that shows at all, few enough to take about a
// second and a half (a trial ends after the scenario's rounds or 150 ms).
constexpr int kRealRuns = 10;
// Two trials, as `--detector tsan` runs by default: ThreadSanitizer sees a race without it
// having to do damage.
constexpr int kDetectorRuns = 2;
// Where a complete search is too large: this many pct schedules at depth 3.
constexpr std::uint64_t kPctRuns = 1000;
constexpr int kPctDepth = 3;

// A check to run: its name, its run, and what its detail says first (empty: nothing).
struct PlannedCheck {
    std::string name;
    RunRequest run;
    std::string note;
};

RunRequest base_run(const CheckRequest& request, Runner runner, int threads) {
    RunRequest run = default_run(*request.scenario, request.variant);
    run.runner = runner;
    run.threads = threads;
    run.real.threads = threads;
    return run;
}

// 2 and 3 threads, or the scenario's least where it needs more (once when that is 3 or more).
std::vector<int> explore_threads(const Scenario& scenario) {
    std::vector<int> threads{std::max(2, scenario.min_threads)};
    if (const int more = std::max(3, scenario.min_threads); more != threads.front())
        threads.push_back(more);
    return threads;
}

void plan_explorations(const CheckRequest& request, std::vector<PlannedCheck>& plan) {
    const Scenario& scenario = *request.scenario;
    const std::vector<int> explored = explore_threads(scenario);
    for (int threads : explored) {
        RunRequest run = base_run(request, Runner::model, threads);
        run.model.strategy = Strategy::explore;
        run.model.budget = request.explore_budget;
        plan.push_back({fmt::format("explore, {} threads", threads), run, {}});
    }
    if (explored.size() == 1)
        plan.back().note = fmt::format("{} needs at least {} threads, so it is explored at {} only",
                                       scenario.name, scenario.min_threads, explored.front());
}

// Why ThreadSanitizer cannot check `scenario` here, if it cannot: no twin, or a plugin with no
// ThreadSanitizer build of its own (its races would go unseen).
std::optional<std::string> detector_unavailable(const Scenario& scenario) {
    if (!tsan_twin_found())
        return fmt::format("racedemo-tsan (the ThreadSanitizer build) is not installed at {}",
                           tsan_twin_path());
    const std::string origin(scenario.origin);
    if (!origin.empty() && tsan_build_of(origin) == origin)
        return fmt::format("plugin {} has no ThreadSanitizer build beside it (NAME.tsan.so)",
                           origin);
    return std::nullopt;
}

std::vector<PlannedCheck> plan_checks(const CheckRequest& request,
                                      std::vector<SkippedCheck>& skipped) {
    const Scenario& scenario = *request.scenario;
    std::vector<PlannedCheck> plan;
    plan_explorations(request, plan);
    const int threads = std::max(scenario.default_threads, scenario.min_threads);
    RunRequest real = base_run(request, Runner::real, threads);
    real.real.runs = kRealRuns;
    plan.push_back({fmt::format("real, {} threads", threads), real, {}});
    const std::string detector_name = fmt::format("tsan, {} threads", threads);
    if (std::optional<std::string> why = detector_unavailable(scenario)) {
        skipped.push_back({detector_name, *why});
        return plan;
    }
    RunRequest detector = base_run(request, Runner::detector, threads);
    detector.real.runs = kDetectorRuns;
    plan.push_back({detector_name, detector, {}});
    return plan;
}

std::string counted(std::uint64_t count, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", count, count == 1 ? one : many);
}

bool cut_short(const RunReport& report) {
    return report.interrupted_by != 0 || report.time_limit_reached;
}

bool bad(Verdict verdict) {
    return verdict == Verdict::corrupted || verdict == Verdict::deadlocked ||
           verdict == Verdict::hung || verdict == Verdict::step_bound || verdict == Verdict::misuse;
}

// "24 corrupt, 1 deadlocked: lost 101; ..." of a model search or series.
std::string model_damage(const ModelResult& result) {
    std::vector<std::string> counts;
    if (result.schedules_misused > 0)
        counts.push_back(fmt::format("{} misused a primitive", result.schedules_misused));
    if (result.schedules_corrupt > 0)
        counts.push_back(fmt::format("{} corrupt", result.schedules_corrupt));
    if (result.schedules_deadlocked > 0)
        counts.push_back(fmt::format("{} deadlocked", result.schedules_deadlocked));
    if (result.schedules_bounded > 0)
        counts.push_back(fmt::format("{} passed the step bound", result.schedules_bounded));
    const Outcome& outcome = result.shown.outcome;
    return fmt::format("{}: {}", fmt::join(counts, ", "),
                       outcome.evidence.empty() ? outcome.label : outcome.evidence);
}

std::string model_detail(const ModelReport& model, const RunReport& report) {
    const ModelResult& result = model.result;
    const bool pct = model.options.strategy == Strategy::pct;
    std::string ran = counted(result.schedules_explored, "schedule", "schedules");
    if (pct)
        ran = fmt::format("{} of {} pct schedules (depth {}, seed {})", result.schedules_explored,
                          model.options.runs, model.options.pct_depth, model.options.seed);
    const Verdict verdict = verdict_of(model);
    if (bad(verdict)) return fmt::format("{}, {}", ran, model_damage(result));
    if (cut_short(report))
        return fmt::format("{} after {}, none bad so far: not passed", why_stopped(report), ran);
    if (verdict == Verdict::no_bug_found)
        return fmt::format("{}, none bad, but the search stopped at its budget: not complete", ran);
    return fmt::format("{}, every one clean{}", ran, pct ? "" : " (a complete search)");
}

// "7 corrupted, 1 hung (lost 101, double pop)" of real runs.
std::string real_damage(const RealResult& result) {
    std::vector<std::string> counts;
    auto count = [&counts](int runs, std::string_view what) {
        if (runs > 0) counts.push_back(fmt::format("{} {}", runs, what));
    };
    count(result.misused_runs, "misused a primitive");
    count(result.corrupted_runs, "corrupted");
    count(result.crashed_runs, "crashed");
    count(result.failed_runs, "failed");
    count(result.deadlocked_runs, "deadlocked");
    count(result.hung_runs, "hung");
    std::vector<std::string> labels;
    for (const auto& [label, runs] : result.outcomes.rows)
        if (label != "clean" && label != deadlock_label && label != misuse_label)
            labels.push_back(label);
    if (labels.empty()) return fmt::format("{}", fmt::join(counts, ", "));
    return fmt::format("{} ({})", fmt::join(counts, ", "), fmt::join(labels, ", "));
}

std::string real_detail(const RealReport& real, const RunReport& report) {
    const RealResult& result = real.result;
    const std::string ran =
        result.runs_done == result.runs_requested
            ? counted(result.runs_done, "run", "runs")
            : fmt::format("{} of {} runs", result.runs_done, result.runs_requested);
    const Verdict verdict = verdict_of(real);
    if (bad(verdict)) return fmt::format("{}: {}", ran, real_damage(result));
    if (cut_short(report))
        return fmt::format("{} after {}, none bad so far: not passed", why_stopped(report), ran);
    if (verdict == Verdict::no_bug_found && real.variant == Variant::unsafe)
        return fmt::format("{}, none bad, but of the unsafe program: no proof", ran);
    if (verdict == Verdict::no_bug_found)
        return fmt::format("{}, none bad, but not every run came to its end", ran);
    return fmt::format("{}, {} rounds, no corruption, no deadlock", ran, result.rounds_total);
}

std::string detector_detail(const DetectorReport& detector) {
    const DetectorResult& result = detector.result;
    std::vector<std::string> found;
    if (!result.races.empty()) {
        const RaceReport& first = result.races.front();
        found.push_back(fmt::format("{} ({} distinct; first: {} and {})",
                                    counted(result.reports, "data race", "data races"),
                                    result.races.size(), first.current.location,
                                    first.previous.location));
    }
    if (result.lock_order_inversions > 0)
        found.push_back(
            counted(result.lock_order_inversions, "lock-order inversion", "lock-order inversions"));
    if (result.deadlocked_runs > 0)
        found.push_back(fmt::format(
            "{} deadlocked ({})", counted(result.deadlocked_runs, "run", "runs"), result.deadlock));
    if (!result.incomplete.empty()) found.push_back("not complete: " + result.incomplete);
    if (!found.empty())
        return fmt::format("{} under ThreadSanitizer: {}", counted(detector.runs, "run", "runs"),
                           fmt::join(found, "; "));
    return fmt::format("{} under ThreadSanitizer, no data race or lock-order inversion reported",
                       counted(detector.runs, "run", "runs"));
}

// A real or detector failure has no replay of its own, unless the real run's damage was found
// again in the model: the model's earlier counterexample stands in for it, when there is one.
void point_to_model(CheckResult& check, const std::optional<std::string>& model_replay) {
    check.detail += "; a real run has no deterministic replay";
    if (!model_replay) return;
    check.replay = model_replay;
    check.detail += ", the replay is the model's counterexample";
}

CheckResult judge(const PlannedCheck& check, const RunReport& report,
                  const std::optional<std::string>& model_replay) {
    CheckResult result{check.name, false, {}, std::nullopt};
    const Verdict verdict = verdict_of(report);
    result.passed = verdict == Verdict::clean && !cut_short(report);
    std::visit(overloaded{[&](const ModelReport& model) {
                              result.detail = model_detail(model, report);
                              if (bad(verdict)) result.replay = model.replay;
                          },
                          [&](const RealReport& real) {
                              result.detail = real_detail(real, report);
                              if (real.model_replay) {
                                  result.replay = real.model_replay->command;
                                  result.detail +=
                                      "; the replay is a model schedule, run and seen to corrupt";
                              }
                              if (bad(verdict) && !result.replay)
                                  point_to_model(result, model_replay);
                          },
                          [&](const DetectorReport& detector) {
                              result.passed =
                                  result.passed && detector.result.lock_order_inversions == 0;
                              result.detail = detector_detail(detector);
                              const DetectorResult& found = detector.result;
                              if (!found.races.empty() || found.lock_order_inversions > 0)
                                  point_to_model(result, model_replay);
                          },
                          [&](const BenchReport&) {}},
               report.body);
    if (!check.note.empty()) result.detail = check.note + "; " + result.detail;
    return result;
}

// An exploration cut by its budget (not by a signal or the time limit), and clean so far.
bool cut_by_budget(const RunReport& report) {
    const auto* model = std::get_if<ModelReport>(&report.body);
    return model != nullptr && model->options.strategy == Strategy::explore &&
           verdict_of(*model) == Verdict::no_bug_found && !cut_short(report) && !should_stop();
}

CheckResult run_check(const PlannedCheck& check, const Terminal& terminal,
                      const std::optional<std::string>& model_replay) {
    const RunReport report = run_request(check.run, terminal);
    if (!cut_by_budget(report)) return judge(check, report, model_replay);
    // Too large to search completely: pct schedules instead, as many as it says.
    const ModelResult& explored = std::get<ModelReport>(report.body).result;
    PlannedCheck pct{fmt::format("pct, {} threads", check.run.threads), check.run, {}};
    pct.run.model = ModelOptions{};
    pct.run.model.strategy = Strategy::pct;
    pct.run.model.runs = kPctRuns;
    pct.run.model.pct_depth = kPctDepth;
    pct.note = fmt::format("{}{}the exploration stopped at its budget after {}, not complete",
                           check.note, check.note.empty() ? "" : "; ",
                           counted(explored.schedules_explored, "schedule", "schedules"));
    return judge(pct, run_request(pct.run, terminal), model_replay);
}

std::string stop_reason(const CheckReport& report) {
    if (report.interrupted_by != 0)
        return fmt::format("interrupted ({})", signal_name(report.interrupted_by));
    return "stopped at the time limit (--max-time)";
}

}  // namespace

bool CheckReport::passed() const {
    return not_run.empty() && could_not_run.empty() && interrupted_by == 0 && !time_limit_reached &&
           std::all_of(checks.begin(), checks.end(),
                       [](const CheckResult& check) { return check.passed; });
}

CheckReport run_checks(const CheckRequest& request, const Terminal& terminal,
                       const std::function<void(const CheckResult&)>& on_check) {
    CheckReport report;
    report.scenario = request.scenario;
    report.variant = request.scenario->effective(request.variant);
    std::optional<std::string> model_replay;
    for (const PlannedCheck& check : plan_checks(request, report.skipped)) {
        if (should_stop()) {
            report.not_run.push_back(check.name);
            continue;
        }
        CheckResult result;
        try {
            result = run_check(check, terminal, model_replay);
        } catch (const std::runtime_error& error) {
            // The environment's failure (racedemo's own is std::bad_alloc or a logic error).
            report.could_not_run.push_back({check.name, error.what()});
            if (on_check)
                on_check(CheckResult{check.name, false, error.what(), std::nullopt, true});
            continue;
        }
        if (!model_replay) model_replay = result.replay;
        report.checks.push_back(std::move(result));
        if (on_check) on_check(report.checks.back());
    }
    report.interrupted_by = interrupted();
    report.time_limit_reached = report.interrupted_by == 0 && time_is_up();
    return report;
}

// The verdict line fits the width, going on indented under its start; the replay stays one line,
// so that a command copied from a course's CI log runs as it is.
std::string render_check_line(const CheckResult& check, const Style& style) {
    const std::string mark = check.could_not_run ? style.bad("COULD NOT RUN")
                             : check.passed      ? style.good("PASS")
                                                 : style.bad("FAIL");
    std::string line = text::fit(fmt::format("{}: {} — {}\n", check.name, mark, check.detail),
                                 static_cast<std::size_t>(style.width()));
    if (check.replay) line += fmt::format("  replay: {}\n", *check.replay);
    return line;
}

std::string render_check_heading(const CheckRequest& request) {
    return fmt::format("checking {}, the {} variant\n", request.scenario->name,
                       request.scenario->effective(request.variant));
}

std::string render_check_end(const CheckReport& report, const Style& style) {
    std::string text;
    for (const SkippedCheck& skipped : report.skipped)
        text += text::fit(fmt::format("{}: {} — {}; counted neither passed nor failed\n",
                                      skipped.name, style.dim("SKIPPED"), skipped.detail),
                          static_cast<std::size_t>(style.width()));
    const bool stopped = report.interrupted_by != 0 || report.time_limit_reached;
    if (stopped && !report.not_run.empty())
        text +=
            fmt::format("{}: not run: {}\n", stop_reason(report), fmt::join(report.not_run, "; "));
    const auto passed = std::count_if(report.checks.begin(), report.checks.end(),
                                      [](const CheckResult& check) { return check.passed; });
    const std::size_t total = report.checks.size() + report.not_run.size();
    std::string counts = fmt::format("{} of {} checks passed", passed, total);
    if (!report.not_run.empty()) counts += fmt::format(", {} not run", report.not_run.size());
    if (!report.skipped.empty()) counts += fmt::format(", {} skipped", report.skipped.size());
    if (report.passed()) return text + fmt::format("{}: {}\n", style.good("PASSED"), counts);
    if (!report.could_not_run.empty() &&
        std::all_of(report.checks.begin(), report.checks.end(),
                    [](const CheckResult& check) { return check.passed; }))
        return text + fmt::format(
                          "{}: {}, {} could not run (the machine's doing, not the "
                          "scenario's)\n",
                          style.bad("NOT CHECKED"), counts, report.could_not_run.size());
    if (stopped)
        return text +
               fmt::format("{}: {}: {}\n", style.bad("NOT PASSED"), stop_reason(report), counts);
    return text + fmt::format("{}: {}\n", style.bad("FAILED"), counts);
}

void to_json(nlohmann::json& json, const CheckResult& check) {
    json["name"] = check.name;
    json["passed"] = check.passed;
    json["detail"] = check.detail;
    json["replay"] = check.replay ? nlohmann::json(*check.replay) : nlohmann::json(nullptr);
}

void to_json(nlohmann::json& json, const SkippedCheck& skipped) {
    json["name"] = skipped.name;
    json["detail"] = skipped.detail;
}

void to_json(nlohmann::json& json, const CheckReport& report) {
    json["scenario"] = report.scenario->name;
    json["variant"] = fmt::format("{}", report.variant);
    json["passed"] = report.passed();
    json["interrupted"] = report.interrupted_by != 0;
    json["signal"] = report.interrupted_by != 0 ? nlohmann::json(signal_name(report.interrupted_by))
                                                : nlohmann::json(nullptr);
    json["time_limit_reached"] = report.time_limit_reached;
    json["checks"] = report.checks;
    json["skipped"] = report.skipped;
    json["not_run"] = report.not_run;
    json["could_not_run"] = report.could_not_run;
}

int execute_check(const CheckRequest& request, const Terminal& terminal, std::FILE* out) {
    const Style style(terminal.color, terminal.width);
    std::function<void(const CheckResult&)> on_check;
    if (!request.json) {
        // Each line as its check ends: a CI log shows how far the grading got.
        fmt::print(out, "{}", render_check_heading(request));
        flush_output(out);
        on_check = [&](const CheckResult& check) {
            fmt::print(out, "{}", render_check_line(check, style));
            flush_output(out);
        };
    }
    const CheckReport report = run_checks(request, terminal, on_check);
    if (request.json)
        fmt::print(out, "{}\n", nlohmann::json(report).dump(2));
    else
        fmt::print(out, "{}", render_check_end(report, style));
    flush_output(out);
    if (report.interrupted_by != 0) return 128 + report.interrupted_by;
    return report.passed() ? int{kExitRan} : int{kExitError};
}

}  // namespace racedemo
