// The model engine's public face: a scenario's threads as virtual threads (fibers) on one OS
// thread, under a deterministic scheduler. What it is asked and answers: core/model_types.hpp.
#pragma once

#include <cstddef>

#include "core/model_types.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// The stack of each virtual thread: scenario code, fmt and the scheduler run on it.
inline constexpr std::size_t model_thread_stack_bytes = 256 * 1024;

// Whether `address` is in the guard page below a virtual thread's stack: a fault there is a
// stack overflow of scenario code. Async-signal-safe, for a fatal signal's handler.
bool is_fiber_stack_overflow(const void* address);

// Runs `scenario` in model mode. Throws ScheduleError when a replayed schedule is infeasible.
ModelResult run_model(const Scenario& scenario, Variant variant, const TrialConfig& config,
                      const ModelOptions& options);

}  // namespace racedemo
