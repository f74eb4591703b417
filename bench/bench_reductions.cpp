// The reductions on the model-checking literature's programs: schedules, executions and
// seconds of every reduction on lastzero, indexer and N independent writers (the programs of
// tests/reference/classic_programs.hpp, run through the scenario API like any scenario). Each
// cell is one exploration, stopped at --limit seconds (then marked "cut"). Prints a Markdown
// table for docs/performance.md.
//
//   build-bench/bench/racedemo_reductions [--limit SECONDS]
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/model.hpp"
#include "program_scenario.hpp"
#include "reference/classic_programs.hpp"

namespace {

using racedemo::ModelResult;
using racedemo::Reduction;

struct Cell {
    ModelResult result;
    double seconds = 0;
};

// One exploration, stopped after `limit` seconds.
Cell explore(const testprog::Program& program, Reduction reduction, double limit) {
    std::stop_source stop;
    std::mutex mutex;
    std::condition_variable done_changed;
    bool done = false;
    std::thread timer([&] {
        std::unique_lock guard(mutex);
        if (!done_changed.wait_for(guard, std::chrono::duration<double>(limit),
                                   [&] { return done; }))
            stop.request_stop();
    });
    testprog::ProgramScope scope(program);
    racedemo::ModelOptions options;
    options.strategy = racedemo::Strategy::explore;
    options.reduction = reduction;
    options.budget = 100'000'000;
    options.stop = stop.get_token();
    racedemo::TrialConfig config;
    config.threads = static_cast<int>(program.threads.size());
    config.model = true;
    const auto start = std::chrono::steady_clock::now();
    Cell cell;
    cell.result = racedemo::run_model(testprog::program_scenario(), racedemo::Variant::fixed,
                                      config, options);
    cell.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    {
        std::lock_guard guard(mutex);
        done = true;
    }
    done_changed.notify_one();
    timer.join();
    return cell;
}

std::string shown(const Cell& cell) {
    const ModelResult& result = cell.result;
    std::string text = fmt::format("{} / {} / {:.2f} s", result.schedules_explored,
                                   result.executions, cell.seconds);
    if (!result.complete) text += " (cut)";
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    double limit = 60;
    if (argc == 3 && std::string(argv[1]) == "--limit") limit = std::atof(argv[2]);
    std::vector<testprog::Program> programs;
    for (int n : {2, 3, 4, 5, 10}) programs.push_back(reference::lastzero(n));
    for (int n : {8, 11, 12, 13, 14, 15}) programs.push_back(reference::indexer(n));
    for (int n : {4, 8, 16}) programs.push_back(reference::independent_writers(n));
    fmt::print("| program | none | dpor | reads-from | auto (the default) |\n");
    fmt::print("|---|---|---|---|---|\n");
    for (const testprog::Program& program : programs) {
        std::string row = fmt::format("| {} |", program.name);
        for (Reduction reduction :
             {Reduction::none, Reduction::dpor, Reduction::reads_from, Reduction::automatic})
            row += fmt::format(" {} |", shown(explore(program, reduction, limit)));
        fmt::print("{}\n", row);
        std::fflush(stdout);
    }
}
