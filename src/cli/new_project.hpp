// `racedemo new NAME [--dir DIR]`: a ready project, outside racedemo's tree, for a scenario of
// one's own: a CMakeLists.txt that finds the installed racedemo package, one scenario file (a
// bank account whose deposits race; an unsafe and a fixed variant) and a README saying how to
// build, list and run it.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "cli/request.hpp"

namespace racedemo {

// The files of the project for scenario `name`: (path inside the project, text).
std::vector<std::pair<std::string, std::string>> project_files(const std::string& name);

// Writes the project in request.directory/request.name and says what to do next on `out`.
// Throws UsageError when that directory exists already, std::runtime_error when it cannot be
// written.
int write_project(const NewRequest& request, std::FILE* out);

}  // namespace racedemo
