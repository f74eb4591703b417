// The model scheduler: strategies, reduction, locks, deadlocks, and trace analysis.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <random>
#include <set>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/trace.hpp"
#include "deadlock_words.hpp"
#include "engine/model.hpp"
#include "model_options.hpp"
#include "present/refusals.hpp"
#include "present/report.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::ModelOptions;
using racedemo::ModelResult;
using racedemo::Mutex;
using racedemo::Outcome;
using racedemo::Reduction;
using racedemo::RWMutex;
using racedemo::Scenario;
using racedemo::ScheduleError;
using racedemo::Shared;
using racedemo::Strategy;
using racedemo::Trace;
using racedemo::TraceEvent;
using racedemo::Trial;
using racedemo::TrialConfig;
using racedemo::Variant;

// Every thread adds one to x without a lock.
class CounterTrial final : public Trial {
  public:
    explicit CounterTrial(const TrialConfig& config) : threads_(config.threads) {}
    void actor(int) override {
        racedemo::note("increment");
        int value = x_.load();
        x_.store(value + 1);
    }
    Outcome arbiter() override {
        int value = x_.load();
        if (value == threads_) return Outcome::clean();
        return Outcome::corrupt("lost update", fmt::format("x is {}, not {}", value, threads_));
    }

  private:
    int threads_;
    Shared<int> x_{"x", 0};
};

// The same increment under a mutex.
class LockedCounterTrial final : public Trial {
  public:
    explicit LockedCounterTrial(const TrialConfig& config) : threads_(config.threads) {}
    void actor(int) override {
        mu_.lock();
        x_.store(x_.load() + 1);
        mu_.unlock();
    }
    Outcome arbiter() override {
        return x_.load() == threads_ ? Outcome::clean() : Outcome::corrupt("lost update", "");
    }

  private:
    int threads_;
    Mutex mu_{"mu"};
    Shared<int> x_{"x", 0};
};

// The same with a lock_guard: its unlock is a step taken inside a destructor.
class GuardedCounterTrial final : public Trial {
  public:
    explicit GuardedCounterTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 1 && fail_) {
            x_.load();
            throw std::runtime_error("boom");
        }
        std::lock_guard guard(mu_);
        x_.store(x_.load() + 1);
    }
    Outcome arbiter() override { return Outcome::clean(); }

    static inline bool fail_ = false;

  private:
    Mutex mu_{"mu"};
    Shared<int> x_{"x", 0};
};

// Thread 1 takes a then b, thread 2 takes b then a.
class LockOrderTrial final : public Trial {
  public:
    explicit LockOrderTrial(const TrialConfig&) {}
    void actor(int thread) override {
        Mutex& first = thread == 0 ? a_ : b_;
        Mutex& second = thread == 0 ? b_ : a_;
        std::lock_guard hold_first(first);
        std::lock_guard hold_second(second);
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex a_{"a"};
    Mutex b_{"b"};
};

// Two readers and a writer on a RWMutex; the writer touches another cell first, so its wait
// for the lock starts in the middle of the execution. The label is what the readers saw.
class ReadersWriterTrial final : public Trial {
  public:
    explicit ReadersWriterTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 2) {
            flag_.store(1);
            mu_.lock();
            x_.store(1);
            x_.store(2);
            mu_.unlock();
            return;
        }
        int seen_flag = flag_.load();
        mu_.lock_shared();
        seen_[thread] = x_.load() * 10 + seen_flag;
        mu_.unlock_shared();
    }
    Outcome arbiter() override {
        return {fmt::format("r1={} r2={}", seen_[0], seen_[1]), false, {}};
    }

  private:
    RWMutex mu_{"mu"};
    Shared<int> flag_{"flag", 0};
    Shared<int> x_{"x", 0};
    int seen_[2] = {-1, -1};
};

// Store buffering plus a lock: the label records every value read, so two explorations that
// reach the same set of labels reached the same set of behaviours.
class MixedTrial final : public Trial {
  public:
    explicit MixedTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 0) {
            x_.store(1);
            seen_[0] = y_.load();
            mu_.lock();
            z_.store(z_.load() + 1);
            mu_.unlock();
        } else if (thread == 1) {
            y_.store(1);
            seen_[1] = x_.load();
            mu_.lock();
            seen_[2] = z_.load();
            z_.store(z_.load() + 10);
            mu_.unlock();
        } else {
            seen_[3] = x_.load() + y_.load() * 2;
            mu_.lock();
            seen_[4] = z_.load();
            mu_.unlock();
        }
    }
    Outcome arbiter() override {
        return {fmt::format("{} {} {} {} {}", seen_[0], seen_[1], seen_[2], seen_[3], seen_[4]),
                false,
                {}};
    }

  private:
    Mutex mu_{"mu"};
    Shared<int> x_{"x", 0};
    Shared<int> y_{"y", 0};
    Shared<int> z_{"z", 0};
    int seen_[5] = {-1, -1, -1, -1, -1};
};

template <class T>
Scenario make_scenario(std::string_view name) {
    Scenario scenario;
    scenario.number = 900;
    scenario.name = name;
    scenario.unsafe = racedemo::make_trial<T>;
    scenario.fixed = racedemo::make_trial<T>;
    return scenario;
}

const Scenario& trie() {
    const Scenario* scenario = racedemo::find_scenario("trie-race");
    REQUIRE(scenario != nullptr);
    return *scenario;
}

