// Chan<T>: a queue between threads that blocks, as Go's channels do. Unbuffered (capacity 0),
// a send waits until a receiver takes its value; buffered, a send waits only while the buffer
// is full. A receive waits while the channel is empty and open; once it is closed and drained,
// a receive says so (an empty optional), and a range-for over the channel ends.
//
// Each send, receive and close is a step of the model, shown with its value in traces
// ("send jobs <- 3", "recv jobs -> 3"). With real threads an unbuffered channel is a lock-free
// one-value slot (handoff.hpp); a buffered one is a mutex and two condition variables, and a
// waiter watches the channel a little while before it sleeps. T is what a Shared<T> may hold:
// trivially copyable, of 1, 2, 4 or 8 bytes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "racedemo/handoff.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo {

// What the model needs of any channel: its capacity (its items live in the Chan).
class ChannelObject : public SharedObject {
  public:
    ChannelObject(ObjectName name, int capacity)
        : SharedObject(std::move(name)), capacity_(capacity) {}
    int capacity() const { return capacity_; }
    // What it holds when the model first meets it (a channel filled before the threads start).
    virtual int buffered() const = 0;
    virtual bool is_closed() const = 0;
    // What a buffered channel holds, oldest first ("[1 2]"); empty for an unbuffered one, where
    // a value never waits in the channel. Read by the model's traces only.
    virtual std::string show_contents() const = 0;

    // The bits a receive reports when the channel was closed and empty.
    static constexpr std::uint64_t closed_bits = ~std::uint64_t{0};

  private:
    int capacity_;
};

