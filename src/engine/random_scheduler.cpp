#include "engine/random_scheduler.hpp"

#include <bit>

namespace racedemo {

std::uint64_t run_seed(std::uint64_t seed, std::uint64_t run) {
    if (run == 0) return seed;
    // splitmix64 of the pair: neighbouring runs get unrelated generators.
    std::uint64_t z = seed + run * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

bool RandomScheduler::begin_execution() {
    if (run_ >= runs_) return false;
    random_.seed(run_seed(seed_, run_));
    return true;
}

Choice RandomScheduler::next_thread(const ExecutionView& view) {
    ThreadMask enabled = view.enabled;
    auto index = draw(random_, static_cast<std::uint64_t>(std::popcount(enabled)));
    for (; index > 0; --index) enabled &= enabled - 1;  // drop the lowest threads
    return Choice::run(lowest_thread(enabled));
}

}  // namespace racedemo