ModelOptions explore(Reduction reduction, std::uint64_t budget = 1'000'000) {
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = reduction;
    options.budget = budget;
    return options;
}

ModelResult run(const Scenario& scenario, int threads, const ModelOptions& options,
                Variant variant = Variant::unsafe) {
    TrialConfig config;
    config.threads = threads;
    config.model = true;
    return racedemo::run_model(scenario, variant, config, options);
}

ScheduleError schedule_error(const Scenario& scenario, int threads, std::vector<int> schedule) {
    try {
        run(scenario, threads, replay(std::move(schedule)));
    } catch (const ScheduleError& error) {
        return error;
    }
    FAIL("the schedule was feasible");
    return {};
}

std::set<std::string> labels(const ModelResult& result) {
    std::set<std::string> found;
    for (const auto& [label, count] : result.outcomes) found.insert(label);
    return found;
}

std::string describe(const Trace& trace) {
    std::string text;
    for (const TraceEvent& event : trace.events) {
        text += fmt::format("{} T{} {} {} {} [{}#{}] {}\n", event.step, event.thread,
                            racedemo::op_name(event.op), event.target, event.value, event.operation,
                            event.operation_index, racedemo::damage_note(event.damage));
    }
    return text;
}

TraceEvent access(int step, int thread, racedemo::Op op, std::uint64_t object, std::string value,
                  std::string operation, int operation_index) {
    TraceEvent event;
    event.step = step;
    event.thread = thread;
    event.op = op;
    event.target = fmt::format("cell{}", object);
    event.value = std::move(value);
    event.object = object;
    event.operation = std::move(operation);
    event.operation_index = operation_index;
    return event;
}

}  // namespace

TEST_CASE("counter: every interleaving without reduction, one per trace with DPOR") {
    const Scenario counter = make_scenario<CounterTrial>("counter");

    ModelResult all = run(counter, 2, explore(Reduction::none));
    CHECK(all.schedules_explored == 6);
    CHECK(all.schedules_corrupt == 4);
    CHECK(all.complete);
    CHECK(all.steps == 24);
    CHECK(all.outcomes["lost update"] == 4);
    CHECK(all.outcomes["clean"] == 2);

    ModelResult reduced = run(counter, 2, explore(Reduction::dpor));
    CHECK(reduced.schedules_explored == 4);
    CHECK(reduced.schedules_corrupt == 2);
    CHECK(reduced.complete);

    // Shortest corrupting schedule: one preemption, four steps, smallest first.
    for (const ModelResult* result : {&all, &reduced}) {
        REQUIRE(result->shortest_schedule);
        CHECK(*result->shortest_schedule == std::vector<int>{1, 2, 2, 1});
        CHECK(result->shown.schedule == *result->shortest_schedule);
        CHECK(result->shown.preemptions == 1);
        CHECK(result->shown.outcome.corrupted);
        REQUIRE(result->shown.trace.events.size() == 4);
        CHECK(racedemo::damage_note(result->shown.trace.events[3].damage) ==
              "overwrites 1 written by T2 at step 3: the x T1 read at step 1 was changed at step "
              "3");
        CHECK(result->shown.trace.lanes == std::vector<std::string>{"increment", "increment"});
    }
}

TEST_CASE("counter with three threads: DPOR finds every outcome with fewer schedules") {
    const Scenario counter = make_scenario<CounterTrial>("counter");
    ModelResult all = run(counter, 3, explore(Reduction::none));
    ModelResult reduced = run(counter, 3, explore(Reduction::dpor));
    CHECK(all.schedules_explored == 90);  // 6! / (2! 2! 2!)
    CHECK(all.complete);
    CHECK(reduced.complete);
    CHECK(reduced.schedules_explored < all.schedules_explored);
    CHECK(labels(reduced) == labels(all));
    MESSAGE("counter, 3 threads: " << all.schedules_explored << " schedules without reduction, "
                                   << reduced.schedules_explored << " with DPOR");
}

TEST_CASE("a preemption bound limits the schedules explored") {
    const Scenario counter = make_scenario<CounterTrial>("counter");
    ModelOptions options = explore(Reduction::none);
    options.preemption_bound = 0;
    ModelResult none = run(counter, 2, options);
    CHECK(none.schedules_explored == 2);  // 1 1 2 2 and 2 2 1 1
    CHECK(none.schedules_corrupt == 0);
    CHECK(none.complete);

    options.preemption_bound = 1;
    ModelResult one = run(counter, 2, options);
    CHECK(one.schedules_corrupt > 0);
    REQUIRE(one.shortest_schedule);
    CHECK(one.shown.preemptions == 1);
}

TEST_CASE("the budget stops an exploration early") {
    const Scenario counter = make_scenario<CounterTrial>("counter");
    ModelResult result = run(counter, 2, explore(Reduction::none, 3));
    CHECK(result.schedules_explored == 3);
    CHECK_FALSE(result.complete);
}

