// Instrumented shared state: the only things a scenario shares between its threads.
//
// A scenario is written once against these types and runs in both modes. A thread-local
// "current runtime" decides what an access means: with none installed (plain real mode) a
// Shared<T> is ordinary, unsynchronised memory, so the race is real; a tracing runtime records
// each access as an event; the model runtime turns each access and lock operation into a step
// at which its scheduler may switch virtual threads.
#pragma once

#include <fmt/format.h>
#include <pthread.h>

#include <bit>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "racedemo/detail/runtime.hpp"

namespace racedemo {

// How a value held in a Shared<T> is shown in a trace. Scenarios specialise it for their own
// types (a trie node shows as "n3", a null pointer as "nil").
template <class T>
struct ShowValue {
    static std::string show(const T& value) { return fmt::format("{}", value); }
};

// The name a trace prints for a piece of shared state ("root['g']", "stack.len", "mu").
// Building one allocates nothing and formats nothing: a literal is kept as its pointer, an
// indexed name ("t3[47].key", "n3['g']") as its pattern and indexes, and the text is made
// only when a trace prints it. A growing map builds thousands of slots a round, a trie node
// 26 links, and a trace shows a dozen.
class ObjectName {
  public:
    ObjectName(const char* text) : pattern_(text) {}  // NOLINT: implicit on purpose

    // pattern: a string literal with a replacement field for each index, e.g. "entries[{}]",
    // "t{}[{}].key" or "n{}['{:c}']" (an index shown as a character).
    static ObjectName indexed(const char* pattern, int first, int second = 0) {
        ObjectName name(pattern);
        name.indexed_ = true;
        name.first_ = first;
        name.second_ = second;
        return name;
    }

    std::string str() const {
        if (!indexed_) return pattern_;
        return fmt::format(fmt::runtime(pattern_), first_, second_);
    }

  private:
    const char* pattern_;
    int first_ = 0;
    int second_ = 0;
    bool indexed_ = false;
};

// A named piece of shared state: a memory cell or a lock.
class SharedObject {
  public:
    explicit SharedObject(ObjectName name) : name_(std::move(name)) {}
    SharedObject(const SharedObject&) = delete;
    SharedObject& operator=(const SharedObject&) = delete;
    virtual ~SharedObject() = default;

    std::string name() const { return name_.str(); }
    // Renders the raw bits of a value read or written (cells); locks print nothing.
    virtual std::string show_bits(std::uint64_t /*bits*/) const { return {}; }
    // Whether a value's bits are an address, which names different objects in different
    // executions (the model checker's state caching compares other values by their bits).
    virtual bool holds_address() const { return false; }

  private:
    friend struct detail::ObjectAccess;
    ObjectName name_;
    // The model's object table keeps the object's index here (it checks that the index is
    // still this object's): finding an object is a compare, not a hash lookup.
    mutable int model_index_ = -1;
};

// A lock the model scheduler understands (its model state lives in the model's object table).
// A scenario locks and unlocks it through Mutex and RWMutex; the rest is for the runtimes.
class LockObject : public SharedObject {
  public:
    using SharedObject::SharedObject;
    // Whether a writer waiting for it keeps new readers out.
    virtual bool writer_first() const { return false; }

  protected:
    // The real lock, used by real mode (with or without tracing).
    virtual void native_acquire(LockKind kind) = 0;
    virtual bool native_try_acquire(LockKind kind) = 0;
    virtual void native_release(LockKind kind) = 0;
    // Through the current runtime when there is one, natively otherwise.
    void acquire_as(LockKind kind);
    void release_as(LockKind kind);

