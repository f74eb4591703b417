// The real runner: a scenario's threads as real OS threads, each trial in a child process.
//
// Unsafe code really is unsafe here: a trial may corrupt memory, crash or spin forever. So
// every trial runs in its own child process under a watchdog, and a crash (signal) or a hang
// (no answer before the timeout) is an outcome to count, never the end of racedemo.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/real_types.hpp"
#include "core/trace.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// The longest a trial plans to run its rounds: it ends after the scenario's rounds or after the
// runner's budget, whichever comes first.
double planned_trial_seconds(const RealOptions& options);
// The least timeout that lets a trial end by itself: its planned work, as long again for its
// process and threads to start and its last round to end.
double least_timeout_seconds(const RealOptions& options);

class LockBoard;
class StuckTraceReporter;

// Runs `options.runs` trials of `scenario`, each in a child process.
RealResult run_real(const Scenario& scenario, Variant variant, const RealOptions& options,
                    const TrialObserver& observer = {});

// One trial in the calling process: `rounds` rounds on `config.threads` real threads, stopping at
// the first corrupted round, whose observed steps around the damage are kept when `trace` is set.
// Used inside the child; exposed for tests and benchmarks.
// With a `board`, every thread's lock operations are written to it (see lock_board.hpp).
// `start_helper` starts the trial's helper thread (the stuck-trace reporter) once the trial's own
// threads exist; it may throw std::system_error (then the trial could not start).
// `noise` perturbs the steps of a traced trial (NoiseSettings, core/real_types.hpp).
using HelperStart = std::function<StuckTraceReporter*()>;
TrialResult run_rounds(const Scenario& scenario, Variant variant, const TrialConfig& config,
                       int rounds, bool trace = false, double budget_ms = 1e12,
                       LockBoard* board = nullptr, const HelperStart& start_helper = {},
                       const NoiseSettings& noise = {});

}  // namespace racedemo