TEST_CASE("trie: the canonical schedule loses a branch") {
    // Both inserts read root['g'] -> nil before either links its node.
    ModelResult result = run(trie(), 2, replay({1, 2, 1, 2}));
    const racedemo::ModelRun& shown = result.shown;
    INFO(describe(shown.trace));
    CHECK(shown.outcome.corrupted);
    CHECK(shown.outcome.label == "lost 1 key");
    CHECK(shown.outcome.evidence.find("\"go\"") != std::string::npos);
    CHECK(shown.trace.lanes == std::vector<std::string>{"insert(\"go\")", "insert(\"git\")"});
    REQUIRE(shown.trace.events.size() >= 4);
    const auto& events = shown.trace.events;
    CHECK(events[0].thread == 1);
    CHECK(events[0].target == "root['g']");
    CHECK(events[0].value == "nil");
    CHECK(events[0].op == racedemo::Op::read);
    CHECK(events[0].operation == "insert(\"go\")");
    CHECK(events[1].thread == 2);
    CHECK(events[1].value == "nil");
    CHECK(events[2].op == racedemo::Op::write);
    CHECK(events[2].value == "n1");
    CHECK(events[3].thread == 2);
    CHECK(events[3].value == "n2");
    CHECK(racedemo::damage_note(events[3].damage) ==
          "overwrites n1 written by T1 at step 3: the root['g'] T2 read at step 2 was changed "
          "at step 3");
    // Past the schedule the default policy keeps running thread 2, then finishes thread 1.
    CHECK(shown.schedule == std::vector<int>{1, 2, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1});
    CHECK(shown.preemptions == 3);
    CHECK(result.shortest_schedule == shown.schedule);
}

TEST_CASE("trie: exploration finds the lost branch and the fix holds") {
    for (Reduction reduction : {Reduction::none, Reduction::dpor}) {
        CAPTURE(static_cast<int>(reduction));
        ModelResult unsafe = run(trie(), 2, explore(reduction));
        CHECK(unsafe.complete);
        CHECK(unsafe.schedules_corrupt > 0);
        REQUIRE(unsafe.shortest_schedule);
        CHECK(unsafe.shown.outcome.corrupted);
        CHECK(unsafe.shown.preemptions == 1);
        const auto& events = unsafe.shown.trace.events;
        CHECK(std::any_of(events.begin(), events.end(),
                          [](const TraceEvent& event) { return static_cast<bool>(event.damage); }));

        ModelResult again = run(trie(), 2, replay(*unsafe.shortest_schedule));
        CHECK(again.shown.outcome.corrupted);
        CHECK(again.shown.schedule == *unsafe.shortest_schedule);

        ModelResult fixed = run(trie(), 2, explore(reduction), Variant::fixed);
        CHECK(fixed.complete);
        CHECK(fixed.schedules_corrupt == 0);
        CHECK_FALSE(fixed.shortest_schedule);
        CHECK_FALSE(fixed.shown.outcome.corrupted);
        MESSAGE("trie, 2 threads, reduction "
                << (reduction == Reduction::dpor ? "dpor" : "none") << ": unsafe "
                << unsafe.schedules_explored << " schedules (" << unsafe.schedules_corrupt
                << " corrupt, " << unsafe.steps << " steps), fixed " << fixed.schedules_explored
                << " schedules");
    }
}

