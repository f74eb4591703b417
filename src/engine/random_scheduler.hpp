// Strategy random: `runs` executions; at each step a thread picked uniformly among the
// enabled ones. Run i is seeded from (seed, i): deterministic, and run 0 uses `seed` itself.
#pragma once

#include <cstdint>

#include "engine/scheduler.hpp"

namespace racedemo {

// The generator of the series strategies: splitmix64 (Steele, Lea, Flood, OOPSLA 2014). Seeding
// it is free; std::mt19937_64 would cost more to seed than a whole short execution.
class SplitMix64 {
  public:
    void seed(std::uint64_t seed) { state_ = seed; }
    std::uint64_t operator()() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

  private:
    std::uint64_t state_ = 0;
};

// The seed of run `run` of a series seeded with `seed` (run 0: `seed`).
std::uint64_t run_seed(std::uint64_t seed, std::uint64_t run);
// A number in [0, bound) from the generator, by multiply and shift (Lemire) rather than a std
// distribution: the same seed gives the same schedule with any standard library. bound < 2^32.
inline std::uint64_t draw(SplitMix64& random, std::uint64_t bound) {
    return ((random() >> 32) * bound) >> 32;
}

class RandomScheduler final : public Scheduler {
  public:
    RandomScheduler(std::uint64_t seed, std::uint64_t runs) : seed_(seed), runs_(runs) {}

    bool begin_execution() override;
    Choice next_thread(const ExecutionView& view) override;
    void end_execution(const ExecutionSummary&) override { ++run_; }
    bool observes_steps() const override { return false; }

  private:
    std::uint64_t seed_;
    std::uint64_t runs_;
    std::uint64_t run_ = 0;
    SplitMix64 random_;
};

}  // namespace racedemo
