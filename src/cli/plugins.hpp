// Scenarios from outside the tree: plugins (shared objects built with racedemo_add_scenario from
// the installed CMake package) loaded at start-up, from --plugin FILE and from the directories
// of RACEDEMO_PLUGIN_PATH.
//
// A plugin is checked before its scenarios are taken: it must be a shared object, have the
// entry point racedemo_plugin_api_version, have been built for this API version, and register
// scenarios whose names are free. A bad --plugin is refused (UsageError: one line, exit 2); a
// bad file found through the path variable is skipped with a one-line warning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace racedemo {

// Takes the --plugin options out of `args` (they may come anywhere: "--plugin F", "--plugin=F"),
// loads those plugins, then those of RACEDEMO_PLUGIN_PATH; returns the other arguments.
std::vector<std::string> load_plugins(const std::vector<std::string>& args);

// Loads one plugin. Throws UsageError, naming the file and what is wrong with it.
void load_plugin(const std::string& path);

// The plugins in one directory of RACEDEMO_PLUGIN_PATH, sorted: its *.so files but the *.tsan.so
// (a ThreadSanitizer build of racedemo loads NAME.tsan.so in place of NAME.so).
std::vector<std::string> plugins_in(const std::string& directory);

// The file a ThreadSanitizer build loads for the plugin `path`: its NAME.tsan.so sibling if
// there is one (racedemo_add_scenario builds both), else `path` itself.
std::string tsan_build_of(const std::string& path);

}  // namespace racedemo
