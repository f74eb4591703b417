#include "core/run_report.hpp"

#include "core/overloaded.hpp"

namespace racedemo {

Verdict verdict_of(const ModelReport& report) {
    const ModelResult& result = report.result;
    if (result.schedules_misused > 0 || result.shown.misuse) return Verdict::misuse;
    if (result.schedules_corrupt > 0 || result.shown.outcome.corrupted) return Verdict::corrupted;
    if (result.schedules_deadlocked > 0 || result.shown.deadlock) return Verdict::deadlocked;
    if (result.schedules_bounded > 0 || result.shown.bounded) return Verdict::step_bound;
    const bool cut = report.options.strategy == Strategy::explore && !result.complete;
    return cut || result.interrupted ? Verdict::no_bug_found : Verdict::clean;
}

Verdict verdict_of(const RealReport& report) {
    if (report.result.misused_runs > 0) return Verdict::misuse;
    if (verdict_corrupt(report.result)) return Verdict::corrupted;
    if (report.result.deadlocked_runs > 0) return Verdict::deadlocked;
    if (report.result.hung_runs > 0) return Verdict::hung;
    const bool proves_nothing = real_run_cut(report.result) || report.variant == Variant::unsafe;
    return proves_nothing ? Verdict::no_bug_found : Verdict::clean;
}

// A data race; else locks taken in both orders (a potential deadlock); a cut run that saw
// neither proves nothing either way.
Verdict detector_verdict(const DetectorResult& result) {
    if (!result.races.empty()) return Verdict::corrupted;
    if (result.lock_order_inversions > 0 || result.deadlocked_runs > 0) return Verdict::deadlocked;
    return result.incomplete.empty() ? Verdict::clean : Verdict::no_bug_found;
}

Verdict verdict_of(const RunReport& report) {
    return std::visit(
        overloaded{[](const RealReport& real) { return verdict_of(real); },
                   [](const ModelReport& model) { return verdict_of(model); },
                   [](const DetectorReport& detector) { return detector_verdict(detector.result); },
                   [](const BenchReport&) { return Verdict::clean; }},
        report.body);
}

const std::vector<int>& pointed_schedule(const ModelReport& report) {
    const ModelResult& result = report.result;
    const Strategy strategy = report.options.strategy;
    if (result.misuse_schedule) return *result.misuse_schedule;
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

bool verdict_corrupt(const RealResult& result) {
    return result.corrupt();
}

bool real_run_cut(const RealResult& result) {
    return result.interrupted_by != 0 || result.time_limit_reached || result.runs_done == 0;
}

}  // namespace racedemo
