// Atomic<T>: a shared cell whose operations are atomic (std::atomic, sequentially consistent).
// Each operation is one step of the model; a read-modify-write (exchange, fetch_add, fetch_sub,
// compare_exchange_strong) reads and writes in that one step, so no other thread's step comes
// between its read and its write. On real threads these are std::atomic's operations: no data
// race, for ThreadSanitizer or anyone. (Atomicity of each operation is not atomicity of a
// sequence of them: a check-then-act on atomics can still go wrong.)
#pragma once

#include <atomic>
#include <type_traits>

#include "racedemo/shared_state.hpp"

namespace racedemo {

template <class T>
class Atomic final : public SharedObject {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) == sizeof(detail::RawBits<T>),
                  "Atomic<T> holds trivially copyable values of 1, 2, 4 or 8 bytes");
    using Raw = detail::RawBits<T>;

  public:
    explicit Atomic(ObjectName name, T initial = T{})
        : SharedObject(std::move(name)), bits_(std::bit_cast<Raw>(initial)) {}

    T load() const {
        Runtime* runtime = current_runtime();
        if (runtime == nullptr) return std::bit_cast<T>(bits_.load());
        runtime->before_access(*this, Op::read);
        const Raw raw = bits_.load();
        if (runtime->wants_values()) runtime->after_access(*this, Op::read, raw);
        return std::bit_cast<T>(raw);
    }

    void store(T value) {
        Runtime* runtime = current_runtime();
        const Raw raw = std::bit_cast<Raw>(value);
        if (runtime == nullptr) return bits_.store(raw);
        runtime->before_access(*this, Op::write);
        bits_.store(raw);
        if (runtime->wants_values()) runtime->after_access(*this, Op::write, raw);
    }

    // Stores `value`; returns what was there.
    T exchange(T value) {
        const Raw raw = std::bit_cast<Raw>(value);
        return update([raw](Raw) { return raw; });
    }

    // Adds `delta`; returns the value before. (Integral T only.)
    T fetch_add(T delta) requires std::is_integral_v<T> {
        const Raw added = std::bit_cast<Raw>(delta);
        return update([added](Raw old) { return static_cast<Raw>(old + added); });
    }
    T fetch_sub(T delta) requires std::is_integral_v<T> {
        const Raw taken = std::bit_cast<Raw>(delta);
        return update([taken](Raw old) { return static_cast<Raw>(old - taken); });
    }

    // When the cell holds `expected`, stores `desired` and returns true; else copies what it
    // holds into `expected` and returns false. One step either way.
    bool compare_exchange_strong(T& expected, T desired) {
        const Raw wanted = std::bit_cast<Raw>(expected);
        const Raw replacement = std::bit_cast<Raw>(desired);
        const T seen =
            update([wanted, replacement](Raw old) { return old == wanted ? replacement : old; });
        const bool swapped = std::bit_cast<Raw>(seen) == wanted;
        expected = seen;
        return swapped;
    }

    // Untraced access for set-up, reset and the arbiter, which run when no other thread does.
    // Inside a thread it is a misuse, which the runtime running the thread reports.
    T peek() const {
        if (Runtime* runtime = current_runtime()) [[unlikely]]
            runtime->bypassed(*this, Op::read);
        return std::bit_cast<T>(bits_.load(std::memory_order_relaxed));
    }
    void poke(T value) {
        if (Runtime* runtime = current_runtime()) [[unlikely]]
            runtime->bypassed(*this, Op::write);
        bits_.store(std::bit_cast<Raw>(value), std::memory_order_relaxed);
    }

    std::string show_bits(std::uint64_t bits) const override {
        return ShowValue<T>::show(from_bits<T>(bits));
    }
    bool holds_address() const override { return std::is_pointer_v<T>; }

  private:
    // One atomic read-modify-write: `next` maps the old bits to the new ones. On real threads a
    // compare-exchange loop (every update is one); in the model, the step itself is atomic.
    template <class Next>
    T update(Next next) {
        Runtime* runtime = current_runtime();
        if (runtime != nullptr) runtime->before_access(*this, Op::update);
        Raw old = bits_.load();
        Raw now = next(old);
        while (!bits_.compare_exchange_weak(old, now)) now = next(old);
        if (runtime != nullptr && runtime->wants_values()) runtime->after_update(*this, old, now);
        return std::bit_cast<T>(old);
    }

    std::atomic<Raw> bits_;
};

}  // namespace racedemo
