// Reports: what a person reads (text, swimlanes, colour on a terminal) and what a program
// reads (one JSON document). Reports know the engine's results, never a scenario's internals.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/model.hpp"
#include "racedemo/bench.hpp"
#include "racedemo/scenario.hpp"
#include "real/real_runner.hpp"

namespace racedemo {

enum class Mode { real, model };

// What was run, as the report heads it.
struct RunHeader {
    const Scenario* scenario = nullptr;
    Variant variant = Variant::unsafe;  // the variant that really ran
    Mode mode = Mode::real;
    int threads = 2;
    RWPolicy policy = RWPolicy::writer_preferring;  // shown for a scenario with has_rw_policy
};

// Text styling: plain unless colour was asked for (a terminal, --color always), and the width
// of the screen a report is drawn for. Both are decided once, where the terminal is looked at.
class Style {
  public:
    explicit Style(bool color, int width = 80) : color_(color), width_(width) {}
    bool color() const { return color_; }
    int width() const { return width_; }
    std::string bad(std::string_view text) const;                 // CORRUPTED, damage marks
    std::string good(std::string_view text) const;                // CLEAN
    std::string strong(std::string_view text) const;              // headings
    std::string dim(std::string_view text) const;                 // step numbers, hints
    std::string thread(int thread, std::string_view text) const;  // a lane's own colour

  private:
    bool color_;
    int width_;
};

// The exact counterpart of a real run's damage in the model: a schedule checked by running it.
struct ModelReplay {
    std::string command;            // racedemo ... --mode model --schedule ...
    bool follows_observed = false;  // the observed order of the steps carried over as it is
    bool same_kind = false;         // its damage is of the observed kind (see DamageKind)
    bool observed_damage = true;    // the observed steps mark a damaging step at all
    std::string evidence;           // what the model run found
};

std::string render_real(const RunHeader& header, const RealOptions& options,
                        const RealResult& result, const Style& style,
                        const std::optional<ModelReplay>& replay = std::nullopt);
// Swimlanes: one column per thread, time going down, damage marked.
std::string render_swimlanes(const Trace& trace, const Style& style);
// One step as a lane shows it: "read  hits -> 0", "lock mu: waits for T1".
std::string step_text(const TraceEvent& event);

// Two variants of a --bench row whose times are within this factor of each other tie.
constexpr double kBenchTie = 1.10;

// A --bench table: the grid, a winner (or a tie) and a bar per row, and where each variant
// loses. The JSON names each row's "winner": a variant, or "tie".
// `why_cut`: why a table cut short stopped ("interrupted (SIGINT)"), for its note.
std::string render_bench(const RunHeader& header, const BenchSettings& settings,
                         const BenchTable& table, const Style& style,
                         std::string_view why_cut = "stopped");
nlohmann::json bench_json(const RunHeader& header, const BenchSettings& settings,
                          const BenchTable& table);

bool verdict_corrupt(const RealResult& result);
// Stopped before all its runs (a signal, --max-time) or with none finished: never CLEAN.
bool real_run_cut(const RealResult& result);

}  // namespace racedemo

template <>
struct fmt::formatter<racedemo::Variant> : fmt::formatter<std::string_view> {
    auto format(racedemo::Variant variant, format_context& context) const {
        return fmt::formatter<std::string_view>::format(
            variant == racedemo::Variant::unsafe ? "unsafe" : "fixed", context);
    }
};

template <>
struct fmt::formatter<racedemo::Mode> : fmt::formatter<std::string_view> {
    auto format(racedemo::Mode mode, format_context& context) const {
        return fmt::formatter<std::string_view>::format(
            mode == racedemo::Mode::real ? "real" : "model", context);
    }
};
