// Handoff: the real-thread heart of an unbuffered Chan<T> (channel.hpp). A send puts its value
// in a one-value slot and goes on only once a receiver has taken it, as Go's unbuffered send
// does; the slot's whole state is one atomic word, so a handoff between two running threads
// costs a few cache-line transfers and no lock. A waiter watches the word for a while, then
// gives its core away, and only then sleeps (a sleep and a wake-up cost microseconds).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>

#include "racedemo/shared_state.hpp"

namespace racedemo::detail {

class Handoff {
  public:
    // `channel` names the waits told to real mode's lock watcher (a deadlock on a channel).
    // False, and nothing sent, when the channel is closed (the caller reports the misuse).
    bool send(const SharedObject& channel, std::uint64_t bits) {
        std::uint64_t seen = state_.load(std::memory_order_acquire);
        Waiting waiting{channel, Op::send};
        // Claim the slot: one sender at a time writes it.
        while (!try_claim(seen)) {
            if ((seen & closed_bit) != 0) return false;
            seen = wait_for_change(seen, waiting);
        }
        slot_.store(bits, std::memory_order_relaxed);
        const std::uint64_t full =
            state_.fetch_add(claimed_to_full, std::memory_order_release) + claimed_to_full;
        wake_sleepers();
        // Unbuffered: the sender goes on once a receiver has taken its value.
        seen = full;
        while ((seen & ~closed_bit) == (full & ~closed_bit)) seen = wait_for_change(seen, waiting);
        return true;
    }

    // The next value; empty once the channel is closed and its slot empty.
    std::optional<std::uint64_t> recv(const SharedObject& channel) {
        std::uint64_t seen = state_.load(std::memory_order_acquire);
        Waiting waiting{channel, Op::recv};
        for (;;) {
            if (phase(seen) == full_phase) {
                const std::uint64_t bits = slot_.load(std::memory_order_relaxed);
                // The count in the word moves at every take, so a stale slot never passes.
                if (state_.compare_exchange_weak(seen, seen + full_to_empty,
                                                 std::memory_order_acq_rel)) {
                    wake_sleepers();
                    return bits;
                }
                continue;
            }
            if (phase(seen) == empty_phase && (seen & closed_bit) != 0) return std::nullopt;
            seen = wait_for_change(seen, waiting);
        }
    }

    // False when it was closed already (the caller reports the misuse).
    bool close() {
        const bool was_open = (state_.fetch_or(closed_bit) & closed_bit) == 0;
        wake_sleepers();
        return was_open;
    }

  private:
    // The state word: the low two bits are the slot's phase, the bits above count the values
    // taken, and the top bit says closed.
    static constexpr std::uint64_t empty_phase = 0, claimed_phase = 1, full_phase = 2;
    static constexpr std::uint64_t claimed_to_full = full_phase - claimed_phase;
    static constexpr std::uint64_t full_to_empty = 4 - full_phase;  // and the count goes up
    static constexpr std::uint64_t closed_bit = std::uint64_t{1} << 63;
    static std::uint64_t phase(std::uint64_t state) { return state & 3; }

    // A wait that has gone on past the spin is told to the lock watcher, once.
    struct Waiting {
        const SharedObject& channel;
        Op op;
        int rounds = 0;  // how long this operation has watched so far
        bool told = false;
        ~Waiting() {
            if (told) lock_watcher->channel_done();
        }
        void tell() {
            if (told || lock_watcher == nullptr) return;
            lock_watcher->channel_waiting(channel, op);
            told = true;
        }
    };

    bool try_claim(std::uint64_t& seen) {
        if ((seen & closed_bit) != 0) return false;
        return phase(seen) == empty_phase &&
               state_.compare_exchange_weak(seen, seen + claimed_phase, std::memory_order_acquire);
    }

    // Returns the state once it differs from `seen` (or after a while of watching).
    std::uint64_t wait_for_change(std::uint64_t seen, Waiting& waiting) {
        if (waiting.rounds < spin_rounds) {
            ++waiting.rounds;
            for (int spin = 0; spin < spins_per_round; ++spin) {
                const std::uint64_t now = state_.load(std::memory_order_acquire);
                if (now != seen) return now;
                relax();
            }
            return state_.load(std::memory_order_acquire);
        }
        waiting.tell();
        if (waiting.rounds < spin_rounds + yield_rounds) {
            ++waiting.rounds;
            std::this_thread::yield();  // fewer cores than threads: let the other side run
        } else {
            sleep_until_change(seen);
        }
        return state_.load(std::memory_order_acquire);
    }

    // Told apart from a change by the sleepers count: whoever changes the state after this
    // thread counted itself sees the count and bumps the epoch it sleeps on.
    void sleep_until_change(std::uint64_t seen) {
        sleepers_.fetch_add(1);
        const std::uint32_t epoch = epoch_.load();
        if (state_.load() == seen) epoch_.wait(epoch);
        sleepers_.fetch_sub(1);
    }

    void wake_sleepers() {
        if (sleepers_.load() == 0) return;
        epoch_.fetch_add(1);
        epoch_.notify_all();
    }

    static void relax() {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }

    // A handoff between two threads on two cores takes about 100 ns; two threads the OS put on
    // one core only delay each other by spinning. So the spin is bounded (about 35 microseconds
    // here), then the core is given away; the figures came from bench/channel_vs_go.py.
    static constexpr int spins_per_round = 128;  // pauses: about 2 microseconds here
    static constexpr int spin_rounds = 16;
    static constexpr int yield_rounds = 48;

    alignas(64) std::atomic<std::uint64_t> state_{0};
    std::atomic<std::uint64_t> slot_{0};
    alignas(64) std::atomic<int> sleepers_{0};
    std::atomic<std::uint32_t> epoch_{0};
};

}  // namespace racedemo::detail
