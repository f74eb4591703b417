// Chan<T>: its rules under the model scheduler (every schedule explored, each reduction against
// the full search), its steps in a trace, its deadlocks, and real threads through it.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/trace.hpp"
#include "deadlock_words.hpp"
#include "engine/model.hpp"
#include "model_options.hpp"
#include "racedemo/channel.hpp"
#include "racedemo/scenario.hpp"
#include "real/real_runner.hpp"
#include "test_trials.hpp"

using namespace racedemo;

namespace {

// T1 sends 1, 2 and 3 and closes; every other thread receives until the channel is closed.
// Every value is received exactly once, whatever the schedule.
template <int Capacity>
class Pipeline final : public Trial {
  public:
    explicit Pipeline(const TrialConfig& config) : threads_(config.threads) {}
    void actor(int thread) override {
        if (thread == 0) {
            for (int value = 1; value <= 3; ++value) jobs_.send(value);
            jobs_.close();
            return;
        }
        for (int value : jobs_) received_[static_cast<std::size_t>(thread)].push_back(value);
    }
    Outcome arbiter() override {
        std::multiset<int> all;
        for (const std::vector<int>& got : received_) all.insert(got.begin(), got.end());
        if (all == std::multiset<int>{1, 2, 3}) return Outcome::clean();
        return Outcome::corrupt("lost or repeated", fmt::format("received {}", all.size()));
    }

  private:
    int threads_;
    Chan<int> jobs_{"jobs", Capacity};
    std::vector<std::vector<int>> received_ = std::vector<std::vector<int>>(8);
};

template <class T>
Scenario scenario_of(std::string_view name) {
    return test_scenario<T>(name);
}

ModelResult explore_all(const Scenario& scenario, int threads, Reduction reduction) {
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = reduction;
    return run_model(scenario, Variant::unsafe, TrialConfig{threads, true}, options);
}

}  // namespace

TEST_CASE("every value sent is received once, in every schedule, buffered or not") {
    const Scenario unbuffered = scenario_of<Pipeline<0>>("pipeline-0");
    const Scenario buffered = scenario_of<Pipeline<2>>("pipeline-2");
    for (const Scenario* scenario : {&unbuffered, &buffered}) {
        for (int threads : {2, 3}) {
            CAPTURE(scenario->name);
            CAPTURE(threads);
            const ModelResult all = explore_all(*scenario, threads, Reduction::none);
            CHECK(all.complete);
            CHECK(all.schedules_corrupt == 0);
            CHECK(all.schedules_deadlocked == 0);
            for (Reduction reduction : {Reduction::dpor, Reduction::reads_from}) {
                const ModelResult reduced = explore_all(*scenario, threads, reduction);
                CHECK(reduced.complete);
                CHECK(reduced.outcomes == all.outcomes);
                CHECK(reduced.schedules_explored <= all.schedules_explored);
            }
        }
    }
}

TEST_CASE("a channel's steps show their values, and a receiver waits for a send") {
    const Scenario unbuffered = scenario_of<Pipeline<0>>("pipeline-0");
    ModelOptions options;
    options.strategy = Strategy::replay;
    options.schedule = {2, 1, 2};  // T2 finds nothing to receive and waits; T1 sends; T2 has it
    const ModelResult result =
        run_model(unbuffered, Variant::unsafe, TrialConfig{2, true}, options);
    const std::vector<TraceEvent>& events = result.shown.trace.events;
    REQUIRE(events.size() >= 4);
    CHECK(events[0].thread == 2);
    CHECK(events[0].waits);
    CHECK(events[0].value.empty());  // shown as "recv jobs: waits"
    CHECK(events[1].thread == 1);
    CHECK(events[1].op == Op::send);
    CHECK(events[1].value == "1");
    CHECK(events[2].thread == 2);
    CHECK(events[2].op == Op::recv);
    CHECK_FALSE(events[2].waits);
    CHECK(events[2].value == "1");
    int sends = 0, receives = 0, closes = 0;
    for (const TraceEvent& event : events) {
        if (event.waits) continue;
        sends += event.op == Op::send;
        receives += event.op == Op::recv;
        closes += event.op == Op::close;
    }
    CHECK(sends == 3);
    CHECK(receives == 4);  // three values, then "closed"
    CHECK(closes == 1);
    CHECK(events.back().value == "closed");
}

