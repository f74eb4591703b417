// The pinned explorations of every scenario (test_pinned_exploration.cpp), shared with the
// tests of reductions that are checked against them (test_reads_from.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "racedemo/scenario.hpp"

struct PinnedExploration {
    const char* scenario;
    racedemo::Variant variant;
    int threads;
    racedemo::Reduction reduction;
    std::uint64_t schedules;
    std::uint64_t corrupt;
    std::uint64_t steps;
    std::size_t shortest_steps;  // 0: no corrupting schedule
    std::map<std::string, std::uint64_t> outcomes;
};

const std::vector<PinnedExploration>& pinned();
