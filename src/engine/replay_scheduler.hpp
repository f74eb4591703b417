// Strategy replay: one execution that follows an explicit schedule (1-based threads); after
// the schedule runs out, the default policy (keep running the last thread, else the lowest).
#pragma once

#include <vector>

#include "engine/scheduler.hpp"

namespace racedemo {

class ReplayScheduler final : public Scheduler {
  public:
    explicit ReplayScheduler(std::vector<int> schedule) : schedule_(std::move(schedule)) {}

    bool begin_execution() override;
    Choice next_thread(const ExecutionView& view) override;
    Choice at_end(const ExecutionView& view) override;
    void end_execution(const ExecutionSummary&) override {}
    ScheduleError refusal() const override { return refusal_; }

  private:
    Choice follow(const ExecutionView& view);
    Choice reject(ScheduleError refusal, const ExecutionView& view);

    std::vector<int> schedule_;
    bool started_ = false;
    ScheduleError refusal_;
};

}  // namespace racedemo
