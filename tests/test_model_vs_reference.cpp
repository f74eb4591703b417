// The model checker, checked from outside itself: every reduction against the reference
// enumerator (tests/reference/, written apart from the engine) on random programs, and against
// the published trace counts of the DPOR literature (lastzero, indexer).
//  - none explores every interleaving: its schedules, and its outcome histogram, are the
//    enumerator's interleavings, outcome for outcome;
//  - dpor explores each Mazurkiewicz trace exactly once where no deadlock is reachable, and
//    never misses an outcome (a deadlock included);
//  - reads-from and auto never miss an outcome.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "program_scenario.hpp"
#include "reference/classic_programs.hpp"
#include "reference/enumerator.hpp"
#include "reference/random_programs.hpp"
#include "test_scale.hpp"

namespace {

using racedemo::ModelResult;
using racedemo::Reduction;

// The plain build runs the full set; a sanitizer build (much slower per execution) 80 of them.
// RACEDEMO_RANDOM_PROGRAMS sets another count.
int random_program_count() {
    const char* count = std::getenv("RACEDEMO_RANDOM_PROGRAMS");
    return count != nullptr ? std::atoi(count) : racedemo::testing::scaled(1000, 80);
}

std::set<std::string> labels_of(const std::map<std::string, std::uint64_t>& outcomes) {
    std::set<std::string> labels;
    for (const auto& [label, count] : outcomes) labels.insert(label);
    return labels;
}

struct Disagreement {
    int programs = 0;
    int failed = 0;
};

// One program under every reduction, against the enumerator.
bool agrees(const testprog::Program& program) {
    const reference::Enumeration all = reference::enumerate_interleavings(program);
    REQUIRE_FALSE(all.truncated);
    bool same = true;
    const auto check = [&same](bool holds) { same = same && holds; };
    const ModelResult none = testprog::explore_program(program, Reduction::none);
    check(none.complete && none.schedules_explored == all.interleavings &&
          none.outcomes == all.outcomes && none.schedules_corrupt == all.corrupt);
    const ModelResult dpor = testprog::explore_program(program, Reduction::dpor);
    check(dpor.complete && labels_of(dpor.outcomes) == labels_of(all.outcomes));
    if (all.deadlocked == 0) check(dpor.schedules_explored == all.traces);
    std::string others;
    for (Reduction reduction : {Reduction::reads_from, Reduction::automatic}) {
        const ModelResult result = testprog::explore_program(program, reduction);
        const bool holds = result.complete && labels_of(result.outcomes) == labels_of(all.outcomes);
        check(holds);
        others += (reduction == Reduction::reads_from ? ", reads-from " : ", auto ") +
                  std::to_string(result.schedules_explored) + (holds ? "" : " (differs)");
    }
    if (!same) {
        std::string missed;
        for (const auto& [label, count] : all.outcomes)
            if (dpor.outcomes.count(label) == 0) missed += " [" + label + "]";
        MESSAGE(testprog::describe(program)
                << "\ninterleavings " << all.interleavings << ", traces " << all.traces << ", none "
                << none.schedules_explored << ", dpor " << dpor.schedules_explored << others
                << ", dpor missed:" << missed);
    }
    return same;
}

Disagreement compare(std::uint64_t seed, int count, const reference::GeneratorSettings& settings) {
    Disagreement tally;
    for (const testprog::Program& program : reference::random_programs(seed, count, settings)) {
        ++tally.programs;
        if (!agrees(program)) ++tally.failed;
    }
    return tally;
}

TEST_CASE("every reduction agrees with the reference enumerator on random programs") {
    const int count = random_program_count();
    reference::GeneratorSettings mutexes;  // 2-4 threads, 1-3 cells, up to 2 mutexes
    reference::GeneratorSettings rwlocks;
    rwlocks.max_rwlocks = 2;
    reference::GeneratorSettings channels;
    channels.max_channels = 2;
    // RACEDEMO_RANDOM_SEED tries other programs than the pinned ones (the seed is printed).
    const char* chosen = std::getenv("RACEDEMO_RANDOM_SEED");
    const std::uint64_t seed = chosen != nullptr ? std::strtoull(chosen, nullptr, 10) : 20261207;
    const Disagreement plain = compare(seed, count, mutexes);
    CHECK(plain.failed == 0);
    const Disagreement readers = compare(seed + 1, count / 4, rwlocks);
    CHECK(readers.failed == 0);
    const Disagreement piped = compare(seed + 2, count / 4, channels);
    CHECK(piped.failed == 0);
    MESSAGE((plain.programs + readers.programs + piped.programs)
            << " random programs compared, seeds " << seed << " to " << seed + 2);
}

TEST_CASE("the program that once hid a corruption behind a reachable deadlock, every reduction") {
    const testprog::Program program = reference::three_thread_bug();
    const reference::Enumeration all = reference::enumerate_interleavings(program);
    REQUIRE(all.corrupt == 33);
    for (int bound : {-1, 0, 1, 2, 3}) {
        for (Reduction reduction :
             {Reduction::none, Reduction::dpor, Reduction::reads_from, Reduction::automatic}) {
            CAPTURE(bound);
            CAPTURE(static_cast<int>(reduction));
            const ModelResult result = testprog::explore_program(program, reduction, bound);
            if (bound < 0 || bound >= 3) {
                CHECK(labels_of(result.outcomes) == labels_of(all.outcomes));
                CHECK(result.schedules_corrupt > 0);
            }
            if (bound < 0) CHECK(result.complete);
            // Under a bound, reads-from runs as dpor, and says so.
            if (bound >= 0 && reduction != Reduction::none)
                CHECK(result.reduction == Reduction::dpor);
        }
    }
    const ModelResult dpor = testprog::explore_program(program, Reduction::dpor);
    CHECK(dpor.schedules_explored - dpor.schedules_deadlocked == all.traces);  // 4
}

TEST_CASE("a writer's queueing: part of the state, and a race with the lock it waits for") {
    for (const testprog::Program& program :
         {reference::queued_writer_inversion(), reference::queued_writer_reversal()}) {
        CAPTURE(program.name);
        const reference::Enumeration all = reference::enumerate_interleavings(program);
        REQUIRE(all.outcomes.count("deadlock") == 1);
        REQUIRE(all.outcomes.size() >= 3);
        for (Reduction reduction :
             {Reduction::none, Reduction::dpor, Reduction::reads_from, Reduction::automatic}) {
            CAPTURE(static_cast<int>(reduction));
            const ModelResult result = testprog::explore_program(program, reduction);
            CHECK(result.complete);
            CHECK(labels_of(result.outcomes) == labels_of(all.outcomes));
            CHECK(result.schedules_deadlocked > 0);
        }
    }
}

TEST_CASE("dpor explores exactly the published traces of lastzero and indexer") {
    const std::uint64_t lastzero_traces[] = {5, 12, 28, 64};
    for (int n = 2; n <= 5; ++n) {
        CAPTURE(n);
        const ModelResult dpor = testprog::explore_program(reference::lastzero(n), Reduction::dpor);
        CHECK(dpor.complete);
        CHECK(dpor.schedules_explored == lastzero_traces[n - 2]);
        CHECK(testprog::explore_program(reference::lastzero(n), Reduction::automatic).complete);
    }
    const std::uint64_t indexer_traces[] = {1, 8, 64, 512, 4096};
    for (int n = 11; n <= 15; ++n) {
        CAPTURE(n);
        const ModelResult dpor = testprog::explore_program(reference::indexer(n), Reduction::dpor);
        CHECK(dpor.complete);
        CHECK(dpor.schedules_explored == indexer_traces[n - 11]);
        const ModelResult automatic =
            testprog::explore_program(reference::indexer(n), Reduction::automatic);
        CHECK(automatic.complete);
        CHECK(automatic.outcomes.size() == 1);
    }
}

}  // namespace
