// The lesson of a scenario: its text, and its own code with the lines the fix adds marked.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "present/report.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// The code between "// lesson:begin" and "// lesson:end" markers of a scenario's file (or of
// a demo header it includes), dedented; separate regions are joined by a "..." line.
struct LessonCode {
    std::string file;
    std::vector<std::string> lines;
};
std::optional<LessonCode> lesson_code(const Scenario& scenario);

// The sources plugin `origin` embeds, for the lessons of its scenarios.

// A line only the fixed variant executes: it takes a lock (a guard) or declares the lock.
// In the unsafe variant `Lock` is NoLock, so these lines do nothing there.
bool is_lock_line(std::string_view line);

// `racedemo explain`: the lesson, then the code, lines of the fix marked with "+".
std::string render_explain(const Scenario& scenario, const Style& style);

// The page docs/scenarios/ holds: the lesson, the unsafe and the fixed code one after the
// other, and real output of the commands in `runs` (command line, what it printed).
std::string render_explain_markdown(const Scenario& scenario,
                                    const std::vector<std::pair<std::string, std::string>>& runs);

}  // namespace racedemo
