// The cache of scenario 05 (rwmutex-cache), and the operation its lock benchmark times. The
// scenario and bench/bench_locks.cpp (Google Benchmark) both include this file, so that the two
// lock grids time exactly the same code with independent threads and clocks.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "racedemo/bench.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo::rw_cache {

// Cache keys are strings; a cell holds the index of its key in this table.
constexpr std::array<const char*, 8> kKeys = {"alice", "bob",   "carol", "dave",
                                              "erin",  "frank", "grace", "heidi"};

struct Key {
    int index = -1;  // -1: an empty entry
    bool operator==(const Key&) const = default;
};

}  // namespace racedemo::rw_cache

// A key prints as the name it stands for, quoted as Go prints a string: "alice" (or "").
template <>
struct fmt::formatter<racedemo::rw_cache::Key> : fmt::formatter<std::string_view> {
    template <class FormatContext>
    auto format(racedemo::rw_cache::Key key, FormatContext& context) const {
        return fmt::format_to(context.out(), "\"{}\"",
                              key.index < 0 ? "" : racedemo::rw_cache::kKeys[key.index % 8]);
    }
};

template <>
struct racedemo::ShowValue<racedemo::rw_cache::Key> {
    static std::string show(rw_cache::Key key) { return fmt::format("{}", key); }
};

namespace racedemo::rw_cache {

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

    // Empty again, for the model's next execution.
    void Reset() {
        for (Shared<Key>& key : keys_) key.poke(Key{});
        for (Shared<int>& value : values_) value.poke(0);
        count_.poke(0);
    }

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

// --- The lock benchmark: is the reader/writer lock faster than a plain mutex? ------------
//
// Each operation takes the lock (shared for a Get, exclusive for a Set under shared_mutex;
// exclusive for both under mutex), looks the key up in a cache that has no lock of its own,
// does `work_ns` of busy work inside the critical section, and releases. With NoLock it takes
// no lock at all: the cost of the work alone ("unsync"), for reference. The cache holds every
// key, so a Set only overwrites a value and the unsynchronised run never adds entries.

struct StdMutex {
    std::mutex native;
    void lock() { native.lock(); }
    void unlock() { native.unlock(); }
    void lock_shared() { native.lock(); }  // a plain mutex: readers exclude each other too
    void unlock_shared() { native.unlock(); }
};
using StdSharedMutex = std::shared_mutex;

class BenchCache {
  public:
    BenchCache() {
        for (int key = 0; key < static_cast<int>(kKeys.size()); ++key) cache_.Set(Key{key}, key);
    }

    // One Get (read_pct percent of the time) or Set under `lock`; `random` is the calling
    // thread's own xorshift state.
    template <class Lock>
    void operation(Lock& lock, std::uint32_t& random, int read_pct, int work_ns) {
        random ^= random << 13, random ^= random >> 17, random ^= random << 5;
        const Key key{static_cast<int>(random % kKeys.size())};
        if (static_cast<int>(random % 100) < read_pct) {
            lock.lock_shared();
            cache_.Get(key);
            spin_for_ns(work_ns);
            lock.unlock_shared();
        } else {
            lock.lock();
            cache_.Set(key, static_cast<int>(random));
            spin_for_ns(work_ns);
            lock.unlock();
        }
    }

  private:
    Cache<NoLock> cache_{static_cast<int>(kKeys.size())};
};

}  // namespace racedemo::rw_cache
