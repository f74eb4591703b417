#include "engine/watchdog.hpp"

#include <chrono>

namespace racedemo {

Watchdog::Watchdog(const Executor& executor, const ModelOptions& options)
    : executor_(executor), options_(options) {
    if (options_.on_stuck) thread_ = std::thread([this] { watch(); });
}

Watchdog::~Watchdog() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard guard(mutex_);
        done_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

// Looks ten times a second; the heartbeat goes up every few hundred steps and at every
// execution, so a still heartbeat while a scenario thread runs means no step for that long.
void Watchdog::watch() {
    using Clock = std::chrono::steady_clock;
    std::uint64_t last_beat = executor_.heartbeat();
    Clock::time_point since = Clock::now();
    std::unique_lock guard(mutex_);
    while (!wake_.wait_for(guard, std::chrono::milliseconds(100), [this] { return done_; })) {
        const std::uint64_t beat = executor_.heartbeat();
        const int thread = executor_.running_thread();
        if (beat != last_beat || thread < 0) {
            last_beat = beat;
            since = Clock::now();
            continue;
        }
        const double still = std::chrono::duration<double>(Clock::now() - since).count();
        const bool stopping = options_.stop.stop_requested();
        if (still >= options_.stuck_seconds || (stopping && still >= 1.0)) {
            options_.on_stuck(StuckThread{thread + 1, still, stopping});
            since = Clock::now();  // on_stuck normally ends the process; if not, look again later
        }
    }
}

}  // namespace racedemo
