// Reports: what a person reads (text, swimlanes, colour on a terminal) and what a program
// reads (one JSON document). Reports know the engine's results, never a scenario's internals.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/run_report.hpp"

namespace racedemo {

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

std::string render_real(const RunHeader& header, const RealReport& real, const Style& style);
// Swimlanes: one column per thread, time going down, damage marked.
std::string render_swimlanes(const Trace& trace, const Style& style);
// One step as a lane shows it: "read  hits -> 0", "lock mu: waits for T1".
std::string step_text(const TraceEvent& event);
// The damage a step does, in words: "overwrites n2 written by T2 at step 3" (empty: none).
std::string damage_note(const Damage& damage);
// Whom a wait step waits for: "T1", "T2 and T3", "T3, a queued writer" (empty: nobody named).
std::string wait_words(const TraceEvent& event);
// What a step shows as its value: the value read or written; a wait, whom it waits for.
std::string shown_value(const TraceEvent& event);

// Two variants of a --bench row whose times are within this factor of each other tie.
constexpr double kBenchTie = 1.10;

// A --bench table: the grid, a winner (or a tie) and a bar per row, and where each variant
// loses. The JSON names each row's "winner": a variant, or "tie".
// `why_cut`: why a table cut short stopped ("interrupted (SIGINT)"), for its note. Its words
// are fitted to the style's width; each line of the table stays whole, however wide.
std::string render_bench(const RunHeader& header, const BenchSettings& settings,
                         const BenchTable& table, const Style& style,
                         std::string_view why_cut = "stopped");
nlohmann::json bench_json(const RunHeader& header, const BenchSettings& settings,
                          const BenchTable& table);

}  // namespace racedemo
