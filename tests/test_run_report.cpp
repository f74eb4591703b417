// Reports rendered from hand-built results: what the text and the JSON say about a random or pct
// series, a cut exploration and an interrupted run (the engine's side is tested elsewhere).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <csignal>
#include <sstream>
#include <string>

#include "cli/request.hpp"
#include "present/html_report.hpp"
#include "present/run_report.hpp"
#include "present/text.hpp"
#include "real/detector.hpp"

using namespace racedemo;

namespace {

TraceEvent event(int step, int thread, Op op, std::string target, std::string value) {
    TraceEvent made;
    made.step = step;
    made.thread = thread;
    made.op = op;
    made.target = std::move(target);
    made.value = std::move(value);
    return made;
}

ModelRun clean_run(std::vector<int> schedule) {
    ModelRun run;
    run.schedule = std::move(schedule);
    run.outcome = Outcome::clean();
    run.trace.events = {event(1, 1, Op::read, "hits", "0"), event(2, 1, Op::write, "hits", "1"),
                        event(3, 2, Op::read, "hits", "1"), event(4, 2, Op::write, "hits", "2")};
    run.trace.lanes = {"hit()", "hit()"};
    return run;
}

RunReport report_of(const RunRequest& request, const ModelResult& result) {
    ModelReport model{request.model, result, {}};
    model.replay = replay_command(request, pointed_schedule(model));
    return RunReport{{request.scenario, request.variant, Mode::model, request.threads}, model, 0};
}

RunRequest model_request(Strategy strategy, std::uint64_t runs) {
    RunRequest request = default_run(*find_scenario("counter"));
    request.runner = Runner::model;
    request.model.strategy = strategy;
    request.model.runs = runs;
    request.model.seed = 7;
    return request;
}

// A pct series of 50 schedules in which 3 corrupted, the first being 1,2,1,2.
ModelResult pct_series() {
    ModelResult result;
    result.shown = clean_run({1, 1, 2, 2});
    result.schedules_explored = 50;
    result.schedules_corrupt = 3;
    result.steps = 200;
    result.elapsed_ms = 12.5;
    result.outcomes = {{"clean", 47}, {"lost increment", 3}};
    result.first_corrupt_schedule = std::vector<int>{1, 2, 1, 2};
    return result;
}

}  // namespace

TEST_CASE("JSON of a pct series: strategy, runs, corrupted runs, steps, time, first schedule") {
    RunRequest request = model_request(Strategy::pct, 50);
    request.model.pct_depth = 4;
    const nlohmann::json json = report_json(report_of(request, pct_series()));
    CHECK(json["scenario"] == "counter");
    CHECK(json["mode"] == "model");
    CHECK(json["strategy"] == "pct");
    CHECK(json["depth"] == 4);
    CHECK(json["seed"] == 7);
    CHECK(json["runs"] == 50);
    CHECK(json["runs_requested"] == 50);
    CHECK(json["corrupted_runs"] == 3);
    CHECK(json["steps"] == 200);
    CHECK(json["elapsed_ms"] == 12.5);
    CHECK(json["verdict"] == "corrupted");
    CHECK(json["schedule"] == std::vector<int>{1, 2, 1, 2});
    CHECK(json["first_corrupt_schedule"] == std::vector<int>{1, 2, 1, 2});
    CHECK(json["replay"] == "racedemo counter --mode model --threads 2 --schedule 1,2,1,2");
    CHECK(json["outcomes"]["lost increment"] == 3);
    CHECK(json["estimate"].is_null());
    CHECK(json["interrupted"] == false);
    CHECK(json["trace"].size() == 4);
}

