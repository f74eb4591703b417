// The order a real round's steps are shown in (real/shown_order.hpp): cases with the clocks
// set by hand, then the rule checked over real rounds of every scenario.
#include <doctest/doctest.h>

#include <climits>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/trace.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"
#include "real/real_trace.hpp"
#include "real/shown_order.hpp"
#include "test_scale.hpp"

using namespace racedemo;

namespace {

const int x_cell = 0, y_cell = 0;  // two objects: their addresses name them
const void* const x = &x_cell;
const void* const y = &y_cell;

StampedStep at(std::uint64_t time, std::uint32_t thread, std::uint32_t local, Op op,
               const void* object, std::uint64_t bits) {
    return StampedStep{time, object, bits, op, thread, local};
}

}  // namespace

TEST_CASE("a read the clocks put before the write it read is shown after it") {
    // T2's read of 7 is stamped at 10, T1's write of 7 at 20: T2 read T1's write.
    const std::vector<StampedStep> steps = {
        at(20, 0, 0, Op::write, x, 7), at(10, 1, 0, Op::read, x, 7), at(30, 1, 1, Op::write, y, 1)};
    const ShownOrder shown = shown_order(steps, 2, 100);
    CHECK(shown.consistent);
    CHECK(shown.reads_moved == 1);
    CHECK(shown.order == std::vector<std::size_t>{0, 1, 2});
    CHECK(shown.moved == std::vector<char>{0, 1, 0});
}

TEST_CASE("a stale read stays where the clocks put it, and each thread keeps its own order") {
    // T2 reads 1, which T1 wrote at 5, though T1 wrote 2 at 8: old news, not a clock error.
    // T1's own two steps carry stamps in the wrong order; its program order wins.
    const std::vector<StampedStep> steps = {
        at(5, 0, 0, Op::write, x, 1), at(8, 0, 2, Op::write, x, 2), at(9, 1, 0, Op::read, x, 1),
        at(7, 0, 1, Op::read, y, 0), at(12, 0, 3, Op::write, x, 1)};
    const ShownOrder shown = shown_order(steps, 2, 100);
    CHECK(shown.consistent);
    CHECK(shown.reads_moved == 0);
    CHECK(shown.order == std::vector<std::size_t>{0, 3, 1, 2, 4});
}

TEST_CASE("a read far ahead of a write of its value read the initial value, and stays") {
    // T2 reads 0 at 10; T1 writes 0 at 500, beyond the clocks' skew of 100.
    const std::vector<StampedStep> steps = {at(500, 0, 0, Op::write, x, 0),
                                            at(10, 1, 0, Op::read, x, 0)};
    const ShownOrder shown = shown_order(steps, 2, 100);
    CHECK(shown.reads_moved == 0);
    CHECK(shown.order == std::vector<std::size_t>{1, 0});
}

TEST_CASE("when no order agrees with every value read, the clocks' order is shown, and said") {
    // T1 read T2's write of x before writing y; T2 read T1's write of y before writing x.
    const std::vector<StampedStep> steps = {
        at(1, 0, 0, Op::read, x, 1), at(2, 0, 1, Op::write, y, 1), at(3, 1, 0, Op::read, y, 1),
        at(4, 1, 1, Op::write, x, 1)};
    const ShownOrder shown = shown_order(steps, 2, 100);
    CHECK_FALSE(shown.consistent);
    CHECK(shown.reads_moved == 0);
    CHECK(shown.order == std::vector<std::size_t>{0, 1, 2, 3});
}