TEST_CASE("trie with three threads") {
    ModelResult fixed = run(trie(), 3, explore(Reduction::dpor), Variant::fixed);
    CHECK(fixed.complete);
    CHECK(fixed.schedules_corrupt == 0);
    CHECK(fixed.schedules_explored <= 100);

    ModelResult fixed_all = run(trie(), 3, explore(Reduction::none), Variant::fixed);
    CHECK(fixed_all.complete);
    CHECK(fixed_all.schedules_corrupt == 0);

    ModelResult unsafe = run(trie(), 3, explore(Reduction::dpor));
    CHECK(unsafe.complete);
    CHECK(unsafe.schedules_corrupt > 0);

    // Without reduction the space is billions of schedules: capped.
    ModelResult unsafe_all = run(trie(), 3, explore(Reduction::none, 20'000));
    CHECK_FALSE(unsafe_all.complete);
    CHECK(unsafe_all.schedules_explored == 20'000);

    MESSAGE("trie, 3 threads: fixed "
            << fixed.schedules_explored << " schedules with DPOR, " << fixed_all.schedules_explored
            << " without; unsafe " << unsafe.schedules_explored << " with DPOR ("
            << unsafe.schedules_corrupt << " corrupt), without: budget of 20000 exhausted");
}

TEST_CASE("random schedules are deterministic and replayable") {
    ModelOptions options;
    options.strategy = Strategy::random;
    for (std::uint64_t seed : {1u, 2u, 7u, 12345u}) {
        options.seed = seed;
        ModelResult first = run(trie(), 3, options);
        ModelResult second = run(trie(), 3, options);
        CHECK(first.shown.schedule == second.shown.schedule);
        CHECK(describe(first.shown.trace) == describe(second.shown.trace));
        CHECK(first.shown.outcome.label == second.shown.outcome.label);

        ModelResult replayed = run(trie(), 3, replay(first.shown.schedule));
        CHECK(replayed.shown.schedule == first.shown.schedule);
        CHECK(describe(replayed.shown.trace) == describe(first.shown.trace));
        CHECK(replayed.shown.outcome.evidence == first.shown.outcome.evidence);
    }
}

TEST_CASE("infeasible replays throw ScheduleError") {
    const Scenario counter = make_scenario<CounterTrial>("counter");
    ScheduleError missing = schedule_error(counter, 2, {1, 3});
    CHECK(missing.position == 2);
    CHECK(racedemo::refusal_words(missing) == "thread 3 does not exist (2 threads)");

    ScheduleError zero = schedule_error(counter, 2, {0});
    CHECK(zero.position == 1);

    ScheduleError finished = schedule_error(counter, 2, {1, 1, 1});
    CHECK(finished.position == 3);
    CHECK(racedemo::refusal_words(finished) == "thread 1 has finished; thread 2 can run");

    // Thread 2 may take one step in front of the held lock, to wait; then it is blocked.
    const Scenario locked = make_scenario<LockedCounterTrial>("locked-counter");
    ScheduleError blocked = schedule_error(locked, 2, {1, 2, 2});
    CHECK(blocked.position == 3);
    CHECK(racedemo::refusal_words(blocked) ==
          "thread 2 is blocked on mu (held by thread 1); thread 1 can run");

    // A feasible schedule with the same prefix runs.
    ModelResult fine = run(locked, 2, replay({1, 1, 1, 1, 2}));
    CHECK_FALSE(fine.shown.outcome.corrupted);
    CHECK(fine.shown.schedule == std::vector<int>{1, 1, 1, 1, 2, 2, 2, 2});
}

TEST_CASE("a thread that finds its lock held takes a step to wait, then the lock") {
    const Scenario locked = make_scenario<LockedCounterTrial>("locked-counter");
    ModelResult replayed = run(locked, 2, replay({1, 2}));
    const std::vector<TraceEvent>& events = replayed.shown.trace.events;
    REQUIRE(events.size() == 9);  // 4 steps each, and thread 2's wait
    CHECK(events[1].thread == 2);
    CHECK(events[1].waits);
    CHECK(racedemo::wait_words(events[1]) == "T1");
    CHECK(replayed.shown.schedule == std::vector<int>{1, 2, 1, 1, 1, 2, 2, 2, 2});
    CHECK_FALSE(replayed.shown.outcome.corrupted);

    // Random schedules choose waits too. Whatever the seed, a thread waits at most once for a
    // lock, and its next step is the acquisition of that lock.
    ModelOptions options;
    options.strategy = Strategy::random;
    int waits = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        options.seed = seed;
        ModelResult result = run(trie(), 3, options, Variant::fixed);
        const std::vector<TraceEvent>& trace = result.shown.trace.events;
        for (std::size_t i = 0; i < trace.size(); ++i) {
            if (!trace[i].waits) continue;
            ++waits;
            const auto next =
                std::find_if(trace.begin() + static_cast<long>(i) + 1, trace.end(),
                             [&](const TraceEvent& e) { return e.thread == trace[i].thread; });
            REQUIRE(next != trace.end());
            CHECK_FALSE(next->waits);
            CHECK(next->op == racedemo::Op::lock);
            CHECK(next->target == trace[i].target);
        }
        CHECK(result.schedules_corrupt == 0);
    }
    CHECK(waits > 0);
    // The explore strategy never chooses a wait: a wait changes no shared state.
    ModelResult explored = run(locked, 2, explore(Reduction::none));
    CHECK(explored.complete);
    CHECK(explored.shown.trace.events.size() == 8);
}

TEST_CASE("an infeasible replay or a failing actor leaves no thread behind") {
    // Thread 1 is paused at the unlock in its lock_guard's destructor when the schedule turns
    // out infeasible, or when thread 2 throws: the execution is run to its end, not unwound.
    const Scenario guarded = make_scenario<GuardedCounterTrial>("guarded-counter");
    ScheduleError blocked = schedule_error(guarded, 2, {1, 1, 1, 2, 2});
    CHECK(blocked.position == 5);
    CHECK(racedemo::refusal_words(blocked) ==
          "thread 2 is blocked on mu (held by thread 1); thread 1 can run");

    GuardedCounterTrial::fail_ = true;
    CHECK_THROWS_WITH_AS(run(guarded, 2, replay({1, 1, 1, 2})), "boom", std::runtime_error);
    GuardedCounterTrial::fail_ = false;

    ModelResult fine = run(guarded, 2, explore(Reduction::dpor));
    CHECK(fine.complete);
    CHECK(fine.schedules_corrupt == 0);
}

TEST_CASE("DPOR under a preemption bound says when the bound cut the search") {
    const Scenario counter = make_scenario<CounterTrial>("counter");
    ModelOptions options = explore(Reduction::dpor);
    options.preemption_bound = 0;
    ModelResult bounded = run(counter, 2, options);
    CHECK(bounded.schedules_explored == 2);
    CHECK_FALSE(bounded.complete);

    options.preemption_bound = 2;  // as many as any schedule of it needs
    ModelResult enough = run(counter, 2, options);
    CHECK(enough.schedules_explored == 4);
    CHECK(enough.complete);
}

TEST_CASE("a waiting writer keeps new readers out of a RWMutex") {
    const Scenario readers_writer = make_scenario<ReadersWriterTrial>("readers-writer");
    // T1 reads flag and takes a read lock; T3 writes flag and takes its step to queue for the
    // lock, so T2, arriving after, may not share it.
    ScheduleError error = schedule_error(readers_writer, 3, {1, 1, 2, 3, 3, 2, 2});
    CHECK(error.position == 7);
    CHECK(racedemo::refusal_words(error) ==
          "thread 2 is blocked on mu (held by 1 reader, a writer is queued); thread 1 can run");
    // The writer's queueing is its step in front of the lock, with the reason; the reader's
    // wait after it names the queued writer.
    ModelResult waits = run(readers_writer, 3, replay({1, 1, 2, 3, 3, 2}));
    const std::vector<TraceEvent>& events = waits.shown.trace.events;
    REQUIRE(events.size() >= 6);
    CHECK(events[4].waits);
    CHECK(events[4].thread == 3);
    CHECK(racedemo::wait_words(events[4]) == "T1");  // it reads under the lock
    CHECK(events[5].waits);
    CHECK(racedemo::wait_words(events[5]) == "T3, a queued writer");
    // Before T3 queues, T2 may join T1, though T3 already stands in front of the lock.
    ModelResult fine = run(readers_writer, 3, replay({1, 1, 2, 3, 2, 2}));
    CHECK_FALSE(fine.shown.deadlock);
    CHECK(fine.shown.trace.events[4].op == racedemo::Op::lock_shared);
    CHECK(fine.shown.trace.events[4].thread == 2);
    CHECK_FALSE(fine.shown.trace.events[4].waits);
}

TEST_CASE("DPOR reaches every behaviour that full enumeration reaches") {
    const Scenario readers_writer = make_scenario<ReadersWriterTrial>("readers-writer");
    const Scenario mixed = make_scenario<MixedTrial>("mixed");
    const Scenario locked = make_scenario<LockedCounterTrial>("locked-counter");
    for (const Scenario* scenario : {&readers_writer, &mixed, &locked}) {
        CAPTURE(scenario->name);
        ModelResult all = run(*scenario, 3, explore(Reduction::none));
        ModelResult reduced = run(*scenario, 3, explore(Reduction::dpor));
        CHECK(all.complete);
        CHECK(reduced.complete);
        CHECK(labels(reduced) == labels(all));
        CHECK(reduced.schedules_explored <= all.schedules_explored);
        MESSAGE(scenario->name << ": " << all.schedules_explored << " schedules, "
                               << reduced.schedules_explored << " with DPOR, " << labels(all).size()
                               << " outcomes");
    }
}

TEST_CASE("opposite lock orders deadlock") {
    const Scenario lock_order = make_scenario<LockOrderTrial>("lock-order");
    for (Reduction reduction : {Reduction::none, Reduction::dpor}) {
        ModelResult result = run(lock_order, 2, explore(reduction));
        CHECK(result.complete);
        CHECK(result.outcomes["deadlock"] > 0);
        CHECK(result.shown.deadlock);
        // Deadlocks are counted apart from corruptions.
        CHECK_FALSE(result.shown.outcome.corrupted);
        CHECK(result.schedules_corrupt == 0);
        CHECK(result.schedules_deadlocked == result.outcomes["deadlock"]);
        CHECK_FALSE(result.shortest_schedule);
        CHECK(result.shown.outcome.label == "deadlock");
        CHECK(result.shown.schedule == std::vector<int>{1, 2});
        CHECK(deadlock_words(result.shown) ==
              "T1 holds a, waits for b (held by T2); T2 holds b, waits for a (held by T1)");
        // The wait-for cycle, as data.
        REQUIRE(result.shown.wait_for.size() == 2);
        const racedemo::Waiter& first = result.shown.wait_for[0];
        CHECK(first.thread == 1);
        CHECK(first.holds == std::vector<std::string>{"a"});
        CHECK(first.waits_for == "b");
        CHECK(first.held_by == std::vector<int>{2});
        CHECK(result.shown.wait_for[1].held_by == std::vector<int>{1});

        REQUIRE(result.shortest_deadlock_schedule);
        CHECK(*result.shortest_deadlock_schedule == result.shown.schedule);
        ModelResult again = run(lock_order, 2, replay(*result.shortest_deadlock_schedule));
        CHECK(again.shown.deadlock);
        CHECK(again.schedules_deadlocked == 1);
        CHECK(deadlock_words(again.shown) == deadlock_words(result.shown));
    }
}

// T1 takes the read lock, and takes it again (a helper that reads, called with the lock
// held); T2 writes. Behind a queued writer the second read lock waits for ever under a
// writer-preferring lock; a reader-preferring one lets it in.
template <racedemo::RWPolicy policy>
struct RecursiveReadTrial final : Trial {
    explicit RecursiveReadTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 1) {
            std::lock_guard write(mu);
            return;
        }
        std::shared_lock read(mu);
        std::shared_lock read_again(mu);
    }
    Outcome arbiter() override { return Outcome::clean(); }
    RWMutex mu{"mu", policy};
};

