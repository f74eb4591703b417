// The explorer: drives executions of a scenario under one scheduler (or, for the automatic
// reduction, two searches taking turns) and sums them up into one ModelResult, including the
// run to show, re-executed with tracing. run_model() (model.hpp) is its public face.
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
    using Shortest = std::optional<std::tuple<int, int, std::vector<int>>>;  // preemptions, steps
    // One search's account: its result so far and what it needs to sum up the next execution.
    struct Tally {
        ModelResult result;
        std::vector<int> first_schedule;
        // The label last counted and its count, in result.outcomes (a map's nodes stay put).
        const std::string* last_label = nullptr;
        std::uint64_t* last_count = nullptr;
        Shortest best;           // the shortest corrupting schedule so far
        Shortest best_deadlock;  // the shortest deadlocking one
    };
    // One search under way: its scheduler (the determinism check around it) and its tally.
    struct Search {
        std::unique_ptr<Scheduler> scheduler;
        const ExploreScheduler* explore = nullptr;
        Reduction reduction = Reduction::none;
        Tally tally;
        bool over = false;  // no execution left (complete, or cut by budget or bound)
    };

    Execution& execute(Scheduler& scheduler, bool tracing);
    ModelResult replay_once();
    Search make_search(Reduction reduction) const;
    bool step_search(Search& search);
    void run_series(Search& search);
    void run_pair(Search& first, Search& second);
    void tally(const Execution& execution, Tally& tally) const;
    void note_lock_order(const Execution& execution);
    static void consider_shortest(const Execution& execution, Shortest& best);
    static bool tally_cut(const Execution& execution, ModelResult& result);
    void seek_shorter(Tally& tally, bool deadlocks);
    static void estimate(const ExploreScheduler& search, double seconds, ModelResult& result);
    static const std::vector<int>& schedule_to_show(const Tally& tally);
    ModelRun traced_run(const std::vector<int>& schedule);
    ModelResult finish(Search& search, double seconds);
    Search& answer_of(Search& first, Search& second) const;

    const Scenario& scenario_;
    const ModelOptions& options_;
    const int threads_;
    Executor executor_;
    LockOrderGraph lock_order_;  // over every execution run
};

}  // namespace racedemo
