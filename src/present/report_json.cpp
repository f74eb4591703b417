// JSON of the typed reports: one to_json beside each type, found by nlohmann through ADL.
#include "core/sanitizers.hpp"
#include "present/misuse.hpp"
#include "present/run_report.hpp"
#include "present/waits.hpp"

namespace racedemo {
namespace {

template <class T>
nlohmann::json nullable(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json outcomes_json(const Histogram& histogram) {
    nlohmann::json outcomes = nlohmann::json::object();
    for (const auto& [label, count] : histogram.rows) outcomes[label] = count;
    return outcomes;
}

nlohmann::json trace_json(const std::optional<TrialResult>& first_bad) {
    if (!first_bad || !first_bad->trace) return nlohmann::json::array();
    return first_bad->trace->events;
}

// The fields a model run shares with a real one, so that one reader handles both.
void shared_model_fields(nlohmann::json& json, const ModelReport& report) {
    const ModelResult& result = report.result;
    json["runs"] = result.schedules_explored;
    json["verdict"] = name_of(verdict_of(report));
    json["outcomes"] = result.outcomes;
    json["corrupted_runs"] = result.schedules_corrupt;
    json["crashed_runs"] = 0;
    json["hung_runs"] = 0;
    json["deadlocked_runs"] = result.schedules_deadlocked;
    json["first_corruption_ms"] = nullptr;
    json["evidence"] = result.shown.outcome.evidence;
    json["steps"] = result.steps;
    json["elapsed_ms"] = result.elapsed_ms;
    json["interrupted"] = result.interrupted;
}

void strategy_fields(nlohmann::json& json, const ModelOptions& options) {
    const bool series = options.strategy == Strategy::random || options.strategy == Strategy::pct;
    json["strategy"] = name_of(options.strategy);
    json["seed"] = options.seed;
    json["runs_requested"] = series ? nlohmann::json(options.runs) : nlohmann::json(nullptr);
    json["depth"] = options.strategy == Strategy::pct ? nlohmann::json(options.pct_depth) : nullptr;
    json["reduction_requested"] = name_of(options.reduction);
    json["max_steps"] = options.max_steps;
    json["preemption_bound"] =
        options.preemption_bound >= 0 ? nlohmann::json(options.preemption_bound) : nullptr;
}

// A run cut at the step bound: who ran on, what it repeats, and its last steps only (the
// whole trace would be the bound's length).
void bound_fields(nlohmann::json& json, const ModelRun& run) {
    constexpr std::size_t kLastSteps = 1000;
    const std::vector<TraceEvent>& events = run.trace.events;
    const std::size_t omitted =
        run.bounded && events.size() > kLastSteps ? events.size() - kLastSteps : 0;
    json["trace"] = std::vector<TraceEvent>(events.begin() + static_cast<std::ptrdiff_t>(omitted),
                                            events.end());
    json["trace_omitted_steps"] = omitted;
    json["bound"] = nullptr;
    if (!run.bounded) return;
    std::vector<TraceEvent> round;
    for (const TraceEvent* step : repeated_steps(run.trace, run.bound_thread))
        round.push_back(*step);
    json["bound"] = {
        {"thread", run.bound_thread}, {"thread_steps", run.bound_thread_steps}, {"repeats", round}};
}

}  // namespace

void to_json(nlohmann::json& json, const RunHeader& header) {
    json["scenario"] = header.scenario->name;
    json["number"] = header.scenario->number;
    json["variant"] = fmt::format("{}", header.variant);
    json["mode"] = fmt::format("{}", header.mode);
    json["threads"] = header.threads;
    if (header.scenario->has_rw_policy) json["policy"] = fmt::format("{}", header.policy);
}

void to_json(nlohmann::json& json, const TraceEvent& event) {
    json = {{"step", event.step},
            {"thread", event.thread},
            {"op", op_name(event.op)},
            {"target", event.target},
            {"value", shown_value(event)},
            {"operation", event.operation},
            {"note", damage_note(event.damage)},
            {"waits", event.waits},
            {"contents", event.contents}};
}

void to_json(nlohmann::json& json, const SearchEstimate& estimate) {
    json = {{"schedules", estimate.schedules}, {"seconds", estimate.seconds}};
}

void to_json(nlohmann::json& json, const Misuse& misuse) {
    json = {{"kind", name_of(misuse.kind)},
            {"thread", misuse.thread},
            {"object", misuse.object},
            {"holder", misuse.holder > 0 ? nlohmann::json(misuse.holder) : nlohmann::json()},
            {"step", misuse.step > 0 ? nlohmann::json(misuse.step) : nlohmann::json()},
            {"text", describe_misuse(misuse)},
            {"rule", misuse_rule(misuse.kind)}};
}

void to_json(nlohmann::json& json, const RealReport& report) {
    const RealResult& result = report.result;
    json["runs"] = result.runs_done;
    json["runs_requested"] = report.options.runs;
    json["verdict"] = name_of(verdict_of(report));
    json["outcomes"] = outcomes_json(result.outcomes);
    json["corrupted_runs"] = result.corrupted_runs;
    json["crashed_runs"] = result.crashed_runs;
    json["hung_runs"] = result.hung_runs;
    json["deadlocked_runs"] = result.deadlocked_runs;
    json["first_deadlock_run"] = nullable(result.first_deadlock_run);
    json["wait_for"] =
        result.first_deadlock ? result.first_deadlock->wait_for : std::vector<Waiter>{};
    json["deadlock_evidence"] =
        result.first_deadlock
            ? deadlock_evidence(result.first_deadlock->wait_for, result.first_deadlock->finished)
            : std::string();
    json["failed_runs"] = result.failed_runs;
    // Not among the runs: the machine refused them their process, threads or memory.
    json["failed_to_start"] = result.failed_to_start;
    json["failed_to_start_reason"] =
        result.failed_to_start > 0 ? nlohmann::json(result.start_failure) : nlohmann::json();
    json["failed_to_start_reasons_vary"] = result.start_failures_vary;
    json["rounds"] = result.rounds_total;
    json["cores"] = result.cores;
    const NoiseSettings& noise = report.options.noise;
    json["noise"] = {{"on", noise.on},
                     {"one_step_in", noise.one_in},
                     {"longest_pause_us", noise.longest_pause_us}};
#if defined(RACEDEMO_TSAN)
    json["thread_sanitizer"] = true;  // the detector's twin: its parent checks that it is one
#endif
    json["elapsed_ms"] = result.elapsed_ms;
    json["interrupted"] = result.interrupted_by != 0;
    json["timeout_seconds"] = report.options.timeout_seconds;
    json["first_corruption_ms"] = nullable(result.first_corruption_ms);
    json["first_corrupt_run"] = nullable(result.first_corrupt_run);
    json["evidence"] = result.first_bad ? result.first_bad->outcome.evidence : "";
    json["trace"] = trace_json(result.first_bad);
    json["deadlock_trace"] = trace_json(result.first_deadlock);
    json["order_is_approximate"] = true;  // cross-core timestamps: see the text report
    if (result.misused_runs > 0) {  // only then: the fields of a run without one stay as they were
        json["misused_runs"] = result.misused_runs;
        json["first_misuse_run"] = nullable(result.first_misuse_run);
        if (result.first_misuse && result.first_misuse->misuse)
            json["misuse"] = *result.first_misuse->misuse;
        json["evidence"] = result.first_misuse ? result.first_misuse->outcome.evidence : "";
    }
    json["model_replay"] = nullptr;
    if (report.model_replay)
        json["model_replay"] = {{"command", report.model_replay->command},
                                {"follows_observed_order", report.model_replay->follows_observed},
                                {"same_kind", report.model_replay->same_kind},
                                {"observed_damage", report.model_replay->observed_damage},
                                {"evidence", report.model_replay->evidence},
                                {"none_in_model", report.model_replay->none_in_model}};
}

void to_json(nlohmann::json& json, const Waiter& waiter) {
    json = {{"thread", waiter.thread},
            {"holds", waiter.holds},
            {"waits_for", waiter.waits_for},
            {"held_by", waiter.held_by},
            {"writer_queued", waiter.writer_queued},
            {"op", op_name(waiter.op)},
            {"reason", cause_words(waiter.cause)}};
}

void to_json(nlohmann::json& json, const ModelReport& report) {
    const ModelResult& result = report.result;
    shared_model_fields(json, report);
    strategy_fields(json, report.options);
    json["schedules_explored"] = result.schedules_explored;
    json["schedules_corrupt"] = result.schedules_corrupt;
    json["schedules_deadlocked"] = result.schedules_deadlocked;
    json["schedules_bounded"] = result.schedules_bounded;
    // What ran: automatic names the search that answered; reads-from under a bound is dpor.
    json["reduction"] = report.options.strategy == Strategy::explore
                            ? nlohmann::json(name_of(result.reduction))
                            : nlohmann::json(nullptr);
    json["other_executions"] = result.other_executions;
    json["memory_model"] = model_memory;
    json["executions"] = result.executions;  // with those stopped early at an explored state
    json["complete"] = result.complete;
    json["schedule"] = pointed_schedule(report);
    json["shortest_schedule"] = nullable(result.shortest_schedule);
    json["first_corrupt_schedule"] = nullable(result.first_corrupt_schedule);
    json["shortest_deadlock_schedule"] = nullable(result.shortest_deadlock_schedule);
    json["first_deadlock_schedule"] = nullable(result.first_deadlock_schedule);
    json["estimate"] = nullable(result.estimate);
    json["preemptions"] = result.shown.preemptions;
    json["deadlock"] = result.shown.deadlock;
    if (result.schedules_misused > 0) json["schedules_misused"] = result.schedules_misused;
    if (result.shown.misuse) json["misuse"] = *result.shown.misuse;
    if (result.shown.deadlock) {
        json["wait_for"] = result.shown.wait_for;
        // Locks held by threads that have finished: no one will ever release them.
        json["abandoned_locks"] = nlohmann::json::array();
        for (const TraceAbandoned& abandoned : result.shown.trace.abandoned)
            json["abandoned_locks"].push_back(
                {{"thread", abandoned.thread}, {"lock", abandoned.lock}});
    }
    json["lock_order_inversions"] = nlohmann::json::array();
    for (const LockOrderInversion& cycle : result.lock_order_inversions)
        json["lock_order_inversions"].push_back(
            {{"locks", cycle.locks}, {"threads", cycle.threads}});
    json["replay"] = report.replay;
    bound_fields(json, result.shown);
}

nlohmann::json report_json(const RunReport& report) {
    nlohmann::json json = report.header;
    std::visit(
        [&](const auto& body) {
            // The detector's JSON is written beside its parser (src/real/detector.cpp).
            if constexpr (std::is_same_v<std::decay_t<decltype(body)>, DetectorReport>)
                json = detector_json(report.header, body.runs, body.result);
            else
                to_json(json, body);
        },
        report.body);
    // Every mode says the same about how it stopped: a run cut short is never taken as whole.
    json["interrupted"] = report.interrupted_by != 0;
    json["signal"] = report.interrupted_by != 0
                         ? nlohmann::json(std::string(signal_name(report.interrupted_by)))
                         : nlohmann::json(nullptr);
    json["time_limit_reached"] = report.time_limit_reached;
    return json;
}

}  // namespace racedemo
