// A deadlocked trial's last steps. Its process never ends its round, so the observed order of
// its steps would die with it when the watchdog ends it. Instead, once the watchdog has named
// the deadlock, the parent asks; a helper thread in the child, waiting for that question,
// checks on the lock board that every thread waits or is done (so that none still writes its
// record), and answers with the round's last steps.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/trace.hpp"

namespace racedemo {

class LockBoard;
class RoundRecorder;

// The child's side.
class StuckTraceReporter {
  public:
    // `answer` is called on the helper thread with the trace, or nothing when some thread
    // still runs (then the record may be changing, and is not read); it writes one line.
    using Answer = std::function<void(const std::optional<Trace>&)>;
    StuckTraceReporter(int request_fd, const LockBoard& board, int threads, Answer answer);
    // The recorder of the rounds to come (run_rounds makes it).
    void watch(const RoundRecorder* recorder) { recorder_.store(recorder); }

  private:
    void serve();

    int request_fd_;
    const LockBoard& board_;
    int threads_;
    Answer answer_;
    std::atomic<const RoundRecorder*> recorder_{nullptr};
};

// The parent's side: asks through `request_fd`, and returns the line the child writes to
// `result_fd` (without its newline), waiting at most `patience`; empty when none came.
std::string ask_for_stuck_trace(int request_fd, int result_fd, std::chrono::milliseconds patience);

}  // namespace racedemo
