// ModelOptions for the tests that run the model directly.
#pragma once

#include <utility>
#include <vector>

#include "engine/model.hpp"

// Replays `schedule` (1-based threads, one per step), then the default policy.
inline racedemo::ModelOptions replay(std::vector<int> schedule) {
    racedemo::ModelOptions options;
    options.strategy = racedemo::Strategy::replay;
    options.schedule = std::move(schedule);
    return options;
}
