// ModelOptions for the tests that run the model directly.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "engine/model.hpp"
#include "racedemo/scenario.hpp"

// Replays `schedule` (1-based threads, one per step), then the default policy.
inline racedemo::ModelOptions replay(std::vector<int> schedule) {
    racedemo::ModelOptions options;
    options.strategy = racedemo::Strategy::replay;
    options.schedule = std::move(schedule);
    return options;
}

// A scenario made of one test trial, both variants alike.
template <class T>
racedemo::Scenario test_scenario(std::string_view name, int number = 900) {
    racedemo::Scenario scenario;
    scenario.number = number;
    scenario.name = name;
    scenario.unsafe = racedemo::make_trial<T>;
    scenario.fixed = racedemo::make_trial<T>;
    return scenario;
}
