#include "engine/explorer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/determinism_check.hpp"
#include "engine/pct_scheduler.hpp"
#include "engine/random_scheduler.hpp"
#include "engine/reads_from.hpp"
#include "engine/replay_scheduler.hpp"
#include "engine/watchdog.hpp"

namespace racedemo {
namespace {

TrialFactory checked_factory(const Scenario& scenario, Variant variant, const TrialConfig& config) {
    TrialFactory factory = scenario.factory(variant);
    if (factory == nullptr)
        throw std::invalid_argument(fmt::format("scenario {} has no program", scenario.name));
    if (config.threads < 1 || config.threads > max_model_threads) {
        throw std::invalid_argument(fmt::format("the model runs 1 to {} threads, not {}",
                                                max_model_threads, config.threads));
    }
    return factory;
}

// A bounded DPOR search's budget when it looks for a shorter corrupting schedule (see
// Explorer::seek_shorter()): enough for the small bounds it runs at, cheap beside
// the search it follows.
constexpr std::uint64_t shortest_search_budget = 20000;

bool counts_as_schedule(ExecutionEnd end) {
    return end == ExecutionEnd::finished || end == ExecutionEnd::deadlock ||
           end == ExecutionEnd::bound || end == ExecutionEnd::misuse;
}

// How bad a result is, for choosing which of two cut searches answers: a misuse, corrupt,
// deadlocked, bounded, nothing found.
int badness(const ModelResult& result) {
    if (result.schedules_misused > 0) return 4;
    if (result.schedules_corrupt > 0) return 3;
    if (result.schedules_deadlocked > 0) return 2;
    return result.schedules_bounded > 0 ? 1 : 0;
}

}  // namespace

Explorer::Explorer(const Scenario& scenario, Variant variant, const TrialConfig& config,
                   const ModelOptions& options)
    : scenario_(scenario),
      options_(options),
      threads_(config.threads),
      executor_(checked_factory(scenario, variant, config), config) {
    executor_.set_limits(ExecutionLimits{options.max_steps, options.stop, options.probe});
}

// One execution under `scheduler`; raises what it came to when that is an error.
Execution& Explorer::execute(Scheduler& scheduler, bool tracing) {
    Execution& execution = executor_.run(scheduler, tracing);
    if (!execution.lock_edges.empty()) note_lock_order(execution);
    if (execution.stop == StopKind::infeasible) throw scheduler.refusal();
    if (execution.stop == StopKind::diverged)
        throw NondeterministicScenario{std::string(scenario_.name), scheduler.diverged_at()};
    if (execution.end == ExecutionEnd::failed) std::rethrow_exception(execution.failure);
    ExecutionSummary summary{execution.end, execution.steps(), execution.preemptions, nullptr};
    if (counts_as_schedule(execution.end)) summary.outcome = &execution.outcome;
    scheduler.end_execution(summary);
    return execution;
}

// The names come from the object table, copied when each lock registered: a lock may be gone
// by now (a list node freed with its mutex).
void Explorer::note_lock_order(const Execution& execution) {
    const ObjectTable& objects = executor_.objects();
    for (const Execution::LockEdge& edge : execution.lock_edges)
        lock_order_.add(objects.name(edge.first), objects.name(edge.second), edge.thread + 1);
}

void Explorer::tally(const Execution& execution, Tally& tally) const {
    ModelResult& result = tally.result;
    const Outcome& outcome = execution.outcome;
    ++result.schedules_explored;
    // Most executions repeat the previous label: one comparison instead of a map search.
    if (tally.last_label == nullptr || *tally.last_label != outcome.label) {
        const auto entry = result.outcomes.try_emplace(outcome.label, 0).first;
        tally.last_label = &entry->first;
        tally.last_count = &entry->second;
    }
    ++*tally.last_count;
    if (result.schedules_explored == 1) tally.first_schedule = execution.schedule;
    if (tally_cut(execution, result)) return;
    const bool deadlock = execution.end == ExecutionEnd::deadlock;
    if (!outcome.corrupted && !deadlock) return;
    ++(deadlock ? result.schedules_deadlocked : result.schedules_corrupt);
    const bool series = options_.strategy == Strategy::random || options_.strategy == Strategy::pct;
    std::optional<std::vector<int>>& first =
        deadlock ? result.first_deadlock_schedule : result.first_corrupt_schedule;
    if (series && !first) first = execution.schedule;
    consider_shortest(execution, deadlock ? tally.best_deadlock : tally.best);
}

// An execution cut at the step bound or stopped at a misuse: counted, its schedule kept.
bool Explorer::tally_cut(const Execution& execution, ModelResult& result) {
    if (execution.end == ExecutionEnd::bound) {
        if (result.schedules_bounded++ == 0) result.bound_schedule = execution.schedule;
        return true;
    }
    if (execution.end == ExecutionEnd::misuse) {
        if (result.schedules_misused++ == 0) result.misuse_schedule = execution.schedule;
        return true;
    }
    return false;
}

// Fewest preemptions, then fewest steps, then the lexicographically smallest.
void Explorer::consider_shortest(const Execution& execution, Shortest& best) {
    const int steps = execution.steps();
    if (!best || std::tie(execution.preemptions, steps, execution.schedule) <
                     std::tie(std::get<0>(*best), std::get<1>(*best), std::get<2>(*best))) {
        best.emplace(execution.preemptions, steps, execution.schedule);
    }
}

ModelRun Explorer::traced_run(const std::vector<int>& schedule) {
    ReplayScheduler replay(schedule);
    replay.begin_execution();
    Execution& execution = execute(replay, true);
    ModelRun run;
    run.schedule = execution.schedule;
    run.outcome = execution.outcome;
    run.preemptions = execution.preemptions;
    run.deadlock = execution.end == ExecutionEnd::deadlock;
    run.wait_for = execution.wait_for;
    run.finished = execution.finished;
    run.bounded = execution.end == ExecutionEnd::bound;
    run.bound_thread = execution.bound_thread + 1;
    run.bound_thread_steps = execution.bound_thread_steps;
    run.misuse = execution.misuse;
    run.trace = std::move(execution.trace);
    // A "!" is the damage that made the outcome wrong: a run whose outcome is clean shows none,
    // whatever its steps overwrote on the way (the overwritten value did no harm this time).
    if (run.outcome.corrupted) mark_damage(run.trace);
    add_deadlock_ending(run.trace, run.wait_for, run.finished);
    return run;
}

// Strategy replay: the one execution, traced as it runs.
ModelResult Explorer::replay_once() {
    ModelResult result;
    ModelRun run = traced_run(options_.schedule);
    result.steps = run.schedule.size();
    ++result.schedules_explored;
    ++result.executions;
    ++result.outcomes[run.outcome.label];
    if (run.misuse) {
        ++result.schedules_misused;
        result.misuse_schedule = run.schedule;
    } else if (run.bounded) {
        ++result.schedules_bounded;
        result.bound_schedule = run.schedule;
    } else if (run.deadlock) {
        ++result.schedules_deadlocked;
        result.shortest_deadlock_schedule = run.schedule;
    } else if (run.outcome.corrupted) {
        ++result.schedules_corrupt;
        result.shortest_schedule = run.schedule;
    }
    result.interrupted = options_.stop.stop_requested();
    result.shown = std::move(run);
    result.lock_order_inversions = lock_order_.inversions();
    return result;
}

// A search of the explore strategy under `reduction` (dpor or reads_from; reads_from keeps
// no preemption counts with its states, so under a bound it is dpor), or the series of
// random or pct runs. Explore replays a prefix in every execution: only there can a
// nondeterministic scenario mislead the search, so only there is the check paid for.
Explorer::Search Explorer::make_search(Reduction reduction) const {
    Search search;
    if (options_.strategy == Strategy::random) {
        search.scheduler = std::make_unique<RandomScheduler>(options_.seed, options_.runs);
        return search;
    }
    if (options_.strategy == Strategy::pct) {
        search.scheduler = std::make_unique<PctScheduler>(threads_, options_.pct_depth,
                                                          options_.seed, options_.runs);
        return search;
    }
    if (reduction == Reduction::reads_from && options_.preemption_bound >= 0)
        reduction = Reduction::dpor;
    search.reduction = reduction;
    ExploreLimits limits{reduction != Reduction::none, options_.preemption_bound, options_.budget};
    auto coverage = reduction == Reduction::reads_from
                        ? std::make_unique<ReadsFromCoverage>(threads_)
                        : std::unique_ptr<ReadsFromCoverage>();
    auto explore = std::make_unique<ExploreScheduler>(threads_, limits, std::move(coverage));
    search.explore = explore.get();
    search.scheduler = std::make_unique<DeterminismCheck>(std::move(explore));
    return search;
}

// Runs the search's next execution; false when the search is over.
bool Explorer::step_search(Search& search) {
    ModelResult& result = search.tally.result;
    if (search.over || !search.scheduler->begin_execution()) return !(search.over = true);
    if (options_.stop.stop_requested()) {
        result.interrupted = true;  // report what was covered so far
        return !(search.over = true);
    }
    if (options_.progress && result.schedules_explored % 4096 == 4095)
        options_.progress(result.schedules_explored + 1);
    const Execution& execution = execute(*search.scheduler, false);
    ++result.executions;
    result.steps += static_cast<std::uint64_t>(execution.steps());
    if (counts_as_schedule(execution.end)) tally(execution, search.tally);
    if (execution.end == ExecutionEnd::interrupted) result.interrupted = true;
    // A search stops at the first execution that passed the step bound or stopped at a misuse
    // (see ModelResult).
    search.over = result.interrupted || execution.end == ExecutionEnd::bound ||
                  execution.end == ExecutionEnd::misuse;
    return !search.over;
}

void Explorer::run_series(Search& search) {
    while (step_search(search)) {
    }
}

// The automatic reduction: the two searches take turns, an execution each, until one of them
// is complete, or has passed the step bound, or both are over.
void Explorer::run_pair(Search& first, Search& second) {
    const auto decisive = [](const Search& search) {
        const ModelResult& result = search.tally.result;
        return search.over && (search.scheduler->complete() || result.schedules_bounded > 0 ||
                               result.schedules_misused > 0);
    };
    while (!(first.over && second.over)) {
        step_search(first);
        if (decisive(first)) return;
        step_search(second);
        if (decisive(second)) return;
    }
}

// Of two searches run in turns, the one that answers: a complete one, else the one that
// found the worst, else the one that explored more.
Explorer::Search& Explorer::answer_of(Search& first, Search& second) const {
    const auto complete = [](const Search& search) {
        return !search.tally.result.interrupted && search.scheduler->complete();
    };
    if (complete(first)) return first;
    if (complete(second)) return second;
    const ModelResult& a = first.tally.result;
    const ModelResult& b = second.tally.result;
    if (badness(a) != badness(b)) return badness(a) > badness(b) ? first : second;
    return a.schedules_explored >= b.schedules_explored ? first : second;
}

// The execution that stopped at a misuse; explore: the shortest corrupting schedule; random,
// pct: the first that corrupted; then the same for deadlocks; then the execution that passed
// the step bound; else the first.
const std::vector<int>& Explorer::schedule_to_show(const Tally& tally) {
    const ModelResult& result = tally.result;
    if (result.misuse_schedule) return *result.misuse_schedule;
    if (result.first_corrupt_schedule) return *result.first_corrupt_schedule;
    if (tally.best) return std::get<2>(*tally.best);
    if (result.first_deadlock_schedule) return *result.first_deadlock_schedule;
    if (tally.best_deadlock) return std::get<2>(*tally.best_deadlock);
    if (result.bound_schedule) return *result.bound_schedule;
    return tally.first_schedule;
}

// With state caching or DPOR the corrupting schedule with the fewest preemptions may not be
// among those run (a state cut, a trace represented by another of its schedules). A DPOR
// search under preemption bound 0, 1, 2, ... finds the fewest-preemption one; each is cheap
// (a small bound keeps the space small, and a budget caps it), and the bounds stop at the one
// found first, or at the preemptions of the schedule already known.
void Explorer::seek_shorter(Tally& tally, bool deadlocks) {
    Shortest& known_best = deadlocks ? tally.best_deadlock : tally.best;
    const int known = std::get<0>(*known_best);
    for (int bound = 0; bound <= known && !options_.stop.stop_requested(); ++bound) {
        ExploreScheduler search(threads_, ExploreLimits{true, bound, shortest_search_budget});
        bool found = false;
        while (search.begin_execution() && !options_.stop.stop_requested()) {
            const Execution& execution = execute(search, false);
            const bool wanted =
                deadlocks ? execution.end == ExecutionEnd::deadlock
                          : execution.end == ExecutionEnd::finished && execution.outcome.corrupted;
            if (!wanted) continue;
            consider_shortest(execution, known_best);
            found = true;
        }
        if (found) return;
    }
}

// explore: the search's guess at its whole size, and the time it would take at this rate.
void Explorer::estimate(const ExploreScheduler& search, double seconds, ModelResult& result) {
    const double schedules = search.estimated_schedules();
    const auto run = static_cast<double>(result.schedules_explored);
    result.estimate = SearchEstimate{schedules, run > 0 ? seconds * schedules / run : 0};
}

// The search's result, with the run to show re-executed traced (untraced runs formatted
// nothing).
ModelResult Explorer::finish(Search& search, double seconds) {
    Tally& tally = search.tally;
    ModelResult& result = tally.result;
    result.reduction = search.reduction;
    // A search stopped at a misuse left the rest of the schedules unexplored.
    result.complete =
        !result.interrupted && result.schedules_misused == 0 && search.scheduler->complete();
    if (search.explore != nullptr && !result.complete) estimate(*search.explore, seconds, result);
    if (search.explore != nullptr && search.reduction != Reduction::none) {
        if (tally.best) seek_shorter(tally, false);
        if (tally.best_deadlock) seek_shorter(tally, true);
    }
    if (tally.best) result.shortest_schedule = std::get<2>(*tally.best);
    if (tally.best_deadlock) result.shortest_deadlock_schedule = std::get<2>(*tally.best_deadlock);
    result.shown = traced_run(schedule_to_show(tally));
    result.lock_order_inversions = lock_order_.inversions();
    return std::move(result);
}

ModelResult Explorer::run() {
    Watchdog watchdog(executor_, options_);
    if (options_.strategy == Strategy::replay) return replay_once();
    const auto start = std::chrono::steady_clock::now();
    const auto seconds = [&start] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const bool pair = options_.strategy == Strategy::explore &&
                      options_.reduction == Reduction::automatic && options_.preemption_bound < 0;
    if (!pair) {
        const Reduction reduction =
            options_.reduction == Reduction::automatic ? Reduction::dpor : options_.reduction;
        Search search = make_search(reduction);
        run_series(search);
        return finish(search, seconds());
    }
    Search dpor = make_search(Reduction::dpor);
    Search cached = make_search(Reduction::reads_from);
    run_pair(dpor, cached);
    Search& answer = answer_of(dpor, cached);
    const Search& other = &answer == &dpor ? cached : dpor;
    ModelResult result = finish(answer, seconds());
    result.other_executions = other.tally.result.executions;
    result.executions += other.tally.result.executions;
    result.steps += other.tally.result.steps;
    result.interrupted = result.interrupted || other.tally.result.interrupted;
    return result;
}

ModelResult run_model(const Scenario& scenario, Variant variant, const TrialConfig& config,
                      const ModelOptions& options) {
    Explorer explorer(scenario, variant, config, options);
    return explorer.run();
}

}  // namespace racedemo
