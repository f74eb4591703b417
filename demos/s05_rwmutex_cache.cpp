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
//   racedemo rwmutex-cache --bench    mutex against shared_mutex, measured over a grid
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "scenario.hpp"
#include "shared_state.hpp"

namespace {

using racedemo::Shared;

// Cache keys are strings; a cell holds the index of its key in this table.
constexpr std::array<const char*, 8> kKeys = {"alice", "bob",   "carol", "dave",
                                              "erin",  "frank", "grace", "heidi"};

struct Key {
    int index = -1;  // -1: an empty entry
    bool operator==(const Key&) const = default;
};

}  // namespace

template <>
struct racedemo::ShowValue<Key> {
    static std::string show(Key key) {
        return key.index < 0 ? std::string("\"\"") : fmt::format("\"{}\"", kKeys[key.index % 8]);
    }
};

namespace {

// The lesson's Cache: entries plus the lock that guards them. Set takes the lock exclusively,
// Get shares it. `Lock` is the only difference between the variants (NoLock or an RWMutex).
// lesson:begin
template <class Lock>
class Cache {
  public:
    explicit Cache(int capacity) {
        for (int slot = 0; slot < capacity; ++slot) {
            keys_.emplace_back(racedemo::ObjectName::indexed("entries[{}].key", slot), Key{});
            values_.emplace_back(racedemo::ObjectName::indexed("entries[{}].value", slot), 0);
        }
    }

    void Set(Key key, int value) {
        std::unique_lock guard(mx_);
        int count = count_.load();
        for (int slot = 0; slot < count; ++slot) {
            if (key_at(slot).load() == key) return value_at(slot).store(value);
        }
        key_at(count).store(key);
        value_at(count).store(value);
        count_.store(count + 1);
    }

    int Get(Key key) {
        std::shared_lock guard(mx_);
        int count = count_.load();
        for (int slot = 0; slot < count; ++slot) {
            if (key_at(slot).load() == key) return value_at(slot).load();
        }
        return 0;  // a missing key reads as the zero value, as in Go
    }
    // lesson:end

  private:
    Shared<Key>& key_at(int slot) { return keys_[static_cast<std::size_t>(slot)]; }
    Shared<int>& value_at(int slot) { return values_[static_cast<std::size_t>(slot)]; }

    std::deque<Shared<Key>> keys_;
    std::deque<Shared<int>> values_;
    Shared<int> count_{"count", 0};
    // lesson:begin
    Lock mx_{"mx"};
    // lesson:end
};

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
        racedemo::note("Set({}, {})", racedemo::ShowValue<Key>::show(own), value_for(own));
        cache_.Set(own, value_for(own));
        Key other{(thread + 1) % threads_};
        racedemo::note("Get({})", racedemo::ShowValue<Key>::show(other));
        int value = cache_.Get(other);
        if (value != 0 && value != value_for(other))
            seen_[static_cast<std::size_t>(thread)] =
                fmt::format("Get({}) returned {}", racedemo::ShowValue<Key>::show(other), value);
    }

    racedemo::Outcome arbiter() override {
        std::vector<std::string> lost, torn, torn_reads;
        for (int thread = 0; thread < threads_; ++thread) {
            Key key{thread};
            int value = cache_.Get(key);
            if (value == 0)
                lost.push_back(racedemo::ShowValue<Key>::show(key));
            else if (value != value_for(key))
                torn.push_back(
                    fmt::format("{} holds {}", racedemo::ShowValue<Key>::show(key), value));
            if (!seen_[static_cast<std::size_t>(thread)].empty())
                torn_reads.push_back(seen_[static_cast<std::size_t>(thread)]);
        }
        if (lost.empty() && torn.empty() && torn_reads.empty()) return racedemo::Outcome::clean();
        std::vector<std::string> kinds, evidence;
        if (!lost.empty()) {
            kinds.push_back("lost write");
            evidence.push_back(fmt::format("lost {}", fmt::join(lost, ", ")));
        }
        if (!torn.empty()) {
            kinds.push_back("torn write");
            evidence.push_back(fmt::format("{}", fmt::join(torn, ", ")));
        }
        if (!torn_reads.empty()) {
            kinds.push_back("torn read");
            evidence.push_back(fmt::format("{}", fmt::join(torn_reads, ", ")));
        }
        return racedemo::Outcome::corrupt(fmt::format("{}", fmt::join(kinds, " + ")),
                                          fmt::format("{}", fmt::join(evidence, "; ")));
    }

  private:
    int threads_;
    Cache<Lock> cache_;
    std::vector<std::string> seen_;  // per thread: a wrong value its Get returned
};

