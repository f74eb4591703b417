#include "racedemo/bench.hpp"

#include <chrono>
#include <cstdint>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace racedemo {
namespace {

using Clock = std::chrono::steady_clock;

// The busy work is timed, not counted: a loop calibrated once runs slower whenever the other
// hardware thread of its core is busy (or was busy while it was calibrated), and a "1000 ns"
// critical section then lasted 560 ns in one process and 1000 ns in the next.
#if defined(__x86_64__) || defined(__i386__)
inline std::uint64_t ticks() {
    return __rdtsc();
}

// Cycle-counter ticks per nanosecond, measured once against the steady clock. Both count wall
// time, so the figure does not depend on what the machine was doing meanwhile.
double ticks_per_ns() {
    static const double rate = [] {
        const auto start = Clock::now();
        const std::uint64_t first = ticks();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const std::uint64_t last = ticks();
        const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
        return ns > 0 && last > first ? static_cast<double>(last - first) / ns : 1.0;
    }();
    return rate;
}
#endif

}  // namespace

void spin_for_ns(int ns) {
    if (ns <= 0) return;
#if defined(__x86_64__) || defined(__i386__)
    const std::uint64_t end = ticks() + static_cast<std::uint64_t>(ns * ticks_per_ns());
    while (ticks() < end) {
    }
#else
    const auto end = Clock::now() + std::chrono::nanoseconds(ns);
    while (Clock::now() < end) {
    }
#endif
}

}  // namespace racedemo
