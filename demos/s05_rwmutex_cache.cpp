// 05 rwmutex-cache: a read-mostly string-to-int cache shared by threads.
//
// What races: Set of a new key reads the entry count, writes the key and the value into the
// next free entry, then stores count + 1. Two Sets that read the same count write the same
// entry: one key is lost, or the entry ends up with one key and the other's value (torn).
// A Get running meanwhile can read such a half-written entry.
//
//   racedemo rwmutex-cache            unsafe: CORRUPTED, lost or torn writes
//   racedemo rwmutex-cache --fixed    std::shared_mutex: Get shares, Set excludes: CLEAN
//   racedemo rwmutex-cache --mode model --explore
//   racedemo rwmutex-cache --fixed --mode model --threads 4 --schedule 1x6,2x7,4x8,1,2,3,4
//                                     two readers share the lock, a writer waits for both,
//                                     and a new reader waits behind the queued writer
//   racedemo rwmutex-cache --bench    mutex against shared_mutex, measured over a grid
//
// The Cache itself is in rw_cache.hpp, which bench/bench_locks.cpp includes too, so that the
// Google Benchmark grid times the very operation that --bench times.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"
#include "rw_cache.hpp"

namespace {

using racedemo::rw_cache::Cache;
using racedemo::rw_cache::Key;

// The value each key should hold: alice 100, bob 200, ...
int value_for(Key key) {
    return (key.index + 1) * 100;
}

// Thread t sets its own key, then reads the next thread's key: it must see that key's
// value or nothing (0), never another key's value.
template <class Lock>
class CacheTrial final : public racedemo::Trial {
  public:
    explicit CacheTrial(const racedemo::TrialConfig& config)
        : threads_(config.threads), cache_(threads_), seen_(static_cast<std::size_t>(threads_)) {}

    void actor(int thread) override {
        Key own{thread % 8 + (thread / 8) * 8};
        racedemo::note("Set({}, {})", own, value_for(own));
        cache_.Set(own, value_for(own));
        Key other{(thread + 1) % threads_};
        racedemo::note("Get({})", other);
        int value = cache_.Get(other);
        if (value != 0 && value != value_for(other))
            seen_[static_cast<std::size_t>(thread)] = value;
    }

    bool reset() override {
        cache_.Reset();
        std::fill(seen_.begin(), seen_.end(), 0);
        return true;
    }

    racedemo::Outcome arbiter() override {
        bool lost = false, torn = false, torn_read = false;
        for (int thread = 0; thread < threads_; ++thread) {
            const int value = cache_.Get(Key{thread});
            lost |= value == 0;
            torn |= value != 0 && value != value_for(Key{thread});
            torn_read |= seen_[static_cast<std::size_t>(thread)] != 0;
        }
        if (!lost && !torn && !torn_read) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt(
            racedemo::label_of(
                {{lost, "lost write"}, {torn, "torn write"}, {torn_read, "torn read"}}),
            [this] { return evidence(); });
    }

  private:
    // What went wrong, key by key.
    std::string evidence() {
        std::vector<std::string> lost, torn, torn_reads;
        for (int thread = 0; thread < threads_; ++thread) {
            Key key{thread};
            const int value = cache_.Get(key);
            const std::string name = racedemo::ShowValue<Key>::show(key);
            if (value == 0)
                lost.push_back(name);
            else if (value != value_for(key))
                torn.push_back(fmt::format("{} holds {}", name, value));
            if (const int seen = seen_[static_cast<std::size_t>(thread)]; seen != 0) {
                Key other{(thread + 1) % threads_};
                torn_reads.push_back(fmt::format("Get({}) returned {}",
                                                 racedemo::ShowValue<Key>::show(other), seen));
            }
        }
        std::vector<std::string> parts;
        if (!lost.empty()) parts.push_back(fmt::format("lost {}", fmt::join(lost, ", ")));
        if (!torn.empty()) parts.push_back(fmt::format("{}", fmt::join(torn, ", ")));
        if (!torn_reads.empty()) parts.push_back(fmt::format("{}", fmt::join(torn_reads, ", ")));
        return fmt::format("{}", fmt::join(parts, "; "));
    }

