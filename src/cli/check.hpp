// `racedemo check SCENARIO`: the autograder a course's CI runs on a student's fix. It runs the
// checks (complete explorations at 2 and 3 threads, or pct where a search is too large; real
// threads; ThreadSanitizer when its twin is installed) through the run pipeline and judges each:
// passed only when its run came to its end and found nothing. A check cut short never passes.
#pragma once

#include <cstdio>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/request.hpp"
#include "cli/terminal.hpp"
#include "present/report.hpp"

namespace racedemo {

// One check, judged.
struct CheckResult {
    std::string name;  // "explore, 2 threads", "pct, 3 threads", "real, 2 threads", ...
    bool passed = false;
    std::string detail;                 // what was run and what it found, in a short sentence
    std::optional<std::string> replay;  // a failure's model replay command, when there is one
    bool could_not_run = false;         // the machine would not run it: `detail` says why
};

// A check that could not be run here (the detector without its twin): neither passed nor failed.
struct SkippedCheck {
    std::string name;
    std::string detail;
};

struct CheckReport {
    const Scenario* scenario = nullptr;
    Variant variant = Variant::fixed;
    std::vector<CheckResult> checks;
    std::vector<SkippedCheck> skipped;
    std::vector<std::string> not_run;  // checks a signal or the time limit kept from running
    // Checks the machine would not run (a TMPDIR ThreadSanitizer cannot use, no temporary
    // directory): no verdict about the scenario, and no pass.
    std::vector<SkippedCheck> could_not_run;
    int interrupted_by = 0;           // the signal that stopped the checks, or 0
    bool time_limit_reached = false;  // --max-time stopped them

    // Every check ran and passed (a skipped one does not count either way; one that could not
    // run keeps the whole from passing).
    bool passed() const;
};

// Runs the checks of `request` in order; `on_check` hears each as soon as it is judged (the text
// output prints it then, so that a CI log shows progress). Stops at the first signal or the time
// limit: the check under way is not passed, the rest are listed as not run.
CheckReport run_checks(const CheckRequest& request, const Terminal& terminal,
                       const std::function<void(const CheckResult&)>& on_check = {});

// "explore, 2 threads: PASS — 6 schedules, every one clean", and a failure's replay line.
std::string render_check_line(const CheckResult& check, const Style& style);
// The heading, skipped and unrun checks, and the summary line (the checks' own lines excepted).
std::string render_check_heading(const CheckRequest& request);
std::string render_check_end(const CheckReport& report, const Style& style);

void to_json(nlohmann::json& json, const CheckResult& check);
void to_json(nlohmann::json& json, const SkippedCheck& skipped);
void to_json(nlohmann::json& json, const CheckReport& report);

// Runs and prints the checks; 0 when every check passed, 1 when one did not, 128 + the signal
// when interrupted.
int execute_check(const CheckRequest& request, const Terminal& terminal, std::FILE* out);

}  // namespace racedemo
