// What a scenario is, and the registry that scenarios join by themselves.
//
// A scenario is a jcstress-style test: a fresh Trial holds the shared state, one actor per
// thread runs against it, and when all actors are done the arbiter judges what happened.
// The engine decides how actors run (real threads, or virtual threads under the model
// scheduler); the scenario never knows which, nor how its outcome will be printed.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "racedemo/bench.hpp"
#include "racedemo/shared_state.hpp"

// The version of the scenario API these headers describe. racedemo refuses a plugin built
// against headers of another version (the layout of Scenario or Trial may differ).
#ifndef RACEDEMO_API_VERSION
#define RACEDEMO_API_VERSION 1
#endif

namespace racedemo {

inline constexpr int kApiVersion = RACEDEMO_API_VERSION;

enum class Variant { unsafe, fixed };

namespace detail {
inline thread_local bool evidence_wanted = true;
}

// Whether the evidence of the outcome being judged will be read. A series of model executions
// only counts labels (and runs the one it shows again, traced), so it spares arbiters the
// formatting of thousands of evidence texts nobody reads.
inline bool evidence_wanted() {
    return detail::evidence_wanted;
}

// What one execution of a scenario came to.
struct Outcome {
    std::string label;  // histogram bucket: "clean", "lost key", "double pop", ...
    bool corrupted = false;
    std::string evidence;  // the specifics: `lost key "git"`

    static Outcome clean() { return {"clean", false, {}}; }
    static Outcome corrupt(std::string label, std::string evidence) {
        return {std::move(label), true, std::move(evidence)};
    }
    // The evidence made only when it will be read: `make_evidence()` returns its text.
    template <class MakeEvidence>
    requires std::is_invocable_r_v<std::string, MakeEvidence&>
    static Outcome corrupt(std::string label, MakeEvidence&& make_evidence) {
        return {std::move(label), true, evidence_wanted() ? make_evidence() : std::string()};
    }
};

// The label of an outcome with several kinds of damage: the kinds found, joined by " + "
// ("lost write + torn write"). Plain appends: a series judges thousands of executions.
inline std::string label_of(std::initializer_list<std::pair<bool, std::string_view>> kinds) {
    std::string label;
    for (const auto& [found, kind] : kinds) {
        if (!found) continue;
        if (!label.empty()) label += " + ";
        label += kind;
    }
    return label;
}

// Sets evidence_wanted() for the arbiter about to run on this thread.
class EvidenceScope {
  public:
    explicit EvidenceScope(bool wanted) : previous_(detail::evidence_wanted) {
        detail::evidence_wanted = wanted;
    }
    ~EvidenceScope() { detail::evidence_wanted = previous_; }
    EvidenceScope(const EvidenceScope&) = delete;
    EvidenceScope& operator=(const EvidenceScope&) = delete;

  private:
    bool previous_;
};

// How a trial is to be built: model mode asks for a small workload that exploration can cover.
struct TrialConfig {
    int threads = 2;
    bool model = false;
    // For a scenario that offers --policy: the policy its reader/writer lock is built with.
    RWPolicy policy = RWPolicy::writer_preferring;
};

// One instance of a scenario's shared state and the work of its threads.
class Trial {
  public:
    virtual ~Trial() = default;
    // The body of thread `thread` (0-based). Runs concurrently with the other actors.
    virtual void actor(int thread) = 0;
    // Runs alone after every actor has returned: judges the final state.
    virtual Outcome arbiter() = 0;
    // Optional: puts the shared state back as a new trial would have it and returns true, so
    // that the model runs its next execution on this trial instead of building another (a
    // search runs millions). The default, false, has a trial built for every execution.
    virtual bool reset() { return false; }
};

using TrialFactory = std::unique_ptr<Trial> (*)(const TrialConfig&);

template <class T>
std::unique_ptr<Trial> make_trial(const TrialConfig& config) {
    return std::make_unique<T>(config);
}

// A scenario declares its own settings, next to its code.
struct Scenario {
    int number = 0;
    std::string_view name;
    std::string_view summary;   // one line, for `racedemo list`
    std::string_view lesson;    // what goes wrong, why, and the fix (for `explain`)
    std::string_view takeaway;  // the one line to remember
    // Glossary words the scenario's output uses: the walkthrough defines each where the course
    // first meets it (racedemo glossary has them all).
    std::array<std::string_view, 8> terms{};
    int default_threads = 2;
    int min_threads = 1;
    int rounds = 2000;              // real mode: repetitions in one trial before it is judged clean
    TrialFactory unsafe = nullptr;  // null when the scenario only has a safe program
    TrialFactory fixed = nullptr;
    std::string_view fixed_note;  // how --fixed relates to another scenario, if it does
    // What --fixed changes when it is not the lock lines (whose lock is NoLock in the unsafe
    // variant): `explain` then shows the code once, with this sentence, and marks no line.
    std::string_view fix;
    BenchFunction bench = nullptr;  // `--bench`: a throughput measurement, where it has one
    // What the trial's setup does before any of its threads starts ("m is filled with keys 0
    // and 1"), as the model's trace shows it first; a thread's start orders it before all the
    // thread does. Empty: nothing worth showing.
    std::string_view before_threads;
    int shown_after = 0;  // the walkthrough shows it right after this scenario (0: by number)
    // It builds its reader/writer lock with TrialConfig::policy: it offers --policy.
    bool has_rw_policy = false;
    std::string_view source_file;  // set by registration: the demo file that defines it
    // Set by registration: empty for a built-in scenario, the file of the plugin it came from.
    // A plugin's scenarios are numbered after the built-ins, whatever `number` they declare.
    std::string_view origin;

