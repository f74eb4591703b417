#include "engine/explorer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/determinism_check.hpp"
#include "engine/explore_scheduler.hpp"
#include "engine/pct_scheduler.hpp"
#include "engine/random_scheduler.hpp"
#include "engine/reads_from.hpp"
#include "engine/replay_scheduler.hpp"

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

// Reduction::reads_from caches states; its states carry no preemption counts, so under a
// preemption bound a state reached with fewer preemptions could not stand for one reached with
// more: there reads_from runs as dpor (no coverage).
bool caches_states(const ModelOptions& options) {
    return options.reduction == Reduction::reads_from && options.preemption_bound < 0;
}

std::unique_ptr<StateCoverage> make_state_coverage(const ModelOptions& options, int threads) {
    if (!caches_states(options)) return nullptr;
    return std::make_unique<ReadsFromCoverage>(threads);
}

// A bounded DPOR search's budget when it looks for a shorter corrupting schedule (see
// Explorer::seek_shorter()): enough for the small bounds it runs at, cheap beside
// the search it follows.
constexpr std::uint64_t shortest_search_budget = 20000;

}  // namespace

Explorer::Explorer(const Scenario& scenario, Variant variant, const TrialConfig& config,
                   const ModelOptions& options)
    : scenario_(scenario),
      options_(options),
      threads_(config.threads),
      executor_(checked_factory(scenario, variant, config), config) {}

// One execution under `scheduler`; raises what it came to when that is an error.
Execution& Explorer::execute(Scheduler& scheduler, bool tracing) {
    Execution& execution = executor_.run(scheduler, tracing);
    if (!execution.lock_edges.empty()) note_lock_order(execution);
    if (execution.stop == StopKind::infeasible)
        throw ScheduleError{execution.stop_position, scheduler.stop_message()};
    if (execution.stop == StopKind::diverged) throw std::logic_error(scheduler.stop_message());
    if (execution.end == ExecutionEnd::failed) std::rethrow_exception(execution.failure);
    ExecutionSummary summary{execution.end, execution.steps(), execution.preemptions, nullptr};
    if (execution.end == ExecutionEnd::finished || execution.end == ExecutionEnd::deadlock)
        summary.outcome = &execution.outcome;
    scheduler.end_execution(summary);
    return execution;
}

void Explorer::note_lock_order(const Execution& execution) {
    const ObjectTable& objects = executor_.objects();
    for (const Execution::LockEdge& edge : execution.lock_edges) {
        lock_order_.add(objects.object(edge.first).name(), objects.object(edge.second).name(),
                        edge.thread + 1);
    }
}

void Explorer::tally(const Execution& execution, ModelResult& result) {
    const Outcome& outcome = execution.outcome;
    ++result.schedules_explored;
    // Most executions repeat the previous label: one comparison instead of a map search.
    if (last_label_ == result.outcomes.end() || last_label_->first != outcome.label)
        last_label_ = result.outcomes.try_emplace(outcome.label, 0).first;
    ++last_label_->second;
    if (result.schedules_explored == 1) first_schedule_ = execution.schedule;
    const bool deadlock = execution.end == ExecutionEnd::deadlock;
    if (!outcome.corrupted && !deadlock) return;
    ++(deadlock ? result.schedules_deadlocked : result.schedules_corrupt);
    const bool series = options_.strategy == Strategy::random || options_.strategy == Strategy::pct;
    std::optional<std::vector<int>>& first =
        deadlock ? result.first_deadlock_schedule : result.first_corrupt_schedule;
    if (series && !first) first = execution.schedule;
    consider_shortest(execution);
}

// Fewest preemptions, then fewest steps, then the lexicographically smallest; corruptions
// and deadlocks apart.
void Explorer::consider_shortest(const Execution& execution) {
    const int steps = execution.steps();
    Shortest& best = execution.end == ExecutionEnd::deadlock ? best_deadlock_ : best_;
    if (!best || std::tie(execution.preemptions, steps, execution.schedule) <
                     std::tie(std::get<0>(*best), std::get<1>(*best), std::get<2>(*best))) {
        best.emplace(execution.preemptions, steps, execution.schedule);
    }
}

namespace {

// Whether the thread's last step in the trace is a wait (it never got the lock after it).
bool waits_at_end(const Trace& trace, int thread) {
    const auto last =
        std::find_if(trace.events.rbegin(), trace.events.rend(),
                     [thread](const TraceEvent& event) { return event.thread == thread; });
    return last != trace.events.rend() && last->waits;
}

}  // namespace

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
    run.trace = std::move(execution.trace);
    mark_damage(run.trace);
    // A waiter whose wait is a step of the trace already is not shown waiting twice.
    for (const Waiter& waiter : run.wait_for)
        if (!waits_at_end(run.trace, waiter.thread))
            run.trace.waits.push_back({waiter.thread, describe_wait_step(waiter)});
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
    if (run.deadlock) {
        ++result.schedules_deadlocked;
        result.shortest_deadlock_schedule = run.schedule;
    } else if (run.outcome.corrupted) {
        ++result.schedules_corrupt;
        result.shortest_schedule = run.schedule;
    }
    result.shown = std::move(run);
    result.lock_order_inversions = lock_order_.inversions();
    return result;
}

