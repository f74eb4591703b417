// `racedemo play SCENARIO`: the student is the scheduler, as in The Deadlock Empire, on the
// scenario's own code. Each turn shows the steps so far and each thread's next step; the
// student names the thread that takes the next one (u undoes, r restarts, q quits, ? helps).
// The goal is to corrupt the data or deadlock the threads; when the run ends, play gives the
// verdict, the student's schedule as a replay command, and the shortest bad schedule an
// exploration finds, for comparison. Commands come from a terminal or, one a line, a pipe.
#pragma once

#include <cstdio>

#include "cli/request.hpp"
#include "cli/terminal.hpp"

namespace racedemo {

int run_play(const PlayRequest& request, const Terminal& terminal, std::FILE* in, std::FILE* out);

}  // namespace racedemo
