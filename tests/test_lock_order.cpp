// The lock-order graph: a cycle in the order in which threads take locks is reported as a
// potential deadlock, over every schedule explored, even where no run deadlocked.
#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "engine/lock_order.hpp"
#include "engine/model.hpp"
#include "present/run_report.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::LockOrderGraph;
using racedemo::LockOrderInversion;
using racedemo::ModelOptions;
using racedemo::ModelResult;
using racedemo::Mutex;
using racedemo::Outcome;
using racedemo::Scenario;
using racedemo::Trial;
using racedemo::TrialConfig;

// Thread t takes locks[order[t][0]] then locks[order[t][1]]; with `gated`, inside a gate lock
// that every thread takes first, so that no run can deadlock.
template <bool gated, int threads>
class OrderTrial final : public Trial {
  public:
    explicit OrderTrial(const TrialConfig&) {}
    void actor(int thread) override {
        static constexpr int order[3][2] = {{0, 1}, {1, threads == 3 ? 2 : 0}, {2, 0}};
        std::unique_lock gate(gate_, std::defer_lock);
        if (gated) gate.lock();
        std::lock_guard first(locks_[order[thread][0]]);
        std::lock_guard second(locks_[order[thread][1]]);
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex gate_{"gate"};
    Mutex locks_[3] = {Mutex{"a"}, Mutex{"b"}, Mutex{"c"}};
};

// Every thread takes a then b: one order, no cycle.
class SameOrderTrial final : public Trial {
  public:
    explicit SameOrderTrial(const TrialConfig&) {}
    void actor(int) override {
        std::lock_guard first(a_);
        std::lock_guard second(b_);
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex a_{"a"};
    Mutex b_{"b"};
};

template <class T>
ModelResult explore(int threads) {
    Scenario scenario;
    scenario.number = 900;
    scenario.name = "lock-order-test";
    scenario.unsafe = scenario.fixed = racedemo::make_trial<T>;
    ModelOptions options;
    options.strategy = racedemo::Strategy::explore;
    options.reduction = racedemo::Reduction::dpor;
    return racedemo::run_model(scenario, racedemo::Variant::unsafe, TrialConfig{threads, true},
                               options);
}

}  // namespace

TEST_CASE("opposite lock orders are an inversion, whether or not a run deadlocked") {
    const ModelResult open = explore<OrderTrial<false, 2>>(2);
    CHECK(open.schedules_deadlocked > 0);
    REQUIRE(open.lock_order_inversions.size() == 1);
    CHECK(open.lock_order_inversions[0].locks == std::vector<std::string>{"a", "b"});
    CHECK(open.lock_order_inversions[0].threads == std::vector<int>{1, 2});

    // Inside a gate no run can deadlock, and the complete search proves it; the orders still
    // form a cycle, which a change to the gate would turn into a deadlock.
    const ModelResult gated = explore<OrderTrial<true, 2>>(2);
    CHECK(gated.complete);
    CHECK(gated.schedules_deadlocked == 0);
    REQUIRE(gated.lock_order_inversions.size() == 1);
    CHECK(gated.lock_order_inversions[0].locks == std::vector<std::string>{"a", "b"});

    // How a report says it (the header's scenario is any registered one).
    const racedemo::RunHeader header{racedemo::find_scenario("counter"), racedemo::Variant::unsafe,
                                     racedemo::Mode::model, 2};
    const racedemo::ModelReport report{ModelOptions{}, gated, "racedemo ..."};
    const std::string text = racedemo::render_model(header, report, racedemo::Style(false));
    CHECK(text.find(" lock-order inversion (a potential deadlock): T1 takes a then b; T2 takes b "
                    "then a\n") != std::string::npos);
}

TEST_CASE("a cycle through three locks is found when no two locks are inverted") {
    const ModelResult result = explore<OrderTrial<true, 3>>(3);
    CHECK(result.schedules_deadlocked == 0);
    REQUIRE(result.lock_order_inversions.size() == 1);
    const LockOrderInversion& cycle = result.lock_order_inversions[0];
    CHECK(cycle.locks == std::vector<std::string>{"a", "b", "c"});
    CHECK(cycle.threads == std::vector<int>{1, 2, 3});
}

TEST_CASE("one lock order for everyone has no inversion") {
    const ModelResult result = explore<SameOrderTrial>(3);
    CHECK(result.complete);
    CHECK(result.schedules_deadlocked == 0);
    CHECK(result.lock_order_inversions.empty());
}

TEST_CASE("the lock-order graph keeps the first thread of each edge") {
    LockOrderGraph graph;
    CHECK(graph.inversions().empty());
    graph.add("x", "y", 2);
    graph.add("x", "y", 1);  // seen before: thread 2 stays
    CHECK(graph.inversions().empty());
    graph.add("y", "x", 3);
    const std::vector<LockOrderInversion> found = graph.inversions();
    REQUIRE(found.size() == 1);
    CHECK(found[0].locks == std::vector<std::string>{"x", "y"});
    CHECK(found[0].threads == std::vector<int>{2, 3});
}
