// 10 rwmutex-recursive: a reader takes the read lock again while a writer waits between.
//
// What goes wrong: Total holds the cache's read lock and adds the entries up through Get, which
// takes the read lock once more. A read lock can be shared, so this looks harmless. But when
// a writer asks for the lock between the two read locks, a writer-preferring lock (Go's
// RWMutex) queues it and keeps every new reader out, the second read lock included: the
// reader waits for the writer, which waits for the reader to unlock. A reader-preferring lock
// lets the reader in again, so nothing deadlocks, but a steady stream of readers can keep
// the writer waiting for as long as it lasts.
//
//   racedemo rwmutex-recursive --mode model --explore   DEADLOCKED: T1 holds rw, waits for rw
//                                                       (a writer is queued); T2 waits for rw
//   racedemo rwmutex-recursive --mode model --explore --policy reader-preferring
//                                                       every schedule finishes
//   racedemo rwmutex-recursive                          real threads: deadlocked runs, contained
//   racedemo rwmutex-recursive --fixed                  Total reads the entries under the one
//                                                       read lock it holds: CLEAN
//   racedemo rwmutex-recursive --bench                  the writer's wait under each policy,
//                                                       against the readers' pace
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::ObjectName;
using racedemo::RWMutex;
using racedemo::RWPolicy;
using racedemo::Shared;

struct ReadsAgain {};  // unsafe: Total reads each entry through Get, which locks again
struct ReadsHeld {};   // fixed: Total reads the entries under the lock it holds

template <class Reading>
class Cache {
  public:
    Cache(int entries, RWPolicy policy) : rw_("rw", policy) {
        for (int key = 0; key < entries; ++key)
            entries_.emplace_back(ObjectName::indexed("entries[{}]", key), key + 1);
    }

    // lesson:begin
    int Get(int key) {
        std::shared_lock guard(rw_);
        return entries_[static_cast<std::size_t>(key)].load();
    }

    void Set(int key, int value) {
        std::lock_guard guard(rw_);
        entries_[static_cast<std::size_t>(key)].store(value);
    }

    int Total() {
        if constexpr (std::is_same_v<Reading, ReadsHeld>) return TotalHeld();
        return TotalAgain();
    }

    // Unsafe: Get takes the read lock a second time, and a queued writer may stand between.
    int TotalAgain() {
        std::shared_lock guard(rw_);
        int sum = 0;
        for (int key = 0; key < Size(); ++key) sum += Get(key);
        return sum;
    }

    // Fixed: one read lock, and the entries read under it.
    int TotalHeld() {
        std::shared_lock guard(rw_);
        int sum = 0;
        for (int key = 0; key < Size(); ++key)
            sum += entries_[static_cast<std::size_t>(key)].load();
        return sum;
    }
    // lesson:end

    int Size() const { return static_cast<int>(entries_.size()); }
    int Peek(int key) const { return entries_[static_cast<std::size_t>(key)].peek(); }

  private:
    RWMutex rw_;
    std::deque<Shared<int>> entries_;
};

// The value thread t (from 1 on) writes: entry t-1 becomes ten times its key plus ten.
int written(int thread) {
    return 10 * thread + 10;
}

// T1 adds the entries up; every other thread sets one entry. The model uses two entries; real
// threads four, so that a writer has more moments to arrive between two read locks.
template <class Reading>
class RecursiveReadTrial final : public racedemo::Trial {
  public:
    explicit RecursiveReadTrial(const racedemo::TrialConfig& config)
        : config_(config),
          cache_(std::in_place, entries(config), config.policy),
          possible_totals_(possible_totals()) {}

    void actor(int thread) override {
        if (thread == 0) {
            racedemo::note("Total()");
            total_ = cache_->Total();
            return;
        }
        const int key = (thread - 1) % cache_->Size();
        racedemo::note("Set({}, {})", key, written(thread));
        cache_->Set(key, written(thread));
    }

    bool reset() override {
        cache_.emplace(entries(config_), config_.policy);
        total_ = 0;
        return true;
    }

    // Total holds the read lock throughout, so it sees each Set entirely or not at all: its
    // sum is one of the sums the entries could have had, never a mixture.
    racedemo::Outcome arbiter() override {
        if (possible_totals_.count(total_) != 0) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt("torn total", [this] {
            return fmt::format("Total() returned {}, a sum the entries never had", total_);
        });
    }

  private:
    static int entries(const racedemo::TrialConfig& config) { return config.model ? 2 : 4; }

    // Every sum reachable by applying any subset of the writes, in thread order per entry:
    // fixed by the config, so worked out once per trial, not per execution.
    std::set<int> possible_totals() const {
        std::vector<std::set<int>> values(static_cast<std::size_t>(cache_->Size()));
        for (int key = 0; key < cache_->Size(); ++key)
            values[static_cast<std::size_t>(key)].insert(key + 1);
        for (int thread = 1; thread < config_.threads; ++thread)
            values[static_cast<std::size_t>((thread - 1) % cache_->Size())].insert(written(thread));
        std::set<int> sums{0};
        for (const std::set<int>& choices : values) {
            std::set<int> next;
            for (int sum : sums)
                for (int value : choices) next.insert(sum + value);
            sums = std::move(next);
        }
        return sums;
    }

    racedemo::TrialConfig config_;
    std::optional<Cache<Reading>> cache_;
    std::set<int> possible_totals_;
    int total_ = 0;
};

// ---- --bench: the writer's wait under each policy, against the readers' pace

constexpr int kReadHoldNs = 300;    // a reader holds the lock this long each time
constexpr int kWriterGapNs = 2000;  // the writer does other work this long between its writes

struct StarvationSample {
    double wait_ns_per_write;  // from asking for the lock to having it
    double ns_per_read;        // the window over the reads done in it, all readers together
};

