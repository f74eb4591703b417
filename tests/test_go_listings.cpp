// `racedemo explain NAME --go`: every built-in scenario's program in Go (demos/go/), unsafe and
// fixed, with each marked Go line beside the C++ line it stands for. What the Go programs do
// under Go's race detector is tests/go/check_go.sh's to check (ctest label go).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "cli/parse.hpp"
#include "core/go_listings.hpp"
#include "core/registry.hpp"
#include "present/go_listing.hpp"
#include "present/lesson.hpp"
#include "process.hpp"

using namespace racedemo;
using racedemo::testing::count_lines;
using racedemo::testing::run_racedemo;

namespace {

bool holds(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Line `number` (1-based) of `text`.
std::string line_of(std::string_view text, int number) {
    for (int at = 1; at < number && !text.empty(); ++at)
        text.remove_prefix(std::min(text.size(), text.find('\n') + 1));
    return std::string(text.substr(0, text.find('\n')));
}

// The text a marker names a line by: after "ANCHOR ... ", if it has an anchor.
std::string named_text(const std::string& marker) {
    const std::size_t split = marker.find(" ... ");
    return split == std::string::npos ? marker : marker.substr(split + 5);
}

std::vector<const Scenario*> builtins() {
    std::vector<const Scenario*> own;
    for (const Scenario* scenario : scenarios())
        if (scenario->origin.empty()) own.push_back(scenario);
    return own;
}

// "s09_early_return.cpp" of the file that holds `scenario`'s lesson code.
std::string lesson_file(const Scenario& scenario) {
    const std::optional<LessonCode> code = lesson_code(scenario);
    REQUIRE(code.has_value());
    return code->file.substr(code->file.find_last_of('/') + 1);
}

const Scenario& scenario_named(std::string_view name) {
    const Scenario* scenario = find_scenario(name);
    REQUIRE(scenario != nullptr);
    return *scenario;
}

}  // namespace

TEST_CASE("every built-in scenario has a go listing of each variant, named after its C++ file") {
    REQUIRE(builtins().size() >= 11);
    for (const Scenario* scenario : builtins()) {
        INFO(scenario->name);
        CHECK(has_go_listings(*scenario));
        for (Variant variant : {Variant::unsafe, Variant::fixed}) {
            const GoListing* listing = find_go_listing(*scenario, variant);
            REQUIRE(listing != nullptr);
            // demos/go/s09_early_return/fixed/main.go for demos/s09_early_return.cpp.
            const std::string stem(
                scenario->source_file.substr(0, scenario->source_file.rfind(".cpp")));
            CHECK(listing->path == fmt::format("demos/go/{}/{}/main.go", stem,
                                               variant == Variant::unsafe ? "unsafe" : "fixed"));
            CHECK(holds(std::string(listing->text), "package main\n"));
        }
    }
}

TEST_CASE("every marker of every go listing names exactly one line of the lesson code") {
    for (const Scenario* scenario : builtins()) {
        const std::optional<std::string_view> cpp = find_source("", lesson_file(*scenario));
        REQUIRE(cpp.has_value());
        for (Variant variant : {Variant::unsafe, Variant::fixed}) {
            const std::vector<GoMarker> markers = go_markers(*scenario, variant);
            INFO(find_go_listing(*scenario, variant)->path);
            CHECK(markers.size() >= 2);  // the lines that matter are marked, not just one
            for (const GoMarker& marker : markers) {
                INFO(fmt::format("line {}: // C++: {}", marker.go_line, marker.text));
                CHECK_MESSAGE(marker.problem.empty(), marker.problem);
                CHECK(marker.cpp_line > 0);
                // The line it names holds the text: the numbers are the file's own.
                CHECK(holds(line_of(*cpp, marker.cpp_line), named_text(marker.text)));
            }
        }
    }
}

TEST_CASE("a go marker that names no line or several names none, an anchor picks one") {
    const Scenario& early = scenario_named("early-return");
    const std::string go =
        "package main\n"
        "func a() { // C++: no such line in the lesson code\n"
        "func b() { // C++: std::lock_guard guard(mu_);\n"
        "func c() { // C++: int PopGuarded() ... std::lock_guard guard(mu_);\n"
        "func d() { // C++: mu_.lo\n"
        "func e() { // C++: nothing here ... std::lock_guard guard(mu_);\n";
    const std::vector<GoMarker> markers = resolve_go_markers(go, early);
    REQUIRE(markers.size() == 5);
    CHECK(holds(markers[0].problem, "in no line"));
    CHECK(holds(markers[1].problem, "is in 2 lines"));  // Push's and PopGuarded's
    CHECK(markers[2].problem.empty());
    CHECK(holds(markers[3].problem, "too short"));
    CHECK(holds(markers[4].problem, "'nothing here' is in no line"));
    for (std::size_t index : {0u, 1u, 3u, 4u}) CHECK(markers[index].cpp_line == 0);
    // The anchor's line is PopGuarded's, and its guard the line after it.
    const std::optional<std::string_view> cpp = find_source("", "s09_early_return.cpp");
    REQUIRE(cpp.has_value());
    CHECK(holds(line_of(*cpp, markers[2].cpp_line - 1), "int PopGuarded() {"));

    // Shown: no marker's text, and a note only where the marker named a line.
    const std::string shown = annotated_go(go, early, Style(false));
    CHECK(!holds(shown, "C++:"));
    CHECK(!holds(shown, "no such line"));
    CHECK(holds(shown, fmt::format("// s09_early_return.cpp:{}\n", markers[2].cpp_line)));
    CHECK(count_lines(shown) == 6);
    CHECK(holds(shown, "\n  func a() {\n"));
}

TEST_CASE("explain --go parses, and a plugin's scenario (it has no go listing) is refused") {
    const Request request = parse_request({"explain", "stack", "--go"});
    REQUIRE(std::holds_alternative<ExplainRequest>(request));
    CHECK(std::get<ExplainRequest>(request).go);
    CHECK(std::get<ExplainRequest>(request).markdown == false);
    CHECK(std::get<ExplainRequest>(parse_request({"explain", "3", "--go", "--markdown"})).go);
    CHECK_FALSE(std::get<ExplainRequest>(parse_request({"explain", "stack"})).go);

    // One line on stderr, exit 2, nothing on stdout; without --go its lesson is there.
    const std::string plugin = std::string(RACEDEMO_PLUGIN_DIR) + "/plugin_counter.so";
    auto refused = run_racedemo({"--plugin", plugin, "explain", "plugin-counter", "--go"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.out.empty());
    CHECK(count_lines(refused.err) == 1);
    CHECK(holds(refused.err, "--go: plugin-counter has no Go listing"));
    CHECK(run_racedemo({"--plugin", plugin, "explain", "plugin-counter"}).exit_code == 0);
}

TEST_CASE("explain NAME --go shows the lesson, then both go programs with their C++ lines" *
          kCourseOutput) {
    for (const Scenario* scenario : builtins()) {
        INFO(scenario->name);
        auto result = run_racedemo({"explain", std::string(scenario->name), "--go"});
        REQUIRE(result.exit_code == 0);
        CHECK(result.err.empty());
        // The lesson as without --go, then the Go.
        CHECK(result.out.rfind(run_racedemo({"explain", std::string(scenario->name)}).out, 0) == 0);
        CHECK(holds(result.out, "The same program in Go"));
        CHECK(!holds(result.out, "// C++:"));  // the markers are taken off
        const std::string cpp = lesson_file(*scenario);
        for (Variant variant : {Variant::unsafe, Variant::fixed}) {
            const GoListing* listing = find_go_listing(*scenario, variant);
            CHECK(holds(result.out, std::string(listing->path)));
            for (const GoMarker& marker : go_markers(*scenario, variant))
                CHECK(holds(result.out, fmt::format("// {}:{}\n", cpp, marker.cpp_line)));
        }
    }
    // A line of each: the Go statement, and beside it the C++ line it stands for.
    const Scenario& early = scenario_named("early-return");
    auto shown = run_racedemo({"explain", "early-return", "--go"});
    int guard = 0;
    for (const GoMarker& marker : go_markers(early, Variant::fixed))
        if (holds(marker.text, "int PopGuarded() ... std::lock_guard")) guard = marker.cpp_line;
    REQUIRE(guard > 0);
    // The fixed Pop's defer (the unsafe Push defers its unlock too).
    const std::size_t pop = shown.out.find("func (s *Stack) Pop() int {",
                                           shown.out.find("Fixed: demos/go/s09_early_return/"));
    const std::size_t defer = shown.out.find("defer s.mu.Unlock()", pop);
    REQUIRE(pop != std::string::npos);
    REQUIRE(defer != std::string::npos);
    CHECK(holds(shown.out.substr(defer, shown.out.find('\n', defer) - defer),
                fmt::format("// s09_early_return.cpp:{}", guard)));
}

TEST_CASE("explain NAME --go --markdown: the page, then the go programs in ```go fences" *
          kCourseOutput) {
    auto page = run_racedemo({"explain", "early-return", "--markdown"});
    auto with_go = run_racedemo({"explain", "early-return", "--markdown", "--go"});
    REQUIRE(page.exit_code == 0);
    REQUIRE(with_go.exit_code == 0);
    CHECK(with_go.out.rfind(page.out, 0) == 0);
    const std::string go = with_go.out.substr(page.out.size());
    CHECK(go.rfind("## The same program in Go\n", 0) == 0);
    CHECK(holds(go, "### Unsafe\n\nFrom `demos/go/s09_early_return/unsafe/main.go`:\n\n```go\n"));
    CHECK(holds(go, "### Fixed\n\nFrom `demos/go/s09_early_return/fixed/main.go`:\n\n```go\n"));
    CHECK(holds(go, "\npackage main\n"));
    CHECK(holds(go, "// s09_early_return.cpp:"));
    CHECK(!holds(go, "// C++:"));
}