TEST_CASE("a recursive read lock deadlocks behind a queued writer only when writers go first") {
    using racedemo::RWPolicy;
    const Scenario writers_first =
        make_scenario<RecursiveReadTrial<RWPolicy::writer_preferring>>("recursive-read");
    ModelResult stuck = run(writers_first, 2, explore(Reduction::dpor));
    CHECK(stuck.complete);
    CHECK(stuck.schedules_deadlocked == 1);  // T1 reads, T2 queues, T1 reads again
    CHECK(deadlock_words(stuck.shown) ==
          "T1 holds mu, waits for mu (a writer is queued); T2 waits for mu (held by "
          "T1)");
    REQUIRE(stuck.shown.wait_for.size() == 2);
    CHECK(stuck.shown.wait_for[0].writer_queued);

    const Scenario readers_first =
        make_scenario<RecursiveReadTrial<RWPolicy::reader_preferring>>("recursive-read");
    ModelResult fine = run(readers_first, 2, explore(Reduction::dpor));
    CHECK(fine.complete);
    CHECK(fine.schedules_deadlocked == 0);
}

// T1 takes the lock and returns without releasing it (an early return); T2 then waits forever,
// while T1 has finished: a partial deadlock.
struct EarlyReturnTrial final : Trial {
    explicit EarlyReturnTrial(const TrialConfig&) {}
    void actor(int thread) override {
        mu.lock();
        if (thread == 0) return;  // forgets to unlock
        mu.unlock();
    }
    Outcome arbiter() override { return Outcome::clean(); }
    racedemo::Mutex mu{"mu"};
};

