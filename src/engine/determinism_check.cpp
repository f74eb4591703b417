#include "engine/determinism_check.hpp"

namespace racedemo {

DeterminismCheck::DeterminismCheck(std::unique_ptr<Scheduler> inner) : inner_(std::move(inner)) {}

bool DeterminismCheck::begin_execution() {
    current_.clear();
    on_previous_path_ = true;
    diverged_at_ = 0;
    return inner_->begin_execution();
}

bool DeterminismCheck::same_state(const ExecutionView& view) const {
    const State& before = previous_[static_cast<std::size_t>(view.steps)];
    if (before.enabled != view.enabled) return false;
    if (before.thread < 0) return true;
    const PendingOp& now = view.pending_of(before.thread);
    return now.object == before.pending.object && now.op == before.pending.op;
}

Choice DeterminismCheck::diverged(const ExecutionView& view) {
    diverged_at_ = view.steps + 1;
    return Choice::halt(StopKind::diverged);
}

Choice DeterminismCheck::next_thread(const ExecutionView& view) {
    const bool known = on_previous_path_ && static_cast<std::size_t>(view.steps) < previous_.size();
    if (known && !same_state(view)) return diverged(view);
    const Choice choice = inner_->next_thread(view);
    if (choice.thread < 0) return choice;
    if (known && previous_[static_cast<std::size_t>(view.steps)].thread != choice.thread)
        on_previous_path_ = false;
    current_.push_back(State{view.enabled, choice.thread, view.pending_of(choice.thread)});
    return choice;
}

Choice DeterminismCheck::at_end(const ExecutionView& view) {
    const bool known = on_previous_path_ && static_cast<std::size_t>(view.steps) < previous_.size();
    if (known && !same_state(view)) return diverged(view);
    return inner_->at_end(view);
}

void DeterminismCheck::step_committed(const StepRecord& step, const ExecutionView& view) {
    inner_->step_committed(step, view);
}

void DeterminismCheck::end_execution(const ExecutionSummary& summary) {
    // The final state too: no thread enabled, as the next execution on this path must end.
    if (summary.end == ExecutionEnd::finished || summary.end == ExecutionEnd::deadlock)
        current_.push_back(State{0, -1, {}});
    previous_.swap(current_);
    inner_->end_execution(summary);
}

}  // namespace racedemo
