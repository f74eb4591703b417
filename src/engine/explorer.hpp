// The explorer: drives executions of a scenario under one scheduler and sums them up into one
// ModelResult, including the run to show, re-executed with tracing. run_model() (model.hpp)
// is its public face.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "engine/executor.hpp"
#include "engine/explore_scheduler.hpp"
#include "engine/lock_order.hpp"
#include "engine/model.hpp"
#include "engine/scheduler.hpp"

namespace racedemo {

class Explorer final {
  public:
    Explorer(const Scenario& scenario, Variant variant, const TrialConfig& config,
             const ModelOptions& options);

    ModelResult run();

  private:
    Execution& execute(Scheduler& scheduler, bool tracing);
    ModelResult replay_once();
    void run_series(Scheduler& scheduler, ModelResult& result);
    void tally(const Execution& execution, ModelResult& result);
    void note_lock_order(const Execution& execution);
    void consider_shortest(const Execution& execution);
    using Shortest = std::optional<std::tuple<int, int, std::vector<int>>>;  // preemptions, steps
    void seek_shorter(const Shortest& known_best);
    static void estimate(const ExploreScheduler& search, double seconds, ModelResult& result);
    const std::vector<int>& schedule_to_show(const ModelResult& result) const;
    ModelRun traced_run(const std::vector<int>& schedule);
    std::unique_ptr<Scheduler> make_scheduler() const;

    const Scenario& scenario_;
    const ModelOptions& options_;
    const int threads_;
    Executor executor_;
    std::vector<int> first_schedule_;
    std::map<std::string, std::uint64_t>::iterator last_label_;  // in the result's outcomes
    Shortest best_;              // the shortest corrupting schedule so far
    Shortest best_deadlock_;     // the shortest deadlocking one
    LockOrderGraph lock_order_;  // over every execution run
};

}  // namespace racedemo