void Explorer::run_series(Scheduler& scheduler, ModelResult& result) {
    last_label_ = result.outcomes.end();
    while (scheduler.begin_execution()) {
        if (options_.stop.stop_requested()) {
            result.interrupted = true;  // report what was covered so far
            return;
        }
        if (options_.progress && result.schedules_explored % 4096 == 4095)
            options_.progress(result.schedules_explored + 1);
        const Execution& execution = execute(scheduler, false);
        ++result.executions;
        result.steps += static_cast<std::uint64_t>(execution.steps());
        if (execution.end == ExecutionEnd::finished || execution.end == ExecutionEnd::deadlock)
            tally(execution, result);
    }
}

std::unique_ptr<Scheduler> Explorer::make_scheduler() const {
    switch (options_.strategy) {
        case Strategy::random:
            return std::make_unique<RandomScheduler>(options_.seed, options_.runs);
        case Strategy::pct:
            return std::make_unique<PctScheduler>(threads_, options_.pct_depth, options_.seed,
                                                  options_.runs);
        default:
            break;
    }
    ExploreLimits limits{options_.reduction != Reduction::none, options_.preemption_bound,
                         options_.budget};
    return std::make_unique<ExploreScheduler>(threads_, limits,
                                              make_state_coverage(options_, threads_));
}

// explore: the shortest corrupting schedule; random, pct: the first that corrupted. Else the
// first schedule run.
const std::vector<int>& Explorer::schedule_to_show(const ModelResult& result) const {
    if (result.first_corrupt_schedule) return *result.first_corrupt_schedule;
    if (result.first_deadlock_schedule) return *result.first_deadlock_schedule;
    if (best_) return std::get<2>(*best_);
    if (best_deadlock_) return std::get<2>(*best_deadlock_);
    return first_schedule_;
}

// With state caching the corrupting schedule with the fewest preemptions may run through a
// state first reached by a longer schedule, and be cut there: the search then knows only the
// longer one. A DPOR search under preemption bound 0, 1, 2, ... finds the fewest-preemption
// one; each is cheap (a small bound keeps the space small, and a budget caps it), and the
// bounds stop at the one found first, or at the preemptions of the schedule already known.
void Explorer::seek_shorter(const Shortest& known_best) {
    const int known = std::get<0>(*known_best);
    const bool deadlocks = &known_best == &best_deadlock_;
    for (int bound = 0; bound <= known && !options_.stop.stop_requested(); ++bound) {
        ExploreScheduler search(threads_, ExploreLimits{true, bound, shortest_search_budget});
        bool found = false;
        while (search.begin_execution() && !options_.stop.stop_requested()) {
            const Execution& execution = execute(search, false);
            const bool wanted =
                deadlocks ? execution.end == ExecutionEnd::deadlock
                          : execution.end == ExecutionEnd::finished && execution.outcome.corrupted;
            if (!wanted) continue;
            consider_shortest(execution);
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

ModelResult Explorer::run() {
    if (options_.strategy == Strategy::replay) return replay_once();
    ModelResult result;
    std::unique_ptr<Scheduler> scheduler = make_scheduler();
    const auto* search = dynamic_cast<const ExploreScheduler*>(scheduler.get());
    // Explore replays a prefix in every execution: only there can a nondeterministic scenario
    // mislead the search, so only there is the check paid for.
    if (search != nullptr)
        scheduler = std::make_unique<DeterminismCheck>(std::move(scheduler), scenario_.name);
    const auto start = std::chrono::steady_clock::now();
    run_series(*scheduler, result);
    result.complete = !result.interrupted && scheduler->complete();
    if (search != nullptr && !result.complete) {
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        estimate(*search, seconds.count(), result);
    }
    if (search != nullptr && caches_states(options_)) {
        if (best_) seek_shorter(best_);
        if (best_deadlock_) seek_shorter(best_deadlock_);
    }
    if (best_) result.shortest_schedule = std::get<2>(*best_);
    if (best_deadlock_) result.shortest_deadlock_schedule = std::get<2>(*best_deadlock_);
    // Untraced runs formatted nothing: the run to show again, with everything traced.
    result.shown = traced_run(schedule_to_show(result));
    result.lock_order_inversions = lock_order_.inversions();
    return result;
}

ModelResult run_model(const Scenario& scenario, Variant variant, const TrialConfig& config,
                      const ModelOptions& options) {
    Explorer explorer(scenario, variant, config, options);
    return explorer.run();
}

}  // namespace racedemo