    TrialFactory factory(Variant variant) const {
        return variant == Variant::unsafe && unsafe != nullptr ? unsafe : fixed;
    }
    // The variant a run of `variant` really executes (a safe-only scenario is always fixed).
    Variant effective(Variant variant) const {
        return unsafe == nullptr ? Variant::fixed : variant;
    }
};

// All scenarios, sorted by number.
const std::vector<const Scenario*>& scenarios();
// By number ("3") or name ("trie-race"); null when there is no such scenario.
const Scenario* find_scenario(std::string_view key);
// The registered name closest to `key`, for "did you mean"; empty when none is close.
std::string_view closest_scenario_name(std::string_view key);

// A static ScenarioRegistration in a demo file adds its scenario before main runs; in a plugin,
// when racedemo loads it. `api_version` is the version the file was compiled against.
struct ScenarioRegistration {
    explicit ScenarioRegistration(const Scenario& scenario, int api_version = RACEDEMO_API_VERSION,
                                  std::source_location where = std::source_location::current());
};

// A source file a plugin embeds (racedemo_add_scenario does it), so that `racedemo explain`
// shows the regions between "// lesson:begin" and "// lesson:end" of a plugin's scenario too.
// RACEDEMO_PLUGIN_SOURCES exports them.
struct SourceText {
    std::string_view name;  // the file's name, without its directory
    std::string_view text;
};

}  // namespace racedemo

#define RACEDEMO_CONCAT_INNER(a, b) a##b
#define RACEDEMO_CONCAT(a, b) RACEDEMO_CONCAT_INNER(a, b)
// A plugin's entry point: racedemo_add_scenario (the CMake package) puts it in every plugin.
// racedemo asks it which API version the plugin was built for before taking its scenarios.
#define RACEDEMO_PLUGIN_ENTRY()                                                           \
    extern "C" __attribute__((visibility("default"))) int racedemo_plugin_api_version() { \
        return RACEDEMO_API_VERSION;                                                      \
    }
// The embedded sources of a plugin (an array of SourceText), exported for racedemo to read:
// racedemo_add_scenario writes its use.
#define RACEDEMO_PLUGIN_SOURCES(array)                                              \
    extern "C" __attribute__((visibility("default"))) const ::racedemo::SourceText* \
    racedemo_plugin_sources(int* count) {                                           \
        *count = static_cast<int>(sizeof(array) / sizeof((array)[0]));              \
        return array;                                                               \
    }
// Registers a scenario defined in this file: RACEDEMO_SCENARIO({.number = 3, ...});
#define RACEDEMO_SCENARIO(...)                                                                    \
    static const ::racedemo::ScenarioRegistration RACEDEMO_CONCAT(racedemo_scenario_, __LINE__) { \
        ::racedemo::Scenario __VA_ARGS__                                                          \
    }
