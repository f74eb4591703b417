// Every scenario's fixed variant is clean on real threads, however many; unsafe variants are
// judged only through the model scheduler (see test_model.cpp), never by hoping a race happens.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "core/sanitizers.hpp"
#include "racedemo/bench.hpp"
#include "racedemo/scenario.hpp"
#include "real/real_runner.hpp"
#include "test_scale.hpp"

using namespace racedemo;

TEST_CASE("fixed variants are clean over many real rounds, with 2 and 8 threads") {
    const int rounds = racedemo::testing::scaled(200, 40);  // test_scale.hpp
    for (const Scenario* scenario : scenarios()) {
        for (int threads : {std::max(2, scenario->min_threads), 8}) {
            CAPTURE(scenario->name);
            CAPTURE(threads);
            TrialResult result =
                run_rounds(*scenario, Variant::fixed, TrialConfig{threads}, rounds);
            CHECK(result.outcome.label == "clean");
            CHECK(!result.outcome.corrupted);
            CHECK(result.rounds == rounds);
        }
    }
}

TEST_CASE("fixed variants are clean in child processes too, and every run is accounted for") {
    for (const Scenario* scenario : racedemo::testing::sample_of(scenarios())) {
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
    for (const Scenario* scenario : racedemo::testing::sample_of(scenarios())) {
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

// Not under ThreadSanitizer, which rightly reports the grid's "unsync" column: it times the cache
// with no lock at all, on purpose (the cost of the work alone, for reference).
#if defined(RACEDEMO_TSAN)
constexpr bool under_tsan = true;
#else
constexpr bool under_tsan = false;
#endif

TEST_CASE("a scenario's --bench measures its whole grid, every cell under every variant" *
          doctest::skip(under_tsan)) {
    // Timings are not checked (benchmarks are not tests); the shape of the measurement is.
    const Scenario& cache = *find_scenario("rwmutex-cache");
    REQUIRE(static_cast<bool>(cache.bench));
    BenchSettings settings;
    settings.max_threads = 2;
    settings.warmup_seconds_per_sample = 0;
    settings.seconds_per_sample = 0.0005;
    settings.repetitions = 1;
    int progress_calls = 0, last_done = 0;
    settings.progress = [&](int done, int total) {
        ++progress_calls;
        CHECK(done == last_done + 1);
        CHECK(total == 24);
        last_done = done;
    };
    const BenchTable table = cache.bench(settings);
    CHECK(table.parameters == std::vector<std::string>{"threads", "read_pct", "work_ns"});
    CHECK(table.variants == std::vector<std::string>{"mutex", "shared_mutex", "unsync"});
    REQUIRE(table.rows.size() == 24);  // threads 1, 2 × read 50, 90, 99, 100 × work 0, 100, 1000
    CHECK(progress_calls == 24);
    std::set<std::vector<int>> cells;
    for (const BenchRow& row : table.rows) {
        cells.insert(row.parameters);
        REQUIRE(row.ns_per_op.size() == 3);
        for (double ns : row.ns_per_op) CHECK(ns > 0);
    }
    CHECK(cells.size() == 24);
    CHECK(cells.count({2, 99, 1000}) == 1);
}