TEST_CASE("a thread that waits for a lock whose holder has finished is deadlocked") {
    const Scenario early_return = make_scenario<EarlyReturnTrial>("early-return");
    ModelResult result = run(early_return, 2, explore(Reduction::dpor));
    CHECK(result.complete);
    CHECK(result.schedules_deadlocked == 1);  // T1 first: T2 waits forever
    CHECK(result.schedules_explored == 2);    // T2 first: both finish
    CHECK(result.shown.deadlock);
    CHECK(deadlock_words(result.shown) ==
          "T2 waits for mu (held by T1, which has finished: an abandoned lock)");
    REQUIRE(result.shown.wait_for.size() == 1);
    CHECK(result.shown.wait_for[0].holds.empty());
    // The trace shows the lock left held where its holder finished, before the wait for it.
    REQUIRE(result.shown.trace.abandoned.size() == 1);
    CHECK(result.shown.trace.abandoned[0].thread == 1);
    CHECK(result.shown.trace.abandoned[0].lock == "mu");
    const std::string lanes =
        racedemo::render_swimlanes(result.shown.trace, racedemo::Style(false));
    CAPTURE(lanes);
    const std::size_t left_held = lanes.find("finished, still holding mu");
    REQUIRE(left_held != std::string::npos);
    CHECK(left_held < lanes.find("lock mu: waits"));

    // A random series counts them too, and points at the first.
    ModelOptions series;
    series.strategy = racedemo::Strategy::random;
    series.runs = 200;
    ModelResult sampled = run(early_return, 2, series);
    CHECK(sampled.schedules_deadlocked > 0);
    CHECK(sampled.schedules_deadlocked + sampled.outcomes["clean"] == 200);
    REQUIRE(sampled.first_deadlock_schedule);
    CHECK(sampled.shown.schedule == *sampled.first_deadlock_schedule);
}

TEST_CASE("an actor's exception reaches the caller") {
    struct Throwing final : Trial {
        explicit Throwing(const TrialConfig&) {}
        void actor(int thread) override {
            mu.lock();
            x.store(thread);
            if (thread == 1) throw std::runtime_error("boom");
            mu.unlock();
        }
        Outcome arbiter() override { return Outcome::clean(); }
        Mutex mu{"mu"};
        Shared<int> x{"x", 0};
    };
    const Scenario throwing = make_scenario<Throwing>("throwing");
    CHECK_THROWS_WITH_AS(run(throwing, 2, explore(Reduction::dpor)), "boom", std::runtime_error);
}

TEST_CASE("mark_damage: a lost update") {
    using racedemo::Op;
    Trace trace;
    trace.events = {
        access(1, 1, Op::read, 1, "nil", "insert(\"go\")", 1),
        access(2, 2, Op::read, 1, "nil", "insert(\"git\")", 1),
        access(3, 1, Op::write, 1, "n1", "insert(\"go\")", 1),
        access(4, 2, Op::write, 1, "n2", "insert(\"git\")", 1),
    };
    CHECK(racedemo::mark_damage(trace) == 4);
    CHECK(!trace.events[2].damage);
    CHECK(
        racedemo::damage_note(trace.events[3].damage) ==
        "overwrites n1 written by T1 at step 3: the cell1 T2 read at step 2 was changed at step 3");
}

TEST_CASE(
    "mark_damage: writes after a fresh read, and rewrites of the same value, are not damage") {
    using racedemo::Op;
    Trace trace;
    trace.events = {
        access(1, 1, Op::write, 1, "1", "", 0),
        access(2, 2, Op::write, 1, "1", "", 1),  // same value
        access(3, 1, Op::read, 1, "1", "", 0),
        access(4, 2, Op::write, 1, "3", "", 2),  // T1 read the value: nothing vanished unseen
        access(5, 1, Op::read, 1, "3", "", 0),
        access(6, 1, Op::write, 1, "4", "", 0),  // it read the other thread's value first
        access(7, 2, Op::read, 2, "0", "", 0),   // another cell
        access(8, 1, Op::write, 2, "1", "", 0),
    };
    CHECK(racedemo::mark_damage(trace) == 0);
    for (const TraceEvent& event : trace.events) CHECK(!event.damage);
}

TEST_CASE("mark_damage: a blind write over a value nobody read loses it") {
    using racedemo::Op;
    Trace trace;
    trace.events = {
        access(1, 1, Op::read, 2, "0", "Push(101)", 1),
        access(2, 1, Op::write, 1, "101", "Push(101)", 1),
        access(3, 2, Op::read, 2, "0", "Push(201)", 1),
        access(4, 2, Op::write, 1, "201", "Push(201)", 1),
    };
    CHECK(racedemo::mark_damage(trace) == 4);
    CHECK(racedemo::damage_note(trace.events[3].damage) ==
          "overwrites 101 written by T1 at step 2, unread");
}

