// What a model run is asked (ModelOptions) and what it comes to (ModelResult): the vocabulary the
// model engine (engine/model.hpp, run_model) shares with the command line and the reports.
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
#include <stop_token>
#include <string>
#include <vector>

#include "core/misuse.hpp"
#include "core/trace.hpp"
#include "core/waiter.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// A scenario thread that runs without ever reaching a step (see ModelOptions::on_stuck).
struct StuckThread {
    int thread = 0;  // 1-based
    double seconds = 0;
    bool stop_requested = false;
};

// Where a model run is, for a fatal signal's handler (cli/crash_guard.cpp): the schedule of the
// execution under way and how many executions have begun. The engine keeps it up to date when
// it is given one (ModelOptions::probe); plain memory, read without allocating.
struct ModelProbe {
    const std::vector<int>* schedule = nullptr;
    std::uint64_t executions = 0;
};

// replay: one explicit schedule. random: `runs` schedules, each thread picked uniformly.
// pct: `runs` schedules of probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010).
// explore: depth-first over every schedule, up to equivalence (Reduction), bound and budget.
enum class Strategy { replay, random, pct, explore };
// How explore merges equivalent schedules. none: every interleaving. dpor: source-DPOR with
// sleep sets (Mazurkiewicz equivalence). reads_from: coarser: depth-first search with sleep
// sets that cuts an execution where it reaches a state (the values read, the latest writes,
// see reads_from.hpp) explored before. Under a preemption bound it runs as dpor (it keeps no
// preemption counts with its states), and says so (ModelResult::reduction). automatic: dpor
// and reads_from side by side, an execution each in turn; the first to complete answers. Each
// does far better than the other on some programs (dpor on independent threads and the
// literature's benchmarks, reads_from where many schedules reach the same states), and the
// pair costs at most twice the better one.
enum class Reduction { none, dpor, reads_from, automatic };

// An execution that takes this many steps is cut there: a spin loop that nothing ends would
// run for ever. Every built-in scenario's longest execution at 64 threads is well under it.
inline constexpr int default_max_steps = 100000;
// The outcome label of an execution cut at the step bound.
inline constexpr std::string_view step_bound_label = "step bound";

struct ModelOptions {
    Strategy strategy = Strategy::random;
    std::vector<int> schedule;         // replay: thread per step; after it, the default policy
    std::uint64_t seed = 1;            // random
    int preemption_bound = -1;         // explore: most preemptions per schedule; -1 unbounded
    std::uint64_t budget = 1'000'000;  // explore: most schedules to run
    // automatic: dpor and reads_from in turns, the first to complete answers (see Reduction).
    Reduction reduction = Reduction::automatic;
    std::uint64_t runs = 1;  // random, pct: how many schedules to run
    int pct_depth = 3;       // pct: the bug depth D (D - 1 priority change points)
    // Cancellation (SIGINT): an exploration or a series of runs stops at the next execution
    // and returns what it had, with ModelResult::interrupted set.
    std::stop_token stop;
    // explore: called every 4096 schedules with the count so far (for a progress line).
    std::function<void(std::uint64_t schedules)> progress;
    // The most steps of one execution (see default_max_steps).
    int max_steps = default_max_steps;
    // Called from a watchdog thread when a scenario thread has run for `seconds` without
    // reaching a step (an endless loop with no shared operation, a sleep): after stuck_seconds,
    // or one second after a stop was asked for. The engine cannot preempt the thread; the
    // caller says so and ends the process. Not set: the watchdog only waits.
    std::function<void(const StuckThread& stuck)> on_stuck;
    double stuck_seconds = 10;
    ModelProbe* probe = nullptr;  // kept up to date, when given (see ModelProbe)
};

// Locks taken in orders that close a cycle: threads[i] held locks[i] while it took the next
// lock of the cycle. A potential deadlock, even where no run deadlocked (ThreadSanitizer's
// "lock-order-inversion").
struct LockOrderInversion {
    std::vector<std::string> locks;
    std::vector<int> threads;  // 1-based
};

// One execution under the scheduler.
struct ModelRun {
    std::vector<int> schedule;  // the full schedule it took, one thread per step
    Outcome outcome;
    Trace trace;  // every step, values shown, damage marked by analysis
    int preemptions = 0;
    bool deadlock = false;         // no thread could move, and some had not finished
    std::vector<Waiter> wait_for;  // deadlock: every thread left, and what it waits for
    std::vector<int> finished;     // deadlock: the threads (1-based) that had finished
    // It reached the step bound: the unfinished thread with the most steps (1-based), and them.
    bool bounded = false;
    int bound_thread = 0;
    int bound_thread_steps = 0;
    // It stopped at a misuse of a primitive (then its last step is the misuse, but for a peek or
    // poke, which is no step).
    std::optional<Misuse> misuse;
};

