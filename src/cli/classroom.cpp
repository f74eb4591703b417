#include "cli/classroom.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "present/glossary.hpp"
#include "present/lesson.hpp"
#include "present/text.hpp"

namespace racedemo {
namespace {

// Waits for Enter; false when the user typed q (or input ended).
bool wait_for_enter(std::FILE* in, std::FILE* out, std::string_view next) {
    fmt::print(out, "\n-- Enter: {} · q: quit -- ", next);
    flush_output(out);
    char line[64];
    if (std::fgets(line, sizeof line, in) == nullptr) return false;
    return !(line[0] == 'q' || line[0] == 'Q');
}

// The four runs of a scenario the walkthrough shows (only the fixed ones for a safe-only one).
std::vector<RunRequest> course_runs(const Scenario& scenario, bool fixed) {
    RunRequest real = default_run(scenario);
    real.variant = scenario.effective(fixed ? Variant::fixed : Variant::unsafe);
    RunRequest model = real;
    model.runner = Runner::model;
    model.model.strategy = Strategy::explore;
    return {real, model};
}

bool show_scenario(const WalkthroughOptions& options, const Scenario& scenario,
                   const RunPrinter& run, const std::function<bool(std::string_view)>& step,
                   std::FILE* out) {
    auto show = [&](const RunRequest& request) {
        fmt::print(out, "\n$ {}\n", command_line(request));
        run(request, out);
    };
    if (scenario.unsafe != nullptr) {
        const std::vector<RunRequest> unsafe = course_runs(scenario, false);
        if (!step("the unsafe program on real threads")) return false;
        show(unsafe[0]);
        if (!step("the same bug, step by step")) return false;
        show(unsafe[1]);
    }
    if (!step("the fixed program")) return false;
    for (const RunRequest& request : course_runs(scenario, true)) show(request);
    const Style style(options.color);
    fmt::print(out, "\n{}",
               text::fit(fmt::format("{} {}\n", style.strong("Takeaway:"), scenario.takeaway),
                         static_cast<std::size_t>(style.width())));
    return true;
}

// Where a scenario comes in the walkthrough: by number, unless it asks to follow another.
double teaching_rank(const Scenario& scenario) {
    return scenario.shown_after != 0 ? scenario.shown_after + 0.5 : scenario.number;
}

}  // namespace

std::vector<const Scenario*> walkthrough_course(const WalkthroughOptions& options) {
    std::vector<const Scenario*> course;
    const Scenario* from = find_scenario(std::to_string(options.from));
    const double from_rank = from != nullptr ? teaching_rank(*from) : options.from;
    for (const Scenario* scenario : scenarios())
        if (options.only != 0 ? scenario->number == options.only
                              : teaching_rank(*scenario) >= from_rank)
            course.push_back(scenario);
    std::stable_sort(course.begin(), course.end(), [](const Scenario* a, const Scenario* b) {
        return teaching_rank(*a) < teaching_rank(*b);
    });
    return course;
}

// The scenario's words that the course has not defined yet, each with its meaning.
std::string new_words(const Scenario& scenario, std::set<std::string_view>& defined,
                      const Style& style) {
    std::string out;
    for (const std::string_view term : scenario.terms) {
        if (term.empty() || !defined.insert(term).second) continue;
        out += text::fit(fmt::format("  {}: {}\n", style.strong(std::string(term)),
                                     glossary_meaning(term).value_or("")),
                         static_cast<std::size_t>(style.width()));
    }
    if (out.empty()) return out;
    return fmt::format("\n{}\n{}",
                       style.strong("Words used below (racedemo glossary has them all):"), out);
}

bool walkthrough(const WalkthroughOptions& options, const RunPrinter& run, std::FILE* in,
                 std::FILE* out) {
    std::set<std::string_view> defined;  // the words the course has defined so far
    const Style style(options.color);
    const std::vector<const Scenario*> course = walkthrough_course(options);
    auto step = [&](std::string_view next) {
        return !options.pause || wait_for_enter(in, out, next);
    };
    for (std::size_t index = 0; index < course.size(); ++index) {
        const Scenario& scenario = *course[index];
        fmt::print(out, "\n{}\n{}\n\n{}\n",
                   style.strong(fmt::format("=== {} of {}: {:02} {}", index + 1, course.size(),
                                            scenario.number, scenario.name)),
                   style.strong(std::string(scenario.summary)), scenario.lesson);
        fmt::print(out, "{}", new_words(scenario, defined, style));
        if (!show_scenario(options, scenario, run, step, out)) return false;
        if (index + 1 < course.size() && !step("the next scenario")) return false;
    }
    fmt::print(out, "\n{}\n", style.strong("End of the walkthrough."));
    return true;
}

}  // namespace racedemo
