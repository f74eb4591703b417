// racedemo's own costs: the model scheduler, a traced step in real mode, a child trial.
#include <benchmark/benchmark.h>

#include "engine/model.hpp"
#include "real/real_runner.hpp"
#include "real/real_trace.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

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
        TrialResult result = run_rounds(map, Variant::unsafe, map.default_threads, 1, traced, 1e9);
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