TEST_CASE("text of a random series: how many corrupted, and the replay of the first") {
    RunRequest request = model_request(Strategy::random, 50);
    const std::string text = render_text(report_of(request, pct_series()), Style(false));
    CHECK(text.find("50 random schedules, seed 7") != std::string::npos);
    CHECK(text.find("ran 50 schedules: 3 corrupted") != std::string::npos);
    CHECK(text.find("CORRUPTED: 3 of 50 schedules corrupted") != std::string::npos);
    CHECK(text.find("replay: racedemo counter --mode model --threads 2 --schedule 1,2,1,2") !=
          std::string::npos);
    CHECK(text.find("CLEAN") == std::string::npos);
}

TEST_CASE("a series with no corruption has no first schedule and is clean") {
    ModelResult result = pct_series();
    result.schedules_corrupt = 0;
    result.first_corrupt_schedule.reset();
    const RunReport report = report_of(model_request(Strategy::random, 50), result);
    const nlohmann::json json = report_json(report);
    CHECK(json["verdict"] == "clean");
    CHECK(json["first_corrupt_schedule"].is_null());
    CHECK(json["schedule"] == std::vector<int>{1, 1, 2, 2});  // the run shown
    CHECK(render_text(report, Style(false))
              .find("CLEAN: none of 50 schedules corrupts or deadlocks") != std::string::npos);
}

TEST_CASE("an interrupted model run never renders CLEAN, in text or JSON") {
    for (Strategy strategy : {Strategy::random, Strategy::pct, Strategy::explore}) {
        INFO(name_of(strategy));
        ModelResult result;
        result.shown = clean_run({1, 1, 2, 2});
        result.schedules_explored = 20;
        result.complete = strategy == Strategy::explore;  // even one that claims completeness
        result.interrupted = true;
        RunReport report = report_of(model_request(strategy, 100), result);
        report.interrupted_by = SIGINT;
        const std::string text = render_text(report, Style(false));
        CHECK(text.find("CLEAN") == std::string::npos);
        CHECK(text.find("NO BUG FOUND") != std::string::npos);
        CHECK(text.find("interrupted") != std::string::npos);
        const nlohmann::json json = report_json(report);
        CHECK(json["interrupted"] == true);
        CHECK(json["signal"] == "SIGINT");
        CHECK(json["time_limit_reached"] == false);
        CHECK(json["verdict"] == "no-bug-found");
        CHECK(verdict_of(report) == Verdict::no_bug_found);
    }
}

TEST_CASE("a model run stopped by --max-time says so, and is never CLEAN") {
    for (Strategy strategy : {Strategy::random, Strategy::pct, Strategy::explore}) {
        INFO(name_of(strategy));
        ModelResult result;
        result.shown = clean_run({1, 1, 2, 2});
        result.schedules_explored = 20;
        result.interrupted = true;  // the engine's stop token: the time limit stopped it
        RunReport report = report_of(model_request(strategy, 100), result);
        std::get<ModelReport>(report.body).time_limit_reached = true;
        report.time_limit_reached = true;
        const std::string text = render_text(report, Style(false));
        CHECK(text.find("CLEAN") == std::string::npos);
        CHECK(text.find("reached its time limit") != std::string::npos);
        CHECK(text.find("interrupted") == std::string::npos);
        const nlohmann::json json = report_json(report);
        CHECK(json["interrupted"] == false);
        CHECK(json["signal"].is_null());
        CHECK(json["time_limit_reached"] == true);
        CHECK(json["verdict"] == "no-bug-found");
    }
}

