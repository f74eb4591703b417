#include "engine/primitives/rw_lock.hpp"

namespace racedemo {

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
// Likewise a writer's wait races with the write lock taken before it that made it wait: in the
// reversed order the writer takes the lock where it queued (found by the random programs, seed
// 405 #19: without it no schedule ran the writer's section first).
bool RWLockRules::coenabled(StepShape earlier, StepShape later) const {
    const bool release = earlier.op == Op::unlock || earlier.op == Op::unlock_shared;
    if (writer_first_ && release && !earlier.wait && later.op == Op::lock && !later.wait)
        return true;
    if (writer_first_ && earlier.op == Op::lock && !earlier.wait && later.wait) return true;
    return rw_enabled_together[rw_column(earlier)][rw_column(later)];
}

// unlock lets go of the write lock, which only its holder may; unlock_shared of one of the
// thread's own read locks (a thread that holds the lock to write holds none).
std::optional<MisuseKind> RWLockRules::misuse(const ObjectState& state, Op op, int thread,
                                              bool holds) const {
    if (op == Op::unlock && state.writer != thread)
        return state.writer < 0 && state.readers == 0 ? MisuseKind::unlock_free
                                                      : MisuseKind::unlock_other;
    if (op == Op::unlock_shared && (!holds || state.writer == thread))
        return MisuseKind::unlock_shared_unheld;
    return std::nullopt;
}

WaitCause RWLockRules::cause(const ObjectState& state, Op op) const {
    if (state.writer >= 0) return WaitCause::held_by_writer;
    if (op == Op::lock_shared && writer_first_ && state.writers_queued > 0)
        return WaitCause::writer_queued;
    return WaitCause::held_by_readers;
}

}  // namespace racedemo
