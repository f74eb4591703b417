// The command line, declared with CLI11: one subcommand per command (list, explain, walkthrough)
// and per scenario (by name and by number), each with its own typed, checked options.
// Parsing is a pure function: it reads argv and the scenario registry, and runs nothing.
#pragma once

#include <string>
#include <vector>

#include "cli/request.hpp"

namespace racedemo {

// Parses argv[1..]. Throws UsageError for anything wrong, with one line naming the bad value.
Request parse_request(const std::vector<std::string>& args);

}  // namespace racedemo
