#include "engine/random_scheduler.hpp"

#include <array>

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

namespace {

// For every set of threads among the first eight: how many it holds, and its i-th thread.
// Looked up, the choice of a small run costs no branch that depends on the set (counting and
// dropping bits one by one mispredicts at almost every step).
struct SmallSets {
    std::array<std::uint8_t, 256> size{};
    std::array<std::array<std::uint8_t, 8>, 256> nth{};

    constexpr SmallSets() {
        for (unsigned set = 0; set < 256; ++set) {
            for (unsigned thread = 0; thread < 8; ++thread) {
                if ((set & (1u << thread)) != 0)
                    nth[set][size[set]++] = static_cast<std::uint8_t>(thread);
            }
        }
    }
};
constexpr SmallSets small_sets;

}  // namespace

Choice RandomScheduler::next_thread(const ExecutionView& view) {
    ThreadMask enabled = view.choosable();
    if (enabled < small_sets.size.size()) {
        const auto count = small_sets.size[enabled];
        return Choice::run(small_sets.nth[enabled][draw(random_, count)]);
    }
    // Counted by hand: without -mpopcnt, std::popcount is a library call.
    std::uint64_t count = 0;
    for (ThreadMask rest = enabled; rest != 0; rest &= rest - 1) ++count;
    auto index = draw(random_, count);
    for (; index > 0; --index) enabled &= enabled - 1;  // drop the lowest threads
    return Choice::run(lowest_thread(enabled));
}

}  // namespace racedemo
