#include "engine/replay_scheduler.hpp"

#include <fmt/format.h>

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

Choice ReplayScheduler::follow(const ExecutionView& view) {
    const int entry = schedule_[static_cast<std::size_t>(view.steps)];
    const int thread = entry - 1;
    if (thread < 0 || thread >= view.threads) {
        return reject(fmt::format("thread {} does not exist ({} thread{})", entry, view.threads,
                                  view.threads == 1 ? "" : "s"));
    }
    if ((view.unfinished & bit(thread)) == 0)
        return reject(fmt::format("thread {} has finished", entry));
    if ((view.enabled & bit(thread)) == 0) {
        const SharedObject& lock = view.objects->object(view.pending_of(thread).object);
        return reject(fmt::format("thread {} is blocked on {}", entry, lock.name()));
    }
    return Choice::run(thread);
}

Choice ReplayScheduler::reject(std::string reason) {
    reason_ = std::move(reason);
    return Choice::halt(StopKind::infeasible);
}

}  // namespace racedemo
