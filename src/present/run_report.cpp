#include "present/run_report.hpp"

#include <fmt/format.h>

#include "present/overloaded.hpp"

namespace racedemo {

Verdict verdict_of(const ModelReport& report) {
    const ModelResult& result = report.result;
    if (result.schedules_corrupt > 0 || result.shown.outcome.corrupted) return Verdict::corrupted;
    if (result.schedules_deadlocked > 0 || result.shown.deadlock) return Verdict::deadlocked;
    if (result.schedules_bounded > 0 || result.shown.bounded) return Verdict::step_bound;
    const bool cut = report.options.strategy == Strategy::explore && !result.complete;
    return cut || result.interrupted ? Verdict::no_bug_found : Verdict::clean;
}

Verdict verdict_of(const RealReport& report) {
    if (verdict_corrupt(report.result)) return Verdict::corrupted;
    if (report.result.deadlocked_runs > 0) return Verdict::deadlocked;
    if (report.result.hung_runs > 0) return Verdict::hung;
    return real_run_cut(report.result) ? Verdict::no_bug_found : Verdict::clean;
}

Verdict verdict_of(const RunReport& report) {
    return std::visit(overloaded{[](const RealReport& real) { return verdict_of(real); },
                                 [](const ModelReport& model) { return verdict_of(model); },
                                 [](const DetectorReport& detector) {
                                     // A cut run that saw no race proves nothing either way.
                                     if (!detector.result.races.empty()) return Verdict::corrupted;
                                     return detector.result.incomplete.empty()
                                                ? Verdict::clean
                                                : Verdict::no_bug_found;
                                 },
                                 [](const BenchReport&) { return Verdict::clean; }},
                      report.body);
}

std::string_view verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::corrupted:
            return "corrupted";
        case Verdict::deadlocked:
            return "deadlocked";
        case Verdict::clean:
            return "clean";
        case Verdict::no_bug_found:
            return "no-bug-found";
        case Verdict::hung:
            return "hung";
        case Verdict::step_bound:
            return "step-bound";
    }
    return "?";
}

std::string_view verdict_word(Verdict verdict) {
    switch (verdict) {
        case Verdict::corrupted:
            return "CORRUPTED";
        case Verdict::deadlocked:
            return "DEADLOCKED";
        case Verdict::clean:
            return "CLEAN";
        case Verdict::no_bug_found:
            return "NO BUG FOUND";
        case Verdict::hung:
            return "HUNG";
        case Verdict::step_bound:
            return "STEP BOUND";
    }
    return "?";
}

const std::vector<int>& pointed_schedule(const ModelReport& report) {
    const ModelResult& result = report.result;
    const Strategy strategy = report.options.strategy;
    if (strategy == Strategy::random || strategy == Strategy::pct) {
        if (result.first_corrupt_schedule) return *result.first_corrupt_schedule;
        if (result.first_deadlock_schedule) return *result.first_deadlock_schedule;
    }
    if (strategy == Strategy::explore) {
        if (result.shortest_schedule) return *result.shortest_schedule;
        if (result.shortest_deadlock_schedule) return *result.shortest_deadlock_schedule;
    }
    if (result.bound_schedule) return *result.bound_schedule;
    return result.shown.schedule;
}

std::string why_stopped(const RunReport& report) {
    if (report.interrupted_by != 0)
        return fmt::format("interrupted ({})", signal_name(report.interrupted_by));
    return report.time_limit_reached ? "stopped at the time limit (--max-time)" : "stopped";
}

std::string render_text(const RunReport& report, const Style& style) {
    const RunHeader& header = report.header;
    return std::visit(
        overloaded{[&](const RealReport& real) {
                       return render_real(header, real.options, real.result, style,
                                          real.model_replay);
                   },
                   [&](const ModelReport& model) { return render_model(header, model, style); },
                   [&](const DetectorReport& detector) {
                       return render_detector(header, detector.runs, detector.result, style);
                   },
                   [&](const BenchReport& bench) {
                       return render_bench(header, bench.settings, bench.table, style,
                                           why_stopped(report));
                   }},
        report.body);
}

std::string_view name_of(Strategy strategy) {
    switch (strategy) {
        case Strategy::replay:
            return "replay";
        case Strategy::random:
            return "random";
        case Strategy::pct:
            return "pct";
        case Strategy::explore:
            return "explore";
    }
    return "?";
}

std::string_view name_of(Reduction reduction) {
    switch (reduction) {
        case Reduction::none:
            return "none";
        case Reduction::dpor:
            return "dpor";
        case Reduction::reads_from:
            return "reads-from";
        case Reduction::automatic:
            return "auto";
    }
    return "?";
}

}  // namespace racedemo