template <class T>
class Chan final : public ChannelObject {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) == sizeof(detail::RawBits<T>),
                  "Chan<T> carries trivially copyable values of 1, 2, 4 or 8 bytes");

  public:
    explicit Chan(ObjectName name, int capacity = 0) : ChannelObject(std::move(name), capacity) {}

    void send(T value) {
        Runtime* runtime = current_runtime();
        if (runtime != nullptr && runtime->steps_one_at_a_time()) {
            runtime->before_access(*this, Op::send);  // chosen only when it can go through
            if (closed_) throw std::logic_error("send on a closed channel");
            items_.push_back(value);
        } else {
            native_send(value);
        }
        if (runtime != nullptr && runtime->wants_values())
            runtime->after_access(*this, Op::send, to_bits(value));
    }

    // The next value; empty once the channel is closed and every value sent was received.
    std::optional<T> recv() {
        Runtime* runtime = current_runtime();
        std::optional<T> value;
        if (runtime != nullptr && runtime->steps_one_at_a_time()) {
            runtime->before_access(*this, Op::recv);
            value = take();
        } else {
            value = native_recv();
        }
        if (runtime != nullptr && runtime->wants_values())
            runtime->after_access(*this, Op::recv, value ? to_bits(*value) : closed_bits);
        return value;
    }

    void close() {
        Runtime* runtime = current_runtime();
        if (runtime != nullptr && runtime->steps_one_at_a_time()) {
            runtime->before_access(*this, Op::close);
            closed_ = true;
        } else {
            native_close();
        }
        if (runtime != nullptr && runtime->wants_values())
            runtime->after_access(*this, Op::close, 0);
    }

    // for (T value : channel): receives until the channel is closed and drained.
    class Iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        Iterator() = default;
        explicit Iterator(Chan* channel) : channel_(channel) { ++*this; }
        T operator*() const { return *value_; }
        Iterator& operator++() {
            value_ = channel_->recv();
            return *this;
        }
        bool operator==(const Iterator& other) const { return !value_ && !other.value_; }

      private:
        Chan* channel_ = nullptr;
        std::optional<T> value_;
    };
    Iterator begin() { return Iterator(this); }
    Iterator end() { return Iterator(); }

    int buffered() const override { return static_cast<int>(items_.size()); }
    bool is_closed() const override { return closed_; }
    std::string show_contents() const override {
        if (capacity() == 0) return {};
        std::string shown = "[";
        for (const T& value : items_) {
            if (shown.size() > 1) shown += ' ';
            shown += ShowValue<T>::show(value);
        }
        return shown + "]";
    }

    std::string show_bits(std::uint64_t bits) const override {
        // A 64-bit value of all ones shows as "closed" too: no scenario sends one.
        if (bits == closed_bits) return "closed";
        return ShowValue<T>::show(from_bits<T>(bits));
    }

  private:
    std::optional<T> take() {
        if (items_.empty()) return std::nullopt;  // closed (the model lets no other recv through)
        T value = items_.front();
        items_.pop_front();
        return value;
    }

    void native_send(T value) {
        if (capacity() == 0) {
            if (!handoff_.send(*this, to_bits(value))) misused(Op::send);
            return;
        }
        std::unique_lock guard(mu_);
        await(guard, room_, room_sleepers_, Op::send,
              [this] { return closed_ || items_.size() < std::size_t(capacity()); });
        if (closed_) return misused(Op::send);
        items_.push_back(value);
        changed(filled_, filled_sleepers_);
    }

    std::optional<T> native_recv() {
        if (capacity() == 0) {
            const std::optional<std::uint64_t> bits = handoff_.recv(*this);
            if (!bits) return std::nullopt;
            return from_bits<T>(*bits);
        }
        std::unique_lock guard(mu_);
        await(guard, filled_, filled_sleepers_, Op::recv,
              [this] { return closed_ || !items_.empty(); });
        std::optional<T> value = take();
        if (value) changed(room_, room_sleepers_);  // room for a sender
        return value;
    }

    void native_close() {
        if (capacity() == 0) {
            if (!handoff_.close()) misused(Op::close);
            return;
        }
        std::lock_guard guard(mu_);
        if (closed_) return misused(Op::close);
        closed_ = true;
        changed(filled_, filled_sleepers_);
        changed(room_, room_sleepers_);
    }

    // A send on a closed channel, or a second close: in a racedemo trial the lock watcher records
    // the misuse and the operation does nothing; elsewhere it throws, as Go panics.
    void misused(Op op) {
        if (LockWatcher* watcher = detail::lock_watcher) return watcher->misused(*this, op);
        throw std::logic_error(op == Op::send ? "send on a closed channel"
                                              : "close of a closed channel");
    }

    // Waits until `ready`, with the lock held when it is checked. A handoff between two running
    // threads takes well under a microsecond, so a waiter first watches the channel's version
    // for a while, the lock let go, before it sleeps (a sleep and a wake-up cost microseconds).
    // A wait is told to the lock watcher (real mode's watchdog), so that a channel nobody will
    // ever answer is named as a deadlock, not left to the timeout.
    template <class Ready>
    void await(std::unique_lock<std::mutex>& guard, std::condition_variable& wakeup, int& sleepers,
               Op op, Ready ready) {
        if (ready()) return;
        LockWatcher* watcher = detail::lock_watcher;
        if (watcher != nullptr) watcher->channel_waiting(*this, op);
        wait_until(guard, wakeup, sleepers, ready);
        if (watcher != nullptr) watcher->channel_done();
    }

    template <class Ready>
    void wait_until(std::unique_lock<std::mutex>& guard, std::condition_variable& wakeup,
                    int& sleepers, Ready ready) {
        for (int round = 0; !ready(); ++round) {
            if (round < kWatchRounds) {
                const std::uint64_t seen = version_.load(std::memory_order_acquire);
                guard.unlock();
                // First a short spin; later rounds give the core away (fewer cores than threads).
                if (round < kSpinRounds) {
                    for (int spin = 0;
                         spin < kSpins && version_.load(std::memory_order_acquire) == seen; ++spin)
                        relax();
                } else if (version_.load(std::memory_order_acquire) == seen) {
                    std::this_thread::yield();
                }
                guard.lock();
                continue;
            }
            ++sleepers;
            wakeup.wait(guard);
            --sleepers;
        }
    }

    // The channel changed (the lock held): watchers see the version move; sleepers are woken.
    void changed(std::condition_variable& wakeup, int sleepers) {
        version_.fetch_add(1, std::memory_order_release);
        if (sleepers > 0) wakeup.notify_all();
    }

    static void relax() {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }

    static constexpr int kWatchRounds = 32;  // a spin, then yields, then a sleep
    static constexpr int kSpins = 4000;      // pauses: a few microseconds
    static constexpr int kSpinRounds = 8;

    std::deque<T> items_;
    bool closed_ = false;
    std::mutex mu_;
    std::condition_variable filled_, room_;
    int filled_sleepers_ = 0, room_sleepers_ = 0;  // threads asleep on each
    std::atomic<std::uint64_t> version_{0};        // bumped at every change
    detail::Handoff handoff_;                      // unbuffered, with real threads
};

}  // namespace racedemo
