// The schedulers one by one (replay, random, pct), the determinism check, cancellation, and
// the series strategies (random and pct with `runs`) through run_model.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/execution_view.hpp"
#include "engine/model.hpp"
#include "engine/pct_scheduler.hpp"
#include "engine/random_scheduler.hpp"
#include "engine/replay_scheduler.hpp"
#include "model_options.hpp"
#include "present/refusals.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using namespace racedemo;

// A formatted note that counts how often it was formatted.
struct CountedLabel {
    static inline int formatted = 0;
};

}  // namespace

template <>
struct fmt::formatter<CountedLabel> : fmt::formatter<std::string_view> {
    auto format(const CountedLabel&, fmt::format_context& context) const {
        ++CountedLabel::formatted;
        return fmt::formatter<std::string_view>::format("increment", context);
    }
};

namespace {

// Every thread adds one to x without a lock.
class CounterTrial final : public Trial {
  public:
    explicit CounterTrial(const TrialConfig& config) : threads_(config.threads) {}
    void actor(int) override {
        note("{}", CountedLabel{});
        x_.store(x_.load() + 1);
    }
    Outcome arbiter() override {
        return x_.peek() == threads_ ? Outcome::clean() : Outcome::corrupt("lost update", "");
    }

  private:
    int threads_;
    Shared<int> x_{"x", 0};
};

// Thread 1 reads x in its first execution and writes it in every later one: a scenario that
// depends on something besides the schedule.
class DriftingTrial final : public Trial {
  public:
    explicit DriftingTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 0 && executions_++ > 0) {
            x_.store(7);
        } else {
            x_.load();
        }
        x_.store(thread);
    }
    Outcome arbiter() override { return Outcome::clean(); }

    static inline int executions_ = 0;

  private:
    Shared<int> x_{"x", 0};
};

template <class T>
Scenario make_scenario(std::string_view name) {
    return test_scenario<T>(name, 901);
}

const Scenario& scenario_named(std::string_view name) {
    const Scenario* scenario = find_scenario(name);
    REQUIRE(scenario != nullptr);
    return *scenario;
}

ModelResult run(const Scenario& scenario, int threads, const ModelOptions& options) {
    return run_model(scenario, Variant::unsafe, TrialConfig{threads, true}, options);
}

ModelOptions series(Strategy strategy, std::uint64_t runs, std::uint64_t seed, int depth = 3) {
    ModelOptions options;
    options.strategy = strategy;
    options.runs = runs;
    options.seed = seed;
    options.pct_depth = depth;
    return options;
}

// A synthetic state: `enabled` runnable, nothing blocked, `steps` taken, `last` ran last.
struct FakeState {
    ObjectTable objects;
    PendingOp pending[4];
    ExecutionView view;

    FakeState(ThreadMask enabled, int steps, int last) {
        view.threads = 4;
        view.enabled = enabled;
        view.unfinished = enabled;
        view.steps = steps;
        view.last_thread = last;
        view.pending = pending;
        view.objects = &objects;
    }
};

std::uint64_t total(const ModelResult& result) {
    std::uint64_t sum = 0;
    for (const auto& [label, count] : result.outcomes) sum += count;
    return sum;
}

}  // namespace

TEST_CASE("replay scheduler: follows its list, then the default policy") {
    ReplayScheduler replay({2, 1});
    REQUIRE(replay.begin_execution());
    CHECK(replay.next_thread(FakeState(0b11, 0, -1).view).thread == 1);
    CHECK(replay.next_thread(FakeState(0b11, 1, 1).view).thread == 0);
    // Past the list: keep the thread that ran last, else the lowest.
    CHECK(replay.next_thread(FakeState(0b111, 2, 2).view).thread == 2);
    CHECK(replay.next_thread(FakeState(0b110, 3, 0).view).thread == 1);
    replay.end_execution({});
    CHECK_FALSE(replay.begin_execution());  // one execution only

    ReplayScheduler beyond({3});
    REQUIRE(beyond.begin_execution());
    const Choice refused = beyond.next_thread(FakeState(0b11, 0, -1).view);
    CHECK(refused.stop == StopKind::infeasible);
    CHECK(racedemo::refusal_words(beyond.refusal()) ==
          "thread 3 has finished; threads 1 and 2 can run");
}

