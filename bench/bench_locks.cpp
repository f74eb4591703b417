// The lock grid of `racedemo rwmutex-cache --bench`, measured independently with Google
// Benchmark's own threads and timing. The operation timed is the scenario's own
// (demos/rw_cache.hpp): take the lock (shared for a Get under shared_mutex), look the key up
// in the lesson's cache, work `work_ns` inside, release.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <shared_mutex>

#include "racedemo/bench.hpp"
#include "rw_cache.hpp"

namespace {

using racedemo::rw_cache::BenchCache;
using racedemo::rw_cache::StdMutex;

// spin_for_ns calibrates its clock on first use: here, before any timed iteration.
const bool spin_calibrated = (racedemo::spin_for_ns(1), true);

// One lock and one cache per lock type, shared by the benchmark's threads.
template <class Lock>
struct SharedByThreads {
    static inline Lock lock;
    static inline BenchCache cache;
};

// range(0): read percentage, range(1): nanoseconds of work inside the critical section.
template <class Lock>
void BM_Cache(benchmark::State& state) {
    const int read_pct = static_cast<int>(state.range(0));
    const int work_ns = static_cast<int>(state.range(1));
    std::uint32_t random = 2463534242u + static_cast<std::uint32_t>(state.thread_index()) * 7919u;
    for (auto _ : state)
        SharedByThreads<Lock>::cache.operation(SharedByThreads<Lock>::lock, random, read_pct,
                                               work_ns);
    state.SetItemsProcessed(state.iterations());
}

void grid(benchmark::internal::Benchmark* benchmark) {
    for (int read_pct : {50, 90, 99, 100})
        for (int work_ns : {0, 100, 1000}) benchmark->Args({read_pct, work_ns});
    benchmark->ArgNames({"read_pct", "work_ns"})->ThreadRange(1, 4)->UseRealTime();
}

}  // namespace

BENCHMARK_TEMPLATE(BM_Cache, StdMutex)->Apply(grid);
BENCHMARK_TEMPLATE(BM_Cache, std::shared_mutex)->Apply(grid);
