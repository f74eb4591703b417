// Ctrl-C, SIGTERM and SIGHUP (a closed terminal), and the --max-time limit: long runs stop soon,
// clean up their trial processes, and report what they had so far. The handler only records the
// signal (and wakes a watcher, below); the loops that run for long look at it.
#pragma once

#include <csignal>
#include <stop_token>
#include <thread>

namespace racedemo {

// Installs the recording handler for SIGINT, SIGTERM and SIGHUP (without SA_RESTART, so a
// waiting poll() returns at once).
void catch_interrupts();
// Back to the default dispositions: for trial processes, which the parent ends itself.
void default_interrupts();
// The signal that asked racedemo to stop, or 0.
int interrupted();
// For tests: forget a recorded interrupt.
void clear_interrupt();

// Arms a timer: after `seconds`, time_is_up() turns true and a StopOnInterrupt's token is
// stopped, as a signal would, but the run reports a time limit, not an interruption.
void limit_time(double seconds);
bool time_is_up();
// An interrupt or the time limit: what the long loops look at.
inline bool should_stop() {
    return interrupted() != 0 || time_is_up();
}

// Turns an interrupt into a stop request, for code that takes a std::stop_token (the model
// engine). request_stop is not async-signal-safe (it may lock and run callbacks), so the handler
// does not call it: it writes a byte to a pipe, and a small watcher thread, blocked on that pipe,
// calls request_stop. The destructor wakes the watcher through the same pipe and joins it.
// One at a time.
class StopOnInterrupt {
  public:
    StopOnInterrupt();
    ~StopOnInterrupt();
    StopOnInterrupt(const StopOnInterrupt&) = delete;
    StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;

    std::stop_token token() const { return source_.get_token(); }

  private:
    std::stop_source source_;
    int pipe_[2] = {-1, -1};
    std::thread watcher_;
};

}  // namespace racedemo
