// racedemo's own costs: the model scheduler, a traced step in real mode, a child trial.
#include <benchmark/benchmark.h>

#include "engine/model.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"
#include "real/real_runner.hpp"
#include "real/real_trace.hpp"

namespace {

using namespace racedemo;

// Whole explorations of the trie; counters: schedules and steps per second.
void BM_ModelExplore(benchmark::State& state) {
    const Scenario& trie = *find_scenario("trie-race");
    const bool fixed = state.range(1) != 0;
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = state.range(2) != 0 ? Reduction::dpor : Reduction::none;
    options.budget = 200'000;
    TrialConfig config{static_cast<int>(state.range(0)), true};
    std::uint64_t schedules = 0, steps = 0;
    for (auto _ : state) {
        ModelResult result =
            run_model(trie, fixed ? Variant::fixed : Variant::unsafe, config, options);
        schedules += result.schedules_explored;
        steps += result.steps;
    }
    state.counters["schedules/s"] =
        benchmark::Counter(double(schedules), benchmark::Counter::kIsRate);
    state.counters["steps/s"] = benchmark::Counter(double(steps), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ModelExplore)
    ->ArgNames({"threads", "fixed", "dpor"})
    ->Args({2, 0, 0})
    ->Args({2, 0, 1})
    ->Args({3, 0, 1})
    ->Args({3, 1, 1})
    ->Args({3, 0, 0})
    ->Unit(benchmark::kMillisecond);

// Model steps per second of each scenario: 20,000 random schedules at 3 threads in one
// run_model call, as `racedemo NAME --mode model --strategy random --runs 20000 --threads 3`.
// The engine's target: at least 10 M steps/s everywhere, no scenario 3x slower than the fastest.
void BM_ModelRandom(benchmark::State& state, const char* name) {
    const Scenario& scenario = *find_scenario(name);
    ModelOptions options;
    options.strategy = Strategy::random;
    options.runs = 20'000;
    TrialConfig config{3, true};
    std::uint64_t steps = 0;
    for (auto _ : state) {
        options.seed = static_cast<std::uint64_t>(state.iterations()) + 1;
        steps += run_model(scenario, Variant::unsafe, config, options).steps;
    }
    state.counters["steps/s"] = benchmark::Counter(double(steps), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_ModelRandom, unsafe_map, "unsafe-map")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, mutex_map, "mutex-map")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, trie_race, "trie-race")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, stack, "stack")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, rwmutex_cache, "rwmutex-cache")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, counter, "counter")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, job_queue, "job-queue")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, lock_order, "lock-order")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, early_return, "early-return")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, rwmutex_recursive, "rwmutex-recursive")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelRandom, read_only, "read-only")->Unit(benchmark::kMillisecond);

// The same scenarios explored without reduction: the first 20,000 schedules at 3 threads.
void BM_ModelExploreAll(benchmark::State& state, const char* name) {
    const Scenario& scenario = *find_scenario(name);
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = Reduction::none;
    options.budget = 20'000;
    TrialConfig config{3, true};
    std::uint64_t steps = 0;
    for (auto _ : state) steps += run_model(scenario, Variant::unsafe, config, options).steps;
    state.counters["steps/s"] = benchmark::Counter(double(steps), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_ModelExploreAll, unsafe_map, "unsafe-map")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelExploreAll, trie_race, "trie-race")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelExploreAll, stack, "stack")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ModelExploreAll, rwmutex_cache, "rwmutex-cache")
    ->Unit(benchmark::kMillisecond);

// One load and one store of a shared cell: plain, and recorded by the real-mode tracer.
void BM_SharedStep(benchmark::State& state) {
    RoundRecorder recorder(1);
    const bool traced = state.range(0) != 0;
    RuntimeScope scope(traced ? recorder.runtime_for(0) : nullptr);
    Shared<int> cell{"x", 0};
    int rounds = 0;
    for (auto _ : state) {
        cell.store(cell.load() + 1);
        if (++rounds == 1000) {  // a real round records far fewer steps than this
            state.PauseTiming();
            recorder.clear();
            rounds = 0;
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations() * 2);  // items: recorded events
}
BENCHMARK(BM_SharedStep)->ArgNames({"traced"})->Arg(0)->Arg(1);

// One round of the unsafe map in-process, as the first round of `racedemo unsafe-map --runs 1`
// runs it: untraced, and traced (which, when the round is corrupted, includes collecting and
// analysing its trace). Counter: the share of rounds that came out corrupted.
void BM_MapRound(benchmark::State& state) {
    const Scenario& map = *find_scenario("unsafe-map");
    const bool traced = state.range(0) != 0;
    std::int64_t corrupted = 0;
    for (auto _ : state) {
        TrialResult result =
            run_rounds(map, Variant::unsafe, TrialConfig{map.default_threads}, 1, traced, 1e9);
        corrupted += result.outcome.corrupted;
    }
    state.counters["corrupted"] = double(corrupted) / double(state.iterations());
}
BENCHMARK(BM_MapRound)->ArgNames({"traced"})->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The fixed cost of one real trial: fork, one round of an empty trial, report, reap.
class EmptyTrial final : public Trial {
  public:
    explicit EmptyTrial(const TrialConfig&) {}
    void actor(int) override {}
    Outcome arbiter() override { return Outcome::clean(); }
};

void BM_ChildTrial(benchmark::State& state) {
    Scenario empty;
    empty.name = "empty";
    empty.rounds = 1;
    empty.fixed = make_trial<EmptyTrial>;
    RealOptions options;
    options.runs = 1;
    options.threads = static_cast<int>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(run_real(empty, Variant::fixed, options));
}
BENCHMARK(BM_ChildTrial)
    ->ArgNames({"threads"})
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
