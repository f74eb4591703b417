// One run's report, typed: what a runner (real, model, detector, bench) returns and what every
// reporter (present/: text, JSON, HTML) renders, with the verdict it comes to. Reporters read
// these, never the command line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/detector_types.hpp"
#include "core/model_types.hpp"
#include "core/names.hpp"
#include "core/real_types.hpp"
#include "racedemo/bench.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// What was run, as the report heads it.
struct RunHeader {
    const Scenario* scenario = nullptr;
    Variant variant = Variant::unsafe;  // the variant that really ran
    Mode mode = Mode::real;
    int threads = 2;
    RWPolicy policy = RWPolicy::writer_preferring;  // shown for a scenario with has_rw_policy
};

// The exact counterpart of a real run's damage in the model: a schedule checked by running it.
struct ModelReplay {
    std::string command;            // racedemo ... --mode model --schedule ...
    bool follows_observed = false;  // the observed order of the steps carried over as it is
    bool same_kind = false;         // its damage is of the observed kind (see DamageKind)
    bool observed_damage = true;    // the observed steps mark a damaging step at all
    std::string evidence;           // what the model run found
    // The model finds no corrupting schedule at all: a complete search at `searched_threads`
    // threads (`command`), under sequential consistency. What the machine did lies outside it.
    bool none_in_model = false;
    int searched_threads = 0;
};

enum class Runner { real, model, detector, bench };

struct RealReport {
    RealOptions options;
    RealResult result;
    std::optional<ModelReplay> model_replay;  // for the first corruption, when one was found
    // The program that ran. Real runs that saw nothing go wrong are CLEAN for a fixed program
    // only: of an unsafe one they show only that this machine, this time, did not hit the bug.
    Variant variant = Variant::fixed;
    std::string model_search;  // unsafe: the command that searches every schedule in the model
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
Verdict detector_verdict(const DetectorResult& result);

// The schedule a model report points to: the first corrupting one of a random or pct series
// (else the first deadlocking one), the shortest corrupting one of an exploration (else the
// shortest deadlocking one), else the run shown.
const std::vector<int>& pointed_schedule(const ModelReport& report);

bool verdict_corrupt(const RealResult& result);
// Stopped before all its runs (a signal, --max-time) or with none finished: never CLEAN.
bool real_run_cut(const RealResult& result);

}  // namespace racedemo
