// The hook for a reduction beyond source-DPOR: state caching (Reduction::reads_from, in
// reads_from.hpp). Under the explore strategy a StateCoverage is told of every committed step
// of an execution (step.thread, step.op, step.object: a stable index within the execution;
// step.reads_from, step.after_release), then, once the step's access is done, of the state it
// led to (view.last_bits holds what a read returned). At each new state of the search it is
// asked whether that state was expanded before, with the sleep set the search reached it with;
// the answer follows Godefroid's rule for sleep sets and state caching (Partial-Order Methods
// for the Verification of Concurrent Systems, 1996, ch. 6): covered when the stored sleep set
// is a subset of the current one; otherwise only the threads in the difference are run from it,
// under the intersection. A covered state cuts the execution (abandoned, not counted as a
// schedule). A reduction lives in its own file and is handed to the ExploreScheduler by
// make_state_coverage() (explorer.cpp).
#pragma once

#include "engine/execution_view.hpp"

namespace racedemo {

struct StateVisit {
    bool covered = false;              // everything from here was explored already: cut
    ThreadMask sleep = 0;              // otherwise: the sleep set to expand the state with
    ThreadMask only = ~ThreadMask{0};  // and the threads to run from it
};

class StateCoverage {
  public:
    virtual ~StateCoverage() = default;
    virtual void begin_execution() = 0;
    // A step was committed (its access is still to come).
    virtual void record(const StepRecord& step, const ExecutionView& view) = 0;
    // The last step's access is done: the state it led to is complete.
    virtual void settle(const ExecutionView& view) = 0;
    // The search reaches a new state with sleep set `sleep`.
    virtual StateVisit visit(ThreadMask sleep, const ExecutionView& view) = 0;
};

}  // namespace racedemo
