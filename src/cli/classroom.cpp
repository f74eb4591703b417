#include "cli/classroom.hpp"

#include <fmt/format.h>

#include <cctype>

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

}  // namespace

bool walkthrough(const WalkthroughOptions& options, const CommandRunner& run, std::FILE* in,
                 std::FILE* out) {
    const Style style(options.color);
    std::vector<const Scenario*> course;
    for (const Scenario* scenario : scenarios())
        if (options.only != 0 ? scenario->number == options.only : scenario->number >= options.from)
            course.push_back(scenario);

    const std::string color = options.color ? "always" : "never";
    auto step = [&](std::string_view next) {
        return !options.pause || wait_for_enter(in, out, next);
    };
    for (std::size_t index = 0; index < course.size(); ++index) {
        const Scenario& scenario = *course[index];
        const std::string name(scenario.name);
        fmt::print(out, "\n{}\n\n{}\n",
                   style.strong(fmt::format("=== {} of {}: {:02} {} — {}", index + 1, course.size(),
                                            scenario.number, name, scenario.summary)),
                   scenario.lesson);
        if (scenario.unsafe != nullptr) {
            if (!step("the unsafe program on real threads")) return false;
            fmt::print(out, "\n$ racedemo {}\n", name);
            run({name, "--color", color}, out);
            if (!step("the same bug, step by step")) return false;
            fmt::print(out, "\n$ racedemo {} --mode model --explore\n", name);
            run({name, "--mode", "model", "--explore", "--color", color}, out);
        }
        if (!step("the fixed program")) return false;
        fmt::print(out, "\n$ racedemo {} --fixed\n", name);
        run({name, "--fixed", "--color", color}, out);
        fmt::print(out, "\n$ racedemo {} --fixed --mode model --explore\n", name);
        run({name, "--fixed", "--mode", "model", "--explore", "--color", color}, out);
        fmt::print(out, "\n{} {}\n", style.strong("Takeaway:"), scenario.takeaway);
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
    out += " Q1. Does this run damage the data structure? (yes or no)\n";
    out += " Q2. If it does, at which step is the damage done? (a step number)\n";
    return out;
}

std::string quiz_answers(const ModelRun& run, const Style& style) {
    std::string out = style.strong(" Answers:") + "\n";
    out += render_swimlanes(run.trace, style);
    const int damage = first_damage_step(run);
    out += fmt::format(" A1. {}\n", run.outcome.corrupted
                                        ? fmt::format("yes: {}", run.outcome.evidence)
                                        : std::string("no: this run is clean"));
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
    bool first = says_yes(corrupts) == run.outcome.corrupted;
    bool second = typed_step == damage;
    return fmt::format(" Q1 {}   Q2 {}\n", first ? style.good("right") : style.bad("wrong"),
                       second ? style.good("right") : style.bad("wrong"));
}

}  // namespace racedemo
