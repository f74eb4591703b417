// 11 read-only: the map of scenario 01, filled before the threads start, then only read.
//
// What races: in the fixed program nothing, and that is the lesson. Every write happens before
// the threads are started, so every thread sees the whole map; reads do not disturb other
// reads, and no lock is needed. The unsafe program is the one a student writes next: a "read"
// that writes, here an iteration that also counts its lookups in a shared counter. Two readers that
// count at once lose a count, and the readers are not read-only any more.
//
//   racedemo read-only --mode model --explore          CORRUPTED: counted 2 of 4 lookups
//   racedemo read-only --fixed --mode model --explore --threads 3
//                                                      a complete search: every schedule clean
//   racedemo read-only --fixed --detector tsan         ThreadSanitizer is silent
#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "go_map.hpp"

namespace {

using racedemo::Shared;
using racedemo::go_map::Map;

// Every thread reads the map, none writes it. There is only the program without a lock: a
// lock here would make readers wait and protect nothing.
// Checks one reader's iterations: every key once, with its own value. The first thing found
// wrong is kept (facts, not text: a model series formats none of it).
class Reader {
  public:
    explicit Reader(int keys) : seen_(static_cast<std::size_t>(keys)) {}

    void begin() { std::fill(seen_.begin(), seen_.end(), false); }
    void saw(int key, int value) {
        const bool known = key >= 0 && key < static_cast<int>(seen_.size());
        if (!known || value != key || seen_[static_cast<std::size_t>(key)])
            return wrong(key, value);
        seen_[static_cast<std::size_t>(key)] = true;
    }
    void end() {
        const auto absent = std::find(seen_.begin(), seen_.end(), false);
        if (absent != seen_.end()) wrong(static_cast<int>(absent - seen_.begin()), -1);
    }

    bool found_wrong = false;
    int key = 0;
    int value = 0;  // -1: the key was missing

  private:
    void wrong(int wrong_key, int wrong_value) {
        if (found_wrong) return;
        found_wrong = true;
        key = wrong_key;
        value = wrong_value;
    }
    std::vector<bool> seen_;
};

struct OnlyReads {};      // fixed: a reader only reads
struct CountsLookups {};  // unsafe: a reader also counts its lookups in a shared counter

// Every thread reads the map. In the fixed program none writes anything shared: a lock there
// would make readers wait and protect nothing.
template <class Reading>
class ReadOnlyTrial final : public racedemo::Trial {
  public:
    explicit ReadOnlyTrial(const racedemo::TrialConfig& config)
        : keys_(config.model ? 1 : 100),
          passes_(config.model ? 1 : 20),
          threads_(config.threads),
          m_(config.model ? 2 : 256),
          readers_(static_cast<std::size_t>(config.threads), Reader(keys_)) {
        // Filled here, before any thread exists: starting a thread orders these writes
        // before everything that thread does.
        for (int i = 0; i < keys_; ++i) m_.Set(i, i);
    }

    void actor(int thread) override {
        for (int pass = 0; pass < passes_; ++pass) {
            if constexpr (std::is_same_v<Reading, CountsLookups>)
                countingReadLoop(thread);
            else
                readLoop(thread);
        }
    }

    // Nobody wrote the map: only the readers' findings and the count are to be forgotten.
    bool reset() override {
        for (Reader& reader : readers_) reader.found_wrong = false;
        lookups_.poke(0);
        return true;
    }

    racedemo::Outcome arbiter() override;

  private:
    // lesson:begin
    void readLoop(int thread) {
        racedemo::note("for (auto [k, v] : m)");
        Reader& reader = readers_[static_cast<std::size_t>(thread)];
        reader.begin();
        m_.Range([&](int k, int v) { reader.saw(k, v); });
        reader.end();
    }

    // Unsafe: the same read, counting every entry it looks at in shared memory. Each count reads
    // and writes back the counter: a read that writes, racing with the other readers' counts.
    void countingReadLoop(int thread) {
        racedemo::note("for (auto [k, v] : m) lookups++");
        Reader& reader = readers_[static_cast<std::size_t>(thread)];
        reader.begin();
        m_.Range([&](int k, int v) {
            reader.saw(k, v);
            racedemo::note("lookups++ (m[{}])", k);  // each count an operation of its own
            lookups_.store(lookups_.load() + 1);
            racedemo::note("for (auto [k, v] : m) lookups++");
        });
        reader.end();
    }
    // lesson:end

    int keys_;
    int passes_;
    int threads_;
    Map m_;
    Shared<int> lookups_{"lookups", 0};
    std::vector<Reader> readers_;  // one per thread: each reader writes only its own
};

template <class Reading>
racedemo::Outcome ReadOnlyTrial<Reading>::arbiter() {
    if constexpr (std::is_same_v<Reading, CountsLookups>) {
        const int expected = threads_ * passes_ * keys_, counted = lookups_.load();
        if (counted != expected)
            return racedemo::Outcome::corrupt("lost count", [=] {
                return fmt::format("counted {} of {} lookups: {} lost", counted, expected,
                                   expected - counted);
            });
    }
    for (std::size_t thread = 0; thread < readers_.size(); ++thread) {
        const Reader& reader = readers_[thread];
        if (!reader.found_wrong) continue;
        return racedemo::Outcome::corrupt("wrong entry", [&] {
            if (reader.value < 0)
                return fmt::format("T{} did not find key {}", thread + 1, reader.key);
            return fmt::format("T{} read m[{}] = {}", thread + 1, reader.key, reader.value);
        });
    }
    return racedemo::Outcome::clean();
}

}  // namespace

RACEDEMO_SCENARIO({
    .number = 11,
    .name = "read-only",
    .summary = "a map only read once the threads start needs no lock; counting lookups races",
    .lesson = R"(Scenario 01 went wrong because one thread wrote the map while another read it.
Take the writer away. Here the map is filled first, by the only thread there is, and only
then are the reader threads started. From that moment nobody changes it.

Two reads of the same memory cannot damage each other: neither changes what the other sees.
And starting a thread orders everything written before the start ahead of everything the new
thread does (the trace's first line says so: that is happens-before), so each reader finds the
map complete. No schedule can go wrong, and the model proves it: in every order of the readers'
steps each read reads the same write, so the one schedule it explores stands for all of them.
ThreadSanitizer, which reports two accesses only when one of them is a write, stays silent.

So data that is shared read-only needs no lock; a lock would only make the readers queue. The
condition is strict: nobody at all may write while the readers run, and some reads write behind
your back. The unsafe program is the one a student writes next: the readers also count their
lookups, in a counter they share. Each count reads the counter and writes it back plus one, and
two readers that count at once lose one, exactly as in the counter scenario. In C++, m[k] on a
std::map inserts the key when it is missing: a write too. A const method, or find(), is a read.)",
    .takeaway = "data nobody writes after the threads start can be shared without a lock",
    .terms = {"exploration", "happens-before", "lost update"},
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 50,
    .unsafe = racedemo::make_trial<ReadOnlyTrial<CountsLookups>>,
    .fixed = racedemo::make_trial<ReadOnlyTrial<OnlyReads>>,
    .fix = "what a reader does. The unsafe variant's readers run countingReadLoop,\nwhich "
           "also counts each entry it looks at in a shared counter; the fixed ones run\n"
           "readLoop, which only reads",
    .before_threads = "the map is filled (key 0 in the model, keys 0 to 99 on real threads)",
    .shown_after = 1,
});