TEST_CASE("a buffered channel's steps show what it holds after them; an unbuffered one's don't") {
    ModelOptions options;
    options.strategy = Strategy::replay;
    options.schedule = {1, 1, 2, 1};  // T1 sends 1 and 2; T2 takes 1; T1 sends 3
    const ModelResult buffered = run_model(scenario_of<Pipeline<2>>("pipeline-2"), Variant::unsafe,
                                           TrialConfig{2, true}, options);
    std::vector<std::string> contents;
    for (const TraceEvent& event : buffered.shown.trace.events)
        if (event.op == Op::send || event.op == Op::recv) contents.push_back(event.contents);
    REQUIRE(contents.size() >= 4);
    CHECK(contents[0] == "[1]");
    CHECK(contents[1] == "[1 2]");
    CHECK(contents[2] == "[2]");
    CHECK(contents[3] == "[2 3]");
    // Unbuffered: T2 queues, T1 hands it 1, T2 takes it, and again: nothing ever waits inside.
    options.schedule = {2, 1, 2, 2, 1, 2};
    const ModelResult unbuffered = run_model(scenario_of<Pipeline<0>>("pipeline-0"),
                                             Variant::unsafe, TrialConfig{2, true}, options);
    REQUIRE(unbuffered.shown.trace.events.size() >= 6);
    CHECK(unbuffered.shown.trace.events[1].op == Op::send);
    CHECK(unbuffered.shown.trace.events[2].op == Op::recv);
    CHECK(unbuffered.shown.trace.events[2].value == "1");
    for (const TraceEvent& event : unbuffered.shown.trace.events) CHECK(event.contents.empty());
}

TEST_CASE("a receive nobody will answer is a deadlock, named as such") {
    const Scenario stuck = scenario_of<NobodySends>("nobody-sends");
    const ModelResult result = explore_all(stuck, 2, Reduction::reads_from);
    CHECK(result.complete);
    CHECK(result.schedules_deadlocked == result.schedules_explored);
    CHECK(deadlock_words(result.shown) == "T2 waits for jobs (nothing to receive)");
    // On an unbuffered channel the receiver's wait is a step of its own (it queues), so the
    // trace ends with it rather than with a wait added after the last step.
    REQUIRE_FALSE(result.shown.trace.events.empty());
    const TraceEvent& last = result.shown.trace.events.back();
    CHECK(last.thread == 2);
    CHECK(last.op == Op::recv);
    CHECK(last.target == "jobs");
    CHECK(last.waits);
    CHECK(result.shown.trace.waits.empty());
}

TEST_CASE("real threads through a channel: every value once, buffered or not") {
    for (int capacity : {0, 4}) {
        CAPTURE(capacity);
        Chan<int> jobs("jobs", capacity);
        constexpr int kValues = 2000;
        std::vector<std::vector<int>> got(3);
        std::vector<std::thread> workers;
        for (std::size_t worker = 0; worker < got.size(); ++worker)
            workers.emplace_back([&, worker] {
                for (int value : jobs) got[worker].push_back(value);
            });
        for (int value = 0; value < kValues; ++value) jobs.send(value);
        jobs.close();
        for (std::thread& worker : workers) worker.join();
        std::vector<int> all;
        for (const std::vector<int>& values : got)
            all.insert(all.end(), values.begin(), values.end());
        std::sort(all.begin(), all.end());
        REQUIRE(all.size() == kValues);
        for (int value = 0; value < kValues; ++value)
            CHECK(all[static_cast<std::size_t>(value)] == value);
        CHECK_FALSE(jobs.recv().has_value());  // closed and drained
    }
}

TEST_CASE("real threads, several senders and receivers on one unbuffered channel") {
    Chan<int> jobs("jobs");
    constexpr int kSenders = 3, kEach = 3000;
    std::vector<std::vector<int>> got(3);
    std::vector<std::thread> receivers;
    for (std::size_t receiver = 0; receiver < got.size(); ++receiver)
        receivers.emplace_back([&, receiver] {
            for (int value : jobs) got[receiver].push_back(value);
        });
    std::vector<std::thread> senders;
    for (int sender = 0; sender < kSenders; ++sender)
        senders.emplace_back([&, sender] {
            for (int value = 0; value < kEach; ++value) jobs.send(sender * kEach + value);
        });
    for (std::thread& sender : senders) sender.join();
    jobs.close();
    for (std::thread& receiver : receivers) receiver.join();
    std::vector<int> all;
    for (const std::vector<int>& values : got) all.insert(all.end(), values.begin(), values.end());
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() == kSenders * kEach);
    for (int value = 0; value < kSenders * kEach; ++value)
        CHECK(all[static_cast<std::size_t>(value)] == value);
}

TEST_CASE("real threads: a send on a closed channel is an error, a receive says closed") {
    for (int capacity : {0, 2}) {
        CAPTURE(capacity);
        Chan<int> jobs("jobs", capacity);
        jobs.close();
        CHECK_THROWS_AS(jobs.send(1), std::logic_error);
        CHECK_FALSE(jobs.recv().has_value());
        CHECK_FALSE(jobs.recv().has_value());  // and again: closed stays closed
    }
}
