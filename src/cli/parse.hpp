// The command line, declared with CLI11: one subcommand per command (list, explain, walkthrough)
// and per scenario (by name and by number), each with its own typed, checked options.
// Parsing is a pure function: it reads argv and the scenario registry, and runs nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/request.hpp"

namespace racedemo {

// Parses argv[1..]. Throws UsageError for anything wrong, with one line naming the bad value.
Request parse_request(const std::vector<std::string>& args);

// What may come after `words` (the words after "racedemo"), for the shell's completion: commands
// and scenarios first, then the options of the command given, or the values of an option.
std::vector<std::string> completions(const std::vector<std::string>& words);

// Whether `word` is the name of a command (list, explain, ...): no scenario may take it.
bool is_command_name(std::string_view word);

}  // namespace racedemo
