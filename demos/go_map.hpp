// The map program of scenarios 01 (unsafe-map) and 02 (mutex-map): one thread writes m[i] = i
// in a loop while another iterates the map. Shared by the two scenario files so that 02 is
// exactly 01 with a mutex.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo::go_map {

constexpr int kEmptySlot = -1;
constexpr int kWriting = 1;  // the flag Go's map sets while a write is under way

// One array of slots of an open-addressing hash map.
struct Table {
    Table(int generation, int capacity) : capacity(capacity) {
        for (int slot = 0; slot < capacity; ++slot) {
            keys.emplace_back(ObjectName::indexed("t{}[{}].key", generation, slot), kEmptySlot);
            values.emplace_back(ObjectName::indexed("t{}[{}].value", generation, slot), 0);
        }
    }
    int capacity;
    std::deque<Shared<int>> keys;
    std::deque<Shared<int>> values;
};

}  // namespace racedemo::go_map

template <>
struct racedemo::ShowValue<racedemo::go_map::Table*> {
    static std::string show(const go_map::Table* table) {
        return table == nullptr ? "nil" : fmt::format("table of {}", table->capacity);
    }
};

namespace racedemo::go_map {

// A map in the style of Go's built-in one: it grows by doubling when 3/4 full, and sets a
// "writing" flag while a write is under way; iteration checks the flag at every step and
// reports what Go's runtime reports, "concurrent map iteration and map write". The map itself
// has no lock: like Go's, it is not safe for concurrent use.
class Map {
  public:
    explicit Map(int capacity) : table_("m.buckets", adopt(std::make_unique<Table>(0, capacity))) {}
    Map(const Map&) = delete;
    Map& operator=(const Map&) = delete;

    void Set(int key, int value) {
        flags_.store(kWriting);
        Table* table = table_.load();
        int used = count_.load();
        if ((used + 1) * 4 > table->capacity * 3) table = grow(table);
        int slot = find_slot(*table, key);
        if (table->keys[static_cast<std::size_t>(slot)].load() != key) {
            table->keys[static_cast<std::size_t>(slot)].store(key);
            count_.store(used + 1);
        }
        table->values[static_cast<std::size_t>(slot)].store(value);
        flags_.store(0);
    }

    // How many keys the map holds.
    int Len() { return count_.load(); }

    // Calls visit(key, value) for every entry; returns false when the iteration caught a
    // concurrent write (the point where Go's runtime stops the program).
    template <class Visit>
    bool Range(Visit&& visit) {
        bool caught = false;
        Table* table = table_.load();
        for (int slot = 0; slot < table->capacity; ++slot) {
            if (flags_.load() == kWriting) caught = true;
            int key = table->keys[static_cast<std::size_t>(slot)].load();
            if (key == kEmptySlot) continue;
            visit(key, table->values[static_cast<std::size_t>(slot)].load());
        }
        return !caught;
    }

  private:
    static int find_slot(Table& table, int key) {
        int slot = key % table.capacity;
        for (;;) {
            int found = table.keys[static_cast<std::size_t>(slot)].load();
            if (found == key || found == kEmptySlot) return slot;
            slot = (slot + 1) % table.capacity;
        }
    }

    // Moves every entry into a table twice the size (emptying its old slot, as Go's evacuation
    // does), then publishes the new table. The old table is kept, not freed, so a reader still
    // walking it finds moved entries gone rather than reading freed memory.
    Table* grow(Table* old) {
        auto bigger = std::make_unique<Table>(static_cast<int>(tables_.size()), old->capacity * 2);
        for (int slot = 0; slot < old->capacity; ++slot) {
            int key = old->keys[static_cast<std::size_t>(slot)].load();
            if (key == kEmptySlot) continue;
            int into = find_slot(*bigger, key);
            bigger->keys[static_cast<std::size_t>(into)].store(key);
            bigger->values[static_cast<std::size_t>(into)].store(
                old->values[static_cast<std::size_t>(slot)].load());
            old->keys[static_cast<std::size_t>(slot)].store(kEmptySlot);
        }
        Table* published = adopt(std::move(bigger));
        table_.store(published);
        return published;
    }

    Table* adopt(std::unique_ptr<Table> table) {
        tables_.push_back(std::move(table));
        return tables_.back().get();
    }

    std::vector<std::unique_ptr<Table>> tables_;  // written by the writer thread only
    Shared<int> flags_{"m.flags", 0};
    Shared<Table*> table_;
    Shared<int> count_{"m.count", 0};
};

// The program of the lesson: thread 1 runs writeLoop, every other thread runs readLoop.
// `Lock` is the only difference between 01 (NoLock) and 02 (Mutex).
template <class Lock>
class MapTrial final : public Trial {
  public:
    explicit MapTrial(const TrialConfig& config)
        : keys_(config.model ? 2 : 100),
          passes_(config.model ? 1 : 3),
          model_(config.model),
          m_(config.model ? 2 : 8),
          readers_(static_cast<std::size_t>(config.threads)) {}

