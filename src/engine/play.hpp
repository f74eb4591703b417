// Play: the student is the scheduler. Each turn the position a schedule prefix reaches is run
// afresh (an execution costs microseconds, so undo is only a shorter prefix): the steps so far,
// which threads can take the next step, and what each one's next step is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/misuse.hpp"
#include "core/trace.hpp"
#include "engine/execution_view.hpp"
#include "engine/model.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

enum class PlayerThread { can_run, would_wait, blocked, finished };

struct PlayPosition {
    Trace trace;                      // the steps so far, values shown, damage marked
    std::vector<PlayerThread> state;  // per thread (index: thread - 1)
    // Per unfinished thread: its next step, the operation and what it touches (a yield: none).
    struct NextStep {
        Op op = Op::read;
        std::string target;
    };
    std::vector<NextStep> next;
    bool over = false;             // no thread can move: the prefix is a whole schedule
    std::optional<Misuse> misuse;  // the prefix ends at a misuse (then it is over)
    int last_thread = 0;           // 1-based: the thread that took the last step (0: none)
};

// Runs `prefix` (1-based threads, each one able to move when it is named) and stops there.
// Throws ScheduleError when a thread it names cannot move. Of `options`: the step
// bound, the stop token and on_stuck (a thread that runs without a step), as for run_model.
PlayPosition play_position(const Scenario& scenario, Variant variant, const TrialConfig& config,
                           const std::vector<int>& prefix, const ModelOptions& options = {});

}  // namespace racedemo