TEST_CASE("a real run cut short, or with no run finished, is never CLEAN") {
    RunRequest request = default_run(*find_scenario("counter"));
    request.variant = Variant::fixed;
    RealResult finished;
    finished.runs_requested = 100;
    finished.runs_done = 100;
    for (int run = 0; run < 100; ++run) finished.outcomes.add("clean");
    auto report_for = [&](const RealResult& result) {
        return RunReport{{request.scenario, request.variant, Mode::real, 2},
                         RealReport{request.real, result, {}},
                         0};
    };
    CHECK(verdict_of(report_for(finished)) == Verdict::clean);  // the case the others differ from
    RealResult interrupted = finished;
    interrupted.runs_done = 7;
    interrupted.interrupted_by = SIGTERM;
    RealResult timed_out = finished;
    timed_out.runs_done = 7;
    timed_out.time_limit_reached = true;
    RealResult none = finished;
    none.runs_done = 0;
    none.interrupted_by = SIGINT;
    for (const RealResult& result : {interrupted, timed_out, none}) {
        const RunReport report = report_for(result);
        const std::string text = render_text(report, Style(false));
        INFO(text);
        CHECK(verdict_of(report) == Verdict::no_bug_found);
        CHECK(text.find("CLEAN") == std::string::npos);
        CHECK(text.find(fmt::format("{} of 100 runs finished", result.runs_done)) !=
              std::string::npos);
        CHECK(text.find(result.time_limit_reached ? "stopped at the time limit" : "interrupted") !=
              std::string::npos);
    }
}

TEST_CASE("an exploration cut by its budget prints the estimate and is no proof") {
    RunRequest request = model_request(Strategy::explore, 1);
    request.model.budget = 1000;
    ModelResult result;
    result.shown = clean_run({1, 1, 2, 2});
    result.schedules_explored = 1000;
    result.executions = 1234;
    result.steps = 5000;
    result.complete = false;
    result.estimate = SearchEstimate{2.5e6, 7200};
    const RunReport report = report_of(request, result);
    const std::string text = render_text(report, Style(false));
    CHECK(text.find("INCOMPLETE (budget or bound reached)") != std::string::npos);
    // The steps of the executions stopped early are counted, and said to be.
    CHECK(text.find(" 5000 steps in 1234 executions, 234 of them stopped early (explored "
                    "before, or every way on asleep)\n") != std::string::npos);
    CHECK(text.find("a complete search would take about 2.5e+06 schedules, about 2.0 hours") !=
          std::string::npos);
    CHECK(text.find("NO BUG FOUND") != std::string::npos);
    CHECK(text.find("CLEAN") == std::string::npos);
    const nlohmann::json json = report_json(report);
    CHECK(json["estimate"]["schedules"] == 2.5e6);
    CHECK(json["estimate"]["seconds"] == 7200);
    CHECK(json["verdict"] == "no-bug-found");
    CHECK(json["complete"] == false);
    CHECK(json["executions"] == 1234);
}

TEST_CASE("a cut exploration heads its schedule 'found so far', a complete one 'shortest'") {
    ModelResult result;
    result.shown = clean_run({1, 2, 1, 2});
    result.shown.outcome = Outcome{"lost increment", true, "counted 1 of 2 hits: 1 lost"};
    result.schedules_explored = 10;
    result.schedules_corrupt = 2;
    result.shortest_schedule = std::vector<int>{1, 2, 1, 2};
    for (const bool complete : {false, true}) {
        result.complete = complete;
        const std::string text =
            render_text(report_of(model_request(Strategy::explore, 1), result), Style(false));
        CAPTURE(text);
        CHECK((text.find("shortest corrupting schedule found so far") != std::string::npos) ==
              !complete);
        CHECK((text.find("shortest schedule that corrupts") != std::string::npos) == complete);
    }
    result.shown.outcome = Outcome{"deadlock", false, "T1 waits for a; T2 waits for b"};
    result.shown.deadlock = true;
    result.complete = false;
    const std::string text =
        render_text(report_of(model_request(Strategy::explore, 1), result), Style(false));
    CHECK(text.find("shortest deadlocking schedule found so far") != std::string::npos);
}

