// Scenarios from outside the tree: --plugin, RACEDEMO_PLUGIN_PATH, the refusals, `racedemo new`
// and the shell completion. The plugins are built in tests/CMakeLists.txt with
// racedemo_add_scenario, as a user's would be.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/new_project.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using racedemo::testing::count_lines;
using racedemo::testing::run_program;
using racedemo::testing::run_racedemo;

namespace {

const std::string kPluginDir = RACEDEMO_PLUGIN_DIR;
const std::string kCounter = kPluginDir + "/plugin_counter.so";

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A scratch directory, removed at the end of the test.
struct Scratch {
    fs::path path;
    Scratch() {
        std::string pattern = (fs::temp_directory_path() / "racedemo-plugins-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    ~Scratch() { fs::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

std::vector<std::string> with_plugin(std::vector<std::string> args) {
    args.insert(args.begin(), {"--plugin", kCounter});
    return args;
}

// The one line on stderr of a refusal: exit 2, nothing on stdout.
std::string refusal(const std::vector<std::string>& args,
                    const std::vector<std::string>& env = {}) {
    auto result = run_racedemo(args, env);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(count_lines(result.err) == 1);
    return result.err;
}

}  // namespace

TEST_CASE("--plugin: list shows the plugin's scenarios after the built-ins, with their file") {
    auto builtins = run_racedemo({"list"});
    auto result = run_racedemo(with_plugin({"list"}));
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    const int builtin_count = count_lines(builtins.out);
    CHECK(count_lines(result.out) == builtin_count + 6);
    CHECK(result.out.rfind(builtins.out, 0) == 0);  // the built-ins first, unchanged
    CHECK(has(result.out, fmt::format("{}  plugin-counter ", builtin_count + 1)));
    CHECK(has(result.out, fmt::format("[plugin {}]\n", kCounter)));
    CHECK(has(result.out, fmt::format("{}  plugin-crash ", builtin_count + 2)));
    CHECK(has(result.out, fmt::format("{}  plugin-slow ", builtin_count + 3)));
    CHECK(has(result.out, fmt::format("{}  plugin-overflow ", builtin_count + 4)));
    CHECK(has(result.out, fmt::format("{}  plugin-spin ", builtin_count + 5)));
    CHECK(has(result.out, fmt::format("{}  plugin-busy ", builtin_count + 6)));
    CHECK(has(run_racedemo({"--plugin=" + kCounter, "list"}).out, "plugin-counter"));
}

TEST_CASE(
    "a plugin's scenario runs in the model: unsafe corrupts, fixed is clean, by name or number") {
    CHECK(run_racedemo(with_plugin({"plugin-counter", "--mode", "model", "--explore", "--expect",
                                    "corrupt"}))
              .exit_code == 0);
    CHECK(run_racedemo(with_plugin({"plugin-counter", "--fixed", "--mode", "model", "--explore",
                                    "--expect", "clean"}))
              .exit_code == 0);
    CHECK(run_racedemo(with_plugin({"plugin-counter", "--mode", "model", "--strategy", "pct",
                                    "--runs", "200", "--expect", "corrupt"}))
              .exit_code == 0);
    const int number = count_lines(run_racedemo({"list"}).out) + 1;
    CHECK(run_racedemo(with_plugin({std::to_string(number), "--mode", "model", "--seed", "1"}))
              .exit_code == 0);
}

TEST_CASE("a plugin's replay command names the plugin, and reproduces the corruption") {
    auto explore =
        run_racedemo(with_plugin({"plugin-counter", "--mode", "model", "--explore", "--json"}));
    REQUIRE(explore.exit_code == 0);
    const auto report = nlohmann::json::parse(explore.out);
    REQUIRE(report["verdict"] == "corrupted");
    const std::string replay = report["replay"].get<std::string>();
    const std::string start = "racedemo --plugin " + kCounter + " plugin-counter ";
    REQUIRE(replay.rfind(start, 0) == 0);
    // Run the command as printed (its words have no spaces to quote).
    std::vector<std::string> words;
    std::istringstream split(replay.substr(std::string("racedemo ").size()));
    for (std::string word; split >> word;) words.push_back(word);
    words.insert(words.end(), {"--expect", "corrupt"});
    CHECK(run_racedemo(words).exit_code == 0);
}

TEST_CASE("a plugin's scenario on real threads: the fixed variant is clean, counts add up") {
    CHECK(
        run_racedemo(with_plugin({"plugin-counter", "--fixed", "--runs", "3", "--expect", "clean"}))
            .exit_code == 0);
    auto unsafe = run_racedemo(with_plugin({"plugin-counter", "--runs", "4", "--json"}));
    REQUIRE(unsafe.exit_code == 0);
    const auto report = nlohmann::json::parse(unsafe.out);
    int total = 0;
    for (const auto& [label, count] : report["outcomes"].items()) total += count.get<int>();
    CHECK(total == 4);
}

TEST_CASE("a plugin that crashes in a trial gives crashed trials; racedemo lives on") {
    auto result = run_racedemo(with_plugin({"plugin-crash", "--runs", "3", "--json"}));
    CHECK(result.signal == 0);
    REQUIRE(result.exit_code == 0);
    const auto report = nlohmann::json::parse(result.out);
    CHECK(report["verdict"] == "corrupted");
    CHECK(report["crashed_runs"] == 3);
    CHECK(run_racedemo(with_plugin({"plugin-crash", "--fixed", "--runs", "2", "--expect", "clean"}))
              .exit_code == 0);
}

namespace {

// The replay command a crash report ends with: its words (a build path has no spaces to quote).
std::vector<std::string> crash_replay(const std::string& err) {
    const std::string marker = "the same schedule crashes again: racedemo ";
    const std::size_t at = err.find(marker);
    if (at == std::string::npos) return {};
    std::istringstream split(
        err.substr(at + marker.size(), err.find('\n', at) - at - marker.size()));
    std::vector<std::string> words;
    for (std::string word; split >> word;) words.push_back(word);
    return words;
}

}  // namespace

TEST_CASE("a crash in the model: racedemo says where, exits 1, and its replay crashes again") {
    auto explore = run_racedemo(with_plugin({"plugin-crash", "--mode", "model", "--explore"}));
    CHECK(explore.signal == 0);
    CHECK(explore.exit_code == 1);
    CHECK(explore.out.empty());
    CHECK(count_lines(explore.err) == 2);
    CHECK(has(explore.err, "racedemo: the model run of plugin-crash crashed: SIGSEGV ("));
    const std::vector<std::string> replay = crash_replay(explore.err);
    REQUIRE(replay.size() > 4);
    CHECK(replay[0] == "--plugin");
    CHECK(replay[2] == "plugin-crash");
    CHECK(std::find(replay.begin(), replay.end(), "--schedule") != replay.end());

    // The schedule it printed leads to the same crash, in the first execution, and prints itself.
    auto again = run_racedemo(replay);
    CHECK(again.signal == 0);
    CHECK(again.exit_code == 1);
    CHECK(has(again.err, "crashed: SIGSEGV ("));
    CHECK(has(again.err, ", in execution 1 after step "));
    CHECK(crash_replay(again.err) == replay);

    // Random schedules find it too; the fixed variant never crashes; real trials still count.
    auto random = run_racedemo(
        with_plugin({"plugin-crash", "--mode", "model", "--strategy", "random", "--runs", "50"}));
    CHECK(random.signal == 0);
    CHECK(random.exit_code == 1);
    CHECK(has(random.err, "racedemo: the model run of plugin-crash crashed: SIGSEGV ("));
    CHECK(run_racedemo(with_plugin({"plugin-crash", "--fixed", "--mode", "model", "--explore",
                                    "--expect", "clean"}))
              .exit_code == 0);
}

TEST_CASE("a refusal of a plugin scenario's option names its help page, with its plugin") {
    auto refused = run_racedemo(with_plugin({"plugin-counter", "--threads", "0"}));
    CHECK(refused.exit_code == 2);
    const std::string help = fmt::format("racedemo --plugin {} plugin-counter --help", kCounter);
    CHECK(has(refused.err, fmt::format("(see '{}')\n", help)));
    auto page = run_racedemo(with_plugin({"plugin-counter", "--help"}));
    CHECK(page.exit_code == 0);
    CHECK(has(page.out, "A counter in a plugin"));
}

TEST_CASE("a stack overflow in the model hits the fiber's guard page and is reported as one") {
    // Without a guard page the recursion would write on through the memory below the stack.
    auto overflow = run_racedemo(with_plugin({"plugin-overflow", "--mode", "model"}));
    CHECK(overflow.signal == 0);
    CHECK(overflow.exit_code == 1);
    CHECK(overflow.out.empty());
    CHECK(count_lines(overflow.err) == 2);
    CHECK(has(overflow.err,
              "racedemo: the model run of plugin-overflow crashed: SIGSEGV (a stack "
              "overflow: a thread used up its 256 KiB stack"));
    CHECK(has(overflow.err, ", in execution 1 after step 1\n"));
    const std::vector<std::string> replay = crash_replay(overflow.err);
    REQUIRE(replay.size() > 4);
    auto again = run_racedemo(replay);
    CHECK(again.exit_code == 1);
    CHECK(has(again.err, "crashed: SIGSEGV (a stack overflow"));

    // Its fixed variant does not recurse; a crash that is no overflow does not claim to be one.
    CHECK(run_racedemo(with_plugin({"plugin-overflow", "--fixed", "--mode", "model", "--explore",
                                    "--expect", "clean"}))
              .exit_code == 0);
    auto other = run_racedemo(with_plugin({"plugin-crash", "--mode", "model", "--explore"}));
    CHECK(has(other.err, "crashed: SIGSEGV (a segmentation fault"));
    // On real threads the overflow is the trial's: counted as crashed, racedemo goes on.
    auto real = run_racedemo(with_plugin({"plugin-overflow", "--runs", "2", "--json"}));
    REQUIRE(real.exit_code != 2);
    CHECK(real.signal == 0);
    CHECK(nlohmann::json::parse(real.out)["crashed_runs"] == 2);
}

TEST_CASE("a plugin's scenario: --html, play and explain work on it") {
    Scratch scratch;
    const std::string page = scratch.file("page.html");
    CHECK(run_racedemo(
              with_plugin({"plugin-counter", "--mode", "model", "--explore", "--html", page}))
              .exit_code == 0);
    std::ifstream file(page);
    std::stringstream html;
    html << file.rdbuf();
    CHECK(has(html.str(), "plugin-counter"));
    auto game = run_racedemo(with_plugin({"play", "plugin-counter"}), {}, "1\n2\n2\n1\n");
    CHECK(game.exit_code == 0);
    CHECK(has(game.out, "CORRUPTED"));
    auto lesson = run_racedemo(with_plugin({"explain", "plugin-counter"}));
    CHECK(lesson.exit_code == 0);
    CHECK(has(lesson.out, "A counter in a plugin"));
    // Its code, which racedemo_add_scenario embedded in the plugin, the fix's lock line marked.
    CHECK(has(lesson.out, "The code, from plugin_counter.cpp. Lines marked + are the fix"));
    CHECK(has(lesson.out, "\n          int seen = count_.load();\n"));
    CHECK(has(lesson.out, "\n+         std::lock_guard guard(mu_);\n"));
    // The region is marked for plugin-counter: the file's other scenarios do not show it.
    auto other = run_racedemo(with_plugin({"explain", "plugin-overflow"}));
    CHECK(other.exit_code == 0);
    CHECK(has(other.out, "recurses without end"));
    CHECK(!has(other.out, "The code"));
}

TEST_CASE(
    "RACEDEMO_PLUGIN_PATH loads the plugins of its directories; a plugin named twice loads once") {
    const std::string path = "RACEDEMO_PLUGIN_PATH=/nonexistent-racedemo-dir::" + kPluginDir;
    auto result = run_racedemo({"list"}, {path});
    REQUIRE(result.exit_code == 0);
    CHECK(has(result.out, "plugin-counter"));
    // The fixtures that must be refused are in the same directory: each skipped, in one line.
    CHECK(has(result.err, "no directory"));
    CHECK(has(result.err, "skipped plugin"));
    CHECK(has(result.err, "clash_stack.so"));
    CHECK(has(result.err, "other_api.so"));
    CHECK(has(result.err, "no_entry.so"));
    CHECK(count_lines(result.err) == 4);
    auto both =
        run_racedemo(with_plugin({"plugin-counter", "--mode", "model", "--seed", "3"}), {path});
    CHECK(both.exit_code == 0);
}

TEST_CASE("--plugin refuses a bad plugin with one line naming it, and exit 2") {
    Scratch scratch;
    const std::string text_file = scratch.file("notes.so");
    std::ofstream(text_file) << "not a shared object\n";
    CHECK(has(refusal({"--plugin", text_file, "list"}), "not a shared object"));
    CHECK(has(refusal({"--plugin", scratch.file("missing.so"), "list"}), "no such file"));
    CHECK(has(refusal({"--plugin", scratch.path.string(), "list"}), "not a file"));
    CHECK(has(refusal({"--plugin", RACEDEMO_BINARY, "list"}), "cannot be loaded"));
    CHECK(has(refusal({"--plugin", kPluginDir + "/no_entry.so", "list"}),
              "no entry point racedemo_plugin_api_version"));
    const std::string other = refusal({"--plugin", kPluginDir + "/other_api.so", "list"});
    CHECK(has(other, "API version 999"));
    CHECK(has(other, fmt::format("this racedemo has version {}", 1)));
    CHECK(has(refusal({"--plugin", kPluginDir + "/clash_stack.so", "list"}),
              "'stack' clashes with a built-in scenario"));
    CHECK(has(refusal({"--plugin"}), "--plugin needs a value"));
    CHECK(has(refusal({"--plugin", "", "list"}), "--plugin ''"));
}

TEST_CASE("racedemo new writes a project: CMake, the scenario, a README") {
    Scratch scratch;
    auto result = run_racedemo({"new", "bank-race", "--dir", scratch.path.string()});
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    const fs::path project = scratch.path / "bank-race";
    for (const char* file : {"CMakeLists.txt", "bank-race.cpp", "README.md"})
        CHECK(fs::is_regular_file(project / file));
    std::ifstream cmake(project / "CMakeLists.txt");
    std::stringstream text;
    text << cmake.rdbuf();
    CHECK(has(text.str(), "find_package(racedemo REQUIRED)"));
    CHECK(has(text.str(), "racedemo_add_scenario(bank-race bank-race.cpp)"));
    // Once written, the same name in the same place is refused.
    CHECK(has(refusal({"new", "bank-race", "--dir", scratch.path.string()}), "exists already"));
}

TEST_CASE("racedemo new refuses a name it cannot take, and a directory that is not there") {
    CHECK(has(refusal({"new", "Bank"}), "'Bank'"));
    CHECK(has(refusal({"new", "9lives"}), "'9lives'"));
    CHECK(has(refusal({"new", "stack"}), "exists already"));
    CHECK(has(refusal({"new", "list"}), "command"));
    CHECK(has(refusal({"new"}), "'new' needs the name"));
    CHECK(has(refusal({"new", "fine", "--dir", "/nonexistent-racedemo-dir"}), "--dir"));
    CHECK(has(refusal(with_plugin({"new", "plugin-counter"})), "exists already"));
}

TEST_CASE("the completion: commands and scenarios, a command's options, an option's choices") {
    auto top = run_racedemo({"complete"});
    REQUIRE(top.exit_code == 0);
    for (const char* word : {"list\n", "explain\n", "new\n", "trie-race\n", "--plugin\n"})
        CHECK(has(top.out, word));
    CHECK(!has(top.out, "complete\n"));
    CHECK(has(run_racedemo(with_plugin({"complete"})).out, "plugin-counter\n"));
    CHECK(has(run_racedemo({"complete"}, {"RACEDEMO_PLUGIN_PATH=" + kPluginDir}).out,
              "plugin-counter\n"));
    auto options = run_racedemo({"complete", "trie-race"});
    CHECK(has(options.out, "--threads\n"));
    CHECK(has(options.out, "--fixed\n"));
    auto modes = run_racedemo({"complete", "trie-race", "--mode"});
    CHECK(modes.out == "real\nmodel\n");
    CHECK(run_racedemo({"complete", "trie-race", "--threads"}).out.empty());
    CHECK(has(run_racedemo({"complete", "explain"}).out, "stack\n"));
}

TEST_CASE("the bash completion script completes through racedemo itself") {
    const std::string script = std::string(RACEDEMO_SOURCE_DIR) + "/completion/racedemo.bash";
    const std::string bin_dir = fs::path(RACEDEMO_BINARY).parent_path().string();
    auto complete = [&](const std::string& line) {
        const std::string program = fmt::format(
            "PATH={}:$PATH; source {}; COMP_WORDS=({}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); "
            "_racedemo; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            bin_dir, script, line);
        return run_program("/bin/bash", {"-c", program}).out;
    };
    CHECK(complete("racedemo trie-") == "trie-race\n");
    CHECK(has(complete("racedemo trie-race --mo"), "--mode\n"));
    CHECK(complete("racedemo trie-race --mode m") == "model\n");
    CHECK(has(complete(fmt::format("racedemo --plugin {} plugin-c", kCounter)), "plugin-counter"));
}

#ifdef RACEDEMO_HAS_DETECTOR
TEST_CASE("--detector tsan on a plugin: its ThreadSanitizer build, races located in its file") {
    auto unsafe = run_racedemo(with_plugin({"plugin-counter", "--detector", "tsan"}));
    REQUIRE(unsafe.exit_code == 0);
    CHECK(has(unsafe.out, "DATA RACE"));
    CHECK(has(unsafe.out, "at plugin_counter.cpp:"));
    auto fixed = run_racedemo(with_plugin({"plugin-counter", "--fixed", "--detector", "tsan"}));
    REQUIRE(fixed.exit_code == 0);
    CHECK(has(fixed.out, "NO RACE"));
    // Without its NAME.tsan.so beside it, a plugin's races would go unseen: refused.
    Scratch scratch;
    const std::string alone = scratch.file("alone.so");
    fs::copy_file(kCounter, alone);
    CHECK(has(refusal({"--plugin", alone, "plugin-counter", "--detector", "tsan"}),
              "no ThreadSanitizer build"));
}
#endif

TEST_CASE("docs/writing-scenarios.md shows the files racedemo new writes, as it writes them") {
    std::ifstream file(std::string(RACEDEMO_SOURCE_DIR) + "/docs/writing-scenarios.md");
    std::stringstream page;
    page << file.rdbuf();
    for (const auto& [name, text] : racedemo::project_files("bank-race")) {
        if (name == "README.md") continue;   // the project's own README is not on the page
        const std::string file_name = name;  // clang 14's lambdas cannot capture a binding
        INFO(file_name);
        CHECK(has(page.str(), text));
    }
}

TEST_CASE("a spin loop that nothing ends is STEP BOUND, never CLEAN; with a yield it explores") {
    auto spin = run_racedemo(with_plugin(
        {"plugin-spin", "--mode", "model", "--explore", "--max-steps", "2000", "--json"}));
    REQUIRE(spin.exit_code == 0);
    const nlohmann::json json = nlohmann::json::parse(spin.out);
    CHECK(json["verdict"] == "step-bound");
    CHECK(json["schedules_bounded"] == 1);
    CHECK(json["complete"] == false);
    CHECK(json["max_steps"] == 2000);
    CHECK(json["bound"]["thread"] == 1);
    REQUIRE(json["bound"]["repeats"].size() == 1);
    CHECK(json["bound"]["repeats"][0]["target"] == "ready");
    CHECK(json["bound"]["repeats"][0]["value"] == "0");
    CHECK(json["trace_omitted_steps"] == 1000);  // the last 1000 steps are kept
    // The text says what ran on and what to do; the replay carries the bound, and reaches it.
    auto text = run_racedemo(with_plugin({"plugin-spin", "--mode", "model", "--explore",
                                          "--max-steps", "2000", "--color", "never"}));
    CHECK(has(text.out, "STEP BOUND: T1 took 2000 of the execution's 2000 steps"));
    CHECK(has(text.out, " it repeats: read ready -> 0\n"));
    CHECK(has(text.out, "racedemo::yield()"));
    CHECK(has(text.out, "--max-steps 2000 --schedule 1x2000"));
    CHECK(run_racedemo(with_plugin({"plugin-spin", "--mode", "model", "--explore", "--max-steps",
                                    "2000", "--expect", "clean"}))
              .exit_code == 3);
    // The same wait with racedemo::yield() is explored to its end.
    CHECK(run_racedemo(with_plugin({"plugin-spin", "--fixed", "--mode", "model", "--explore",
                                    "--expect", "clean"}))
              .exit_code == 0);
}

TEST_CASE("a stop reaches a model execution that spins: it ends with what it had, never CLEAN") {
    // Ten million steps in one execution would take seconds; --max-time stops it inside it.
    auto spin =
        run_racedemo(with_plugin({"plugin-spin", "--mode", "model", "--explore", "--max-steps",
                                  "10000000", "--max-time", "0.2", "--json"}));
    REQUIRE(spin.exit_code == 0);
    const nlohmann::json json = nlohmann::json::parse(spin.out);
    CHECK(json["verdict"] == "no-bug-found");
    CHECK(json["time_limit_reached"] == true);
    CHECK(json["schedules_bounded"] == 0);
}

TEST_CASE("a model thread that never reaches a step is named, and racedemo stops: no hang") {
    auto busy = run_racedemo(
        with_plugin({"plugin-busy", "--mode", "model", "--explore", "--max-time", "0.2"}));
    CHECK(busy.signal == 0);
    CHECK(busy.exit_code == 1);
    CHECK(has(busy.err, "racedemo: plugin-busy's T2 ran "));
    CHECK(has(busy.err, "without a shared operation"));
    CHECK(run_racedemo(with_plugin({"plugin-busy", "--fixed", "--mode", "model", "--explore",
                                    "--expect", "clean"}))
              .exit_code == 0);
}
