// Pinned explorations: the schedule counts, step counts and outcome sets of every scenario's
// exhaustive exploration at 2 and 3 threads, unsafe and fixed, as the engine gave them before
// it was rebuilt. A change to the engine that alters one of these numbers changes what the
// exploration does, and must say why here. (Reduction::none rows are the searches that finish
// within the default budget.)
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "pinned_exploration.hpp"
#include "racedemo/scenario.hpp"

using racedemo::ModelOptions;
using racedemo::ModelResult;
using racedemo::Reduction;
using racedemo::Variant;

// The rows, shared with test_reads_from.cpp (pinned_exploration.hpp).
const std::vector<PinnedExploration>& pinned() {
    static const std::vector<PinnedExploration> rows{
        {"unsafe-map",
         Variant::unsafe,
         2,
         Reduction::dpor,
         89,
         72,
         3056,
         32,
         {{"clean", 17},
          {"concurrent map iteration and map write", 56},
          {"missing keys", 7},
          {"torn entry", 9}}},
        {"unsafe-map",
         Variant::unsafe,
         3,
         Reduction::dpor,
         7921,
         7632,
         338722,
         38,
         {{"clean", 289},
          {"concurrent map iteration and map write", 5040},
          {"missing keys", 1071},
          {"torn entry", 1521}}},
        {"unsafe-map", Variant::fixed, 2, Reduction::dpor, 3, 0, 121, 0, {{"clean", 3}}},
        {"unsafe-map", Variant::fixed, 2, Reduction::none, 3, 0, 121, 0, {{"clean", 3}}},
        {"unsafe-map", Variant::fixed, 3, Reduction::dpor, 12, 0, 608, 0, {{"clean", 12}}},
        {"unsafe-map", Variant::fixed, 3, Reduction::none, 12, 0, 608, 0, {{"clean", 12}}},
        {"mutex-map", Variant::fixed, 2, Reduction::dpor, 3, 0, 121, 0, {{"clean", 3}}},
        {"mutex-map", Variant::fixed, 2, Reduction::none, 3, 0, 121, 0, {{"clean", 3}}},
        {"mutex-map", Variant::fixed, 3, Reduction::dpor, 12, 0, 608, 0, {{"clean", 12}}},
        {"mutex-map", Variant::fixed, 3, Reduction::none, 12, 0, 608, 0, {{"clean", 12}}},
        // Deadlocks are outcomes of their own: they end an execution early, so the unsafe
        // variant has fewer steps and, without reduction at 3 threads, fewer schedules.
        {"lock-order",
         Variant::unsafe,
         2,
         Reduction::dpor,
         3,
         0,
         34,
         0,
         {{"clean", 2}, {"deadlock", 1}}},
        {"lock-order",
         Variant::unsafe,
         2,
         Reduction::none,
         6,
         0,
         68,
         0,
         {{"clean", 4}, {"deadlock", 2}}},
        {"lock-order",
         Variant::unsafe,
         3,
         Reduction::dpor,
         7,
         0,
         147,
         0,
         {{"clean", 6}, {"deadlock", 1}}},
        {"lock-order",
         Variant::unsafe,
         3,
         Reduction::none,
         504,
         0,
         11970,
         0,
         {{"clean", 498}, {"deadlock", 6}}},
        {"lock-order", Variant::fixed, 2, Reduction::dpor, 2, 0, 32, 0, {{"clean", 2}}},
        {"lock-order", Variant::fixed, 2, Reduction::none, 2, 0, 32, 0, {{"clean", 2}}},
        {"lock-order", Variant::fixed, 3, Reduction::dpor, 6, 0, 144, 0, {{"clean", 6}}},
        {"lock-order", Variant::fixed, 3, Reduction::none, 758, 0, 18192, 0, {{"clean", 758}}},
        // A pop that comes first leaves the mutex locked; whoever comes next waits forever.
        {"early-return",
         Variant::unsafe,
         2,
         Reduction::dpor,
         2,
         0,
         12,
         0,
         {{"clean", 1}, {"deadlock", 1}}},
        {"early-return",
         Variant::unsafe,
         2,
         Reduction::none,
         2,
         0,
         12,
         0,
         {{"clean", 1}, {"deadlock", 1}}},
        {"early-return",
         Variant::unsafe,
         3,
         Reduction::dpor,
         5,
         0,
         62,
         0,
         {{"clean", 4}, {"deadlock", 1}}},
        {"early-return",
         Variant::unsafe,
         3,
         Reduction::none,
         5,
         0,
         62,
         0,
         {{"clean", 4}, {"deadlock", 1}}},
        // Two workers read the same index before either writes it back: a job runs twice.
        // (Without reduction the 3-thread search takes 689,646 schedules: not pinned.)
        {"job-queue",
         Variant::unsafe,
         2,
         Reduction::dpor,
         48,
         44,
         452,
         8,
         {{"clean", 4}, {"job ran twice", 44}}},
        {"job-queue",
         Variant::unsafe,
         2,
         Reduction::none,
         196,
         188,
         1928,
         8,
         {{"clean", 8}, {"job ran twice", 188}}},
        {"job-queue",
         Variant::unsafe,
         3,
         Reduction::dpor,
         14673,
         14664,
         232179,
         9,
         {{"clean", 9}, {"job ran twice", 14664}}},
        // Every thread is a worker, receiving from a channel filled with the 2 jobs and closed
        // before they start. Every receive conflicts with every other, so no reduction merges
        // two schedules: with k jobs left and a workers receiving, a schedule picks one of a
        // workers for each job (a^k ways) and then the order of the a closing receives (a!):
        // 2^2 * 2! = 8 schedules of 4 steps at 2 threads, 3^2 * 3! = 54 of 5 steps at 3.
        // (Before, T1 fed the jobs through an unbuffered channel to the others: 2 and 144.)
        {"job-queue", Variant::fixed, 2, Reduction::dpor, 8, 0, 32, 0, {{"clean", 8}}},
        {"job-queue", Variant::fixed, 2, Reduction::none, 8, 0, 32, 0, {{"clean", 8}}},
        {"job-queue", Variant::fixed, 3, Reduction::dpor, 54, 0, 270, 0, {{"clean", 54}}},
        {"job-queue", Variant::fixed, 3, Reduction::none, 54, 0, 270, 0, {{"clean", 54}}},
        // A reader locks again behind a queued writer (writer-preferring, the default policy).
        // The writer queues by a step of its own, which explorations choose like any other
        // (issue 27): the clean path where T1 reads twice before T2 asks is explored too, and
        // the waits are in their true order. (Before, a writer queued on arriving at the lock: 2
        // and 5 schedules unsafe, 2 and 6 fixed, for every reduction.)
        {"rwmutex-recursive",
         Variant::unsafe,
         2,
         Reduction::dpor,
         7,
         0,
         58,
         0,
         {{"clean", 4}, {"deadlock", 3}}},
        {"rwmutex-recursive",
         Variant::unsafe,
         2,
         Reduction::none,
         9,
         0,
         75,
         0,
         {{"clean", 5}, {"deadlock", 4}}},
        {"rwmutex-recursive",
         Variant::unsafe,
         3,
         Reduction::dpor,
         52,
         0,
         664,
         0,
         {{"clean", 38}, {"deadlock", 14}}},
        {"rwmutex-recursive",
         Variant::unsafe,
         3,
         Reduction::none,
         90,
         0,
         1186,
         0,
         {{"clean", 68}, {"deadlock", 22}}},
        {"rwmutex-recursive", Variant::fixed, 2, Reduction::dpor, 3, 0, 22, 0, {{"clean", 3}}},
        {"rwmutex-recursive", Variant::fixed, 2, Reduction::none, 5, 0, 38, 0, {{"clean", 5}}},
        {"rwmutex-recursive", Variant::fixed, 3, Reduction::dpor, 22, 0, 242, 0, {{"clean", 22}}},
        {"rwmutex-recursive", Variant::fixed, 3, Reduction::none, 68, 0, 778, 0, {{"clean", 68}}},
        {"early-return", Variant::fixed, 2, Reduction::dpor, 2, 0, 18, 0, {{"clean", 2}}},
        {"early-return", Variant::fixed, 2, Reduction::none, 2, 0, 18, 0, {{"clean", 2}}},
        {"early-return", Variant::fixed, 3, Reduction::dpor, 6, 0, 86, 0, {{"clean", 6}}},
        {"early-return", Variant::fixed, 3, Reduction::none, 6, 0, 86, 0, {{"clean", 6}}},
        // Readers that count their lookups (of the 1 entry) in a shared counter: only the
        // counter's read and write-back conflict. Clean schedules are the serial orders of the
        // counts (2! and 3!); at 2 threads the two others read before both write, the writes
        // in either order. Every schedule runs all 8 steps of each reader.
        {"read-only",
         Variant::unsafe,
         2,
         Reduction::dpor,
         4,
         2,
         64,
         16,
         {{"clean", 2}, {"lost count", 2}}},
        {"read-only",
         Variant::unsafe,
         3,
         Reduction::dpor,
         36,
         30,
         864,
         24,
         {{"clean", 6}, {"lost count", 30}}},
        // Only reads: they all commute, so one schedule stands for every one (6 steps each).
        {"read-only", Variant::fixed, 2, Reduction::dpor, 1, 0, 12, 0, {{"clean", 1}}},
        {"read-only", Variant::fixed, 3, Reduction::dpor, 1, 0, 18, 0, {{"clean", 1}}},
        {"trie-race",
         Variant::unsafe,
         2,
         Reduction::dpor,
         4,
         2,
         46,
         12,
         {{"clean", 2}, {"lost 1 key", 2}}},
        {"trie-race",
         Variant::unsafe,
         2,
         Reduction::none,
         630,
         420,
         7350,
         12,
         {{"clean", 210}, {"lost 1 key", 420}}},
        {"trie-race",
         Variant::unsafe,
         3,
         Reduction::dpor,
         42,
         36,
         1058,
         23,
         {{"clean", 6}, {"lost 1 key", 14}, {"lost 2 keys", 22}}},
        {"trie-race", Variant::fixed, 2, Reduction::dpor, 2, 0, 30, 0, {{"clean", 2}}},
        {"trie-race", Variant::fixed, 2, Reduction::none, 2, 0, 30, 0, {{"clean", 2}}},
        {"trie-race", Variant::fixed, 3, Reduction::dpor, 6, 0, 168, 0, {{"clean", 6}}},
        {"trie-race", Variant::fixed, 3, Reduction::none, 6, 0, 168, 0, {{"clean", 6}}},
        {"stack",
         Variant::unsafe,
         2,
         Reduction::dpor,
         58,
         44,
         664,
         12,
         {{"clean", 14}, {"double pop", 8}, {"lost push", 16}, {"lost push + double pop", 20}}},
        {"stack",
         Variant::unsafe,
         2,
         Reduction::none,
         924,
         852,
         10872,
         12,
         {{"clean", 72}, {"double pop", 108}, {"lost push", 108}, {"lost push + double pop", 636}}},
        {"stack",
         Variant::unsafe,
         3,
         Reduction::dpor,
         19668,
         18594,
         348633,
         18,
         {{"clean", 1074},
          {"double pop", 1590},
          {"lost push", 3114},
          {"lost push + double pop", 13890}}},
        {"stack", Variant::fixed, 2, Reduction::dpor, 6, 0, 120, 0, {{"clean", 6}}},
        {"stack", Variant::fixed, 2, Reduction::none, 6, 0, 120, 0, {{"clean", 6}}},
        {"stack", Variant::fixed, 3, Reduction::dpor, 90, 0, 2700, 0, {{"clean", 90}}},
        {"stack", Variant::fixed, 3, Reduction::none, 90, 0, 2700, 0, {{"clean", 90}}},
        {"rwmutex-cache",
         Variant::unsafe,
         2,
         Reduction::dpor,
         24,
         20,
         318,
         12,
         {{"clean", 4},
          {"lost write", 10},
          {"lost write + torn read", 2},
          {"lost write + torn write + torn read", 8}}},
        {"rwmutex-cache",
         Variant::unsafe,
         2,
         Reduction::none,
         1864,
         1724,
         24504,
         12,
         {{"clean", 140},
          {"lost write", 1358},
          {"lost write + torn read", 30},
          {"lost write + torn write + torn read", 336}}},
        {"rwmutex-cache",
         Variant::unsafe,
         3,
         Reduction::dpor,
         3072,
         3036,
         61044,
         20,
         {{"clean", 36},
          {"lost write", 1173},
          {"lost write + torn read", 468},
          {"lost write + torn write", 117},
          {"lost write + torn write + torn read", 1278}}},
        // Its writers queue by a step of their own (see rwmutex-recursive): before, 14, 926 and
        // 666 schedules.
        {"rwmutex-cache", Variant::fixed, 2, Reduction::dpor, 28, 0, 678, 0, {{"clean", 28}}},
        {"rwmutex-cache",
         Variant::fixed,
         2,
         Reduction::none,
         5552,
         0,
         137858,
         0,
         {{"clean", 5552}}},
        {"rwmutex-cache",
         Variant::fixed,
         3,
         Reduction::dpor,
         4536,
         0,
         181230,
         0,
         {{"clean", 4536}}},
        {"counter",
         Variant::unsafe,
         2,
         Reduction::dpor,
         4,
         2,
         16,
         4,
         {{"clean", 2}, {"lost updates", 2}}},
        {"counter",
         Variant::unsafe,
         2,
         Reduction::none,
         6,
         4,
         24,
         4,
         {{"clean", 2}, {"lost updates", 4}}},
        {"counter",
         Variant::unsafe,
         3,
         Reduction::dpor,
         36,
         30,
         216,
         6,
         {{"clean", 6}, {"lost updates", 30}}},
        {"counter",
         Variant::unsafe,
         3,
         Reduction::none,
         90,
         84,
         540,
         6,
         {{"clean", 6}, {"lost updates", 84}}},
        {"counter", Variant::fixed, 2, Reduction::dpor, 2, 0, 16, 0, {{"clean", 2}}},
        {"counter", Variant::fixed, 2, Reduction::none, 2, 0, 16, 0, {{"clean", 2}}},
        {"counter", Variant::fixed, 3, Reduction::dpor, 6, 0, 72, 0, {{"clean", 6}}},
        {"counter", Variant::fixed, 3, Reduction::none, 6, 0, 72, 0, {{"clean", 6}}},
    };
    return rows;
}

