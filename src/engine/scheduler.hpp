// The Scheduler interface: how the next thread is chosen (after awslabs/shuttle's Scheduler).
//
// An Explorer asks a scheduler for executions until it has none left. Within one, the
// executor asks it for the thread to take each step among the enabled ones, tells it of each
// committed step, and at the end tells it how the execution ended. One strategy per file:
// replay_scheduler, random_scheduler, pct_scheduler, explore_scheduler; determinism_check
// wraps any of them.
#pragma once

#include <string>

#include "core/model_types.hpp"
#include "engine/execution_view.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// Why a scheduler ends an execution early.
enum class StopKind {
    none,
    abandon,     // not a schedule worth counting (explored already, beyond the bound)
    infeasible,  // a replayed schedule names a thread that cannot move (a ScheduleError)
    diverged,    // the program is not deterministic (a NondeterministicScenario)
};

struct Choice {
    int thread = -1;
    StopKind stop = StopKind::none;

    static Choice run(int thread) { return {thread, StopKind::none}; }
    static Choice halt(StopKind why) { return {-1, why}; }
};

// finished: every thread returned; deadlock: none can move and some have not returned; bound:
// it reached the step bound (a spin loop that nothing ends?); interrupted: the stop token;
// misuse: a thread used a primitive against its rules (core/misuse.hpp), and the execution
// stopped there; stopped: the scheduler stopped it (not a schedule); failed: an actor threw.
enum class ExecutionEnd { finished, deadlock, bound, misuse, interrupted, stopped, failed };

// How an execution ended, told to the scheduler.
struct ExecutionSummary {
    ExecutionEnd end = ExecutionEnd::finished;
    int steps = 0;
    int preemptions = 0;
    const Outcome* outcome = nullptr;  // finished or deadlock only
};

class Scheduler {
  public:
    virtual ~Scheduler() = default;
    // Prepares the next execution; false when there is none left.
    virtual bool begin_execution() = 0;
    // The thread to take the next step (view.enabled is not empty), or a reason to stop.
    virtual Choice next_thread(const ExecutionView& view) = 0;
    // No thread can move (finished or deadlocked): a last chance to object.
    virtual Choice at_end(const ExecutionView& /*view*/) { return {}; }
    virtual void step_committed(const StepRecord& /*step*/, const ExecutionView& /*view*/) {}
    // Whether step_committed() matters: a scheduler that ignores it spares a call per step.
    virtual bool observes_steps() const { return true; }
    virtual void end_execution(const ExecutionSummary& summary) = 0;
    // Why the latest execution was stopped as infeasible: the refused step, as facts.
    virtual ScheduleError refusal() const { return {}; }
    // The step (1-based) at which the latest execution diverged from the one before it.
    virtual int diverged_at() const { return 0; }
    // Whether the executions run covered every schedule (explore within its bound).
    virtual bool complete() const { return false; }
};

}  // namespace racedemo