// One window: `readers` threads read in a loop (each read holds the lock a while) as a writer
// writes now and then. A writer that never gets in still has its last wait counted: it ends
// when the window does and the readers stop.
StarvationSample starvation_sample(RWPolicy policy, int readers, double warmup, double seconds) {
    using Clock = std::chrono::steady_clock;
    RWMutex rw("rw", policy);
    std::atomic<bool> stop{false}, write{false};
    std::atomic<long> reads{0};
    std::vector<std::thread> pool;
    for (int reader = 0; reader < readers; ++reader)
        pool.emplace_back([&] {
            while (!stop.load(std::memory_order_relaxed)) {
                rw.lock_shared();
                racedemo::spin_for_ns(kReadHoldNs);
                rw.unlock_shared();
                reads.fetch_add(1, std::memory_order_relaxed);
            }
        });
    double waited_ns = 0;
    long writes = 0;
    std::thread writer([&] {
        while (!write.load()) std::this_thread::yield();
        while (!stop.load(std::memory_order_relaxed)) {
            const auto asked = Clock::now();
            rw.lock();
            waited_ns += std::chrono::duration<double, std::nano>(Clock::now() - asked).count();
            rw.unlock();
            ++writes;
            racedemo::spin_for_ns(kWriterGapNs);
        }
    });
    std::this_thread::sleep_for(std::chrono::duration<double>(warmup));  // readers only
    const long reads_before = reads.load();
    const auto start = Clock::now();
    write.store(true);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const long reads_done = reads.load() - reads_before;
    const double window = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    stop.store(true);
    for (std::thread& thread : pool) thread.join();
    writer.join();
    return {waited_ns / static_cast<double>(std::max(1L, writes)),
            window / static_cast<double>(std::max(1L, reads_done))};
}

racedemo::BenchTable measure_starvation(const racedemo::BenchSettings& settings) {
    racedemo::spin_for_ns(1);  // calibrates its clock now, outside any timed sample
    racedemo::BenchTable table;
    table.title =
        "a writer among readers: ns a write waits for the lock under each policy\n"
        " (writer-first, reader-first), and ns per read, all readers together (read@...)";
    table.parameters = {"readers"};
    table.variants = {"writer-first", "reader-first", "read@w-first", "read@r-first"};
    table.reference = {"read@w-first", "read@r-first"};
    const int most = std::max(1, settings.max_threads - 1);
    for (int readers = 1; readers <= most; ++readers) {
        std::vector<std::vector<double>> samples(4);
        for (int repetition = 0; repetition < settings.repetitions && !settings.stopped();
             ++repetition) {
            // The policies alternate, so that a slow moment of the machine hits both alike.
            for (RWPolicy policy : {RWPolicy::writer_preferring, RWPolicy::reader_preferring}) {
                const auto column = static_cast<std::size_t>(policy == RWPolicy::reader_preferring);
                const StarvationSample sample =
                    starvation_sample(policy, readers, settings.warmup_seconds_per_sample,
                                      settings.seconds_per_sample);
                samples[column].push_back(sample.wait_ns_per_write);
                samples[2 + column].push_back(sample.ns_per_read);
            }
        }
        // Stopped (a signal, --max-time): the rows measured so far, not this partial one.
        table.cut_short = settings.stopped();
        if (table.cut_short) return table;
        racedemo::add_median_row(table, {readers}, samples);
        if (settings.progress) settings.progress(readers, most);
    }
    return table;
}

}  // namespace

RACEDEMO_SCENARIO({
    .number = 10,
    .name = "rwmutex-recursive",
    .summary = "a reader locks again while a writer waits: a writer-preferring lock deadlocks",
    .lesson = R"(A read lock is shared: many readers may hold it at once. So it seems safe for a
reader that holds it to call a function that takes it again. Total holds the cache's read
lock and adds the entries up through Get, and Get takes the read lock itself.

It works until a writer asks for the lock while Total holds it. The writer must wait for the
reader. With a writer-preferring lock (Go's RWMutex, and --policy writer-preferring here), a
waiting writer also keeps new readers out, or a steady stream of readers would starve it.
Total's next Get is such a new reader: it waits for the writer, and the writer waits for
Total to unlock. Neither ever goes on. Go's documentation forbids exactly this: no recursive
read locking.

A reader-preferring lock (glibc's default, --policy reader-preferring) lets the second read
lock in, so Total finishes. It pays elsewhere: as long as some reader holds the lock, the
writer waits, and readers that keep coming can keep it waiting without end: starvation. See
the writer wait while the reader's locks come and go:
racedemo rwmutex-recursive --mode model --policy reader-preferring --schedule 1,2,1x7
T2 asks for the lock at step 2 and waits through steps 3 to 9, where T1 takes and releases its
read lock twice more; it gets in only at step 10, once no reader is left. With readers that
overlap, each arriving before the last leaves, that moment never comes (--bench measures it).

The fix does not depend on the policy: take the lock once, at the top, and have the code
under it read the data directly (a helper that expects the lock held, often named with a
Locked suffix), never through a function that locks again.)",
    .takeaway = "never take a read lock you already hold: a queued writer stands between",
    .terms = {"writer-preferring", "starvation"},
    .default_threads = 2,
    .min_threads = 2,
    .rounds = 200,
    .unsafe = racedemo::make_trial<RecursiveReadTrial<ReadsAgain>>,
    .fixed = racedemo::make_trial<RecursiveReadTrial<ReadsHeld>>,
    .fix = "how Total reads. The unsafe variant's Total is TotalAgain, which reads\nthrough Get "
           "and so locks again; the fixed one's is TotalHeld, which reads under the one lock",
    .bench = measure_starvation,
    .has_rw_policy = true,
});
