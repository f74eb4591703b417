#include "engine/random_scheduler.hpp"

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
    // Counted by hand: without -mpopcnt, std::popcount is a library call.
    std::uint64_t count = 0;
    for (ThreadMask rest = enabled; rest != 0; rest &= rest - 1) ++count;
    auto index = draw(random_, count);
    for (; index > 0; --index) enabled &= enabled - 1;  // drop the lowest threads
    return Choice::run(lowest_thread(enabled));
}

}  // namespace racedemo
