#include "cli/model_replay.hpp"

#include <algorithm>
#include <map>
#include <variant>

#include "cli/pipeline.hpp"

namespace racedemo {
namespace {

// The fallback search: a complete exploration at 2 or 3 threads takes well under a second for
// every scenario; the budget only bounds a scenario written later.
constexpr int kMostSearchThreads = 3;
constexpr std::uint64_t kSearchBudget = 20000;

RunRequest model_request(const RunRequest& real, int threads) {
    RunRequest model = real;
    model.runner = Runner::model;
    model.threads = threads;
    model.model = ModelOptions{};
    model.quiz = model.answers = model.json = false;
    model.expect = Expectation::none;
    return model;
}

// The run `report` shows, as a replay, if it corrupts.
std::optional<ModelReplay> checked(const RunRequest& request, const RunReport& report,
                                   DamageKind kind, bool follows) {
    const ModelRun& run = std::get<ModelReport>(report.body).result.shown;
    if (!run.outcome.corrupted) return std::nullopt;
    const TraceEvent* damage = first_damage(run.trace);
    const bool same_kind = damage != nullptr && damage->damage.kind == kind;
    if (follows && !same_kind) return std::nullopt;
    return ModelReplay{command_line(replay_request(request, run.schedule)), follows, same_kind,
                       kind != DamageKind::none, run.outcome.evidence};
}

std::optional<ModelReplay> follow_observed(const RunRequest& real, const ObservedOrder& order,
                                           const Terminal& terminal) {
    if (order.schedule.empty() || order.threads < real.scenario->min_threads) return std::nullopt;
    RunRequest model = model_request(real, order.threads);
    model.model.strategy = Strategy::replay;
    model.model.schedule = order.schedule;
    try {
        return checked(model, run_request(model, terminal), order.kind, true);
    } catch (const UsageError&) {
        return std::nullopt;  // the model's threads cannot take these steps
    }
}

std::optional<ModelReplay> shortest_in_model(const RunRequest& real, const ObservedOrder& order,
                                             const Terminal& terminal) {
    const int threads = std::clamp(order.threads > 0 ? order.threads : real.threads,
                                   std::max(2, real.scenario->min_threads),
                                   std::max(kMostSearchThreads, real.scenario->min_threads));
    RunRequest model = model_request(real, threads);
    model.model.strategy = Strategy::explore;
    model.model.budget = kSearchBudget;
    const RunReport report = run_request(model, terminal);
    if (auto found = checked(model, report, order.kind, false)) return found;
    // Every schedule clean: the corruption the machine showed is one the model cannot have.
    const ModelResult& result = std::get<ModelReport>(report.body).result;
    if (!result.complete || result.schedules_corrupt > 0) return std::nullopt;
    ModelReplay none;
    none.command = command_line(model);
    none.observed_damage = order.kind != DamageKind::none;
    none.none_in_model = true;
    none.searched_threads = threads;
    return none;
}

}  // namespace

ObservedOrder observed_order(const Trace& trace) {
    const TraceEvent* damage = first_damage(trace);
    if (damage == nullptr) return {};
    const auto last = static_cast<std::size_t>(damage - trace.events.data());
    std::size_t start = last;
    for (std::size_t index = last; index-- > 0;) {
        if (trace.events[index].thread != damage->thread) continue;
        if (!same_operation(trace.events[index], *damage)) break;
        start = index;
    }
    ObservedOrder order;
    std::map<int, int> model_thread;  // real thread -> model thread
    for (std::size_t index = start; index <= last; ++index) {
        const int next = static_cast<int>(model_thread.size()) + 1;
        order.schedule.push_back(
            model_thread.try_emplace(trace.events[index].thread, next).first->second);
    }
    order.threads = static_cast<int>(model_thread.size());
    order.kind = damage->damage.kind;
    return order;
}

std::optional<ModelReplay> find_model_replay(const RunRequest& request, const TrialResult& first,
                                             const Terminal& terminal) {
    if (!first.outcome.corrupted || !first.trace || request.scenario->unsafe == nullptr)
        return std::nullopt;
    const ObservedOrder order = observed_order(*first.trace);
    if (auto followed = follow_observed(request, order, terminal)) return followed;
    return shortest_in_model(request, order, terminal);
}

}  // namespace racedemo
