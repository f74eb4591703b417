#include "cli/plugins.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "cli/output.hpp"
#include "cli/parse.hpp"
#include "cli/request.hpp"
#include "cli/validators.hpp"
#include "core/registry.hpp"
#include "core/sanitizers.hpp"
#include "present/lesson.hpp"

namespace racedemo {
namespace {

namespace fs = std::filesystem;

#if defined(RACEDEMO_TSAN)
constexpr bool kThreadSanitizerBuild = true;
#else
constexpr bool kThreadSanitizerBuild = false;
#endif

constexpr int kMostThreads = 64;  // as --threads allows

// What is wrong with a plugin, in words that follow its file's name.
class PluginError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A file's path as a message shows it: whole, or "..." and its last 60 characters when longer
// (the file's own name is what tells plugins apart).
std::string shown_path(const std::string& path) {
    constexpr std::size_t kLongest = 60;
    if (path.size() <= kLongest) return fmt::format("'{}'", path);
    return fmt::format("'...{}'", path.substr(path.size() - kLongest));
}

bool ends_with(std::string_view text, std::string_view end) {
    return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

// An ELF file of type ET_DYN (a shared object), read from its header: dlopen's own message for
// a text file or an executable would not say what is wrong in plain words.
void check_shared_object(const std::string& path) {
    std::error_code error;
    if (!fs::exists(path, error)) throw PluginError("there is no such file");
    if (!fs::is_regular_file(path, error)) throw PluginError("it is not a file");
    std::ifstream file(path, std::ios::binary);
    if (!file) throw PluginError(fmt::format("cannot read it ({})", std::strerror(errno)));
    unsigned char header[18]{};
    file.read(reinterpret_cast<char*>(header), sizeof header);
    const bool elf = file.gcount() == sizeof header && std::memcmp(header,
                                                                   "\x7f"
                                                                   "ELF",
                                                                   4) == 0;
    constexpr unsigned char kSharedObject = 3;  // e_type ET_DYN, little-endian
    if (!elf || header[16] != kSharedObject || header[17] != 0)
        throw PluginError("it is not a shared object (build one with racedemo_add_scenario)");
}

// dlopen's reason, without the file's name it starts with ("undefined symbol: ...").
std::string why_not(const std::string& file) {
    const char* error = dlerror();
    std::string_view reason = error == nullptr ? "no reason given" : error;
    if (reason.rfind(file + ": ", 0) == 0) reason.remove_prefix(file.size() + 2);
    return std::string(reason.substr(0, 200));
}

// The API version a plugin declares through its entry point.
int declared_api_version(void* handle) {
    using Entry = int (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, "racedemo_plugin_api_version"));
    if (entry == nullptr)
        throw PluginError(
            "it has no entry point racedemo_plugin_api_version (build it with "
            "racedemo_add_scenario, which adds one)");
    return entry();
}

// The sources racedemo_add_scenario embedded in the plugin, for explain; none in a plugin built
// otherwise.
std::vector<SourceText> embedded_sources(void* handle) {
    using Sources = const SourceText* (*)(int*);
    auto sources = reinterpret_cast<Sources>(dlsym(handle, "racedemo_plugin_sources"));
    if (sources == nullptr) return {};
    int count = 0;
    const SourceText* first = sources(&count);
    return std::vector<SourceText>(first, first + std::max(count, 0));
}

void check_api_version(int version) {
    if (version != kApiVersion)
        throw PluginError(fmt::format(
            "it was built for racedemo's scenario API version {}, and this racedemo has version "
            "{}: rebuild it against this racedemo's headers",
            version, kApiVersion));
}

void check_name(const Scenario& scenario, const std::set<std::string_view>& earlier) {
    const std::string_view name = scenario.name;
    if (!is_scenario_name(name))
        throw PluginError(fmt::format(
            "its scenario name {} is not one racedemo can take (lower-case letters, digits and "
            "'-', starting with a letter, at most 40)",
            in_quotes(name)));
    if (is_command_name(name))
        throw PluginError(
            fmt::format("its scenario name '{}' is the name of a racedemo command", name));
    if (earlier.count(name) > 0)
        throw PluginError(fmt::format("it registers the scenario '{}' twice", name));
    if (const Scenario* other = find_scenario(name))
        throw PluginError(
            other->origin.empty()
                ? fmt::format("its scenario name '{}' clashes with a built-in scenario", name)
                : fmt::format("its scenario name '{}' clashes with a scenario of plugin {}", name,
                              shown_path(std::string(other->origin))));
}

void check_settings(const Scenario& scenario) {
    if (scenario.fixed == nullptr)
        throw PluginError(fmt::format("its scenario '{}' has no .fixed variant", scenario.name));
    if (scenario.min_threads < 1 || scenario.default_threads < scenario.min_threads ||
        scenario.default_threads > kMostThreads)
        throw PluginError(fmt::format(
            "its scenario '{}' declares .default_threads {} and .min_threads {}: they must be "
            "1 <= min_threads <= default_threads <= {}",
            scenario.name, scenario.default_threads, scenario.min_threads, kMostThreads));
}

void check_scenarios(const HeldRegistrations& held) {
    if (!held.other_versions.empty()) check_api_version(held.other_versions.front());
    if (held.scenarios.empty()) throw PluginError("it registers no scenario (RACEDEMO_SCENARIO)");
    std::set<std::string_view> names;
    for (const Scenario& scenario : held.scenarios) {
        check_name(scenario, names);
        check_settings(scenario);
        names.insert(scenario.name);
    }
}

// The files loaded so far, by their canonical path: a plugin named twice is loaded once.
std::set<std::string>& loaded_files() {
    static std::set<std::string> files;
    return files;
}

// Opens the plugin, takes what it registered, and checks it all; the scenarios are added only
// when every check passed (a refused plugin is closed again).
void open_plugin(const std::string& path, const std::string& origin) {
    check_shared_object(path);
    // With a '/', dlopen opens this file; "plugin.so" alone would be searched for elsewhere.
    const std::string file = fs::absolute(path).string();
    hold_registrations();
    void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    HeldRegistrations held = release_registrations();
    if (handle == nullptr) throw PluginError(fmt::format("it cannot be loaded: {}", why_not(file)));
    try {
        check_api_version(declared_api_version(handle));
        check_scenarios(held);
    } catch (const PluginError&) {
        held.scenarios.clear();
        dlclose(handle);
        throw;
    }
    add_plugin_scenarios(std::move(held.scenarios), origin);
    add_sources(origin, embedded_sources(handle));
}

// Loads the plugin `origin` names (for a ThreadSanitizer build, its .tsan.so); throws
// PluginError.
void load_from(const std::string& origin) {
    const std::string path = kThreadSanitizerBuild ? tsan_build_of(origin) : origin;
    std::error_code error;
    const std::string canonical = fs::weakly_canonical(path, error).string();
    if (loaded_files().count(canonical) > 0) return;
    open_plugin(path, origin);
    loaded_files().insert(canonical);
}

// The directories of RACEDEMO_PLUGIN_PATH (empty entries skipped).
std::vector<std::string> plugin_path_directories() {
    std::vector<std::string> directories;
    const char* variable = std::getenv("RACEDEMO_PLUGIN_PATH");
    std::string_view rest = variable == nullptr ? "" : variable;
    while (!rest.empty()) {
        const std::size_t colon = rest.find(':');
        if (std::string_view part = rest.substr(0, colon); !part.empty())
            directories.emplace_back(part);
        rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    }
    return directories;
}

void load_plugin_path() {
    for (const std::string& directory : plugin_path_directories()) {
        std::error_code error;
        if (!fs::is_directory(directory, error)) {
            print_to_stderr(
                "racedemo: warning: RACEDEMO_PLUGIN_PATH names {}, which is no "
                "directory\n",
                shown_path(directory));
            continue;
        }
        for (const std::string& file : plugins_in(directory)) {
            try {
                load_from(file);
            } catch (const PluginError& problem) {
                print_to_stderr("racedemo: warning: skipped plugin {} (RACEDEMO_PLUGIN_PATH): {}\n",
                                shown_path(file), problem.what());
            }
        }
    }
}

// Splits the --plugin options off `args`: (the plugin files, the other arguments).
std::pair<std::vector<std::string>, std::vector<std::string>> split_plugin_options(
    const std::vector<std::string>& args) {
    std::vector<std::string> files;
    std::vector<std::string> rest;
    for (std::size_t index = 0; index < args.size(); ++index) {
        const std::string& arg = args[index];
        if (arg.rfind("--plugin=", 0) == 0) {
            files.push_back(arg.substr(9));
        } else if (arg == "--plugin") {
            if (index + 1 == args.size()) throw UsageError("--plugin needs a value: a .so file");
            files.push_back(args[++index]);
        } else {
            rest.push_back(arg);
        }
    }
    return {files, rest};
}

}  // namespace

void load_plugin(const std::string& path) {
    if (path.empty()) throw UsageError("--plugin '': give the path of a .so file");
    try {
        load_from(path);
    } catch (const PluginError& problem) {
        throw UsageError(fmt::format("--plugin {}: {}", shown_path(path), problem.what()));
    }
}

std::vector<std::string> load_plugins(const std::vector<std::string>& args) {
    auto [files, rest] = split_plugin_options(args);
    for (const std::string& file : files) load_plugin(file);
    load_plugin_path();
    return rest;
}

std::vector<std::string> plugins_in(const std::string& directory) {
    std::vector<std::string> files;
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
        const std::string path = entry.path().string();
        if (!entry.is_regular_file(error) || !ends_with(path, ".so")) continue;
        const bool tsan_build = ends_with(path, ".tsan.so");
        if (tsan_build) continue;  // taken in place of its NAME.so by tsan_build_of
        files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string tsan_build_of(const std::string& path) {
    if (!ends_with(path, ".so") || ends_with(path, ".tsan.so")) return path;
    const std::string sibling = path.substr(0, path.size() - 3) + ".tsan.so";
    std::error_code error;
    return fs::is_regular_file(sibling, error) ? sibling : path;
}

}  // namespace racedemo
