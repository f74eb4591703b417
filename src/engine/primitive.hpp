// The rules of one kind of shared object, in one class (as shuttle keeps a file per primitive):
// when a thread in front of an operation on it can take its step, what the step does to the
// object's model state, whether a thread that cannot go on changes the state by starting to wait
// (a writer queueing at a writer-preferring lock, a receiver at an unbuffered channel), which
// of its steps are dependent, which can be enabled together (for source-DPOR), how a step enters
// the reads-from signature of a state, and why a thread waits. Adding a primitive is a class in
// src/engine/primitives/ and a value of ObjectKind.
#pragma once

#include <cstdint>
#include <optional>

#include "core/misuse.hpp"
#include "core/waiter.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo {

// rw_lock: a queued writer goes before new readers; rw_lock_readers_first: new readers join.
enum class ObjectKind : std::uint8_t { cell, mutex, rw_lock, rw_lock_readers_first, channel };

// The model state of one object in one execution. One struct for every kind, so that the table
// is a plain vector and a steady exploration allocates nothing; each kind uses its own fields.
struct ObjectState {
    const SharedObject* object = nullptr;  // valid only while the execution runs
    ObjectName name{""};                   // copied at registration: read after the execution
    ObjectKind kind = ObjectKind::cell;
    const class Primitive* rules = nullptr;  // its kind's (primitive_of), kept at registration
    int last_write = -1;        // cells: the step that wrote the value now held (-1: initial)
    int writer = -1;            // locks: the thread holding it exclusively (-1: none)
    int readers = 0;            // locks: how many threads share it
    int writers_queued = 0;     // writer-preferring locks: writers that took their wait step
    int last_release = -1;      // locks: the step of the latest release (-1: none yet)
    int capacity = 0;           // channels: 0 unbuffered
    int items = 0;              // channels: values sent and not yet received
    int receivers_waiting = 0;  // unbuffered channels: receivers that took their wait step
    bool closed = false;        // channels
    bool handoff = false;       // unbuffered channels: a value sent, its receive still to come
};

// What a committed step connects to, for reductions: the write a read reads from, the release
// an acquisition comes after (-1: the initial value / no release yet).
struct StepLinks {
    int reads_from = -1;
    int after_release = -1;
    bool claims_next = false;  // only a step on the same object may follow (an unbuffered send)
};

// One step's shape, as the dependence rules see it: its operation, or the wait in front of it.
struct StepShape {
    Op op = Op::read;
    bool wait = false;
};

// How a step enters the reads-from signature (reads_from.hpp).
enum class SignatureRole : std::uint8_t {
    value_read,  // a read: the value it returned
    write,       // a write: the latest write of its cell
    update,      // an atomic read-modify-write: both
    history,     // its object's state depends on the order of its steps (a channel)
    event,       // only that it happened (a lock operation)
};

class Primitive {
  public:
    virtual ~Primitive() = default;
    // The object is met for the first time in this execution: its state as it stands.
    virtual void registered(ObjectState& /*state*/) const {}
    // Whether a thread in front of `op` can take it now; `waited`: it took its wait step.
    virtual bool can_step(const ObjectState& state, Op op, bool waited) const = 0;
    // Whether a thread that cannot take `op` changes the object's state by starting to wait (a
    // step, then, that explorations choose like any other); else its wait is only shown.
    virtual bool wait_is_step(const ObjectState& /*state*/, Op /*op*/) const { return false; }
    virtual void wait(ObjectState& /*state*/, Op /*op*/) const {}
    // Whether `thread`'s `op` breaks the object's rules (core/misuse.hpp), asked before the step
    // applies; `holds` (asked for unlock_shared only): the thread holds the lock to read.
    virtual std::optional<MisuseKind> misuse(const ObjectState& /*state*/, Op /*op*/,
                                             int /*thread*/, bool /*holds*/) const {
        return std::nullopt;
    }
    // The step happens.
    virtual StepLinks apply(ObjectState& state, Op op, int thread, int step, bool waited) const = 0;
    // Whether the step just applied claims the next one for this object (an unbuffered send:
    // only a receive of its value may follow).
    virtual bool claims_next_step(const ObjectState& /*state*/) const { return false; }
    // Whether two steps of different threads on this object may not commute.
    virtual bool dependent(StepShape a, StepShape b) const = 0;
    // Whether `earlier` and `later`, steps of different threads on this object in that order,
    // could both have been enabled in the state before `earlier` (else reversing them cannot
    // be done: the race is with a step further back).
    virtual bool coenabled(StepShape /*earlier*/, StepShape /*later*/) const { return true; }
    // Whether a step races with every earlier step of its object it could be reordered with
    // (true), or only with the latest (a mutex: critical sections swap as wholes).
    virtual bool races_with_all_earlier() const { return true; }
    virtual SignatureRole role(StepShape step) const = 0;
    virtual WaitCause cause(const ObjectState& /*state*/, Op /*op*/) const {
        return WaitCause::none;
    }
};

// The rules of each kind (src/engine/primitives/).
const Primitive& primitive_of(ObjectKind kind);

// Operations on cells (no wait, no lock): read, write, and atomic updates.
constexpr bool is_access(Op op) {
    return op == Op::read || op == Op::write || op == Op::update;
}

}  // namespace racedemo