TEST_CASE("a complete exploration that found nothing is clean, with no estimate") {
    ModelResult result;
    result.shown = clean_run({1, 1, 2, 2});
    result.schedules_explored = 6;
    result.complete = true;
    const RunReport report = report_of(model_request(Strategy::explore, 1), result);
    CHECK(render_text(report, Style(false))
              .find("CLEAN: none of the 6 schedules corrupts or deadlocks") != std::string::npos);
    CHECK(report_json(report)["estimate"].is_null());
    CHECK(report_json(report)["reduction_requested"] == "auto");
    CHECK(report_json(report)["reduction"] == std::string(name_of(result.reduction)));
    CHECK(report_json(report)["memory_model"] == "sequential consistency");
}

TEST_CASE("a deadlocked exploration says DEADLOCKED with the wait-for cycle, in text and JSON") {
    ModelResult result;
    result.shown.schedule = {1, 2};
    result.shown.deadlock = true;
    result.shown.outcome =
        Outcome{"deadlock", false,
                "T1 holds a, waits for b (held by T2); T2 holds b, waits for a (held by T1)"};
    result.shown.wait_for = {Waiter{1, {"a"}, "b", {2}, false}, Waiter{2, {"b"}, "a", {1}, false}};
    result.shown.trace.events = {event(1, 1, Op::lock, "a", ""), event(2, 2, Op::lock, "b", "")};
    result.shown.trace.lanes = {"transfer(a, b)", "transfer(b, a)"};
    result.schedules_explored = 6;
    result.schedules_deadlocked = 2;
    result.complete = true;
    result.outcomes = {{"clean", 4}, {"deadlock", 2}};
    result.shortest_deadlock_schedule = std::vector<int>{1, 2};
    const RunReport report = report_of(model_request(Strategy::explore, 1), result);
    CHECK(verdict_of(report) == Verdict::deadlocked);
    const std::string text = render_text(report, Style(false));
    CHECK(text.find("shortest schedule that deadlocks") != std::string::npos);
    CHECK(text.find(", 0 corrupt, 2 deadlocked, complete") != std::string::npos);
    CHECK(text.find("DEADLOCKED: T1 holds a, waits for b (held by T2); T2 holds b, waits for a "
                    "(held by T1)\n") != std::string::npos);
    CHECK(text.find("--schedule 1,2") != std::string::npos);  // the replay of the deadlock
    CHECK(text.find("CLEAN") == std::string::npos);
    const nlohmann::json json = report_json(report);
    CHECK(json["verdict"] == "deadlocked");
    CHECK(json["schedules_deadlocked"] == 2);
    CHECK(json["schedules_corrupt"] == 0);
    CHECK(json["shortest_deadlock_schedule"] == std::vector<int>{1, 2});
    REQUIRE(json["wait_for"].size() == 2);
    CHECK(json["wait_for"][0]["thread"] == 1);
    CHECK(json["wait_for"][0]["holds"] == std::vector<std::string>{"a"});
    CHECK(json["wait_for"][0]["waits_for"] == "b");
    CHECK(json["wait_for"][0]["held_by"] == std::vector<int>{2});
}

TEST_CASE(
    "corruptions and deadlocks in one exploration: the corruption is shown, the deadlock named") {
    ModelResult result;
    result.shown = clean_run({1, 2, 2, 1});
    result.shown.outcome = Outcome::corrupt("lost increment", "counted 1 of 2 hits: 1 lost");
    result.schedules_explored = 6;
    result.schedules_corrupt = 2;
    result.schedules_deadlocked = 1;
    result.complete = true;
    result.shortest_schedule = std::vector<int>{1, 2, 2, 1};
    result.shortest_deadlock_schedule = std::vector<int>{2, 1, 1};
    const RunReport report = report_of(model_request(Strategy::explore, 1), result);
    CHECK(verdict_of(report) == Verdict::corrupted);
    const std::string text = render_text(report, Style(false));
    CHECK(text.find("CORRUPTED: counted 1 of 2 hits: 1 lost\n") != std::string::npos);
    CHECK(text.find(" 1 schedule also deadlocked; --schedule 2,1,1 replays one\n") !=
          std::string::npos);
}

