#include "bench.hpp"

#include <chrono>

namespace racedemo {
namespace {

// Iterations of the spin loop per nanosecond on this machine, measured once.
double iterations_per_ns() {
    static const double rate = [] {
        using Clock = std::chrono::steady_clock;
        constexpr long kIterations = 20'000'000;
        volatile long sink = 0;
        auto start = Clock::now();
        for (long i = 0; i < kIterations; ++i) sink = sink + 1;
        double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
        return ns > 0 ? kIterations / ns : 1.0;
    }();
    return rate;
}

}  // namespace

void spin_for_ns(int ns) {
    if (ns <= 0) return;
    const long iterations = static_cast<long>(ns * iterations_per_ns());
    volatile long sink = 0;
    for (long i = 0; i < iterations; ++i) sink = sink + 1;
}

}  // namespace racedemo
