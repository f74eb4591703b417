// A reader/writer lock: many readers or one writer. Writer-preferring (Go's RWMutex, the
// lesson's rule): a writer that cannot have the lock queues, as a step of its own, and from
// then on new readers are kept out until it has had the lock; so a reader that takes the lock
// again behind a queued writer waits for ever. Reader-preferring: new readers join the ones
// reading whatever waits; a writer's wait changes nothing.
#include "engine/primitives/primitives.hpp"

namespace racedemo {

bool RWLockRules::can_step(const ObjectState& state, Op op, bool) const {
    switch (op) {
        case Op::lock:
            return state.writer < 0 && state.readers == 0;
        case Op::lock_shared:
            return state.writer < 0 && (!writer_first_ || state.writers_queued == 0);
        default:
            return true;
    }
}

bool RWLockRules::wait_is_step(const ObjectState&, Op op) const {
    return writer_first_ && op == Op::lock;
}

void RWLockRules::wait(ObjectState& state, Op) const {
    ++state.writers_queued;
}

StepLinks RWLockRules::apply(ObjectState& state, Op op, int thread, int step, bool waited) const {
    StepLinks links;
    switch (op) {
        case Op::lock:
            if (waited && writer_first_) --state.writers_queued;
            state.writer = thread;
            links.after_release = state.last_release;
            break;
        case Op::lock_shared:
            ++state.readers;
            links.after_release = state.last_release;
            break;
        case Op::unlock:
            state.writer = -1;
            state.last_release = step;
            break;
        default:  // unlock_shared
            if (state.readers > 0) --state.readers;
            state.last_release = step;
            break;
    }
    return links;
}

bool RWLockRules::dependent(StepShape, StepShape) const {
    return true;
}

namespace {

// A step's place in the table below: lock, lock_shared, unlock, unlock_shared, a writer's wait.
int rw_column(StepShape step) {
    if (step.wait) return 4;
    switch (step.op) {
        case Op::lock:
            return 0;
        case Op::lock_shared:
            return 1;
        case Op::unlock:
            return 2;
        default:
            return 3;
    }
}

// Whether another thread's `later` could be enabled in a state where `earlier` was, from what
// `earlier` needed of the lock: lock, free; lock_shared, no writer; unlock, its thread held it
// exclusively; unlock_shared, its thread read under it; a wait, somebody held it.
constexpr bool rw_enabled_together[5][5] = {
    // later: lock  lock_shared  unlock  unlock_shared  wait
    {true, true, false, false, false},   // earlier lock
    {true, true, false, true, true},     // earlier lock_shared
    {false, false, false, false, true},  // earlier unlock
    {false, true, false, true, true},    // earlier unlock_shared
    {false, true, true, true, true},     // earlier wait
};

}  // namespace

// Writer-preferring, an acquisition after a release reverses too: before the release the writer
// would not have had the lock, but it would have taken its wait step instead (its first step
// there is a wait or the lock, as the lock's state says: like a read, a different event in the
// reversed order, which source-DPOR allows).
bool RWLockRules::coenabled(StepShape earlier, StepShape later) const {
    const bool release = earlier.op == Op::unlock || earlier.op == Op::unlock_shared;
    if (writer_first_ && release && !earlier.wait && later.op == Op::lock && !later.wait)
        return true;
    return rw_enabled_together[rw_column(earlier)][rw_column(later)];
}

SignatureRole RWLockRules::role(StepShape) const {
    return SignatureRole::event;
}

WaitCause RWLockRules::cause(const ObjectState& state, Op op) const {
    if (state.writer >= 0) return WaitCause::held_by_writer;
    if (op == Op::lock_shared && writer_first_ && state.writers_queued > 0)
        return WaitCause::writer_queued;
    return WaitCause::held_by_readers;
}

}  // namespace racedemo
