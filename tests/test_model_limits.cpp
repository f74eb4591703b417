// The model's limits and teardown: spin loops (the step bound, yield and fair scheduling), a
// stop asked for inside an execution, and threads that are hard to take down (waiting inside
// a destructor, swallowing the unwinding with catch (...), freeing a lock the lock-order graph
// names).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "core/trace.hpp"
#include "deadlock_words.hpp"
#include "engine/model.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::ModelOptions;
using racedemo::ModelResult;
using racedemo::Mutex;
using racedemo::Outcome;
using racedemo::Reduction;
using racedemo::Scenario;
using racedemo::Shared;
using racedemo::Strategy;
using racedemo::Trial;
using racedemo::TrialConfig;
using racedemo::Variant;

template <class T>
Scenario limits_scenario(const char* name) {
    Scenario scenario;
    scenario.name = name;
    scenario.fixed = racedemo::make_trial<T>;
    return scenario;
}

ModelOptions explore_with(Reduction reduction, int max_steps = racedemo::default_max_steps) {
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = reduction;
    options.max_steps = max_steps;
    return options;
}

ModelResult run_limits(const Scenario& scenario, int threads, const ModelOptions& options) {
    TrialConfig config;
    config.threads = threads;
    config.model = true;
    return racedemo::run_model(scenario, Variant::fixed, config, options);
}

// Peterson's algorithm with its busy wait as written, yielding in the loop. Correct: flag,
// then turn. Broken: turn, then flag, which lets both threads in under sequential consistency.
template <bool TurnFirst>
class PetersonTrial final : public Trial {
  public:
    explicit PetersonTrial(const TrialConfig&) {}
    void actor(int me) override {
        Shared<int>& mine = me == 0 ? flag0_ : flag1_;
        Shared<int>& other = me == 0 ? flag1_ : flag0_;
        if (TurnFirst) turn_.store(1 - me);
        mine.store(1);
        if (!TurnFirst) turn_.store(1 - me);
        while (other.load() == 1 && turn_.load() == 1 - me) racedemo::yield();
        const int seen = inside_.load();  // the critical section
        inside_.store(seen + 1);
        if (inside_.load() != 1) both_inside_ = true;
        inside_.store(inside_.load() - 1);
        mine.store(0);
    }
    Outcome arbiter() override {
        return both_inside_ ? Outcome::corrupt("both inside", "two threads in the critical section")
                            : Outcome::clean();
    }

  private:
    Shared<int> flag0_{"flag[0]", 0};
    Shared<int> flag1_{"flag[1]", 0};
    Shared<int> turn_{"turn", 0};
    Shared<int> inside_{"inside", 0};
    bool both_inside_ = false;
};

TEST_CASE("Peterson's algorithm with its busy wait is explored to the end: clean, or broken") {
    const Scenario right = limits_scenario<PetersonTrial<false>>("peterson");
    const Scenario wrong = limits_scenario<PetersonTrial<true>>("peterson-turn-first");
    for (Reduction reduction :
         {Reduction::none, Reduction::dpor, Reduction::reads_from, Reduction::automatic}) {
        CAPTURE(static_cast<int>(reduction));
        const ModelResult clean = run_limits(right, 2, explore_with(reduction));
        CHECK(clean.complete);
        CHECK(clean.schedules_corrupt == 0);
        CHECK(clean.schedules_bounded == 0);
        CHECK(clean.schedules_deadlocked == 0);
        const ModelResult broken = run_limits(wrong, 2, explore_with(reduction));
        CHECK(broken.complete);
        CHECK(broken.schedules_corrupt > 0);
        CHECK(broken.shown.outcome.label == "both inside");
    }
}

// T1 waits for a flag that nobody sets, without yielding: no schedule ends.
class EndlessSpinTrial final : public Trial {
  public:
    explicit EndlessSpinTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 1) {
            other_.store(1);
            return;
        }
        while (ready_.load() == 0) {
        }
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Shared<int> ready_{"ready", 0};
    Shared<int> other_{"other", 0};
};