    void actor(int thread) override {
        if (thread != 0) return readLoop(thread);
        writeLoop();
        writer_done_.store(true, std::memory_order_release);
    }

    Outcome arbiter() override;

  private:
    // lesson:begin
    void writeLoop() {
        for (int pass = 0; pass < passes_; ++pass) {
            for (int i = 0; i < keys_; ++i) {
                note("m[{}] = {}", i, i);
                std::lock_guard guard(mu_);
                m_.Set(i, i);
            }
        }
    }

    void readLoop(int thread) {
        for (int pass = 0; reading(pass); ++pass) {
            note("for (auto [k, v] : m)");
            std::lock_guard guard(mu_);
            Iteration seen{m_.Len(), {}, false};
            seen.caught_write = !m_.Range([&](int k, int v) { seen.entries.emplace_back(k, v); });
            readers_[static_cast<std::size_t>(thread)].judge(seen);
        }
    }
    // lesson:end

    // What one iteration returned, and whether Go's check caught a write during it.
    struct Iteration {
        int present;  // keys 0..present-1 were in the map before it began, and never deleted
        std::vector<std::pair<int, int>> entries;
        bool caught_write;
    };

    // What one reader saw go wrong: the first instance of each kind (facts, not text: a
    // series of model executions formats none of it).
    struct ReaderLog {
        int caught = 0;     // iterations during which a write was under way
        bool torn = false;  // an entry read half-written: the first one's key and value
        int torn_key = 0;
        int torn_value = 0;
        bool duplicate = false;  // a key seen twice in one iteration: the first such key
        int duplicate_key = 0;
        int skipped = 0;  // the first iteration that skipped keys present all along:
        int present = 0;  // how many it skipped, of how many were present

        void judge(const Iteration& seen) {
            caught += seen.caught_write;
            std::vector<int> keys;
            for (auto [key, value] : seen.entries) {
                keys.push_back(key);
                if (value != key && !torn) {
                    torn = true;
                    torn_key = key;
                    torn_value = value;
                }
            }
            std::sort(keys.begin(), keys.end());
            auto twice = std::adjacent_find(keys.begin(), keys.end());
            if (twice != keys.end() && !duplicate) {
                duplicate = true;
                duplicate_key = *twice;
            }
            int skipped_now = 0;
            for (int key = 0; key < seen.present; ++key)
                skipped_now += !std::binary_search(keys.begin(), keys.end(), key);
            if (skipped_now > 0 && skipped == 0) {
                skipped = skipped_now;
                present = seen.present;
            }
        }
        // Keeps, of each kind, the first fact of the two logs (this one first).
        void merge(const ReaderLog& other) {
            caught += other.caught;
            if (!torn)
                std::tie(torn, torn_key, torn_value) =
                    std::tie(other.torn, other.torn_key, other.torn_value);
            if (!duplicate)
                std::tie(duplicate, duplicate_key) = std::tie(other.duplicate, other.duplicate_key);
            if (skipped == 0) std::tie(skipped, present) = std::tie(other.skipped, other.present);
        }
    };

    int keys_;
    int passes_;
    bool model_;
    // Go's readLoop never stops; here a reader goes on while the writer writes (real threads),
    // or reads once (the model, which must explore every schedule of a finite program).
    std::atomic<bool> writer_done_{false};
    bool reading(int pass) const {
        return model_ ? pass < 1 : pass == 0 || !writer_done_.load(std::memory_order_acquire);
    }
    Map m_;
    // lesson:begin
    Lock mu_{"mu"};
    // lesson:end
    std::vector<ReaderLog> readers_;  // one per thread: each reader writes only its own
};

template <class Lock>
Outcome MapTrial<Lock>::arbiter() {
    ReaderLog first;
    for (const ReaderLog& log : readers_) first.merge(log);
    const int caught = first.caught;
    if (caught == 0 && !first.torn && !first.duplicate && first.skipped == 0)
        return Outcome::clean();
    auto go = [caught] {
        return fmt::format(
            "Go's runtime would stop the program here with \"fatal error: concurrent map "
            "iteration and map write\" (its check fired in {} iteration{})",
            caught, caught == 1 ? "" : "s");
    };
    // The label names the worst thing that really happened; Go's check is always mentioned.
    if (first.torn) {
        return Outcome::corrupt("torn entry", [&] {
            return fmt::format(
                "read m[{}] = {}, but the only value ever stored under key {} is {}; {}",
                first.torn_key, first.torn_value, first.torn_key, first.torn_key, go());
        });
    }
    if (first.duplicate) {
        return Outcome::corrupt("duplicate key", [&] {
            return fmt::format("one iteration returned key {} twice; {}", first.duplicate_key,
                               go());
        });
    }
    if (first.skipped > 0) {
        return Outcome::corrupt("missing keys", [&] {
            return fmt::format(
                "an iteration missed {} of the {} keys already in the map (moved by a growth); {}",
                first.skipped, first.present, go());
        });
    }
    return Outcome::corrupt("concurrent map iteration and map write", go);
}

}  // namespace racedemo::go_map
