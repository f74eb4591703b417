#include "cli/classroom.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "cli/interrupt.hpp"
#include "cli/line_input.hpp"
#include "cli/output.hpp"
#include "present/glossary.hpp"
#include "present/lesson.hpp"
#include "present/text.hpp"
#include "real/real_runner.hpp"

namespace racedemo {
namespace {

// Waits for Enter; false when the user typed q, the input ended or a signal came.
bool wait_for_enter(LineInput& input, std::FILE* out, std::string_view next) {
    fmt::print(out, "\n");
    const std::optional<std::string> line =
        input.read(fmt::format("-- Enter: {} · q: quit --", next), true);
    return line && line->rfind('q', 0) != 0;
}

// The four runs of a scenario the walkthrough shows (only the fixed ones for a safe-only one).
std::vector<RunRequest> course_runs(const Scenario& scenario, bool fixed) {
    RunRequest real = default_run(scenario, fixed ? Variant::fixed : Variant::unsafe);
    RunRequest model = real;
    model.runner = Runner::model;
    model.model.strategy = Strategy::explore;
    return {real, model};
}

bool show_scenario(const WalkthroughOptions& options, const Scenario& scenario,
                   const RunPrinter& run, const std::function<bool(std::string_view)>& step,
                   std::FILE* out) {
    // A run cut by a signal or the time limit has printed what it had; nothing comes after it.
    auto show = [&](const RunRequest& request) {
        fmt::print(out, "\n$ {}\n", command_line(request));
        run(request, out);
        return !should_stop();
    };
    if (scenario.unsafe != nullptr) {
        const std::vector<RunRequest> unsafe = course_runs(scenario, false);
        if (!step("the unsafe program on real threads") || !show(unsafe[0])) return false;
        if (!step("the same bug, step by step") || !show(unsafe[1])) return false;
    }
    if (!step("the fixed program")) return false;
    for (const RunRequest& request : course_runs(scenario, true))
        if (!show(request)) return false;
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

// Why the walkthrough ends before its end: a signal, the time limit, or the user's q.
std::string stopped_at(const Scenario& scenario, std::size_t index, std::size_t count,
                       const Style& style) {
    const std::string where =
        fmt::format("at {} of {} ({:02} {})", index + 1, count, scenario.number, scenario.name);
    if (interrupted() != 0)
        return fmt::format("\n{} {}, {}: the scenarios after it were not shown\n",
                           style.bad("The walkthrough was interrupted"), where,
                           signal_name(interrupted()));
    if (time_is_up())
        return fmt::format("\n{} {} (--max-time): the scenarios after it were not shown\n",
                           style.bad("The walkthrough stopped at its time limit"), where);
    return fmt::format("\nThe walkthrough ends here, {}, as you asked.\n", where);
}

}  // namespace

std::vector<const Scenario*> walkthrough_course(const WalkthroughOptions& options) {
    std::vector<const Scenario*> course;
    const Scenario* from = find_scenario(std::to_string(options.from));
    const double from_rank = from != nullptr ? teaching_rank(*from) : options.from;
    for (const Scenario* scenario : scenarios())
        // The course is the built-in scenarios; a plugin's is shown when asked for (--only).
        if (options.only != 0 ? scenario->number == options.only
                              : scenario->origin.empty() && teaching_rank(*scenario) >= from_rank)
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
    LineInput input(in, out);
    auto step = [&](std::string_view next) {
        return !options.pause || wait_for_enter(input, out, next);
    };
    for (std::size_t index = 0; index < course.size(); ++index) {
        const Scenario& scenario = *course[index];
        fmt::print(out, "\n{}\n{}\n\n{}\n",
                   style.strong(fmt::format("=== {} of {}: {:02} {}", index + 1, course.size(),
                                            scenario.number, scenario.name)),
                   style.strong(std::string(scenario.summary)), scenario.lesson);
        fmt::print(out, "{}", new_words(scenario, defined, style));
        if (!show_scenario(options, scenario, run, step, out) ||
            (index + 1 < course.size() && !step("the next scenario"))) {
            fmt::print(out, "{}",
                       text::fit(stopped_at(scenario, index, course.size(), style),
                                 static_cast<std::size_t>(style.width())));
            return false;
        }
    }
    fmt::print(out, "\n{}\n", style.strong("End of the walkthrough."));
    return true;
}

}  // namespace racedemo
