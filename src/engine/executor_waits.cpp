// Who waits for whom: the executor's account of a thread that cannot go on, for a wait step's
// lane ("lock mx: waits for T1") and for a deadlock's cycle of waits.
#include <algorithm>

#include "engine/executor.hpp"

namespace racedemo {

// Whom `thread` waits for, in front of its lock, on its wait step (a channel: nobody in
// particular): the thread holding it, the threads reading under it, or the writers queued in
// front of a reader they keep out. Facts: present/ words them ("lock mx: waits for T1").
void Executor::note_whom_it_waits_for(int thread, TraceEvent& event) const {
    const PendingOp& pending = pending_[static_cast<std::size_t>(thread)];
    const ObjectState& lock = objects_.state(pending.object);
    const WaitCause cause = objects_.cause(pending.object, pending.op);
    if (lock.kind == ObjectKind::channel) return;
    if (cause == WaitCause::held_by_writer && lock.writer >= 0) {
        event.waits_for.push_back(lock.writer + 1);
        return;
    }
    event.waits_for_writers = cause == WaitCause::writer_queued;
    for (int other = 0; other < thread_count_; ++other) {
        const std::size_t index = static_cast<std::size_t>(other);
        const std::vector<int>& held = held_[index];
        const bool queued = (waited_ & view_.unfinished & bit(other)) != 0 &&
                            pending_[index].object == pending.object &&
                            pending_[index].op == Op::lock;
        const bool reads = std::find(held.begin(), held.end(), pending.object) != held.end();
        if (event.waits_for_writers ? queued : reads) event.waits_for.push_back(other + 1);
    }
}

// Thread `thread` is stopped in front of a lock it cannot take: what it holds and who holds
// what it wants.
Waiter Executor::waiter(int thread) const {
    Waiter waiter;
    waiter.thread = thread + 1;
    for (int lock : held_[static_cast<std::size_t>(thread)])
        waiter.holds.push_back(objects_.name(lock));
    const PendingOp& pending = pending_[static_cast<std::size_t>(thread)];
    waiter.waits_for = objects_.name(pending.object);
    // Its holders: the other threads (finished ones too) that took it and have not released it.
    for (int other = 0; other < thread_count_; ++other) {
        if (other == thread) continue;
        const std::vector<int>& held = held_[static_cast<std::size_t>(other)];
        if (std::find(held.begin(), held.end(), pending.object) != held.end())
            waiter.held_by.push_back(other + 1);
    }
    waiter.op = pending.op;
    const WaitCause cause = objects_.cause(pending.object, pending.op);
    if (objects_.is_channel(pending.object)) waiter.cause = cause;
    waiter.shared = pending.op == Op::lock_shared;
    waiter.writer_queued = cause == WaitCause::writer_queued;
    return waiter;
}

// No thread can move and some have not finished: who holds what, and waits for what. Taken
// before the blocked threads are unwound (which forgets it). Untraced, nobody reads it: the
// outcome is named only (the execution shown is replayed traced).
void Executor::record_deadlock() {
    if (!tracing_) {
        execution_.outcome = Outcome{std::string(deadlock_label), false, {}};
        return;
    }
    execution_.outcome = Outcome{std::string(deadlock_label), false, {}};  // present/ words it
    for (int t = 0; t < thread_count_; ++t)
        if ((view_.unfinished & bit(t)) == 0) execution_.finished.push_back(t + 1);
    for (ThreadMask rest = view_.unfinished; rest != 0; rest &= rest - 1)
        execution_.wait_for.push_back(waiter(lowest_thread(rest)));
}

}  // namespace racedemo
