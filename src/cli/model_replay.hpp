// A real run's order of steps comes from timestamps read on different cores: approximate. Its
// exact counterpart is a model schedule. This derives one from the observed steps (the
// damaging thread's operation and every step inside it, threads renumbered in order of
// appearance), runs it in the model and keeps it if it does the same kind of damage;
// otherwise it takes the model's shortest corrupting schedule. Either way it was run and
// checked before it is printed.
#pragma once

#include <optional>
#include <vector>

#include "cli/request.hpp"
#include "cli/terminal.hpp"
#include "present/report.hpp"
#include "real/real_runner.hpp"

namespace racedemo {

// The observed steps as a model schedule prefix: from the start of the first damaging step's
// operation to that step. Empty when the trace marks no damage.
struct ObservedOrder {
    std::vector<int> schedule;  // model threads, 1-based, numbered as they first appear
    int threads = 0;
    DamageKind kind = DamageKind::none;
};
ObservedOrder observed_order(const Trace& trace);

// For the first corrupted trial of a real run (`request`); nothing when it has no trace.
std::optional<ModelReplay> find_model_replay(const RunRequest& request, const TrialResult& first,
                                             const Terminal& terminal);

}  // namespace racedemo