namespace {

// One round of `variant` on `threads` real threads under a recorder with noise on; every step.
Trace one_round(const Scenario& scenario, Variant variant, int threads, std::uint64_t seed) {
    TrialConfig config;
    config.threads = threads;
    config.policy = RWPolicy::reader_preferring;  // rwmutex-recursive's readers never get stuck
    auto trial = scenario.factory(variant)(config);
    NoiseSettings noise;
    noise.on = true;
    RoundRecorder recorder(threads, noise, seed);
    std::vector<std::thread> workers;
    for (int thread = 0; thread < threads; ++thread)
        workers.emplace_back([&, thread] {
            RuntimeScope scope(recorder.runtime_for(thread));
            trial->actor(thread);
        });
    for (std::thread& worker : workers) worker.join();
    return recorder.last_steps(SIZE_MAX);
}

// A thread records at most kMostEventsPerThread steps (real_trace.cpp): past the last step of
// the first thread to reach that, its writes are missing, and a read of one cannot be placed.
constexpr std::size_t kMostEventsPerThread = 2048;

std::size_t end_of_whole_record(const Trace& trace) {
    std::map<int, std::size_t> count, last;
    for (std::size_t index = 0; index < trace.events.size(); ++index) {
        ++count[trace.events[index].thread];
        last[trace.events[index].thread] = index;
    }
    std::size_t end = trace.events.size();
    for (const auto& [thread, events] : count)
        if (events >= kMostEventsPerThread) end = std::min(end, last[thread] + 1);
    return end;
}

// The steps of `whole` (up to where every thread's steps are recorded) that read a value no step
// before them wrote there, though a later step of another thread did: a read shown before the
// write whose value it returned. A read of an object's initial value is not one: the value of
// its first step, when that is a read.
std::vector<int> reads_before_their_write(const Trace& whole) {
    Trace trace;
    trace.events.assign(
        whole.events.begin(),
        whole.events.begin() + static_cast<std::ptrdiff_t>(end_of_whole_record(whole)));
    std::map<std::uintptr_t, std::string> initial;
    std::set<std::uintptr_t> seen;
    for (const TraceEvent& event : trace.events)
        if (seen.insert(event.object).second && (event.op == Op::read || event.op == Op::recv))
            initial[event.object] = event.value;
    std::set<std::pair<std::uintptr_t, std::string>> written;
    std::map<std::pair<std::uintptr_t, std::string>, std::set<int>> writers_after;
    for (const TraceEvent& event : trace.events)
        if (event.op == Op::write || event.op == Op::send)
            writers_after[{event.object, event.value}].insert(event.thread);
    std::vector<int> wrong;
    for (const TraceEvent& event : trace.events) {
        const std::pair<std::uintptr_t, std::string> key{event.object, event.value};
        if (event.op == Op::write || event.op == Op::send) {
            written.insert(key);
            continue;
        }
        if (event.op != Op::read && event.op != Op::recv) continue;
        if (written.count(key) != 0) continue;
        const auto first = initial.find(event.object);
        if (first != initial.end() && first->second == event.value) continue;
        const auto later = writers_after.find(key);
        if (later == writers_after.end()) continue;
        for (int writer : later->second)
            if (writer != event.thread) {
                wrong.push_back(event.step);
                break;
            }
    }
    return wrong;
}

// Whether a scenario's unsafe variant can leave a thread waiting for ever (it would never join).
bool unsafe_can_hang(const Scenario& scenario) {
    const std::string name(scenario.name);
    return name == "lock-order" || name == "early-return";
}

}  // namespace

TEST_CASE("over real rounds of every scenario, no read is shown before the write it read") {
    const int rounds = racedemo::testing::scaled(2, 1);
    int steps_checked = 0;
    for (const Scenario* scenario : scenarios()) {
        for (Variant variant : {Variant::unsafe, Variant::fixed}) {
            if (variant == Variant::unsafe &&
                (scenario->unsafe == nullptr || unsafe_can_hang(*scenario)))
                continue;
            for (int threads : {2, 3}) {
                if (threads < scenario->min_threads) continue;
                for (int round = 0; round < rounds; ++round) {
                    CAPTURE(scenario->name);
                    CAPTURE(static_cast<int>(variant));
                    CAPTURE(threads);
                    const Trace trace =
                        one_round(*scenario, variant, threads, static_cast<std::uint64_t>(round));
                    if (trace.order_inconsistent) continue;  // said so, and shown by the clocks
                    CHECK(reads_before_their_write(trace).empty());
                    // Each thread's steps in its own order: told by the recorder's own count.
                    steps_checked += static_cast<int>(trace.events.size());
                }
            }
        }
    }
    CHECK(steps_checked > 1000);
}