  private:
    friend struct detail::LockAccess;
    // The real lock, told to the lock watcher when one is installed (real mode's trials).
    // With `waited`, a recorder's question: whether the lock was taken, so the thread waited
    // (a try first, then the wait; an untraced acquisition pays nothing for it).
    void watched_acquire(LockKind kind, bool* waited = nullptr);
    void watched_release(LockKind kind);
};

// Labels what the calling thread is doing, for the trace; formats nothing when nothing traces.
template <class... Args>
void note(fmt::format_string<Args...> format, Args&&... args) {
    Runtime* runtime = current_runtime();
    if (runtime != nullptr && runtime->wants_notes())
        runtime->note(fmt::format(format, std::forward<Args>(args)...));
}

// A spin loop's hint: "I cannot go on until another thread moves" (loom's yield_now). The model
// does not schedule the thread again until another thread has taken a step (CHESS's fair
// scheduling), so a busy wait written with it is explored to its end; on real threads it is
// std::this_thread::yield().
inline void yield() {
    if (Runtime* runtime = current_runtime()) return runtime->yield_now();
    std::this_thread::yield();
}

inline void LockObject::watched_acquire(LockKind kind, bool* waited) {
    LockWatcher* watcher = detail::lock_watcher;
    if (watcher != nullptr) watcher->waiting(*this, kind);
    if (waited == nullptr) {
        native_acquire(kind);
    } else if (!native_try_acquire(kind)) {
        *waited = true;
        native_acquire(kind);
    }
    if (watcher != nullptr) watcher->acquired(*this, kind);
}

inline void LockObject::watched_release(LockKind kind) {
    LockWatcher* watcher = detail::lock_watcher;
    if (watcher != nullptr && !watcher->releasing(*this, kind))
        return;  // not the thread's to let go
    native_release(kind);
}

inline void LockObject::acquire_as(LockKind kind) {
    if (Runtime* runtime = current_runtime()) return runtime->acquire(*this, kind);
    watched_acquire(kind);
}

inline void LockObject::release_as(LockKind kind) {
    if (Runtime* runtime = current_runtime()) return runtime->release(*this, kind);
    watched_release(kind);
}

namespace detail {
// The runtimes' way in: the model's object table keeps its index in the object, and the real
// tracing runtime takes the real lock with the watcher told.
struct ObjectAccess {
    static int& model_index(const SharedObject& object) { return object.model_index_; }
    static const ObjectName& name(const SharedObject& object) { return object.name_; }
};
struct LockAccess {
    static void watched_acquire(LockObject& lock, LockKind kind, bool* waited = nullptr) {
        lock.watched_acquire(kind, waited);
    }
    static void watched_release(LockObject& lock, LockKind kind) { lock.watched_release(kind); }
};
}  // namespace detail

namespace detail {
// The unsigned integer as wide as T: cells keep their value as plain bits.
template <class T>
using RawBits = std::conditional_t<
    sizeof(T) == 1, std::uint8_t,
    std::conditional_t<sizeof(T) == 2, std::uint16_t,
                       std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
}  // namespace detail

template <class T>
std::uint64_t to_bits(const T& value) {
    return std::bit_cast<detail::RawBits<T>>(value);
}

template <class T>
T from_bits(std::uint64_t bits) {
    return std::bit_cast<T>(static_cast<detail::RawBits<T>>(bits));
}

// One shared memory cell. Loads and stores are deliberately plain (volatile, so that the
// compiler keeps every access the source shows): concurrent use without a lock is a real data
// race, which is the point of an unsafe variant.
template <class T>
class Shared final : public SharedObject {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) == sizeof(detail::RawBits<T>),
                  "Shared<T> holds trivially copyable values of 1, 2, 4 or 8 bytes");

  public:
    explicit Shared(ObjectName name, T initial = T{})
        : SharedObject(std::move(name)), bits_(std::bit_cast<Raw>(initial)) {}

    T load() const {
        Runtime* runtime = current_runtime();
        if (runtime == nullptr) return raw_load();
        runtime->before_access(*this, Op::read);
        T value = raw_load();
        if (runtime->wants_values()) runtime->after_access(*this, Op::read, to_bits(value));
        return value;
    }

    void store(T value) {
        Runtime* runtime = current_runtime();
        if (runtime == nullptr) return raw_store(value);
        runtime->before_access(*this, Op::write);
        raw_store(value);
        if (runtime->wants_values()) runtime->after_access(*this, Op::write, to_bits(value));
    }

    // Untraced access for set-up, reset and the arbiter, which run when no other thread does.
    // Inside a thread it is a misuse, which the runtime running the thread reports.
    T peek() const {
        if (Runtime* runtime = current_runtime()) [[unlikely]]
            runtime->bypassed(*this, Op::read);
        return std::bit_cast<T>(bits_);
    }
    void poke(T value) {
        if (Runtime* runtime = current_runtime()) [[unlikely]]
            runtime->bypassed(*this, Op::write);
        bits_ = std::bit_cast<Raw>(value);
    }

    std::string show_bits(std::uint64_t bits) const override {
        return ShowValue<T>::show(from_bits<T>(bits));
    }
    bool holds_address() const override { return std::is_pointer_v<T>; }

  private:
    using Raw = detail::RawBits<T>;
    T raw_load() const { return std::bit_cast<T>(*static_cast<const volatile Raw*>(&bits_)); }
    void raw_store(T value) { *static_cast<volatile Raw*>(&bits_) = std::bit_cast<Raw>(value); }

    Raw bits_;
};