TEST_CASE("mark_damage: a write that acts on a value changed since it was read") {
    // rwmutex-cache's shortest schedule: T2 writes key "bob" and reads it back in its Get;
    // T1 then writes "alice" over it: it chose the slot from a count read before T2 changed it.
    using racedemo::Op;
    Trace trace;
    trace.events = {
        access(1, 1, Op::read, 2, "0", "Set(alice)", 1),
        access(2, 2, Op::read, 2, "0", "Set(bob)", 1),
        access(3, 2, Op::write, 1, "\"bob\"", "Set(bob)", 1),
        access(4, 2, Op::write, 2, "1", "Set(bob)", 1),
        access(5, 2, Op::read, 1, "\"bob\"", "Get(alice)", 2),
        access(6, 1, Op::write, 1, "\"alice\"", "Set(alice)", 1),
    };
    CHECK(racedemo::mark_damage(trace) == 6);
    CHECK(racedemo::damage_note(trace.events[5].damage) ==
          "overwrites \"bob\" written by T2 at step 3: the cell2 T1 read at step 1 was changed at "
          "step 4");
}

TEST_CASE("mark_damage: a half-done read") {
    using racedemo::Op;
    Trace trace;
    trace.events = {
        access(1, 2, Op::read, 7, "idle", "lookup", 1),
        access(2, 1, Op::write, 7, "writing", "update(k)", 1),
        access(3, 1, Op::write, 8, "v", "update(k)", 1),
        access(4, 2, Op::read, 7, "writing", "lookup", 1),
        access(5, 1, Op::write, 7, "done", "update(k)", 1),
    };
    CHECK(racedemo::mark_damage(trace) == 4);
    CHECK(racedemo::damage_note(trace.events[3].damage) ==
          "sees T1's update(k) half-done: it wrote writing at step 2 and replaces it at step 5");
    CHECK(!trace.events[0].damage);
    CHECK(!trace.events[4].damage);
}

TEST_CASE("mark_damage: a value from a finished operation is not half-done") {
    using racedemo::Op;
    Trace trace;
    trace.events = {
        access(1, 1, Op::write, 7, "a", "set(a)", 1),
        access(2, 2, Op::read, 7, "a", "get", 1),
        access(3, 1, Op::write, 7, "b", "set(b)", 2),
        // Same text, next instance of the operation: still a finished one.
        access(4, 1, Op::write, 7, "c", "set(a)", 3),
    };
    CHECK(racedemo::mark_damage(trace) == 0);

    Trace repeated;
    repeated.events = {
        access(1, 1, Op::write, 7, "a", "set", 1),
        access(2, 2, Op::read, 7, "a", "get", 1),
        access(3, 1, Op::write, 7, "b", "set", 2),
    };
    CHECK(racedemo::mark_damage(repeated) == 0);
}

// The write at `i` acts on old news when its operation's latest read of some object was
// followed by another thread's write to it; the note names the one changed first.
std::string old_news_by_definition(const std::vector<TraceEvent>& events, std::size_t i,
                                   const std::string& overwrites) {
    const TraceEvent& event = events[i];
    auto same_operation = [](const TraceEvent& a, const TraceEvent& b) {
        return a.thread == b.thread && a.operation_index == b.operation_index &&
               a.operation == b.operation;
    };
    std::size_t start = i;  // the operation's first event
    for (std::size_t k = i; k-- > 0;) {
        if (events[k].thread != event.thread) continue;
        if (!same_operation(events[k], event)) break;
        start = k;
    }
    std::size_t best_read = 0, best_change = events.size();
    for (std::size_t r = start; r < i; ++r) {
        if (events[r].thread != event.thread || events[r].op != racedemo::Op::read) continue;
        bool latest_read = true;  // no later read of that object in the operation
        for (std::size_t k = r + 1; k < i; ++k)
            if (events[k].thread == event.thread && events[k].op == racedemo::Op::read &&
                events[k].object == events[r].object)
                latest_read = false;
        if (!latest_read) continue;
        for (std::size_t w = r + 1; w < i && w < best_change; ++w) {
            if (events[w].thread != event.thread && events[w].op == racedemo::Op::write &&
                events[w].object == events[r].object) {
                best_read = r;
                best_change = w;
            }
        }
    }
    if (best_change == events.size()) return {};
    return fmt::format("{}: the {} T{} read at step {} was changed at step {}", overwrites,
                       events[best_read].target, event.thread, events[best_read].step,
                       events[best_change].step);
}

// The read at i saw the write `seen` of another thread's operation; that operation, later,
// writes an object that the reader's own operation read before i (its latest read of it): the
// reader saw the operation half-done across two objects. The first such later write counts.
std::string seen_before_and_after(const std::vector<TraceEvent>& events, std::size_t i, int seen,
                                  const std::string& operation) {
    auto same_operation = [](const TraceEvent& a, const TraceEvent& b) {
        return a.thread == b.thread && a.operation_index == b.operation_index &&
               a.operation == b.operation;
    };
    const TraceEvent& reader = events[i];
    const TraceEvent& writer = events[static_cast<std::size_t>(seen)];
    std::size_t start = i;  // the reader's operation's first event
    for (std::size_t k = i; k-- > 0;) {
        if (events[k].thread != reader.thread) continue;
        if (!same_operation(events[k], reader)) break;
        start = k;
    }
    for (std::size_t k = i + 1; k < events.size(); ++k) {
        if (events[k].thread != writer.thread) continue;
        if (!same_operation(events[k], writer)) break;
        if (events[k].op != racedemo::Op::write) continue;
        for (std::size_t r = i; r-- > start;) {
            if (events[r].thread != reader.thread || events[r].op != racedemo::Op::read ||
                events[r].object != events[k].object)
                continue;
            return fmt::format(
                "sees T{}'s {} half-done: it wrote {} at step {}, and changes {}, read at step {}, "
                "only at step {}",
                writer.thread, operation, writer.value, writer.step, events[k].target,
                events[r].step, events[k].step);
        }
    }
    return {};
}

