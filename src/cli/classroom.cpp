#include "cli/classroom.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "present/lesson.hpp"

namespace racedemo {
namespace {

// Waits for Enter; false when the user typed q (or input ended).
bool wait_for_enter(std::FILE* in, std::FILE* out, std::string_view next) {
    fmt::print(out, "\n-- Enter: {} · q: quit -- ", next);
    std::fflush(out);
    char line[64];
    if (std::fgets(line, sizeof line, in) == nullptr) return false;
    return !(line[0] == 'q' || line[0] == 'Q');
}

int first_damage_step(const ModelRun& run) {
    for (const TraceEvent& event : run.trace.events)
        if (!event.note.empty()) return event.step;
    return 0;
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
    fmt::print(out, "\n{} {}\n", style.strong("Takeaway:"), scenario.takeaway);
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

bool walkthrough(const WalkthroughOptions& options, const RunPrinter& run, std::FILE* in,
                 std::FILE* out) {
    const Style style(options.color);
    const std::vector<const Scenario*> course = walkthrough_course(options);
    auto step = [&](std::string_view next) {
        return !options.pause || wait_for_enter(in, out, next);
    };
    for (std::size_t index = 0; index < course.size(); ++index) {
        const Scenario& scenario = *course[index];
        fmt::print(out, "\n{}\n\n{}\n",
                   style.strong(fmt::format("=== {} of {}: {:02} {} — {}", index + 1, course.size(),
                                            scenario.number, scenario.name, scenario.summary)),
                   scenario.lesson);
        if (!show_scenario(options, scenario, run, step, out)) return false;
        if (index + 1 < course.size() && !step("the next scenario")) return false;
    }
    fmt::print(out, "\n{}\n", style.strong("End of the walkthrough."));
    return true;
}

std::string quiz_questions(const RunHeader& header, const ModelRun& run, const Style& style) {
    Trace hidden = run.trace;
    for (TraceEvent& event : hidden.events) {
        if (!event.value.empty()) event.value = "?";
        event.note.clear();
    }
    std::string out = style.strong(fmt::format("{:02} {} · quiz · {} threads · schedule {}",
                                               header.scenario->number, header.scenario->name,
                                               header.threads, fmt::join(run.schedule, ","))) +
                      "\n";
    out += style.dim(" The steps of one run, in order; the values read and written are hidden.") +
           "\n";
    out += render_swimlanes(hidden, style);
    out +=
        " Q1. Does this run go wrong: damage the data, or leave threads stuck for ever? (yes or "
        "no)\n";
    out += " Q2. If it damages the data, at which step? (a step number; none: leave it empty)\n";
    return out;
}

std::string quiz_answers(const ModelRun& run, const Style& style) {
    std::string out = style.strong(" Answers:") + "\n";
    out += render_swimlanes(run.trace, style);
    const int damage = first_damage_step(run);
    std::string verdict = "no: this run is clean";
    if (run.outcome.corrupted) verdict = fmt::format("yes: {}", run.outcome.evidence);
    if (run.deadlock) verdict = fmt::format("yes, it deadlocks: {}", run.outcome.evidence);
    out += fmt::format(" A1. {}\n", verdict);
    out += fmt::format(" A2. {}\n", damage > 0 ? fmt::format("step {}", damage)
                                               : std::string("no step does damage"));
    return out;
}

std::string quiz_score(const ModelRun& run, const std::string& corrupts, const std::string& step,
                       const Style& style) {
    auto says_yes = [](const std::string& text) {
        return !text.empty() && std::tolower(static_cast<unsigned char>(text[0])) == 'y';
    };
    const int damage = first_damage_step(run);
    int typed_step = 0;
    try {
        typed_step = step.empty() ? 0 : std::stoi(step);
    } catch (const std::exception&) {
        typed_step = -1;
    }
    // A deadlock goes wrong too, though it damages nothing.
    bool first = says_yes(corrupts) == (run.outcome.corrupted || run.deadlock);
    bool second = typed_step == damage;
    return fmt::format(" Q1 {}   Q2 {}\n", first ? style.good("right") : style.bad("wrong"),
                       second ? style.good("right") : style.bad("wrong"));
}

}  // namespace racedemo
