// 11 read-only: the map of scenario 01, filled before the threads start, then only read.
//
// What races: nothing, and that is the lesson. Every write happens before the threads are
// started, so every thread sees the whole map; reads do not disturb other reads, and no lock
// is needed. Set it against 01, where one thread writes while another reads.
//
//   racedemo read-only                 CLEAN: every reader saw every entry, whole
//   racedemo read-only --mode model --explore --threads 3
//                                      a complete search: every schedule clean
//   racedemo read-only --detector tsan ThreadSanitizer is silent
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "go_map.hpp"

namespace {

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

// Every thread reads the map, none writes it. There is only the program without a lock: a
// lock here would make readers wait and protect nothing.
class ReadOnlyTrial final : public racedemo::Trial {
  public:
    explicit ReadOnlyTrial(const racedemo::TrialConfig& config)
        : keys_(config.model ? 2 : 100),
          passes_(config.model ? 1 : 20),
          m_(config.model ? 4 : 256),
          readers_(static_cast<std::size_t>(config.threads), Reader(keys_)) {
        // Filled here, before any thread exists: starting a thread orders these writes
        // before everything that thread does.
        for (int i = 0; i < keys_; ++i) m_.Set(i, i);
    }

    void actor(int thread) override {
        for (int pass = 0; pass < passes_; ++pass) readLoop(thread);
    }

    // Nobody wrote the map: only the readers' findings are to be forgotten.
    bool reset() override {
        for (Reader& reader : readers_) reader.found_wrong = false;
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
    // lesson:end

    int keys_;
    int passes_;
    Map m_;
    std::vector<Reader> readers_;  // one per thread: each reader writes only its own
};

racedemo::Outcome ReadOnlyTrial::arbiter() {
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
    .summary = "01's map, filled before the threads start and then only read: no lock needed",
    .lesson = R"(Scenario 01 went wrong because one thread wrote the map while another read it.
Take the writer away. Here the map is filled first, by the only thread there is, and only
then are the reader threads started. From that moment nobody changes it.

Two reads of the same memory cannot damage each other: neither changes what the other sees.
And starting a thread orders everything written before the start ahead of everything the new
thread does, so each reader finds the map complete. No schedule can go wrong, and the model
proves it by trying them all. ThreadSanitizer, which reports two accesses only when one of them
is a write, stays silent.

So data that is shared read-only needs no lock; a lock would only make the readers queue. The
condition is strict: nobody at all may write while the readers run. Beware of reads that write
behind your back. In C++, m[k] on a std::map inserts the key when it is missing; it is a write.
A const method, or find(), is a read.)",
    .takeaway = "data nobody writes after the threads start can be shared without a lock",
    .terms = {"exploration"},
    .default_threads = 4,
    .min_threads = 1,
    .rounds = 50,
    .fixed = racedemo::make_trial<ReadOnlyTrial>,
    .shown_after = 1,
});
