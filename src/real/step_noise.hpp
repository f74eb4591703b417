// Controlled noise at the instrumented steps of a real trial (NoiseSettings, core/real_types.hpp):
// each thread draws from a generator of its own (no shared state to add synchronisation), and at
// a perturbed step it yields, spins or sleeps, a third of the time each. A yield hands the core
// to a thread that waits for one (more threads than cores); a spin keeps the core but holds the
// thread between two steps; a sleep does both.
#pragma once

#include <cstdint>

#include "core/real_types.hpp"

namespace racedemo {

class StepNoise {
  public:
    void configure(const NoiseSettings& settings, std::uint64_t seed);
    // Called at every step; perturbs one step in settings.one_in.
    void at_step() {
        if (one_in_ != 0 && next() % one_in_ == 0) [[unlikely]]
            perturb();
    }
    // Called before a lock is asked for while the thread holds another: the window in which
    // locks taken in opposite orders deadlock. Perturbed one time in two, always by a sleep, so
    // that another thread (one without a core of its own, too) takes its first lock meanwhile.
    void at_nested_acquire() {
        if (one_in_ != 0 && next() % 2 == 0) pause(/*sleep=*/true);
    }

  private:
    std::uint64_t next();  // xorshift64*
    void perturb();
    void pause(bool sleep);

    std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
    std::uint64_t one_in_ = 0;  // 0: off
    std::uint64_t longest_pause_us_ = 0;
};

}  // namespace racedemo
