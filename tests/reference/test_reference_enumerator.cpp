// The reference enumerator itself, against counts worked out by hand or published, and its two
// searches against each other on random programs.
#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "classic_programs.hpp"
#include "core/sanitizers.hpp"
#include "enumerator.hpp"
#include "instructions.hpp"
#include "program.hpp"
#include "random_programs.hpp"

namespace reference::test_reference_enumerator_detail {

using testprog::Program;

Program make(std::vector<std::vector<testprog::Instr>> threads, std::vector<int> cells,
             int mutexes = 0) {
    Program program;
    program.name = "test program";
    program.threads = std::move(threads);
    program.cells = std::move(cells);
    program.mutexes = mutexes;
    program.registers = 1;
    return program;
}

std::set<std::string> labels(const Enumeration& enumeration) {
    std::set<std::string> keys;
    for (const auto& [label, count] : enumeration.outcomes) keys.insert(label);
    return keys;
}

void check_same(const Enumeration& a, const Enumeration& b) {
    CHECK(a.interleavings == b.interleavings);
    CHECK(a.finished == b.finished);
    CHECK(a.deadlocked == b.deadlocked);
    CHECK(a.traces == b.traces);
    CHECK(a.deadlock_traces == b.deadlock_traces);
    CHECK(a.outcomes == b.outcomes);
    CHECK(a.corrupt == b.corrupt);
    CHECK(a.truncated == b.truncated);
}

// What the two searches must agree on; returns the brute force's numbers.
Enumeration check_agreement(const Program& program) {
    INFO(testprog::describe(program));
    const Enumeration all = enumerate_interleavings(program);
    const Enumeration traces = enumerate_traces(program);
    REQUIRE_FALSE(all.truncated);
    REQUIRE_FALSE(traces.truncated);
    CHECK(all.finished + all.deadlocked == all.interleavings);
    CHECK(traces.traces == all.traces);
    CHECK(traces.deadlock_traces == all.deadlock_traces);
    CHECK(labels(traces) == labels(all));
    CHECK((traces.corrupt > 0) == (all.corrupt > 0));
    for (const auto& [label, count] : traces.outcomes) CHECK(count <= all.outcomes.at(label));
    check_same(traces, enumerator_detail::enumerate_traces_without_cutoff(program));
    return all;
}

struct Coverage {
    int programs = 0;
    int deadlocking = 0;
    int corrupt = 0;
    int several_traces = 0;
    int queueing = 0;  // a writer-preferring lock's queueing steps add interleavings
};

bool queueing_matters(const Program& program, const Enumeration& all) {
    Program reader_preferring = program;
    for (testprog::RWLockDecl& lock : reader_preferring.rwlocks) lock.writer_preferring = false;
    return enumerate_interleavings(reader_preferring).interleavings != all.interleavings;
}

Coverage check_random_programs(std::uint64_t seed, int count, const GeneratorSettings& settings) {
    Coverage coverage;
    for (const Program& program : random_programs(seed, count, settings)) {
        const Enumeration all = check_agreement(program);
        ++coverage.programs;
        if (all.deadlocked > 0) ++coverage.deadlocking;
        if (all.corrupt > 0) ++coverage.corrupt;
        if (all.traces > 1) ++coverage.several_traces;
        if (!program.rwlocks.empty() && queueing_matters(program, all)) ++coverage.queueing;
    }
    return coverage;
}

// The test cases live in this namespace too: the tests build as one unity source, where a
// file-scope using-directive would reach the other test files.

TEST_CASE("reference: outcome labels and corruption") {
    CHECK(testprog::outcome_label({{0, 1}, {1, 0}}, {1, 1}) == "r 0,1 | 1,0 ; c 1,1");
    Program program = three_thread_bug();
    const std::vector<int> cells{1, 1};
    CHECK(testprog::is_corrupt(program, {{1, 0}, {0, 0}, {1, 0}}, cells));
    CHECK_FALSE(testprog::is_corrupt(program, {{1, 0}, {0, 0}, {0, 0}}, cells));
    program.corrupt_when = {{-1, 1, 1}};  // cell y == 1
    CHECK(testprog::is_corrupt(program, {{0, 0}, {0, 0}, {0, 0}}, cells));
    program.corrupt_when.clear();
    CHECK_FALSE(testprog::is_corrupt(program, {{1, 0}, {0, 0}, {1, 0}}, cells));
    CHECK(testprog::describe(program).find("T3: 0: read c0 -> r1; 1: lock m0") !=
          std::string::npos);
}

TEST_CASE("reference: two threads of two independent writes: 6 interleavings, 1 trace") {
    const Program program = make(
        {{ops::write(0, 1), ops::write(1, 1)}, {ops::write(2, 1), ops::write(3, 1)}}, {0, 0, 0, 0});
    const Enumeration all = check_agreement(program);
    CHECK(all.interleavings == 6);
    CHECK(all.traces == 1);
    CHECK(all.outcomes == std::map<std::string, std::uint64_t>{{"r 0 | 0 ; c 1,1,1,1", 6}});
}

TEST_CASE("reference: two threads writing the same cell: 2 interleavings, 2 traces") {
    const Program program = make({{ops::write(0, 1)}, {ops::write(0, 2)}}, {0});
    const Enumeration all = check_agreement(program);
    CHECK(all.interleavings == 2);
    CHECK(all.traces == 2);
    CHECK(labels(all) == std::set<std::string>{"r 0 | 0 ; c 1", "r 0 | 0 ; c 2"});
}

TEST_CASE("reference: reads of one cell commute, a read and a write do not") {
    const Enumeration reads = check_agreement(make({{ops::read(0, 0)}, {ops::read(0, 0)}}, {5}));
    CHECK(reads.interleavings == 2);
    CHECK(reads.traces == 1);
    const Enumeration race = check_agreement(make({{ops::read(0, 0)}, {ops::write(0, 1)}}, {0}));
    CHECK(race.traces == 2);
    CHECK(labels(race) == std::set<std::string>{"r 0 | 0 ; c 1", "r 1 | 0 ; c 1"});
}

TEST_CASE("reference: independent threads give multinomial interleaving counts") {
    // Threads of 1, 2 and 3 steps on cells of their own: 6! / (1! 2! 3!) = 60.
    Program program = make({{ops::write(0, 1)},
                            {ops::write(1, 1), ops::read(1, 0)},
                            {ops::write(2, 1), ops::read(2, 0), ops::write(2, 2)}},
                           {0, 0, 0});
    Enumeration all = check_agreement(program);
    CHECK(all.interleavings == 60);
    CHECK(all.traces == 1);
    // Three threads of two steps: 6! / (2! 2! 2!) = 90.
    program.threads[0].push_back(ops::read(0, 0));
    program.threads[2].pop_back();
    all = check_agreement(program);
    CHECK(all.interleavings == 90);
    CHECK(all.traces == 1);
}

TEST_CASE("reference: a mutex serialises two sections") {
    // Each thread: write its own cell; lock; write the shared cell; unlock. The own write can go
    // anywhere before the other's section: 5 interleavings per order of the sections.
    std::vector<std::vector<testprog::Instr>> threads;
    for (int t = 0; t < 2; ++t) {
        threads.push_back(
            {ops::write(t + 1, 1), ops::lock(0), ops::write(0, t + 1), ops::unlock(0)});
    }
    const Enumeration all = check_agreement(make(threads, {0, 0, 0}, 1));
    CHECK(all.interleavings == 10);
    CHECK(all.traces == 2);
    CHECK(all.deadlocked == 0);
    CHECK(labels(all) == std::set<std::string>{"r 0 | 0 ; c 1,1,1", "r 0 | 0 ; c 2,1,1"});
}

TEST_CASE("reference: two mutexes taken in inverted orders can deadlock") {
    const Program program = make({{ops::lock(0), ops::lock(1), ops::unlock(1), ops::unlock(0)},
                                  {ops::lock(1), ops::lock(0), ops::unlock(0), ops::unlock(1)}},
                                 {}, 2);
    // Finished: one thread's sections first, the other's first lock before or after the first's
    // last unlock (independent: one trace); deadlocked: both first locks, in either order.
    const Enumeration all = check_agreement(program);
    CHECK(all.interleavings == 6);
    CHECK(all.finished == 4);
    CHECK(all.deadlocked == 2);
    CHECK(all.traces == 2);
    CHECK(all.deadlock_traces == 1);
    CHECK(all.outcomes.at(testprog::deadlock_label) == 2);
    CHECK(enumerate_traces(program).outcomes.at(testprog::deadlock_label) == 1);
}

TEST_CASE("reference: lastzero's published trace counts") {
    const std::uint64_t expected[] = {5, 12, 28, 64};
    for (int n = 2; n <= 4; ++n) {
        const Enumeration all = check_agreement(lastzero(n));
        CHECK(all.traces == expected[n - 2]);
    }
    CHECK(lastzero(2).threads.size() == 3);
    CHECK(enumerate_interleavings(lastzero(3)).interleavings == 920);
    CHECK(enumerate_traces(lastzero(5)).traces == 64);
}

// The sanitizer builds run about twenty times slower: there indexer stops at 14 (N = 15 alone
// would take seconds).
#if defined(RACEDEMO_ASAN) || defined(RACEDEMO_TSAN)
constexpr int largest_indexer = 14;
#else
constexpr int largest_indexer = 15;
#endif

TEST_CASE("reference: indexer's published trace counts, with no overflow") {
    // Many independent threads: the plain search's dead prefixes grow as 5^N (4 cas a thread),
    // and the cutoff that removes them changes no number.
    check_same(enumerate_traces(indexer(6)),
               enumerator_detail::enumerate_traces_without_cutoff(indexer(6)));
    const std::uint64_t expected[] = {1, 8, 64, 512, 4096};
    for (int n = 11; n <= largest_indexer; ++n) {
        const Enumeration traces = enumerate_traces(indexer(n));
        CHECK(traces.traces == expected[n - 11]);
        CHECK(traces.deadlock_traces == 0);
        REQUIRE(traces.outcomes.size() == 1);
        // The overflow cell (the last) stays 0 in every execution.
        CHECK(traces.outcomes.begin()->first.substr(traces.outcomes.begin()->first.size() - 2) ==
              ",0");
    }
}

TEST_CASE("reference: the three-thread program of the engine's known bug") {
    const Program program = three_thread_bug();
    const Enumeration all = check_agreement(program);
    CHECK(all.interleavings == 181);
    CHECK(all.finished == 169);
    CHECK(all.deadlocked == 12);
    // The 5 known traces: 4 finished (T2's section before or after T3's, times T1's read before
    // or after the write of x) and 1 deadlocked (T2 holds b, T3 holds a).
    CHECK(all.traces == 4);
    CHECK(all.deadlock_traces == 1);
    CHECK(all.corrupt == 33);
    const Enumeration traces = enumerate_traces(program);
    CHECK(traces.corrupt == 1);
    CHECK(traces.outcomes.size() == 5);
}

TEST_CASE("reference: dining philosophers deadlock, the fixed ones do not") {
    for (int n = 2; n <= 3; ++n) {
        const Enumeration all = check_agreement(dining_philosophers(n));
        CHECK(all.deadlock_traces == 1);  // every philosopher holding his left fork
        CHECK(check_agreement(dining_philosophers_fixed(n)).deadlocked == 0);
    }
    CHECK(enumerate_interleavings(dining_philosophers(2)).interleavings == 6);
    CHECK(enumerate_interleavings(dining_philosophers_fixed(2)).interleavings == 2);
    CHECK(enumerate_traces(dining_philosophers(5)).deadlock_traces == 1);
    CHECK(enumerate_traces(dining_philosophers_fixed(5)).deadlock_traces == 0);
}

TEST_CASE("reference: a recursive rlock deadlocks under writer preference only") {
    // Writer-preferring: the writer first (1), or T1's first rlock and then: T2 queues (the
    // deadlock), or T1's second rlock and T2 queues before either runlock or not at all (3).
    const Enumeration writer = check_agreement(recursive_rlock(true));
    CHECK(writer.interleavings == 5);
    CHECK(writer.deadlocked == 1);
    CHECK(writer.traces == 4);  // every step touches the one lock
    CHECK(writer.deadlock_traces == 1);
    const Enumeration reader = check_agreement(recursive_rlock(false));
    CHECK(reader.interleavings == 2);
    CHECK(reader.deadlocked == 0);
    CHECK(reader.traces == 2);
}

TEST_CASE("reference: an unbuffered hand-off gives the value to exactly one receiver") {
    // Each receiver queues (a step) before the send can go: T2 or T3 queues first; the send goes
    // to a queued one, before or after the other queues; every step touches the one channel, so
    // each of the 8 interleavings is a trace of its own.
    const Enumeration closed = check_agreement(unbuffered_handoff());
    CHECK(closed.interleavings == 8);
    CHECK(closed.traces == 8);
    CHECK(labels(closed) == std::set<std::string>{"r 0 | 7 | -1 ; c ", "r 0 | -1 | 7 ; c "});
    // Without the close, the other receiver waits for ever.
    Program open = unbuffered_handoff();
    open.threads[0].pop_back();
    const Enumeration waits = check_agreement(open);
    CHECK(waits.interleavings == 6);
    CHECK(waits.deadlock_traces == 6);
    CHECK(labels(waits) == std::set<std::string>{testprog::deadlock_label});
}

TEST_CASE("reference: an unbuffered send waits for a receiver, and nothing steps in between") {
    Program program = make({{ops::send(0, 5)}, {ops::write(0, 1), ops::recv(0, 0)}}, {0});
    program.channels = {{0}};
    Enumeration all = check_agreement(program);
    CHECK(all.interleavings == 1);
    CHECK(labels(all) == std::set<std::string>{"r 0 | 5 ; c 1"});
    // A third thread's write goes before the receiver queues, after it, or after the recv, never
    // between the send and its recv.
    program.threads[1].erase(program.threads[1].begin());
    program.threads.push_back({ops::write(0, 1)});
    all = check_agreement(program);
    CHECK(all.interleavings == 3);
    CHECK(all.traces == 1);
    // No receiver: the send never steps.
    program.threads.erase(program.threads.begin() + 1);
    CHECK(check_agreement(program).deadlock_traces == 1);
    CHECK(check_agreement(unbuffered_ping_pong()).outcomes ==
          std::map<std::string, std::uint64_t>{{"r 2 | 1 ; c ", 1}});
}

TEST_CASE("reference: a buffered channel is first in, first out") {
    const Enumeration all = check_agreement(buffered_pipeline());
    CHECK(labels(all) == std::set<std::string>{"r 0 | 1 | 2 ; c ", "r 0 | 2 | 1 ; c "});
    // Closed and empty: -1. Sending on a closed channel ends the sender, registers kept.
    Program program = make(
        {{ops::close(0), ops::recv(0, 0)}, {ops::read(0, 0), ops::send(0, 1), ops::write(0, 9)}},
        {4});
    program.channels = {{1}};
    const Enumeration closed = check_agreement(program);
    CHECK(closed.deadlocked == 0);
    CHECK(labels(closed).count("r -1 | 4 ; c 4") == 1);  // the send came after the close
    CHECK(labels(closed).count("r 1 | 4 ; c 9") == 1);   // it came before
}

TEST_CASE("reference: cas and jumps") {
    // cas succeeds only on the expected value; a jump skips a write when r0 == 1.
    const Program program =
        make({{ops::cas(0, 0, ops::constant(5), 0), ops::jump_if(0, 1, 3), ops::write(1, 1)},
              {ops::write(0, 2)}},
             {0, 0});
    const Enumeration all = check_agreement(program);
    CHECK(labels(all) == std::set<std::string>{"r 1 | 0 ; c 2,0", "r 0 | 0 ; c 2,1"});
    CHECK(all.traces == 2);
}

TEST_CASE("reference: a malformed program is refused") {
    Program program = make({{ops::write(1, 1)}}, {0});  // no cell 1
    CHECK_THROWS_AS(enumerate_interleavings(program), std::invalid_argument);
    program = make({{ops::jump_if(0, 0, 0)}}, {});  // jumps to itself for ever
    CHECK_THROWS_AS(enumerate_traces(program), std::invalid_argument);
}

TEST_CASE("reference: the limit truncates") {
    const Enumeration all = enumerate_interleavings(lastzero(3), 100);
    CHECK(all.truncated);
    CHECK(all.interleavings == 100);
    CHECK(enumerate_traces(lastzero(5), 10).truncated);
    CHECK_FALSE(enumerate_interleavings(lastzero(2), 35).truncated);
}

TEST_CASE("reference: random programs are the same for a seed, and varied") {
    GeneratorSettings settings;
    settings.max_rwlocks = 1;
    settings.max_channels = 1;
    settings.max_interleavings = 2'000;
    const std::vector<Program> programs = random_programs(7, 10, settings);
    const std::vector<Program> again = random_programs(7, 10, settings);
    for (std::size_t i = 0; i < programs.size(); ++i) {
        CHECK(testprog::describe(programs[i]) == testprog::describe(again[i]));
    }
    CHECK(programs[3].name == "random seed 7 #3");
    // With the default settings: tiny programs and programs of thousands of interleavings.
    int tiny = 0;
    int large = 0;
    for (const Program& program : random_programs(8, 12, GeneratorSettings{})) {
        const std::uint64_t count = enumerate_interleavings(program).interleavings;
        CHECK(count <= GeneratorSettings{}.max_interleavings);
        if (count <= 10) ++tiny;
        if (count >= 1000) ++large;
    }
    CHECK(tiny > 0);
    CHECK(large > 0);
}

// A few hundred random programs in all, each small enough for the sanitizer builds.
TEST_CASE("reference: both searches agree on random programs with mutexes") {
    GeneratorSettings settings;
    settings.max_interleavings = 2'000;
    const Coverage coverage = check_random_programs(1, 100, settings);
    CHECK(coverage.deadlocking > 0);
    CHECK(coverage.corrupt > 0);
    CHECK(coverage.several_traces > 0);
}

TEST_CASE("reference: both searches agree on random programs with rwlocks") {
    GeneratorSettings settings;
    settings.max_mutexes = 1;
    settings.max_rwlocks = 1;
    settings.max_interleavings = 2'000;
    const Coverage coverage = check_random_programs(2, 80, settings);
    CHECK(coverage.deadlocking > 0);
    CHECK(coverage.queueing > 0);
}

TEST_CASE("reference: both searches agree on random programs with channels") {
    GeneratorSettings settings;
    settings.max_channels = 2;
    settings.max_interleavings = 2'000;
    const Coverage coverage = check_random_programs(3, 60, settings);
    CHECK(coverage.deadlocking > 0);
}

TEST_CASE("reference: both searches agree on random programs with everything") {
    GeneratorSettings settings;
    settings.max_threads = 5;
    settings.max_rwlocks = 1;
    settings.max_channels = 2;
    settings.max_interleavings = 2'000;
    const Coverage coverage = check_random_programs(4, 60, settings);
    CHECK(coverage.deadlocking > 0);
    CHECK(coverage.queueing > 0);
}

}  // namespace reference::test_reference_enumerator_detail
