#include "engine/replay_scheduler.hpp"

#include <vector>

namespace racedemo {

bool ReplayScheduler::begin_execution() {
    if (started_) return false;
    started_ = true;
    return true;
}

Choice ReplayScheduler::next_thread(const ExecutionView& view) {
    if (static_cast<std::size_t>(view.steps) >= schedule_.size())
        return Choice::run(view.default_choice(view.enabled));
    return follow(view);
}

// A schedule that goes on when no thread can move names one that cannot: say which.
Choice ReplayScheduler::at_end(const ExecutionView& view) {
    if (static_cast<std::size_t>(view.steps) >= schedule_.size()) return {};
    return follow(view);
}

namespace {

std::vector<int> numbered(ThreadMask threads) {
    std::vector<int> numbers;
    for (ThreadMask rest = threads; rest != 0; rest &= rest - 1)
        numbers.push_back(lowest_thread(rest) + 1);
    return numbers;
}

// What holds a thread paused in front of `pending` back: the lock's holder or readers (and a
// queued writer, which keeps new readers out), or a channel's cause.
void note_holders(const ObjectTable& objects, const PendingOp& pending, ScheduleError& refusal) {
    const ObjectState& lock = objects.state(pending.object);
    refusal.object = objects.name(pending.object);
    if (objects.is_channel(pending.object)) {
        refusal.cause = objects.cause(pending.object, pending.op);
        return;
    }
    refusal.holder = lock.writer + 1;
    refusal.readers = lock.readers;
    refusal.writer_queued = lock.writers_queued > 0 && pending.op == Op::lock_shared;
}

}  // namespace

Choice ReplayScheduler::follow(const ExecutionView& view) {
    const int entry = schedule_[static_cast<std::size_t>(view.steps)];
    const int thread = entry - 1;
    ScheduleError refusal;
    refusal.thread = entry;
    refusal.threads = view.threads;
    if (thread < 0 || thread >= view.threads) {
        refusal.kind = RefusalKind::no_such_thread;
        return reject(refusal, view);
    }
    if ((view.unfinished & bit(thread)) == 0) {
        refusal.kind = RefusalKind::finished;
        return reject(refusal, view);
    }
    // A wait is a step only while some thread can still move: with none, the run is over.
    const ThreadMask can_step = view.enabled != 0 ? view.choosable() : 0;
    if ((can_step & bit(thread)) != 0) return Choice::run(thread);
    const PendingOp& pending = view.pending_of(thread);
    const int claimant = view.objects->claimant();
    if (pending.object < 0) {  // a yield: another thread must move first
        refusal.kind = RefusalKind::yielded;
    } else if (claimant >= 0 && pending.object != claimant) {
        refusal.kind = RefusalKind::handed_over;
        refusal.object = view.objects->name(claimant);
    } else {
        refusal.kind = RefusalKind::blocked;
        note_holders(*view.objects, pending, refusal);
    }
    return reject(refusal, view);
}

Choice ReplayScheduler::reject(ScheduleError refusal, const ExecutionView& view) {
    refusal.position = view.steps + 1;
    refusal.can_run = numbered(view.enabled);
    if (view.enabled != 0) refusal.can_wait = numbered(view.can_wait);
    refusal.all_finished = view.unfinished == 0;
    refusal_ = std::move(refusal);
    return Choice::halt(StopKind::infeasible);
}

}  // namespace racedemo
