// The model scheduler: a scenario's threads as virtual threads (fibers) on one OS thread.
//
// Every access to a Shared<T> and every lock operation is one step; before each step the
// scheduler picks which virtual thread moves. A schedule is the list of 1-based thread
// numbers, one per step. Threads waiting for a lock are not runnable; when no thread is
// runnable and some have not finished, the execution ends in deadlock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "racedemo/scenario.hpp"
#include "engine/trace.hpp"

namespace racedemo {

enum class Strategy { replay, random, explore };
enum class Reduction { none, dpor };

struct ModelOptions {
    Strategy strategy = Strategy::random;
    std::vector<int> schedule;         // replay: thread per step; after it, the default policy
    std::uint64_t seed = 1;            // random
    int preemption_bound = -1;         // explore: most preemptions per schedule; -1 unbounded
    std::uint64_t budget = 1'000'000;  // explore: most schedules to run
    Reduction reduction = Reduction::dpor;
    // explore: called every 4096 schedules with the count so far (for a progress line).
    std::function<void(std::uint64_t schedules)> progress;
};

// One execution under the scheduler.
struct ModelRun {
    std::vector<int> schedule;  // the full schedule it took, one thread per step
    Outcome outcome;
    Trace trace;  // every step, values shown, damage marked by analysis
    int preemptions = 0;
    bool deadlock = false;
};

struct ModelResult {
    ModelRun
        shown;  // replay/random: that run; explore: the shortest corrupting run, else a clean one
    std::uint64_t schedules_explored = 0;
    std::uint64_t schedules_corrupt = 0;
    bool complete = false;    // explore: every schedule (within the bound) was covered
    std::uint64_t steps = 0;  // steps executed over all schedules
    double elapsed_ms = 0;    // wall time of the whole run, filled in by the caller
    std::optional<std::vector<int>> shortest_schedule;  // fewest preemptions, then fewest steps
    std::map<std::string, std::uint64_t> outcomes;      // label -> schedules
};

// A replayed schedule that cannot be followed (names a thread that is blocked, finished or
// does not exist): which position (1-based) and why.
struct ScheduleError {
    int position = 0;
    std::string reason;
};

// Runs `scenario` in model mode. Throws ScheduleError when a replayed schedule is infeasible.
ModelResult run_model(const Scenario& scenario, Variant variant, const TrialConfig& config,
                      const ModelOptions& options);

}  // namespace racedemo
