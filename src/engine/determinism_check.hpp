// The determinism check, as a wrapper around any scheduler: while an execution takes the same
// steps as the one before it, it must reach the same states (the same threads enabled, the
// chosen thread in front of the same operation on the same object). A scenario whose threads
// depend on anything but the schedule (time, a static counter, an address) breaks this, and
// every strategy that replays a prefix (explore) would silently explore nonsense.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scheduler.hpp"

namespace racedemo {

class DeterminismCheck final : public Scheduler {
  public:
    explicit DeterminismCheck(std::unique_ptr<Scheduler> inner);

    bool begin_execution() override;
    Choice next_thread(const ExecutionView& view) override;
    Choice at_end(const ExecutionView& view) override;
    void step_committed(const StepRecord& step, const ExecutionView& view) override;
    void end_execution(const ExecutionSummary& summary) override;
    ScheduleError refusal() const override { return inner_->refusal(); }
    int diverged_at() const override { return diverged_at_; }
    bool complete() const override { return inner_->complete(); }
    bool observes_steps() const override { return inner_->observes_steps(); }

  private:
    struct State {
        ThreadMask enabled = 0;
        int thread = -1;  // the thread that took the step from here
        PendingOp pending;
    };
    bool same_state(const ExecutionView& view) const;
    Choice diverged(const ExecutionView& view);

    std::unique_ptr<Scheduler> inner_;
    std::vector<State> previous_;  // the states of the execution before
    std::vector<State> current_;
    bool on_previous_path_ = true;  // every step so far was the previous execution's
    int diverged_at_ = 0;  // the step at which the latest execution diverged (0: it did not)
};

}  // namespace racedemo
