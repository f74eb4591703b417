#include "present/run_report.hpp"

#include <fmt/format.h>

#include "core/overloaded.hpp"
#include "present/text.hpp"

namespace racedemo {

std::string_view verdict_word(Verdict verdict) {
    switch (verdict) {
        case Verdict::corrupted:
            return "CORRUPTED";
        case Verdict::deadlocked:
            return "DEADLOCKED";
        case Verdict::clean:
            return "CLEAN";
        case Verdict::no_bug_found:
            return "NO BUG FOUND";
        case Verdict::hung:
            return "HUNG";
        case Verdict::step_bound:
            return "STEP BOUND";
        case Verdict::misuse:
            return "MISUSE";
    }
    return "?";
}

std::string verdict_heading(Verdict verdict, const Style& style) {
    const std::string heading = fmt::format("{}:", verdict_word(verdict));
    return verdict == Verdict::clean ? style.good(heading) : style.bad(heading);
}

std::string why_stopped(const RunReport& report) {
    if (report.interrupted_by != 0)
        return fmt::format("interrupted ({})", signal_name(report.interrupted_by));
    return report.time_limit_reached ? "stopped at the time limit (--max-time)" : "stopped";
}

std::string render_report(const RunReport& report, const ReportForm& form) {
    if (form.json) return report_json(report).dump(2) + "\n";
    const std::string text = render_text(report, Style(form.color, form.width));
    // A bench fits its own words and keeps each row of its table whole (render_bench).
    if (std::holds_alternative<BenchReport>(report.body)) return text;
    return text::fit(text, static_cast<std::size_t>(form.width));
}

std::string render_text(const RunReport& report, const Style& style) {
    const RunHeader& header = report.header;
    return std::visit(
        overloaded{[&](const RealReport& real) { return render_real(header, real, style); },
                   [&](const ModelReport& model) { return render_model(header, model, style); },
                   [&](const DetectorReport& detector) {
                       return render_detector(header, detector.runs, detector.result, style);
                   },
                   [&](const BenchReport& bench) {
                       return render_bench(header, bench.settings, bench.table, style,
                                           why_stopped(report));
                   }},
        report.body);
}

}  // namespace racedemo
