#include "cli/cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <new>
#include <system_error>

#include "cli/check.hpp"
#include "cli/classroom.hpp"
#include "cli/interrupt.hpp"
#include "cli/new_project.hpp"
#include "cli/output.hpp"
#include "cli/parse.hpp"
#include "cli/pipeline.hpp"
#include "cli/play.hpp"
#include "cli/plugins.hpp"
#include "core/overloaded.hpp"
#include "present/glossary.hpp"
#include "present/go_listing.hpp"
#include "present/lesson.hpp"

namespace racedemo {
namespace {

// One scenario a line, the summaries in one column however long the longest name.
void print_list(std::FILE* out) {
    std::size_t width = 0;
    for (const Scenario* scenario : scenarios()) width = std::max(width, scenario->name.size());
    for (const Scenario* scenario : scenarios()) {
        fmt::print(out, "{:>2}  {:<{}} {}", scenario->number, scenario->name, width,
                   scenario->summary);
        // A plugin's scenario says where it came from (the built-ins come first).
        if (!scenario->origin.empty()) fmt::print(out, "  [plugin {}]", scenario->origin);
        fmt::print(out, "\n");
    }
}

// The page docs/scenarios/ holds: the lesson and what two explorations print (plain text, the
// width of a file, as on a pipe).
std::string explain_page(const Scenario& scenario) {
    std::vector<std::pair<std::string, std::string>> runs;
    std::vector<RunRequest> requests;
    for (Variant variant : {Variant::unsafe, Variant::fixed}) {
        if (variant == Variant::unsafe && scenario.unsafe == nullptr) continue;
        RunRequest request = default_run(scenario);
        request.variant = variant;
        request.runner = Runner::model;
        request.model.strategy = Strategy::explore;
        requests.push_back(request);
    }
    const Terminal plain;
    for (const RunRequest& request : requests)
        runs.emplace_back(command_line(request),
                          render_report(run_request(request, plain), form_of(request, plain)));
    return render_explain_markdown(scenario, runs);
}

int explain(const ExplainRequest& request, const Terminal& terminal, std::FILE* out) {
    // With --go, the Go programs follow the lesson (the parser refused --go where there are none).
    if (request.markdown) {
        fmt::print(out, "{}", explain_page(*request.scenario));
        if (request.go) fmt::print(out, "{}", render_go_listings_markdown(*request.scenario));
    } else {
        fmt::print(out, "{}", render_explain(*request.scenario, Style(terminal.color)));
        if (request.go)
            fmt::print(
                out, "{}",
                render_go_listings(*request.scenario, Style(terminal.color, terminal.width)));
    }
    return kExitRan;
}

int walk(const WalkthroughRequest& request, const Terminal& terminal, std::FILE* out) {
    WalkthroughOptions options{request.from, request.only, request.pause && terminal.interactive,
                               terminal.color};
    auto printer = [&terminal](const RunRequest& run, std::FILE* sink) {
        execute_run(run, terminal, sink);
    };
    walkthrough(options, printer, stdin, out);
    return interrupted() != 0 ? 128 + interrupted() : int{kExitRan};
}

}  // namespace

ColorChoice color_choice(const Request& request) {
    return std::visit(overloaded{[](const RunRequest& run) { return run.color; },
                                 [](const ExplainRequest& explain) { return explain.color; },
                                 [](const WalkthroughRequest& walk) { return walk.color; },
                                 [](const PlayRequest& play) { return play.color; },
                                 [](const CheckRequest& check) { return check.color; },
                                 [](const GlossaryRequest& glossary) { return glossary.color; },
                                 [](const auto&) { return ColorChoice::automatic; }},
                      request);
}

double max_time_of(const Request& request) {
    return std::visit(
        overloaded{[](const RunRequest& run) { return run.max_time_seconds; },
                   [](const WalkthroughRequest& walk) { return walk.max_time_seconds; },
                   [](const CheckRequest& check) { return check.max_time_seconds; },
                   [](const auto&) { return 0.0; }},
        request);
}

bool wants_json(const Request& request) {
    if (const CheckRequest* check = std::get_if<CheckRequest>(&request)) return check->json;
    const RunRequest* run = std::get_if<RunRequest>(&request);
    return run != nullptr && run->json;
}

int execute(const Request& request, const Terminal& terminal, std::FILE* out) {
    return std::visit(
        overloaded{[&](const HelpRequest& help) {
                       fmt::print(out, "{}", help.text);
                       return int{kExitRan};
                   },
                   [&](const ListRequest&) {
                       print_list(out);
                       return int{kExitRan};
                   },
                   [&](const GlossaryRequest&) {
                       fmt::print(out, "{}",
                                  render_glossary(Style(terminal.color, terminal.width)));
                       return int{kExitRan};
                   },
                   [&](const ExplainRequest& explain_request) {
                       return explain(explain_request, terminal, out);
                   },
                   [&](const WalkthroughRequest& walk_request) {
                       return walk(walk_request, terminal, out);
                   },
                   [&](const PlayRequest& play) { return run_play(play, terminal, stdin, out); },
                   [&](const NewRequest& project) { return write_project(project, out); },
                   [&](const CompleteRequest& complete) {
                       for (const std::string& word : completions(complete.words))
                           fmt::print(out, "{}\n", word);
                       return int{kExitRan};
                   },
                   [&](const CheckRequest& check) { return execute_check(check, terminal, out); },
                   [&](const RunRequest& run) { return execute_run(run, terminal, out); }},
        request);
}

int run_cli(int argc, char** argv) {
    try {
        // Plugins first: their scenarios are commands of the command line.
        const std::vector<std::string> args =
            load_plugins(std::vector<std::string>(argv + 1, argv + argc));
        const Request request = parse_request(args);
        if (const double seconds = max_time_of(request); seconds > 0) limit_time(seconds);
        const Terminal terminal =
            decide_terminal(color_choice(request), wants_json(request), sense_terminal());
        int code = execute(request, terminal, stdout);
        // Whatever the command, a signal that stopped it is its exit code, as a shell reports it.
        if (interrupted() != 0 && code < 128) code = 128 + interrupted();
        if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) return output_failed(errno);
        return code;
    } catch (const UsageError& error) {
        print_to_stderr("racedemo: {} (see '{}')\n", error.what(), error.help());
        return kExitUsage;
    } catch (const std::system_error& error) {
        // fmt::print throws at the first write that fails: the run stops there.
        if (std::ferror(stdout) != 0) return output_failed(error.code().value());
        report_error(error.what());
        return kExitError;
    } catch (const std::bad_alloc&) {
        // racedemo's own memory, not the scenario's: a trial's runs out inside its own process.
        report_error(
            "out of memory: racedemo itself ran out (a model search keeps what it explored: "
            "--reduction dpor, fewer --threads or a --budget keep less)");
        return kExitError;
    } catch (const std::exception& error) {
        report_error(error.what());
        return kExitError;
    }
}

}  // namespace racedemo