TEST_CASE("random scheduler: deterministic per seed, every enabled thread and only those") {
    auto draws = [](std::uint64_t seed, ThreadMask enabled) {
        RandomScheduler random(seed, 1);
        REQUIRE(random.begin_execution());
        std::vector<int> picks;
        for (int step = 0; step < 300; ++step)
            picks.push_back(random.next_thread(FakeState(enabled, step, -1).view).thread);
        return picks;
    };
    CHECK(draws(42, 0b111) == draws(42, 0b111));
    CHECK(draws(42, 0b111) != draws(43, 0b111));
    const std::vector<int> picks = draws(42, 0b1011);
    const std::set<int> chosen(picks.begin(), picks.end());
    CHECK(chosen == std::set<int>{0, 1, 3});

    // Runs: as many as asked, each seeded apart, the first with the seed itself.
    CHECK(run_seed(9, 0) == 9);
    CHECK(run_seed(9, 1) != run_seed(9, 2));
    RandomScheduler runs(9, 3);
    int executions = 0;
    while (runs.begin_execution()) {
        ++executions;
        runs.end_execution({});
    }
    CHECK(executions == 3);
}

TEST_CASE("pct scheduler: deterministic per seed; depth 1 runs by priority without preempting") {
    auto schedule_of = [](PctScheduler& pct, int steps) {
        std::vector<int> picks;
        int last = -1;
        for (int step = 0; step < steps; ++step) {
            last = pct.next_thread(FakeState(0b1111, step, last).view).thread;
            picks.push_back(last);
        }
        return picks;
    };
    PctScheduler first(4, 3, 5, 10), second(4, 3, 5, 10);
    for (int run = 0; run < 10; ++run) {
        REQUIRE(first.begin_execution());
        REQUIRE(second.begin_execution());
        CHECK(schedule_of(first, 40) == schedule_of(second, 40));
        first.end_execution(ExecutionSummary{ExecutionEnd::finished, 40, 0, nullptr});
        second.end_execution(ExecutionSummary{ExecutionEnd::finished, 40, 0, nullptr});
    }
    CHECK_FALSE(first.begin_execution());

    // Depth 1: no change points; the same thread runs as long as it is enabled.
    PctScheduler flat(4, 1, 5, 5);
    for (int run = 0; run < 5; ++run) {
        REQUIRE(flat.begin_execution());
        const std::vector<int> picks = schedule_of(flat, 20);
        CHECK(std::set<int>(picks.begin(), picks.end()).size() == 1);
        flat.end_execution(ExecutionSummary{ExecutionEnd::finished, 20, 0, nullptr});
    }

    // Through the model: each thread runs to completion, one after the other.
    const Scenario counter = make_scenario<CounterTrial>("counter");
    ModelResult result = run(counter, 3, series(Strategy::pct, 20, 3, 1));
    CHECK(result.schedules_explored == 20);
    CHECK(result.schedules_corrupt == 0);
    CHECK(result.shown.preemptions == 0);
    const std::vector<int>& shown = result.shown.schedule;
    REQUIRE(shown.size() == 6);
    for (std::size_t i = 0; i < shown.size(); i += 2) CHECK(shown[i] == shown[i + 1]);
    CHECK(std::set<int>(shown.begin(), shown.end()).size() == 3);
}

