// The watchdog of a model run: a scenario thread that runs without ever reaching a step (a loop
// with no shared operation, a sleep) cannot be preempted, since every virtual thread runs on
// the one OS thread. A small thread of its own watches the executor's heartbeat and, when it
// stands still for ModelOptions::stuck_seconds (one second once a stop was asked for), tells
// ModelOptions::on_stuck, which ends the process with a message. Nothing runs without on_stuck.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/executor.hpp"
#include "engine/model.hpp"

namespace racedemo {

class Watchdog {
  public:
    Watchdog(const Executor& executor, const ModelOptions& options);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

  private:
    void watch();

    const Executor& executor_;
    const ModelOptions& options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

}  // namespace racedemo
