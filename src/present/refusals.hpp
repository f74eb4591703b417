// A refused schedule in words: why a replayed schedule (or a play prefix) cannot be followed,
// and an exploration whose scenario does not replay the same way twice.
#pragma once

#include <string>

#include "core/model_types.hpp"

namespace racedemo {

// "thread 2 is blocked on mu (held by thread 1); thread 1 can run"
std::string refusal_words(const ScheduleError& refusal);
// "step 3: T2 cannot move", "step 4: no thread can move" (a play prefix)
std::string play_refusal_words(const ScheduleError& refusal);
// "scenario stack is not deterministic: replaying a schedule diverged at step 7"
std::string nondeterminism_words(const NondeterministicScenario& problem);

}  // namespace racedemo