TEST_CASE("pct and random series: counts add up, runs are deterministic, replays reproduce") {
    const Scenario& trie = scenario_named("trie-race");
    for (Strategy strategy : {Strategy::random, Strategy::pct}) {
        CAPTURE(static_cast<int>(strategy));
        ModelResult first = run(trie, 3, series(strategy, 200, 11));
        ModelResult second = run(trie, 3, series(strategy, 200, 11));
        CHECK(first.schedules_explored == 200);
        CHECK(total(first) == 200);
        CHECK(first.outcomes == second.outcomes);
        CHECK(first.steps == second.steps);
        CHECK(first.steps > 200);
        CHECK_FALSE(first.complete);
        CHECK(first.shown.schedule == second.shown.schedule);
        REQUIRE(first.schedules_corrupt > 0);
        REQUIRE(first.first_corrupt_schedule);
        CHECK(first.shown.schedule == *first.first_corrupt_schedule);
        CHECK(first.shown.outcome.corrupted);
        ModelResult again = run(trie, 3, replay(*first.first_corrupt_schedule));
        CHECK(again.shown.outcome.corrupted);
        CHECK(again.shown.schedule == *first.first_corrupt_schedule);
        CHECK(again.shown.outcome.evidence == first.shown.outcome.evidence);
    }
}

TEST_CASE("pct at depth 3 finds the trie's lost branch with 8 threads") {
    // racedemo trie-race --mode model --strategy pct --depth 3 --runs 1000 --threads 8
    const Scenario& trie = scenario_named("trie-race");
    ModelResult result = run(trie, 8, series(Strategy::pct, 1000, 1, 3));
    CHECK(result.schedules_explored == 1000);
    REQUIRE(result.schedules_corrupt > 0);
    REQUIRE(result.first_corrupt_schedule);
    CHECK(result.shown.outcome.corrupted);
    ModelResult again = run(trie, 8, replay(*result.first_corrupt_schedule));
    CHECK(again.shown.outcome.corrupted);
    CHECK(again.shown.outcome.label.rfind("lost", 0) == 0);
    MESSAGE("pct depth 3, 8 threads: " << result.schedules_corrupt << " of 1000 runs corrupt");
}

TEST_CASE("only the shown run is traced: untraced runs format nothing") {
    const Scenario counter = make_scenario<CounterTrial>("counter");
    CountedLabel::formatted = 0;
    ModelResult result = run(counter, 3, series(Strategy::random, 500, 2));
    CHECK(result.schedules_explored == 500);
    CHECK(CountedLabel::formatted == 3);  // one note per thread, in the shown run only
    CHECK(result.shown.trace.lanes == std::vector<std::string>(3, "increment"));
}

TEST_CASE("the determinism check catches a scenario that changes between executions") {
    const Scenario drifting = make_scenario<DriftingTrial>("drifting");
    DriftingTrial::executions_ = 0;
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = Reduction::none;
    try {
        run(drifting, 2, options);
        FAIL("the drifting scenario was explored as if it were deterministic");
    } catch (const racedemo::NondeterministicScenario& problem) {
        CHECK(problem.scenario == "drifting");
        CHECK(racedemo::nondeterminism_words(problem) ==
              "scenario drifting is not deterministic: replaying a schedule diverged at step 1");
    }
}

TEST_CASE("a stop request ends an exploration at the next execution, marked interrupted") {
    const Scenario& trie = scenario_named("trie-race");
    std::stop_source stop;
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = Reduction::none;
    options.stop = stop.get_token();
    std::uint64_t reported = 0;
    options.progress = [&](std::uint64_t schedules) {
        reported = schedules;
        stop.request_stop();
    };
    ModelResult result = run(trie, 3, options);
    CHECK(reported == 4096);
    CHECK(result.interrupted);
    CHECK_FALSE(result.complete);
    CHECK(result.schedules_explored == 4096);
    CHECK(total(result) == 4096);

    // The same for a series of random runs.
    ModelOptions random = series(Strategy::random, 100'000, 1);
    random.stop = stop.get_token();
    ModelResult partial = run(trie, 3, random);
    CHECK(partial.interrupted);
    CHECK(partial.schedules_explored == 0);
}