TEST_CASE("a spin loop that nothing ends stops at the step bound, with its thread and its loop") {
    const Scenario spin = limits_scenario<EndlessSpinTrial>("endless-spin");
    for (Reduction reduction : {Reduction::none, Reduction::dpor, Reduction::automatic}) {
        const ModelResult result = run_limits(spin, 2, explore_with(reduction, 500));
        CHECK(result.schedules_bounded == 1);  // the search stops at the first
        CHECK_FALSE(result.complete);
        CHECK(result.schedules_corrupt == 0);
        REQUIRE(result.shown.bounded);
        CHECK(result.shown.schedule.size() == 500);
        CHECK(result.shown.bound_thread == 1);
        CHECK(result.shown.bound_thread_steps >= 499);
        const auto round = racedemo::repeated_steps(result.shown.trace, 1);
        REQUIRE(round.size() == 1);
        CHECK(round[0]->target == "ready");
        CHECK(round[0]->value == "0");
    }
    ModelOptions random;
    random.strategy = Strategy::random;
    random.runs = 50;
    random.max_steps = 300;
    const ModelResult series = run_limits(spin, 2, random);
    CHECK(series.schedules_bounded == 1);
    CHECK(series.schedules_explored == 1);
}

// A stop asked for in the middle of an execution (here by the spinning thread itself, after a
// while, as a signal would from outside) ends it within a few hundred steps.
std::stop_source* spin_stop = nullptr;