// --- The measurement: is the reader/writer lock faster than a plain mutex? -----------------
//
// Each operation takes the lock (shared for a Get, exclusive for a Set under shared_mutex;
// exclusive for both under mutex), looks the key up in an unlocked cache, does `work_ns` of
// busy work inside the critical section, and releases. "unsync" takes no lock at all: the
// cost of the work alone, for reference (its Sets only overwrite values, never add entries).

struct StdMutex {
    std::mutex native;
    void lock() { native.lock(); }
    void unlock() { native.unlock(); }
    void lock_shared() { native.lock(); }  // a plain mutex: readers exclude each other too
    void unlock_shared() { native.unlock(); }
};
using StdSharedMutex = std::shared_mutex;

template <class Lock>
double ns_per_operation(int threads, int read_pct, int work_ns, double seconds) {
    Cache<racedemo::NoLock> cache(static_cast<int>(kKeys.size()));
    for (int key = 0; key < static_cast<int>(kKeys.size()); ++key) cache.Set(Key{key}, key);
    Lock lock;
    std::atomic<int> ready{0};
    std::atomic<bool> go{false}, stop{false};
    std::atomic<long> operations{0};
    auto worker = [&](int thread) {
        std::uint32_t random = 2463534242u + static_cast<std::uint32_t>(thread) * 7919u;
        long done = 0;
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) {
        }
        while (!stop.load(std::memory_order_relaxed)) {
            random ^= random << 13, random ^= random >> 17, random ^= random << 5;  // xorshift
            Key key{static_cast<int>(random % kKeys.size())};
            if (static_cast<int>(random % 100) < read_pct) {
                if constexpr (!std::is_same_v<Lock, racedemo::NoLock>) lock.lock_shared();
                cache.Get(key);
                racedemo::spin_for_ns(work_ns);
                if constexpr (!std::is_same_v<Lock, racedemo::NoLock>) lock.unlock_shared();
            } else {
                if constexpr (!std::is_same_v<Lock, racedemo::NoLock>) lock.lock();
                cache.Set(key, static_cast<int>(done));
                racedemo::spin_for_ns(work_ns);
                if constexpr (!std::is_same_v<Lock, racedemo::NoLock>) lock.unlock();
            }
            ++done;
        }
        operations.fetch_add(done);
    };
    std::vector<std::thread> pool;
    for (int thread = 0; thread < threads; ++thread) pool.emplace_back(worker, thread);
    while (ready.load() < threads) std::this_thread::yield();
    auto start = std::chrono::steady_clock::now();
    go.store(true, std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(true);
    for (std::thread& thread : pool) thread.join();
    double elapsed =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    return elapsed / static_cast<double>(std::max(1L, operations.load()));
}

racedemo::BenchTable measure_locks(const racedemo::BenchSettings& settings) {
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
                // Warm up once, then alternate the variants sample by sample, so that a
                // slow moment of the machine hits all of them alike.
                auto sample = [&](int variant) {
                    switch (variant) {
                        case 0:
                            return ns_per_operation<StdMutex>(threads, read_pct, work_ns,
                                                              settings.seconds_per_sample);
                        case 1:
                            return ns_per_operation<StdSharedMutex>(threads, read_pct, work_ns,
                                                                    settings.seconds_per_sample);
                        default:
                            return ns_per_operation<racedemo::NoLock>(threads, read_pct, work_ns,
                                                                      settings.seconds_per_sample);
                    }
                };
                for (int variant = 0; variant < 3; ++variant) sample(variant);
                std::vector<std::vector<double>> samples(3);
                for (int repetition = 0; repetition < settings.repetitions; ++repetition)
                    for (int variant = 0; variant < 3; ++variant)
                        samples[static_cast<std::size_t>(variant)].push_back(sample(variant));
                racedemo::BenchRow row{{threads, read_pct, work_ns}, {}};
                for (auto& cell : samples) row.ns_per_op.push_back(racedemo::median(cell));
                table.rows.push_back(std::move(row));
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
once, and Set takes it exclusively, waiting until no reader holds it. A writer that is
waiting also keeps new readers out, so writers are not starved. Whether this beats a plain
mutex depends on how long the critical section is and how many cores there are: measure it.)",
    .takeaway =
        "shared lock for readers, exclusive for writers; measure before you assume it is faster",
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 4000,
    .unsafe = racedemo::make_trial<CacheTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<CacheTrial<racedemo::RWMutex>>,
    .bench = measure_locks,
});