TEST_CASE("fit: long lines wrap under their start; a command goes on as a shell reads it") {
    const std::string prose =
        "CORRUPTED: an iteration missed 1 of the 1 keys already in the map (moved by a growth)";
    const std::string wrapped = text::fit(prose + "\n", 40);
    CHECK(wrapped ==
          "CORRUPTED: an iteration missed 1 of\n  the 1 keys already in the map (moved\n"
          "  by a growth)\n");
    std::string schedule = "1";
    for (int i = 0; i < 40; ++i) schedule += i % 2 == 0 ? ",2" : ",1";
    const std::string command =
        " replay: racedemo counter --mode model --threads 2 --schedule " + schedule;
    const std::string fitted = text::fit(command + "\n", 40);
    std::size_t start = 0;
    while (start < fitted.size()) {
        const std::size_t end = fitted.find('\n', start);
        CHECK(text::columns(std::string_view(fitted).substr(start, end - start)) <= 40);
        start = end + 1;
    }
    // What a shell reads: backslash-newline removed, words split at blanks.
    std::string shell = fitted;
    for (std::size_t at; (at = shell.find("\\\n")) != std::string::npos;) shell.erase(at, 2);
    auto words = [](const std::string& line) {
        std::vector<std::string> split;
        std::istringstream in(line);
        for (std::string word; in >> word;) split.push_back(word);
        return split;
    };
    CHECK(words(shell) == words(command));
    CHECK(text::fit("short\n", 40) == "short\n");
}

TEST_CASE(
    "the HTML page: one element a step, the damage and the overwritten step marked, no network") {
    ModelResult result;
    result.shown = clean_run({1, 2, 2, 1});
    result.shown.trace.events[1].damage =
        racedemo::Damage{racedemo::DamageKind::lost_update, 1, 1, "0"};
    result.shown.outcome = Outcome{"lost increment", true, "counted 1 of 2 hits: <1> lost"};
    result.complete = true;
    result.schedules_explored = 4;
    result.schedules_corrupt = 2;
    result.shortest_schedule = std::vector<int>{1, 2, 2, 1};
    const RunReport report = report_of(model_request(Strategy::explore, 1), result);
    const std::string page = render_html(report, render_text(report, Style(false)));
    std::size_t steps = 0;
    for (std::size_t at = 0; (at = page.find("<tr data-step=", at)) != std::string::npos; ++at)
        ++steps;
    CHECK(steps == 4);
    CHECK(page.find("<tr data-step=\"2\" data-thread=\"1\" data-damage>") != std::string::npos);
    CHECK(page.find("<tr data-step=\"1\" data-thread=\"1\" data-overwritten>") !=
          std::string::npos);
    CHECK(page.find("CORRUPTED: counted 1 of 2 hits: &lt;1&gt; lost") != std::string::npos);
    CHECK(page.find("write hits &lt;- 1") != std::string::npos);
    CHECK(page.find("racedemo counter --mode model") != std::string::npos);  // the replay
    CHECK(page.find("http") == std::string::npos);  // nothing fetched: one file is the page
    CHECK(page.find("<script>") != std::string::npos);
}

namespace {

RunReport real_report_of(const RealResult& result, double timeout_seconds = 0.3) {
    RunRequest request = default_run(*find_scenario("trie-race"));
    request.variant = Variant::fixed;
    request.real.runs = result.runs_requested;
    request.real.timeout_seconds = timeout_seconds;
    return RunReport{{request.scenario, request.variant, Mode::real, request.threads},
                     RealReport{request.real, result, {}},
                     0};
}

// Five trials the watchdog killed: a hung outcome, as run_real counts it.
RealResult all_hung() {
    RealResult result;
    result.runs_requested = result.runs_done = result.hung_runs = 5;
    for (int run = 0; run < 5; ++run) result.outcomes.add("hung");
    return result;
}

}  // namespace

