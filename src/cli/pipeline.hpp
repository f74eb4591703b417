// The run pipeline: a request goes to its runner (real, model, detector, bench), which returns
// one typed report; a reporter (text or JSON) renders it. The command line, the walkthrough and
// `explain --markdown` all come through here.
#pragma once

#include <cstdio>
#include <functional>

#include "cli/request.hpp"
#include "cli/terminal.hpp"
#include "present/run_report.hpp"

namespace racedemo {

// What racedemo does about a scenario thread that runs without a step in the model (see
// ModelOptions::on_stuck): says so, and ends the process (exit 1, or 128 + the signal).
std::function<void(const StuckThread&)> end_when_stuck(const Scenario& scenario);

// Runs `request` by its runner. Throws UsageError when a replayed schedule cannot be followed.
RunReport run_request(const RunRequest& request, const Terminal& terminal);

// The report's form as the request asks for it: JSON, or text styled for `terminal`.
inline ReportForm form_of(const RunRequest& request, const Terminal& terminal) {
    return ReportForm{request.json, terminal.color, terminal.width};
}

// Runs, prints (or quizzes) to `out`, and returns the exit code: 128 + the signal when
// interrupted, 3 when the verdict is not the --expect'ed one, else 0.
int execute_run(const RunRequest& request, const Terminal& terminal, std::FILE* out);

// Writes the run's HTML page to `path`; false, with one line on stderr, when it cannot.
bool write_page(const std::string& path, const RunReport& report);

// 0, or 3 with one line on stderr, when `verdict` is not what `expect` asked for.
int check_expectation(Expectation expect, Verdict verdict);

}  // namespace racedemo
