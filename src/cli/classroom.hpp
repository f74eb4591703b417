// The classroom: the walkthrough of every scenario (the quiz is in quiz.hpp).
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "cli/request.hpp"
#include "engine/model.hpp"
#include "present/report.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

struct WalkthroughOptions {
    int from = 1;       // first scenario number
    int only = 0;       // just this scenario (0: all from `from` on)
    bool pause = true;  // wait for Enter between steps (decided: a terminal, no --no-pause)
    bool color = false;
};

// Runs a request through the pipeline and prints its report to `out`.
using RunPrinter = std::function<void(const RunRequest& request, std::FILE* out)>;

// The scenarios the walkthrough shows, in teaching order: by number, except that a scenario
// may ask to come right after another (Scenario::shown_after). --from counts in that order.
std::vector<const Scenario*> walkthrough_course(const WalkthroughOptions& options);

// Every scenario in order: lesson, unsafe run with its interleaving, fixed run, takeaway. Each
// run is shown with its command line (command_line of its request), then run. Reads Enter (or
// q) from `in` between steps when pausing. Returns false when the user quit.
bool walkthrough(const WalkthroughOptions& options, const RunPrinter& run, std::FILE* in,
                 std::FILE* out);

}  // namespace racedemo