class StopsItselfTrial final : public Trial {
  public:
    explicit StopsItselfTrial(const TrialConfig&) {}
    void actor(int) override {
        for (int round = 0; ready_.load() == 0; ++round)
            if (round == 10'000) spin_stop->request_stop();
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Shared<int> ready_{"ready", 0};
};

TEST_CASE("a stop asked for inside an execution ends it there, the run reported as cut") {
    const Scenario spin = limits_scenario<StopsItselfTrial>("stops-itself");
    std::stop_source source;
    spin_stop = &source;
    ModelOptions options = explore_with(Reduction::automatic, 50'000'000);
    options.stop = source.get_token();
    const ModelResult result = run_limits(spin, 1, options);
    CHECK(result.interrupted);
    CHECK_FALSE(result.complete);
    CHECK(result.schedules_bounded == 0);
    CHECK(result.steps < 20'000);  // stopped within a few hundred steps of the request
    spin_stop = nullptr;
}

// T2 holds `a` and, leaving a scope, takes `log` in a destructor; T1 holds `log` and wants `a`.
// The deadlock leaves T2 waiting inside a (noexcept) destructor, which cannot be unwound.
class LogOnExit {
  public:
    LogOnExit(Mutex& log, Shared<int>& lines) : log_(log), lines_(lines) {}
    ~LogOnExit() {
        log_.lock();
        lines_.store(lines_.load() + 1);
        log_.unlock();
    }
    LogOnExit(const LogOnExit&) = delete;
    LogOnExit& operator=(const LogOnExit&) = delete;

  private:
    Mutex& log_;
    Shared<int>& lines_;
};

class DestructorWaitsTrial final : public Trial {
  public:
    explicit DestructorWaitsTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 0) {
            std::lock_guard log(log_);
            std::lock_guard a(a_);
            lines_.store(lines_.load() + 1);
            return;
        }
        std::lock_guard a(a_);
        LogOnExit on_exit(log_, lines_);
        work_.store(1);
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex log_{"log"};
    Mutex a_{"a"};
    Shared<int> lines_{"lines", 0};
    Shared<int> work_{"work", 0};
};

TEST_CASE("a thread deadlocked inside a destructor is given up, not a crash of the scenario") {
    const Scenario waits = limits_scenario<DestructorWaitsTrial>("destructor-waits");
    for (Reduction reduction : {Reduction::none, Reduction::dpor, Reduction::reads_from}) {
        const ModelResult result = run_limits(waits, 2, explore_with(reduction));
        CHECK(result.complete);
        CHECK(result.schedules_deadlocked > 0);
        CHECK(result.outcomes.count("clean") == 1);
        REQUIRE(result.shown.deadlock);
        CHECK(deadlock_words(result.shown).find("T2 holds a, waits for log") != std::string::npos);
    }
    ModelOptions random;
    random.strategy = Strategy::random;
    random.runs = 2000;  // many deadlocks, each giving a thread up: its stack is reused
    const ModelResult series = run_limits(waits, 2, random);
    CHECK(series.schedules_explored == 2000);
    CHECK(series.schedules_deadlocked > 100);
}

// A thread that catches everything, the unwinding included, and goes on.
int ran_on_after_catch = 0;

class SwallowsTrial final : public Trial {
  public:
    explicit SwallowsTrial(const TrialConfig&) {}
    void actor(int thread) override {
        Mutex& first = thread == 0 ? a_ : b_;
        Mutex& second = thread == 0 ? b_ : a_;
        try {
            std::lock_guard one(first);
            std::lock_guard two(second);
        } catch (...) {
        }
        done_.store(thread);  // meets the unwinding again
        ++ran_on_after_catch;
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex a_{"a"};
    Mutex b_{"b"};
    Shared<int> done_{"done", 0};
};

// A thread that catches everything, the unwinding included, and tries again, for ever.
class SwallowsForeverTrial final : public Trial {
  public:
    explicit SwallowsForeverTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 1) {
            std::lock_guard one(a_);
            std::lock_guard two(b_);
            return;
        }
        std::lock_guard one(b_);
        for (;;) {
            try {
                std::lock_guard two(a_);
                return;
            } catch (...) {
            }
        }
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex a_{"a"};
    Mutex b_{"b"};
};

TEST_CASE("a catch (...) in scenario code does not let a torn-down thread run on unscheduled") {
    const Scenario swallows = limits_scenario<SwallowsTrial>("swallows");
    ran_on_after_catch = 0;
    const ModelResult result = run_limits(swallows, 2, explore_with(Reduction::none));
    CHECK(result.complete);
    CHECK(result.schedules_deadlocked > 0);
    // Every increment came from an execution in which the threads finished (two each); in a
    // deadlocked one (the run shown, replayed, is one too) neither ran on after its catch.
    const std::uint64_t finished = result.schedules_explored - result.schedules_deadlocked;
    CHECK(finished > 0);
    CHECK(static_cast<std::uint64_t>(ran_on_after_catch) == 2 * finished);

    const Scenario forever = limits_scenario<SwallowsForeverTrial>("swallows-forever");
    const ModelResult stuck = run_limits(forever, 2, explore_with(Reduction::none));
    CHECK(stuck.complete);
    CHECK(stuck.schedules_deadlocked > 0);  // each given up after swallowing a few times
    CHECK(stuck.outcomes.count("clean") == 1);
}

// Hand over hand: each thread takes the list's lock, then the node's, lets the list go, and
// frees the node with its mutex. The lock-order graph names locks after the execution.
class HandOverHandTrial final : public Trial {
  public:
    explicit HandOverHandTrial(const TrialConfig&) {
        for (int i = 0; i < 2; ++i)
            nodes_.push_back(std::make_unique<Node>(racedemo::ObjectName::indexed("node{}.mu", i)));
    }
    void actor(int thread) override {
        list_.lock();
        std::unique_ptr<Node>& node = nodes_[static_cast<std::size_t>(thread)];
        node->mu.lock();
        list_.unlock();
        node->value.store(1);
        node->mu.unlock();
        node.reset();  // its mutex goes with it
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    struct Node {
        explicit Node(racedemo::ObjectName name) : mu(name) {}
        Mutex mu;
        Shared<int> value{"node.value", 0};
    };
    Mutex list_{"list"};
    std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_CASE("locks freed during an execution are still named by the lock-order graph") {
    const Scenario list = limits_scenario<HandOverHandTrial>("hand-over-hand");
    const ModelResult result = run_limits(list, 2, explore_with(Reduction::automatic));
    CHECK(result.complete);
    CHECK(result.schedules_corrupt == 0);
    CHECK(result.lock_order_inversions.empty());  // list before node, always
    REQUIRE_FALSE(result.shown.trace.events.empty());
    CHECK(result.shown.trace.events[1].target == "node0.mu");
}

}  // namespace