// An incomplete search's guess at the size of the whole one (Knuth's estimator).
struct SearchEstimate {
    double schedules = 0;  // estimated schedules of the complete search
    double seconds = 0;    // estimated wall time of the complete search at the observed rate
};

struct ModelResult {
    // replay: that run; random, pct: the first that corrupted, else the first that deadlocked,
    // else the first; explore: the shortest corrupting one, else the shortest deadlocking one,
    // else the first.
    ModelRun shown;
    std::uint64_t schedules_explored = 0;
    // Every execution run: the schedules, plus (explore) those abandoned before their end,
    // where they reached a state explored before (reads_from), where every way on was asleep
    // (dpor, reads_from), or at the preemption bound.
    std::uint64_t executions = 0;
    std::uint64_t schedules_corrupt = 0;     // finished, with a corrupt outcome
    std::uint64_t schedules_deadlocked = 0;  // ended with threads that could never move
    // Executions that reached the step bound. A search stops at the first: until the loop that
    // ran on is understood, nothing else it says could be trusted as complete.
    std::uint64_t schedules_bounded = 0;
    // Executions that stopped at a misuse (core/misuse.hpp). A search stops at the first: what a
    // program does after one is undefined, and it is a bug whatever else the search would find.
    std::uint64_t schedules_misused = 0;
    // explore: the reduction whose search these numbers are (automatic: the one that finished
    // first; reads_from under a preemption bound: dpor).
    Reduction reduction = Reduction::none;
    // automatic: the executions and steps of the other search, included in executions/steps.
    std::uint64_t other_executions = 0;
    bool complete = false;    // explore: every schedule (within the bound) was covered
    std::uint64_t steps = 0;  // steps executed over all schedules
    double elapsed_ms = 0;    // wall time of the whole run, filled in by the caller
    std::optional<std::vector<int>> shortest_schedule;  // fewest preemptions, then fewest steps
    std::map<std::string, std::uint64_t> outcomes;      // label -> schedules
    // The same for deadlocks: fewest preemptions, then fewest steps.
    std::optional<std::vector<int>> shortest_deadlock_schedule;
    // random, pct: the first schedule that corrupted (its replay reproduces it), if any.
    std::optional<std::vector<int>> first_corrupt_schedule;
    // random, pct: the first schedule that deadlocked, if any.
    std::optional<std::vector<int>> first_deadlock_schedule;
    // The schedule of the execution that stopped at a misuse, if any.
    std::optional<std::vector<int>> misuse_schedule;
    // The schedule of the first execution that passed the step bound, if any.
    std::optional<std::vector<int>> bound_schedule;
    // explore, when not complete (cut by the budget, the bound or an interruption).
    std::optional<SearchEstimate> estimate;
    bool interrupted = false;  // stopped through ModelOptions::stop
    // Over every execution run: the cycles in the order in which threads took locks.
    std::vector<LockOrderInversion> lock_order_inversions;
};

// Why a replayed schedule cannot be followed at one of its steps.
enum class RefusalKind {
    no_such_thread,  // the schedule names a thread the scenario does not have
    finished,        // ... one that has finished
    yielded,         // ... one that has just yielded: another must move first
    handed_over,     // ... one kept out while a value sent on an unbuffered channel is handed over
    blocked,         // ... one in front of a lock or channel it cannot take
    no_step,         // the schedule goes on where no thread can move (play: a step past the end)
};

// A replayed schedule that cannot be followed, as facts (present/ words them): which position
// (1-based), which thread, why, and who could have moved instead.
struct ScheduleError {
    int position = 0;
    RefusalKind kind = RefusalKind::no_step;
    int thread = 0;   // 1-based, as the schedule names it
    int threads = 0;  // how many the scenario runs
    // blocked: what it waits for (a handed_over thread: the channel), and why.
    std::string object;
    WaitCause cause = WaitCause::none;
    int holder = 0;   // a lock held exclusively: by whom (1-based; 0: by readers)
    int readers = 0;  // held by readers: how many
    bool writer_queued = false;
    // Who could have moved: the threads that can run, those that can begin to wait; when none
    // can run, whether that is because every thread has finished.
    std::vector<int> can_run;
    std::vector<int> can_wait;
    bool all_finished = false;
};

// An exploration replaying its prefix reached another state than before: the scenario depends
// on something besides the schedule (time, a static counter, an address).
struct NondeterministicScenario {
    std::string scenario;
    int step = 0;  // 1-based: the step at which the replay diverged
};

}  // namespace racedemo
