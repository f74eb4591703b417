// Strategy random: `runs` executions; at each step a thread picked uniformly among the
// enabled ones. Run i is seeded from (seed, i): deterministic, and run 0 uses `seed` itself.
#pragma once

#include <cstdint>
#include <random>

#include "engine/scheduler.hpp"

namespace racedemo {

// The seed of run `run` of a series seeded with `seed` (run 0: `seed`).
std::uint64_t run_seed(std::uint64_t seed, std::uint64_t run);
// A number in [0, bound) from the generator. Plain modulo rather than a std distribution:
// the same seed gives the same schedule with any standard library.
inline std::uint64_t draw(std::mt19937_64& random, std::uint64_t bound) {
    return random() % bound;
}

class RandomScheduler final : public Scheduler {
  public:
    RandomScheduler(std::uint64_t seed, std::uint64_t runs) : seed_(seed), runs_(runs) {}

    bool begin_execution() override;
    Choice next_thread(const ExecutionView& view) override;
    void end_execution(const ExecutionSummary&) override { ++run_; }

  private:
    std::uint64_t seed_;
    std::uint64_t runs_;
    std::uint64_t run_ = 0;
    std::mt19937_64 random_;
};

}  // namespace racedemo