// The damage rules of trace.hpp, checked the slow and obvious way: for every step, look back
// (and, for a half-done read, forward along the writer's own steps) from scratch.
std::vector<std::string> damage_by_definition(const std::vector<TraceEvent>& events) {
    using racedemo::Op;
    auto same_operation = [](const TraceEvent& a, const TraceEvent& b) {
        return a.thread == b.thread && a.operation_index == b.operation_index &&
               a.operation == b.operation;
    };
    std::vector<std::string> notes(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        const TraceEvent& event = events[i];
        if (event.op != Op::read && event.op != Op::write) continue;
        int latest = -1, own_read = -1, last_access = -1;
        for (std::size_t j = 0; j < i; ++j) {
            const TraceEvent& before = events[j];
            if (before.object != event.object) continue;
            if (before.op == Op::write) latest = static_cast<int>(j);
            if (before.op == Op::read && before.thread == event.thread)
                own_read = static_cast<int>(j);
            if (before.op == Op::read || before.op == Op::write) last_access = static_cast<int>(j);
        }
        if (latest < 0 || events[latest].thread == event.thread) continue;
        const TraceEvent& other = events[latest];
        if (event.op == Op::write) {
            const std::string overwrites = fmt::format("overwrites {} written by T{} at step {}",
                                                       other.value, other.thread, other.step);
            if (own_read >= 0 && own_read < latest)
                notes[i] = fmt::format("{}: the {} T{} read at step {} was changed at step {}",
                                       overwrites, events[own_read].target, event.thread,
                                       events[own_read].step, other.step);
            else if (other.value == event.value)
                notes[i].clear();
            else if (last_access == latest)
                notes[i] = overwrites + ", unread";
            else
                notes[i] = old_news_by_definition(events, i, overwrites);
            continue;
        }
        const std::string operation = other.operation.empty() ? "operation" : other.operation;
        for (std::size_t k = i + 1; k < events.size(); ++k) {
            if (events[k].thread != other.thread) continue;
            if (!same_operation(events[k], other)) break;
            if (events[k].object == event.object && events[k].op == Op::write) {
                notes[i] = fmt::format(
                    "sees T{}'s {} half-done: it wrote {} at step {} and replaces it at step {}",
                    other.thread, operation, other.value, other.step, events[k].step);
                break;
            }
        }
        if (notes[i].empty()) notes[i] = seen_before_and_after(events, i, latest, operation);
    }
    return notes;
}

TEST_CASE("mark_damage finds what the rules define, on 3,000 random traces") {
    using racedemo::Op;
    std::mt19937 random(20261122);
    auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    for (int round = 0; round < 3000; ++round) {
        const int threads = 2 + pick(2);
        std::vector<int> operation(static_cast<std::size_t>(threads) + 1, 0);
        Trace trace;
        const int length = 1 + pick(40);
        for (int step = 1; step <= length; ++step) {
            const int thread = 1 + pick(threads);
            int& index = operation[static_cast<std::size_t>(thread)];
            if (index == 0 || pick(4) == 0) ++index;  // the thread starts its next operation
            // Few texts, so that different operations often share one ("set" twice).
            const std::string text = index % 3 == 0 ? "get" : "set";
            const Op op = pick(2) == 0 ? Op::read : Op::write;
            trace.events.push_back(access(step, thread, op, static_cast<std::uint64_t>(pick(3)),
                                          std::to_string(pick(3)), text, index));
        }
        const std::vector<std::string> expected = damage_by_definition(trace.events);
        Trace first_only = trace;
        const int first = racedemo::mark_damage(trace);
        CAPTURE(round);
        for (std::size_t i = 0; i < expected.size(); ++i) {
            CAPTURE(i);
            CHECK(racedemo::damage_note(trace.events[i].damage) == expected[i]);
        }
        auto damaged = std::find_if(expected.begin(), expected.end(),
                                    [](const std::string& note) { return !note.empty(); });
        CHECK(first ==
              (damaged == expected.end() ? 0 : static_cast<int>(damaged - expected.begin()) + 1));
        CHECK(racedemo::mark_damage(first_only, racedemo::DamageScope::first) == first);
    }
}

TEST_CASE("op names") {
    using racedemo::Op;
    CHECK(racedemo::op_name(Op::read) == "read");
    CHECK(racedemo::op_name(Op::write) == "write");
    CHECK(racedemo::op_name(Op::lock) == "lock");
    CHECK(racedemo::op_name(Op::unlock) == "unlock");
    CHECK(racedemo::op_name(Op::lock_shared) == "rlock");
    CHECK(racedemo::op_name(Op::unlock_shared) == "runlock");
}
