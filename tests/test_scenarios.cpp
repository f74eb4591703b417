// Every scenario's fixed variant is clean on real threads, however many; unsafe variants are
// judged only through the model scheduler (see test_model.cpp), never by hoping a race happens.
#include <doctest/doctest.h>

#include "real_runner.hpp"
#include "scenario.hpp"

using namespace racedemo;

TEST_CASE("fixed variants are clean over many real rounds, with 2 and 8 threads") {
    for (const Scenario* scenario : scenarios()) {
        for (int threads : {std::max(2, scenario->min_threads), 8}) {
            CAPTURE(scenario->name);
            CAPTURE(threads);
            TrialResult result = run_rounds(*scenario, Variant::fixed, threads, 200);
            CHECK(result.outcome.label == "clean");
            CHECK(!result.outcome.corrupted);
            CHECK(result.rounds == 200);
        }
    }
}

TEST_CASE("fixed variants are clean in child processes too, and every run is accounted for") {
    for (const Scenario* scenario : scenarios()) {
        CAPTURE(scenario->name);
        RealOptions options;
        options.threads = 4;
        options.runs = 3;
        RealResult result = run_real(*scenario, Variant::fixed, options);
        CHECK(result.runs_done == 3);
        CHECK(result.outcomes.count("clean") == 3);
        CHECK(!result.corrupt());
    }
}

TEST_CASE("unsafe variants run to an outcome on real threads and the counts add up") {
    // Whether the race happens here is chance; that every run ends in a counted outcome is not.
    for (const Scenario* scenario : scenarios()) {
        if (scenario->unsafe == nullptr) continue;
        CAPTURE(scenario->name);
        RealOptions options;
        options.threads = 2;
        options.runs = 3;
        RealResult result = run_real(*scenario, Variant::unsafe, options);
        int total = 0;
        for (const auto& [label, count] : result.outcomes.rows) total += count;
        CHECK(total == 3);
        CHECK(result.hung_runs == 0);
    }
}