namespace {

ModelResult explore(const PinnedExploration& row) {
    const racedemo::Scenario* scenario = racedemo::find_scenario(row.scenario);
    REQUIRE(scenario != nullptr);
    ModelOptions options;
    options.strategy = racedemo::Strategy::explore;
    options.reduction = row.reduction;
    racedemo::TrialConfig config{.threads = row.threads, .model = true};
    return racedemo::run_model(*scenario, row.variant, config, options);
}

std::set<std::string> labels(const std::map<std::string, std::uint64_t>& outcomes) {
    std::set<std::string> result;
    for (const auto& [label, count] : outcomes) result.insert(label);
    return result;
}

}  // namespace

TEST_CASE("every scenario's exploration at 2 and 3 threads gives its pinned counts") {
    for (const PinnedExploration& row : pinned()) {
        CAPTURE(row.scenario);
        CAPTURE(row.variant == Variant::fixed);
        CAPTURE(row.threads);
        CAPTURE(row.reduction == Reduction::dpor);
        const ModelResult result = explore(row);
        CHECK(result.complete);
        CHECK(result.schedules_explored == row.schedules);
        CHECK(result.schedules_corrupt == row.corrupt);
        CHECK(result.steps == row.steps);
        CHECK(result.outcomes == row.outcomes);
        CHECK(result.shortest_schedule.value_or(std::vector<int>{}).size() == row.shortest_steps);
    }
}

TEST_CASE("the reduced exploration reaches the outcomes the full one reaches") {
    for (const PinnedExploration& full : pinned()) {
        if (full.reduction != Reduction::none) continue;
        for (const PinnedExploration& reduced : pinned()) {
            if (reduced.reduction == Reduction::none || reduced.threads != full.threads ||
                reduced.variant != full.variant || std::string(reduced.scenario) != full.scenario)
                continue;
            CAPTURE(full.scenario);
            CAPTURE(full.threads);
            CHECK(labels(reduced.outcomes) == labels(full.outcomes));
        }
    }
}

TEST_CASE("every scenario, variant and thread count of 2 and 3 is pinned") {
    for (const racedemo::Scenario* scenario : racedemo::scenarios()) {
        for (Variant variant : {Variant::unsafe, Variant::fixed}) {
            if (scenario->effective(variant) != variant) continue;
            for (int threads : {2, 3}) {
                bool found = false;
                for (const PinnedExploration& row : pinned())
                    found = found || (row.scenario == scenario->name && row.variant == variant &&
                                      row.threads == threads && row.reduction == Reduction::dpor);
                CAPTURE(scenario->name);
                CAPTURE(threads);
                CHECK(found);
            }
        }
    }
}
