// The hook for a reduction beyond source-DPOR (Reduction::reads_from is being prototyped as
// one). A StateCoverage is told of every committed step of an execution under the explore
// strategy, with what makes two executions equivalent under coarser relations:
//   - step.thread, step.op, and step.object (a stable index within the execution: the order
//     in which threads first reached the object),
//   - for a read, step.reads_from: the step whose write it reads (-1: the initial value),
//   - for a lock acquisition, step.after_release: the step of the lock's previous release.
// When covered() answers true, the state reached is already covered by an execution explored
// before: the explore strategy cuts this execution there (it is abandoned, not counted as a
// schedule) and backtracks. A reduction lives in its own file and is handed to the
// ExploreScheduler by make_state_coverage() (explorer.cpp).
#pragma once

#include "engine/execution_view.hpp"

namespace racedemo {

class StateCoverage {
  public:
    virtual ~StateCoverage() = default;
    virtual void begin_execution() = 0;
    // After `step` was committed: whether the state it led to is covered already.
    virtual bool covered(const StepRecord& step) = 0;
};

}  // namespace racedemo
