#include "core/registry.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "racedemo/scenario.hpp"

namespace racedemo {
namespace {

// Function-local statics: registrations run during static initialisation, in any order.
std::deque<Scenario>& storage() {
    static std::deque<Scenario> all;
    return all;
}

std::vector<const Scenario*>& sorted() {
    static std::vector<const Scenario*> list;
    return list;
}

// The files plugins came from: a scenario's origin views one of them.
std::deque<std::string>& origins() {
    static std::deque<std::string> all;
    return all;
}

// Set while a plugin is being opened: its registrations wait here to be checked.
std::optional<HeldRegistrations>& held() {
    static std::optional<HeldRegistrations> registrations;
    return registrations;
}

void add(const Scenario& scenario) {
    storage().push_back(scenario);
    auto& list = sorted();
    list.push_back(&storage().back());
    std::stable_sort(list.begin(), list.end(),
                     [](const Scenario* a, const Scenario* b) { return a->number < b->number; });
}

std::string_view file_name(std::string_view path) {
    return path.substr(path.find_last_of('/') + 1);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

ScenarioRegistration::ScenarioRegistration(const Scenario& scenario, int api_version,
                                           std::source_location where) {
    std::optional<HeldRegistrations>& plugin = held();
    // A scenario compiled against another API version may be laid out differently: not read.
    if (plugin && api_version != kApiVersion) {
        plugin->other_versions.push_back(api_version);
        return;
    }
    Scenario registered = scenario;
    registered.source_file = file_name(where.file_name());
    registered.origin = {};
    if (plugin)
        plugin->scenarios.push_back(registered);
    else
        add(registered);
}

void hold_registrations() {
    held().emplace();
}

HeldRegistrations release_registrations() {
    HeldRegistrations released = std::move(*held());
    held().reset();
    return released;
}

void add_plugin_scenarios(std::vector<Scenario> plugin_scenarios, const std::string& origin) {
    origins().push_back(origin);
    int number = sorted().empty() ? 0 : sorted().back()->number;
    for (Scenario& scenario : plugin_scenarios) {
        scenario.number = ++number;
        scenario.origin = origins().back();
        add(scenario);
    }
}

const std::vector<const Scenario*>& scenarios() {
    return sorted();
}

const Scenario* find_scenario(std::string_view key) {
    for (const Scenario* scenario : sorted()) {
        if (scenario->name == key) return scenario;
        // "3" and "03" both name scenario 3.
        std::string_view digits = key;
        while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
        if (!digits.empty() &&
            std::all_of(digits.begin(), digits.end(),
                        [](char c) { return c >= '0' && c <= '9'; }) &&
            digits.size() < 6 && std::stoi(std::string(digits)) == scenario->number)
            return scenario;
    }
    return nullptr;
}

std::string_view closest_scenario_name(std::string_view given) {
    // Names are lower case: "TRIE-RACE" is as close to "trie-race" as "Trie-Race" is.
    std::string lowered(given);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    const std::string_view key = lowered;
    std::string_view best;
    std::size_t best_distance = ~std::size_t{0};
    // A part of a name ("rwmutex", "trie") means that name.
    if (!key.empty())
        for (const Scenario* scenario : sorted())
            if (scenario->name.find(key) != std::string_view::npos) return scenario->name;
    for (const Scenario* scenario : sorted()) {
        std::size_t distance = edit_distance(key, scenario->name);
        if (distance < best_distance) best_distance = distance, best = scenario->name;
    }
    // A name that shares little with the key is a confusing guess, not a typo's fix.
    const bool close_enough = best_distance * 3 <= std::max(key.size(), best.size());
    return close_enough ? best : std::string_view{};
}

namespace {

// By origin (empty: racedemo's own demos), the files a lesson may show.
std::map<std::string, std::vector<SourceText>, std::less<>>& sources_by_origin() {
    static std::map<std::string, std::vector<SourceText>, std::less<>> sources;
    return sources;
}

}  // namespace

void add_sources(std::string_view origin, std::vector<SourceText> sources) {
    sources_by_origin()[std::string(origin)] = std::move(sources);
}

std::optional<std::string_view> find_source(std::string_view origin, std::string_view name) {
    const auto found = sources_by_origin().find(origin);
    if (found == sources_by_origin().end()) return std::nullopt;
    for (const SourceText& source : found->second)
        if (source.name == name) return source.text;
    return std::nullopt;
}

BuiltinSources::BuiltinSources(const SourceText* first, int count) {
    add_sources("", std::vector<SourceText>(first, first + count));
}

}  // namespace racedemo
