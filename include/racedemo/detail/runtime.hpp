// The runtime plumbing behind the scenario API: what a step means (Runtime, installed per
// thread by RuntimeScope), and real mode's lock watcher. The engine and the real runner implement
// these; a scenario never names them (include/racedemo/shared_state.hpp does, for it).
#pragma once

#include <cstdint>
#include <string_view>
#include <thread>

namespace racedemo {

class SharedObject;
class LockObject;

enum class Op : std::uint8_t {
    read,
    write,
    lock,
    unlock,
    lock_shared,
    unlock_shared,
    send,  // a channel's (channel.hpp)
    recv,
    close,
    update,  // an atomic read-modify-write (atomic.hpp): reads and writes in one step
    yield,   // racedemo::yield(): the thread can make no progress until another moves
};

constexpr bool is_channel_op(Op op) {
    return op == Op::send || op == Op::recv || op == Op::close;
}

enum class LockKind : std::uint8_t { exclusive, shared };

// What a step does to shared state; the runtime behind the current thread decides.
class Runtime {
  public:
    virtual ~Runtime() = default;
    // A shared access is about to happen: a scheduling point in model mode.
    virtual void before_access(const SharedObject& cell, Op op) = 0;
    // The access happened; `bits` is the value read or written.
    virtual void after_access(const SharedObject& cell, Op op, std::uint64_t bits) = 0;
    // Lock operations; the runtime performs them (model: by its own rules; real: natively).
    virtual void acquire(LockObject& lock, LockKind kind) = 0;
    virtual void release(LockObject& lock, LockKind kind) = 0;
    // An atomic read-modify-write happened: `before` is what it read, `after` what it left.
    virtual void after_update(const SharedObject& cell, std::uint64_t before, std::uint64_t after) {
        after_access(cell, Op::update, before);
        (void)after;
    }
    // racedemo::yield(): the model does not run the thread again until another has moved.
    virtual void yield_now() { std::this_thread::yield(); }
    // peek() or poke() was called on `cell` while this runtime runs the thread: an access it
    // never sees (`op`: read or write). A misuse; the runtime says so (or lets it be).
    virtual void bypassed(const SharedObject& /*cell*/, Op /*op*/) {}
    // A label for what the current thread is doing ("insert(\"go\")"), shown over its lane.
    virtual void note(std::string_view text) = 0;
    // Whether note() is worth formatting for: an exploring model runtime traces nothing.
    bool wants_notes() const { return wants_notes_; }
    // Whether after_access() is to be called: a model runtime that neither traces nor compares
    // values does without it (a call saved on every access). Neither is virtual: both are
    // asked at every step.
    bool wants_values() const { return wants_values_; }
    // Whether threads take their steps one at a time, each chosen by the runtime (the model):
    // an operation that could block (a channel's) is then never tried before it can go through.
    bool steps_one_at_a_time() const { return steps_one_at_a_time_; }

  protected:
    bool wants_notes_ = true;
    bool wants_values_ = true;
    bool steps_one_at_a_time_ = false;
};

// Real mode: told who waits for, holds and lets go of which lock, so that the watchdog can
// name a deadlock's cycle (src/real/lock_board.hpp). One is installed in each trial process.
class LockWatcher {
  public:
    virtual void waiting(const LockObject& lock, LockKind kind) = 0;
    virtual void acquired(const LockObject& lock, LockKind kind) = 0;
    // Whether the release is the thread's to make: false when it does not hold the lock that way
    // (a misuse, recorded by the watcher); the real lock is then left alone (releasing a lock
    // one does not hold is undefined behaviour).
    virtual bool releasing(const LockObject& lock, LockKind kind) = 0;
    // A channel's send or receive must wait (a channel: channel.hpp), and then went through.
    virtual void channel_waiting(const SharedObject& /*channel*/, Op /*op*/) {}
    virtual void channel_done() {}
    // An operation against the object's rules that is not a release: a close of a closed
    // channel, a send on one (`op`: close, send), or peek()/poke() inside a thread (read, write).
    virtual void misused(const SharedObject& /*object*/, Op /*op*/) {}

  protected:
    ~LockWatcher() = default;
};

namespace detail {
inline thread_local Runtime* current_runtime = nullptr;
inline LockWatcher* lock_watcher = nullptr;
}  // namespace detail

inline Runtime* current_runtime() {
    return detail::current_runtime;
}

// Installs a runtime on the calling thread for the lifetime of the guard.
class RuntimeScope {
  public:
    explicit RuntimeScope(Runtime* runtime) : previous_(detail::current_runtime) {
        detail::current_runtime = runtime;
    }
    ~RuntimeScope() { detail::current_runtime = previous_; }
    RuntimeScope(const RuntimeScope&) = delete;
    RuntimeScope& operator=(const RuntimeScope&) = delete;

  private:
    Runtime* previous_;
};

namespace detail {
struct ObjectAccess;
struct LockAccess;
}  // namespace detail

}  // namespace racedemo