// std::mutex as the lesson uses it: lock, touch, unlock.
class Mutex final : public LockObject {
  public:
    explicit Mutex(ObjectName name = "mu") : LockObject(std::move(name)) {}
    void lock() { acquire_as(LockKind::exclusive); }
    void unlock() { release_as(LockKind::exclusive); }

  private:
    void native_acquire(LockKind) override { native_.lock(); }
    bool native_try_acquire(LockKind) override { return native_.try_lock(); }
    void native_release(LockKind) override { native_.unlock(); }

    std::mutex native_;
};

// Whom a reader/writer lock lets in first when readers hold it and a writer waits.
enum class RWPolicy : std::uint8_t {
    // A queued writer keeps new readers out (Go's RWMutex, the lesson's rule): a reader that
    // takes the lock again while a writer is queued behind it deadlocks.
    writer_preferring,
    // New readers join the ones reading (glibc's default): nothing deadlocks, but a stream of
    // readers can keep the writer waiting for as long as it lasts.
    reader_preferring,
};

// A reader/writer lock (Go's RWMutex, C++'s std::shared_mutex): many readers or one writer.
// Both modes follow its policy: the model by its rules, real mode by a POSIX rwlock of the
// matching kind (glibc's writer-preferring kind, or its default, which lets readers in first).
class RWMutex final : public LockObject {
  public:
    explicit RWMutex(ObjectName name = "mu", RWPolicy policy = RWPolicy::writer_preferring)
        : LockObject(std::move(name)), policy_(policy) {
        pthread_rwlockattr_t attributes;
        pthread_rwlockattr_init(&attributes);
        pthread_rwlockattr_setkind_np(&attributes,
                                      policy == RWPolicy::writer_preferring
                                          ? PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP
                                          : PTHREAD_RWLOCK_PREFER_READER_NP);
        pthread_rwlock_init(&native_, &attributes);
        pthread_rwlockattr_destroy(&attributes);
    }
    ~RWMutex() override { pthread_rwlock_destroy(&native_); }
    RWPolicy policy() const { return policy_; }
    void lock() { acquire_as(LockKind::exclusive); }
    void unlock() { release_as(LockKind::exclusive); }
    void lock_shared() { acquire_as(LockKind::shared); }
    void unlock_shared() { release_as(LockKind::shared); }
    // Whether a queued writer keeps new readers out (the lock board's rule for who is stuck).
    bool writer_first() const override { return policy_ == RWPolicy::writer_preferring; }

  private:
    void native_acquire(LockKind kind) override {
        kind == LockKind::shared ? pthread_rwlock_rdlock(&native_)
                                 : pthread_rwlock_wrlock(&native_);
    }
    bool native_try_acquire(LockKind kind) override {
        return (kind == LockKind::shared ? pthread_rwlock_tryrdlock(&native_)
                                         : pthread_rwlock_trywrlock(&native_)) == 0;
    }
    void native_release(LockKind) override { pthread_rwlock_unlock(&native_); }

    RWPolicy policy_;
    pthread_rwlock_t native_;
};

// The unsafe variants' "lock": it has the shape of a mutex and protects nothing.
struct NoLock {
    explicit NoLock(const char* = nullptr) {}
    void lock() {}
    void unlock() {}
    void lock_shared() {}
    void unlock_shared() {}
};

}  // namespace racedemo
