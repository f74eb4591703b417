// A model run's deadlock in the words the reports use (present/waits.hpp): the engine gives the
// facts, the waiters; tests of the engine read them as a person would.
#pragma once

#include <string>

#include "core/model_types.hpp"
#include "present/waits.hpp"

inline std::string deadlock_words(const racedemo::ModelRun& run) {
    return racedemo::deadlock_evidence(run.wait_for, run.finished);
}
