// The registry's side that only racedemo itself uses: taking a plugin's scenarios.
//
// A plugin's scenarios register themselves from its static initialisers, which run while the
// plugin is being opened, before racedemo has checked it. The registry holds them back until
// the loader has checked the plugin, then adds them or drops them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "racedemo/scenario.hpp"

namespace racedemo {

// What the static initialisers of one plugin registered.
struct HeldRegistrations {
    std::vector<Scenario> scenarios;  // those compiled against this API version
    std::vector<int> other_versions;  // the versions of those that were not (not taken)
};

// From now on, registrations are held back, not added.
void hold_registrations();
// Ends holding them back and returns what was held.
HeldRegistrations release_registrations();
// Adds a checked plugin's scenarios after every scenario there is, numbered on from the last.
void add_plugin_scenarios(std::vector<Scenario> held, const std::string& origin);

// The source files a lesson shows a scenario's code from: racedemo's own demos (origin empty,
// embedded at build time: cmake/embed_sources.cmake), or a plugin's (origin: its file).
void add_sources(std::string_view origin, std::vector<SourceText> sources);
std::optional<std::string_view> find_source(std::string_view origin, std::string_view name);
// The demos' sources, registered by the file the build generates.
struct BuiltinSources {
    BuiltinSources(const SourceText* first, int count);
};

}  // namespace racedemo
