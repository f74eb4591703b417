// One run's report, typed: what a runner (real, model, detector, bench) returns and what every
// reporter (text, JSON; HTML later) renders. Reporters read these, never the command line.
#pragma once

#include <string>
#include <variant>

#include "engine/model.hpp"
#include "present/report.hpp"
#include "racedemo/bench.hpp"
#include "real/detector.hpp"
#include "real/real_runner.hpp"

namespace racedemo {

enum class Runner { real, model, detector, bench };

// A run's conclusion. no_bug_found: a model search or a real run that was cut (by its budget,
// its bound, an interrupt or --max-time) before it covered everything, and found nothing: never
// to be called clean.
// deadlocked: a model run in which no thread could move while some had not finished; real
// runs of which some were stopped on a cycle of lock waits (and none went otherwise wrong).
// hung: real runs of which some gave no result before the timeout, and none showed damage or
// deadlocked: no corruption was seen, so none is claimed.
// step_bound: a model execution reached the step bound (a spin loop that nothing ends?) and
// none corrupted or deadlocked: the search stopped there, so nothing else is claimed.
enum class Verdict { corrupted, deadlocked, clean, no_bug_found, hung, step_bound };

struct RealReport {
    RealOptions options;
    RealResult result;
    std::optional<ModelReplay> model_replay;  // for the first corruption, when one was found
};

struct ModelReport {
    ModelOptions options;  // as run (the progress callback and stop token do not matter here)
    ModelResult result;
    std::string replay;       // the command line that replays the schedule the report points to
    bool full_trace = false;  // show every step, not just the damage's window
    bool time_limit_reached = false;  // --max-time, not a signal, stopped it (result.interrupted)
};

struct DetectorReport {
    int runs = 0;
    DetectorResult result;
};

struct BenchReport {
    BenchSettings settings;
    BenchTable table;
};

struct RunReport {
    RunHeader header;
    std::variant<RealReport, ModelReport, DetectorReport, BenchReport> body;
    int interrupted_by = 0;           // SIGINT, SIGTERM or SIGHUP stopped the run early
    bool time_limit_reached = false;  // --max-time stopped it early
};

Verdict verdict_of(const ModelReport& report);
Verdict verdict_of(const RealReport& report);
// corrupted, deadlocked, clean or no_bug_found; a bench measures and is always clean.
Verdict verdict_of(const RunReport& report);
// "corrupted", "deadlocked", "clean", "no-bug-found", "hung", "step-bound"
std::string_view verdict_name(Verdict verdict);
// The verdict as a report shouts it: "CORRUPTED", "NO BUG FOUND", "STEP BOUND", ...
std::string_view verdict_word(Verdict verdict);
// What the model assumes of memory, as a verdict names it.
inline constexpr std::string_view model_memory = "sequential consistency";
std::string_view name_of(Strategy strategy);    // "random", "pct", "explore", "replay"
std::string_view name_of(Reduction reduction);  // "none", "dpor", "reads-from", "auto"

// The schedule a model report points to: the first corrupting one of a random or pct series
// (else the first deadlocking one), the shortest corrupting one of an exploration (else the
// shortest deadlocking one), else the run shown.
const std::vector<int>& pointed_schedule(const ModelReport& report);

// "interrupted (SIGINT)", "stopped at the time limit (--max-time)", or "stopped".
std::string why_stopped(const RunReport& report);

// Text, for people: the heading, the interleaving, the counts, one verdict line.
std::string render_text(const RunReport& report, const Style& style);
std::string render_model(const RunHeader& header, const ModelReport& report, const Style& style);

// JSON, for programs: one document (see DESIGN.md for the fields).
nlohmann::json report_json(const RunReport& report);
void to_json(nlohmann::json& json, const RunHeader& header);
void to_json(nlohmann::json& json, const TraceEvent& event);
void to_json(nlohmann::json& json, const SearchEstimate& estimate);
void to_json(nlohmann::json& json, const Waiter& waiter);
void to_json(nlohmann::json& json, const RealReport& report);
void to_json(nlohmann::json& json, const ModelReport& report);
void to_json(nlohmann::json& json, const BenchReport& report);

}  // namespace racedemo
