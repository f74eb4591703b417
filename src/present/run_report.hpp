// The reporters of one run's report (core/run_report.hpp): text for people, JSON for programs.
#pragma once

#include <string>
#include <variant>

#include "core/run_report.hpp"
#include "present/report.hpp"

namespace racedemo {

// The verdict as a report shouts it: "CORRUPTED", "NO BUG FOUND", "STEP BOUND", ...
std::string_view verdict_word(Verdict verdict);
// "CORRUPTED:", as a verdict line begins: in the good colour for CLEAN, the bad one otherwise.
std::string verdict_heading(Verdict verdict, const Style& style);
// What the model assumes of memory, as a verdict names it.
inline constexpr std::string_view model_memory = "sequential consistency";

// "interrupted (SIGINT)", "stopped at the time limit (--max-time)", or "stopped".
std::string why_stopped(const RunReport& report);

// How a report is to be rendered: JSON, or text (in colour or not) for a screen of `width`.
struct ReportForm {
    bool json = false;
    bool color = false;
    int width = 80;
};
// The whole report in that form: one JSON document, or the text fitted to the width (but for
// the rows of a bench table, each one line however wide).
std::string render_report(const RunReport& report, const ReportForm& form);

// Text, for people: the heading, the interleaving, the counts, one verdict line.
std::string render_text(const RunReport& report, const Style& style);
std::string render_model(const RunHeader& header, const ModelReport& report, const Style& style);

// A run under ThreadSanitizer (--detector tsan): its text and its JSON.
std::string render_detector(const RunHeader& header, int runs, const DetectorResult& result,
                            const Style& style);
nlohmann::json detector_json(const RunHeader& header, int runs, const DetectorResult& result);

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
