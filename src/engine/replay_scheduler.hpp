// Strategy replay: one execution that follows an explicit schedule (1-based threads); after
// the schedule runs out, the default policy (keep running the last thread, else the lowest).
#pragma once

#include <string>
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
    std::string stop_message() const override { return reason_; }

  private:
    Choice follow(const ExecutionView& view);
    Choice reject(std::string reason);

    std::vector<int> schedule_;
    bool started_ = false;
    std::string reason_;
};

}  // namespace racedemo