TEST_CASE("real runs that only hung are HUNG, never CORRUPTED, and name no first corruption") {
    const RunReport report = real_report_of(all_hung());
    CHECK(verdict_of(report) == Verdict::hung);
    const std::string text = render_text(report, Style(false, 100));
    CHECK(text.find("CORRUPTED") == std::string::npos);
    CHECK(text.find("first corruption") == std::string::npos);
    CHECK(text.find("HUNG: 5 of 5 runs gave no result within 0.3 s and were killed; no "
                    "corruption seen") != std::string::npos);
    CHECK(report_json(report)["verdict"] == "hung");
}

TEST_CASE("trials that could not start are told apart, never as corrupted, crashed or hung") {
    RealResult result;
    result.runs_requested = 5;
    result.runs_done = 3;
    result.rounds_total = 300;
    result.outcomes.add("clean");
    result.outcomes.rows[0].second = 3;
    result.failed_to_start = 2;
    result.start_failure = "cannot create thread 37 of 64: Resource temporarily unavailable";
    const RunReport report = real_report_of(result);
    CHECK(verdict_of(report) == Verdict::clean);
    const std::string text = render_text(report, Style(false, 100));
    CHECK(text.find(" 2 could not start: cannot create thread 37 of 64: Resource temporarily "
                    "unavailable\n") != std::string::npos);
    CHECK(text.find("stopped") == std::string::npos);  // all five were tried
    CHECK(text.find("CLEAN: 3 of 3 runs") != std::string::npos);
    const auto json = report_json(report);
    CHECK(json["failed_to_start"] == 2);
    CHECK(json["failed_to_start_reason"] == result.start_failure);
    CHECK(json["corrupted_runs"] == 0);
    CHECK(json["crashed_runs"] == 0);
    CHECK(json["hung_runs"] == 0);
    CHECK(json["failed_to_start_reasons_vary"] == false);

    // The first reason is not made every trial's.
    result.start_failures_vary = true;
    CHECK(render_text(real_report_of(result), Style(false, 100))
              .find(" 2 could not start, for more than one reason; the first: cannot create "
                    "thread 37") != std::string::npos);
}

TEST_CASE("a detector run cut short never says NO RACE") {
    DetectorResult cut;
    read_twin_summary(
        R"({"thread_sanitizer": true, "runs": 2, "runs_requested": 2, "hung_runs": 2, "timeout_seconds": 0.3})",
        cut);
    CHECK(cut.incomplete == "2 of 2 runs hung and were killed after 0.3 s");
    DetectorResult fewer;
    read_twin_summary(
        R"({"thread_sanitizer": true, "runs": 1, "runs_requested": 2, "hung_runs": 0})", fewer);
    CHECK(fewer.incomplete == "only 1 of 2 runs were done");
    DetectorResult silent;
    read_twin_summary("", silent);
    CHECK(!silent.incomplete.empty());
    DetectorResult plain;  // a report of another racedemo's runs: no ThreadSanitizer in it
    CHECK_THROWS_AS(read_twin_summary(R"({"runs": 2, "runs_requested": 2})", plain),
                    std::runtime_error);
    DetectorResult whole;
    read_twin_summary(
        R"({"thread_sanitizer": true, "runs": 2, "runs_requested": 2, "hung_runs": 0})", whole);
    CHECK(whole.incomplete.empty());

    RunReport report = real_report_of(RealResult{});
    report.body = DetectorReport{2, cut};
    const std::string text = render_text(report, Style(false, 100));
    CHECK(text.find("NO RACE") == std::string::npos);
    CHECK(text.find("INCOMPLETE: 2 of 2 runs hung and were killed after 0.3 s") !=
          std::string::npos);
    CHECK(verdict_of(report) == Verdict::no_bug_found);
    CHECK(report_json(report)["verdict"] == "no-bug-found");
    CHECK(report_json(report)["complete"] == false);
}
