// The command line's entry: parse (cli/parse.hpp), decide about the terminal once
// (cli/terminal.hpp), execute through the run pipeline (cli/pipeline.hpp).
#pragma once

#include <cstdio>

#include "cli/parse.hpp"
#include "cli/request.hpp"
#include "cli/terminal.hpp"

namespace racedemo {

// The colour choice and JSON-ness of a request, for decide_terminal.
ColorChoice color_choice(const Request& request);
bool wants_json(const Request& request);
// --max-time of a run or a walkthrough, in seconds; 0 when none was given.
double max_time_of(const Request& request);

// Runs a parsed request, printing to `out`; returns the exit code.
int execute(const Request& request, const Terminal& terminal, std::FILE* out);

// main's body: parse, run, map every failure to its exit code and one line on stderr.
int run_cli(int argc, char** argv);

}  // namespace racedemo
