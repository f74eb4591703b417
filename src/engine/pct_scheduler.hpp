// Strategy pct: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, ASPLOS 2010). Each run gives the threads distinct random priorities
// d, d+1, ..., d+n-1 and picks d-1 change points uniformly among the k steps of a run; at the
// i-th change point the thread that took that step drops to priority i, below every initial
// one. The highest-priority enabled thread always runs. A bug of depth d is found by a run
// with probability at least 1/(n k^(d-1)).
//
// k is the previous run's step count; the first run, with no k yet, has no change points.
// Run i is seeded from (seed, i), as in the random strategy: deterministic for a seed.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/random_scheduler.hpp"
#include "engine/scheduler.hpp"

namespace racedemo {

class PctScheduler final : public Scheduler {
  public:
    PctScheduler(int threads, int depth, std::uint64_t seed, std::uint64_t runs);

    bool begin_execution() override;
    Choice next_thread(const ExecutionView& view) override;
    void end_execution(const ExecutionSummary& summary) override;
    bool observes_steps() const override { return false; }

  private:
    void shuffle_priorities();
    void choose_change_points();

    int depth_;
    std::uint64_t seed_;
    std::uint64_t runs_;
    std::uint64_t run_ = 0;
    int steps_per_run_ = 0;  // k
    SplitMix64 random_;
    std::vector<int> priority_;       // per thread; higher runs first
    std::vector<int> change_points_;  // step counts, ascending
};

}  // namespace racedemo