    int threads_;
    Cache<Lock> cache_;
    std::vector<int> seen_;  // per thread: a wrong value its Get returned (0: none)
};

// --- The measurement (the operation it times is in rw_cache.hpp) ----------------------------

// Nanoseconds per operation, all threads together, in one sample: `threads` threads run
// operations without pause; the first `warmup` seconds are not counted (contention takes a few
// tens of milliseconds to settle: a lock measured from a cold start looks several times
// better than it is), then the operations of the next `seconds` are.
template <class Lock>
double ns_per_operation(int threads, int read_pct, int work_ns, double warmup, double seconds) {
    racedemo::rw_cache::BenchCache cache;
    Lock lock;
    struct alignas(64) Count {
        std::atomic<long> done{0};  // written by its own thread only
    };
    std::vector<Count> counts(static_cast<std::size_t>(threads));
    std::atomic<int> ready{0};
    std::atomic<bool> go{false}, stop{false};
    auto worker = [&](int thread) {
        std::uint32_t random = 2463534242u + static_cast<std::uint32_t>(thread) * 7919u;
        std::atomic<long>& done = counts[static_cast<std::size_t>(thread)].done;
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) {
        }
        for (long operations = 1; !stop.load(std::memory_order_relaxed); ++operations) {
            cache.operation(lock, random, read_pct, work_ns);
            done.store(operations, std::memory_order_relaxed);
        }
    };
    auto total = [&] {
        long sum = 0;
        for (const Count& count : counts) sum += count.done.load(std::memory_order_relaxed);
        return sum;
    };
    using Clock = std::chrono::steady_clock;
    std::vector<std::thread> pool;
    for (int thread = 0; thread < threads; ++thread) pool.emplace_back(worker, thread);
    while (ready.load() < threads) std::this_thread::yield();
    go.store(true, std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
    const long done_before = total();
    const auto start = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const long done_after = total();
    const auto end = Clock::now();
    stop.store(true);
    for (std::thread& thread : pool) thread.join();
    const double elapsed = std::chrono::duration<double, std::nano>(end - start).count();
    return elapsed / static_cast<double>(std::max(1L, done_after - done_before));
}

racedemo::BenchTable measure_locks(const racedemo::BenchSettings& settings) {
    racedemo::spin_for_ns(1);  // calibrates its clock now, outside any timed sample
    racedemo::BenchTable table;
    table.title = "Get/Set on the cache: nanoseconds per operation, all threads together";
    table.parameters = {"threads", "read_pct", "work_ns"};
    table.variants = {"mutex", "shared_mutex", "unsync"};
    table.reference = {"unsync"};
    std::vector<int> thread_counts{1};
    for (int threads = 2; threads <= settings.max_threads; threads *= 2)
        thread_counts.push_back(threads);
    const int read_percentages[] = {50, 90, 99, 100};
    const int work[] = {0, 100, 1000};
    const int total = static_cast<int>(thread_counts.size() * 4 * 3);
    for (int threads : thread_counts) {
        for (int read_pct : read_percentages) {
            for (int work_ns : work) {
                // The variants alternate sample by sample, so that a slow moment of the
                // machine hits all of them alike.
                auto sample = [&](int variant) {
                    const double warmup = settings.warmup_seconds_per_sample;
                    const double seconds = settings.seconds_per_sample;
                    switch (variant) {
                        case 0:
                            return ns_per_operation<racedemo::rw_cache::StdMutex>(
                                threads, read_pct, work_ns, warmup, seconds);
                        case 1:
                            return ns_per_operation<racedemo::rw_cache::StdSharedMutex>(
                                threads, read_pct, work_ns, warmup, seconds);
                        default:
                            return ns_per_operation<racedemo::NoLock>(threads, read_pct, work_ns,
                                                                      warmup, seconds);
                    }
                };
                std::vector<std::vector<double>> samples(3);
                for (int repetition = 0; repetition < settings.repetitions && !settings.stopped();
                     ++repetition)
                    for (int variant = 0; variant < 3; ++variant)
                        samples[static_cast<std::size_t>(variant)].push_back(sample(variant));
                // Stopped (a signal, --max-time): the rows measured so far, not this partial one.
                table.cut_short = settings.stopped();
                if (table.cut_short) return table;
                racedemo::add_median_row(table, {threads, read_pct, work_ns}, samples);
                if (settings.progress)
                    settings.progress(static_cast<int>(table.rows.size()), total);
            }
        }
    }
    return table;
}

}  // namespace

RACEDEMO_SCENARIO({
    .number = 5,
    .name = "rwmutex-cache",
    .summary = "a read-mostly cache: unsynchronised writes are lost or torn; RWMutex fixes it",
    .lesson = R"(A cache is read far more often than it is written, so it is tempting to leave
reads unlocked, or to leave it unlocked altogether. But adding a key is several steps: read
how many entries there are, write the key and the value into the next entry, then store the
new count. Two writers that read the same count write into the same entry: one key vanishes,
or the entry ends up with one writer's key and the other's value. A reader that looks in the
middle of this sees a half-written entry.

A reader/writer lock (Go's RWMutex, C++'s std::shared_mutex) protects the cache without
making readers wait for each other: Get takes the lock shared, so any number of Gets run at
once, and Set takes it exclusively, waiting until no reader holds it. In Go, a writer that
is waiting also keeps new readers out, so a stream of readers cannot starve it. See all
three in one schedule of four threads, each setting its key and then reading another's:
racedemo rwmutex-cache --fixed --mode model --threads 4 --schedule 1x6,2x7,4x8,1,2,3,4
At steps 22 and 23 T1 and T2 hold the read lock together; at step 24 T3's Set waits for both;
at step 25 T4's Get waits too, though only readers hold the lock, because T3 is queued. Do not
assume that of every reader/writer lock: std::shared_mutex with glibc lets new readers in
ahead of a waiting writer, and readers that keep the lock busy shut a writer out for as
long as they run.
Whether any of this beats a plain mutex depends on how long the critical section is and how
many cores there are: measure it (racedemo rwmutex-cache --bench).)",
    .takeaway =
        "shared lock for readers, exclusive for writers; measure before you assume it is faster",
    .terms = {"reader/writer lock"},
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 4000,
    .unsafe = racedemo::make_trial<CacheTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<CacheTrial<racedemo::RWMutex>>,
    .bench = measure_locks,
});
