#include "engine/play.hpp"

#include "engine/executor.hpp"
#include "engine/watchdog.hpp"

namespace racedemo {
namespace {

// Follows the prefix, then halts and keeps what the position looks like.
class PrefixScheduler final : public Scheduler {
  public:
    explicit PrefixScheduler(const std::vector<int>& prefix) : prefix_(prefix) {}

    bool begin_execution() override { return !started_ && (started_ = true); }
    Choice next_thread(const ExecutionView& view) override {
        if (position_ == prefix_.size()) {
            seen_ = view;
            pending_.assign(view.pending, view.pending + view.threads);
            return Choice::halt(StopKind::abandon);
        }
        const int thread = prefix_[position_++] - 1;
        if ((view.choosable() & bit(thread)) == 0) {
            refusal_.position = static_cast<int>(position_);
            refusal_.kind = RefusalKind::blocked;
            refusal_.thread = thread + 1;
            return Choice::halt(StopKind::infeasible);
        }
        return Choice::run(thread);
    }
    Choice at_end(const ExecutionView& view) override {
        over_ = position_ == prefix_.size();
        seen_ = view;  // who is left: deadlocked threads are blocked, the rest finished
        pending_.assign(view.pending, view.pending + view.threads);
        if (!over_) refusal_.position = static_cast<int>(position_) + 1;  // RefusalKind::no_step
        return over_ ? Choice{} : Choice::halt(StopKind::infeasible);
    }
    bool observes_steps() const override { return false; }
    void end_execution(const ExecutionSummary&) override {}
    ScheduleError refusal() const override { return refusal_; }

    bool over() const { return over_; }
    const ExecutionView& seen() const { return seen_; }
    const std::vector<PendingOp>& pending() const { return pending_; }

  private:
    const std::vector<int>& prefix_;
    std::size_t position_ = 0;
    bool started_ = false;
    bool over_ = false;
    ExecutionView seen_;
    std::vector<PendingOp> pending_;
    ScheduleError refusal_;
};

PlayerThread state_of(const ExecutionView& view, int thread) {
    if ((view.unfinished & bit(thread)) == 0) return PlayerThread::finished;
    if ((view.enabled & bit(thread)) != 0) return PlayerThread::can_run;
    return (view.can_wait & bit(thread)) != 0 ? PlayerThread::would_wait : PlayerThread::blocked;
}

}  // namespace

PlayPosition play_position(const Scenario& scenario, Variant variant, const TrialConfig& config,
                           const std::vector<int>& prefix, const ModelOptions& options) {
    PrefixScheduler scheduler(prefix);
    scheduler.begin_execution();
    Executor executor(scenario.factory(variant), config);
    executor.set_limits(ExecutionLimits{options.max_steps, options.stop, options.probe});
    const Watchdog watchdog(executor, options);
    Execution& execution = executor.run(scheduler, true);
    if (execution.stop == StopKind::infeasible) throw scheduler.refusal();
    PlayPosition position;
    position.trace = std::move(execution.trace);
    mark_damage(position.trace);
    // A misuse ends the execution where it happens: nothing can move after it.
    position.misuse = execution.misuse;
    position.over = scheduler.over() || execution.end == ExecutionEnd::misuse;
    position.last_thread = prefix.empty() ? 0 : prefix.back();
    position.state.assign(static_cast<std::size_t>(config.threads), PlayerThread::finished);
    position.next.assign(static_cast<std::size_t>(config.threads), PlayPosition::NextStep{});
    const ExecutionView& view = scheduler.seen();
    for (int thread = 0; thread < config.threads; ++thread) {
        const auto index = static_cast<std::size_t>(thread);
        position.state[index] = state_of(view, thread);
        // Over with threads left: none of them can ever move.
        if (position.over && position.state[index] != PlayerThread::finished)
            position.state[index] = PlayerThread::blocked;
        if (position.state[index] == PlayerThread::finished) continue;
        const PendingOp& pending = scheduler.pending()[index];
        position.next[index].op = pending.op;
        if (pending.object >= 0)
            position.next[index].target = executor.objects().name(pending.object);
    }
    return position;
}

}  // namespace racedemo
