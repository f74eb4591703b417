#include "engine/replay_scheduler.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
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

// "threads 1 and 3", "thread 2".
std::string threads_named(ThreadMask threads) {
    std::vector<int> numbers;
    for (ThreadMask rest = threads; rest != 0; rest &= rest - 1)
        numbers.push_back(lowest_thread(rest) + 1);
    if (numbers.size() == 1) return fmt::format("thread {}", numbers.front());
    const int last = numbers.back();
    numbers.pop_back();
    return fmt::format("threads {} and {}", fmt::join(numbers, ", "), last);
}

// "thread 2 can run", "threads 1 and 3 can run; thread 2 can begin to wait".
std::string who_can_run(const ExecutionView& view) {
    if (view.enabled == 0)
        return view.unfinished == 0 ? "every thread has finished" : "no thread can run";
    std::string out = fmt::format("{} can run", threads_named(view.enabled));
    if (view.can_wait != 0)
        out += fmt::format("; {} can begin to wait", threads_named(view.can_wait));
    return out;
}

// Why a thread paused in front of `op` cannot go on: "held by thread 1", "held by 2 readers,
// a writer is queued" (a queued writer keeps new readers out), "nothing to receive".
std::string holder_of(const ObjectTable& objects, const PendingOp& pending) {
    const ObjectState& lock = objects.state(pending.object);
    switch (objects.cause(pending.object, pending.op)) {
        case WaitCause::nothing_to_receive:
            return "nothing to receive";
        case WaitCause::no_receiver:
            return "no receiver";
        case WaitCause::full:
            return "full";
        default:
            break;
    }
    if (lock.writer >= 0) return fmt::format("held by thread {}", lock.writer + 1);
    std::string held =
        fmt::format("held by {} reader{}", lock.readers, lock.readers == 1 ? "" : "s");
    if (lock.writers_queued > 0 && pending.op == Op::lock_shared) held += ", a writer is queued";
    return held;
}

}  // namespace

Choice ReplayScheduler::follow(const ExecutionView& view) {
    const int entry = schedule_[static_cast<std::size_t>(view.steps)];
    const int thread = entry - 1;
    if (thread < 0 || thread >= view.threads) {
        return reject(fmt::format("thread {} does not exist ({} thread{})", entry, view.threads,
                                  view.threads == 1 ? "" : "s"));
    }
    if ((view.unfinished & bit(thread)) == 0)
        return reject(fmt::format("thread {} has finished; {}", entry, who_can_run(view)));
    // A wait is a step only while some thread can still move: with none, the run is over.
    const ThreadMask can_step = view.enabled != 0 ? view.choosable() : 0;
    if ((can_step & bit(thread)) == 0) {
        const PendingOp& pending = view.pending_of(thread);
        if (pending.object < 0)  // a yield: another thread must move first
            return reject(fmt::format("thread {} has just yielded; {}", entry, who_can_run(view)));
        return reject(fmt::format("thread {} is blocked on {} ({}); {}", entry,
                                  view.objects->name(pending.object),
                                  holder_of(*view.objects, pending), who_can_run(view)));
    }
    return Choice::run(thread);
}

Choice ReplayScheduler::reject(std::string reason) {
    reason_ = std::move(reason);
    return Choice::halt(StopKind::infeasible);
}

}  // namespace racedemo
