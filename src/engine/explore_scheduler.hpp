// Strategy explore: depth-first over every schedule, up to equivalence, a preemption bound and
// a budget. Exploration is stateless: each schedule re-executes a fresh trial from the start,
// following the prefix kept in the search path. Reduction::none branches on every enabled
// thread; ::dpor adds branches only where SourceDpor finds races (and keeps sleep sets). With
// a StateCoverage (::reads_from, state_coverage.hpp) it branches on every enabled thread, keeps
// sleep sets, and cuts an execution at a state explored before.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/scheduler.hpp"
#include "engine/search_estimate.hpp"
#include "engine/source_dpor.hpp"
#include "engine/state_coverage.hpp"

namespace racedemo {

struct ExploreLimits {
    bool dpor = true;  // sleep sets; races add the branches unless a StateCoverage is given
    int preemption_bound = -1;  // -1: unbounded
    std::uint64_t budget = 1'000'000;
};

class ExploreScheduler final : public Scheduler {
  public:
    ExploreScheduler(int threads, ExploreLimits limits,
                     std::unique_ptr<StateCoverage> coverage = nullptr);

    bool begin_execution() override;
    Choice next_thread(const ExecutionView& view) override;
    Choice at_end(const ExecutionView& view) override;
    void step_committed(const StepRecord& step, const ExecutionView& view) override;
    void end_execution(const ExecutionSummary& summary) override;
    bool complete() const override { return exhausted_ && !pruned_; }
    // Knuth-style guess at the schedules of the whole search (search_estimate.hpp), for a
    // search that stopped before it was complete.
    double estimated_schedules() const;

  private:
    void settle_through(const ExecutionView& view);
    Choice branch(const ExecutionView& view);
    bool exceeds_bound(const SearchNode& node, int thread) const;
    bool advance();
    void seek_where_run_began(SearchNode& node, int thread);

    ExploreLimits limits_;
    std::vector<SearchNode> path_;
    SourceDpor dpor_;
    std::unique_ptr<StateCoverage> coverage_;
    SearchEstimator estimator_;
    bool sleep_sets_ = false;  // dpor, reads_from
    bool races_ = false;       // dpor: races add the branches
    bool started_ = false;
    bool exhausted_ = false;  // no schedule left to run
    bool pruned_ = false;     // the preemption bound cut a DPOR backtrack point
    int first_new_step_ = 0;  // steps before it replay a prefix whose races are already known
    int settled_ = 0;         // steps settled so far in this execution
    std::uint64_t schedules_ = 0;
};

}  // namespace racedemo
