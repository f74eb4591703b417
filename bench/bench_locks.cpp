// The lock grid of `racedemo rwmutex-cache --bench`, measured independently with Google
// Benchmark's own threads and timing: each operation takes the lock (shared for a read under
// shared_mutex), looks a key up in an 8-entry cache, works `work_ns` inside, and releases.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <shared_mutex>

#include "bench.hpp"

namespace {

struct SmallCache {
    std::array<int, 8> keys{0, 1, 2, 3, 4, 5, 6, 7};
    std::array<int, 8> values{};
    int get(int key) {
        for (std::size_t slot = 0; slot < keys.size(); ++slot)
            if (keys[slot] == key) return values[slot];
        return 0;
    }
    void set(int key, int value) {
        for (std::size_t slot = 0; slot < keys.size(); ++slot)
            if (keys[slot] == key) values[slot] = value;
    }
};

struct PlainMutex {
    std::mutex native;
    void lock() { native.lock(); }
    void unlock() { native.unlock(); }
    void lock_shared() { native.lock(); }
    void unlock_shared() { native.unlock(); }
};

template <class Lock>
struct Shared {
    static Lock lock;
    static SmallCache cache;
};
template <class Lock>
Lock Shared<Lock>::lock;
template <class Lock>
SmallCache Shared<Lock>::cache;

// range(0): read percentage, range(1): nanoseconds of work inside the critical section.
template <class Lock>
void BM_Cache(benchmark::State& state) {
    const int read_pct = static_cast<int>(state.range(0));
    const int work_ns = static_cast<int>(state.range(1));
    std::uint32_t random = 2463534242u + static_cast<std::uint32_t>(state.thread_index()) * 7919u;
    auto& lock = Shared<Lock>::lock;
    auto& cache = Shared<Lock>::cache;
    for (auto _ : state) {
        random ^= random << 13, random ^= random >> 17, random ^= random << 5;
        int key = static_cast<int>(random % 8);
        if (static_cast<int>(random % 100) < read_pct) {
            lock.lock_shared();
            benchmark::DoNotOptimize(cache.get(key));
            racedemo::spin_for_ns(work_ns);
            lock.unlock_shared();
        } else {
            lock.lock();
            cache.set(key, key);
            racedemo::spin_for_ns(work_ns);
            lock.unlock();
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void grid(benchmark::internal::Benchmark* benchmark) {
    for (int read_pct : {50, 90, 99, 100})
        for (int work_ns : {0, 100, 1000}) benchmark->Args({read_pct, work_ns});
    benchmark->ArgNames({"read_pct", "work_ns"})->ThreadRange(1, 4)->UseRealTime();
}

}  // namespace

BENCHMARK_TEMPLATE(BM_Cache, PlainMutex)->Apply(grid);
BENCHMARK_TEMPLATE(BM_Cache, std::shared_mutex)->Apply(grid);
